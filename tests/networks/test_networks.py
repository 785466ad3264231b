"""Each network's counting, checked against its published rules (PRODUCT.md) and X's own cases."""

from __future__ import annotations

import pytest

from ouendan.networks import RULES, Network, Problem, Unit, text_measure

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one ZWJ sequence
FLAG_JP = "\U0001f1ef\U0001f1f5"
THUMBS_MEDIUM = "\U0001f44d\U0001f3fd"


@pytest.mark.parametrize(
    ("text", "length"),
    [
        # From X's conformance suite (twitter-text validate.yml).
        ("Hi http://test.co", 26),
        ("http://test.co", 23),
        ("This is a test.", 15),
        ("Test https://test.com test https://test.com test.com test", 86),
        # Japanese weighs 2 per character; Latin 1.
        ("あいうえお", 10),
        ("Hello 世界", 10),
        ("新卒採用説明会を開催します", 26),
        # An emoji sequence counts as one emoji (2), whatever it is made of.
        (FAMILY, 2),
        (FLAG_JP, 2),
        (THUMBS_MEDIUM, 2),
        ("😀😀", 4),
        # Every URL is 23, with or without a scheme, however long.
        ("見て https://example.co.jp/news/2026/11/22/a-very-long-path?utm_source=ouendan", 28),
        ("mirai.co.jp を見て", 30),
        # U+2010–U+201F (quotes, dashes) weigh 1; full-width brackets weigh 2.
        ("“テスト”", 8),
        ("「テスト」", 10),
    ],
)
def test_x_counts_like_x(text: str, length: int):
    measured = text_measure(text=text, network=Network.X)
    assert (measured.length, measured.limit, measured.unit) == (length, 280, Unit.WEIGHTED)
    assert measured.ok


def test_x_limit_is_280_weighted():
    assert text_measure(text="あ" * 140, network=Network.X).ok
    over = text_measure(text="あ" * 141, network=Network.X)
    assert (over.length, over.ok, over.problems, over.remaining) == (
        282,
        False,
        (Problem.TOO_LONG,),
        -2,
    )


@pytest.mark.parametrize("network", list(Network))
def test_empty_text_is_never_ok(network: Network):
    measured = text_measure(text="  ", network=network)
    assert not measured.ok and measured.problems[0] is Problem.EMPTY


def test_bluesky_counts_what_a_person_sees_as_one_character():
    text = f"応援しています{FAMILY}{FLAG_JP}"
    measured = text_measure(text=text, network=Network.BLUESKY)
    assert (measured.length, measured.limit, measured.unit) == (9, 300, Unit.GRAPHEMES)
    assert text_measure(text="が" * 300, network=Network.BLUESKY).ok  # が is one grapheme
    assert not text_measure(text="あ" * 301, network=Network.BLUESKY).ok


def test_mastodon_counts_graphemes_and_every_url_as_23():
    text = f"新製品 {THUMBS_MEDIUM} https://example.co.jp/products/very/long/path/indeed"
    measured = text_measure(text=text, network=Network.MASTODON)
    assert measured.length == 3 + 1 + 1 + 1 + 23
    assert (measured.limit, measured.unit) == (500, Unit.GRAPHEMES)


def test_the_character_networks_count_code_points():
    text = "採用情報はこちら https://example.co.jp/careers"
    assert text_measure(text=text, network=Network.LINKEDIN).length == len(text)
    assert text_measure(text="x" * 3000, network=Network.LINKEDIN).ok
    assert not text_measure(text="x" * 3001, network=Network.LINKEDIN).ok
    assert not text_measure(text="x" * 501, network=Network.THREADS).ok
    assert not text_measure(text="x" * 2201, network=Network.INSTAGRAM).ok


def test_instagram_allows_five_hashtags():
    five = "新製品 #みらい #製造業 #採用 #IoT #名古屋"
    assert text_measure(text=five, network=Network.INSTAGRAM).hashtags == 5
    assert text_measure(text=five, network=Network.INSTAGRAM).ok
    six = five + " ＃工場見学"
    measured = text_measure(text=six, network=Network.INSTAGRAM)
    assert measured.problems == (Problem.TOO_MANY_HASHTAGS,)


def test_networks_without_a_limit_accept_long_text():
    for network in (Network.FACEBOOK, Network.LINE):
        measured = text_measure(text="あ" * 10_000, network=network)
        assert measured.ok and measured.limit is None and measured.remaining is None


def test_every_network_of_product_md_has_rules():
    assert set(RULES) == set(Network)


def test_characters_x_refuses_are_named_and_not_confused_with_length():
    refused = text_measure(text="お知らせ \ufffe", network=Network.X)
    assert refused.problems == (Problem.INVALID_CHARACTERS,)
    too_long = text_measure(text="あ" * 141, network=Network.X)
    assert too_long.problems == (Problem.TOO_LONG,)


def test_where_a_text_stops_fitting():
    from ouendan.networks import text_fitting_length, text_surely_fits

    x = "🎉" + "あ" * 140  # 282 weighted
    assert text_fitting_length(text=x, network=Network.X) == 140
    assert text_fitting_length(text="短い", network=Network.X) == 2
    assert text_fitting_length(text="a" * 301, network=Network.BLUESKY) == 300
    assert text_fitting_length(text="x" * 9000, network=Network.FACEBOOK) == 9000
    assert text_surely_fits(text="あ" * 140, network=Network.X)
    assert not text_surely_fits(text="あ" * 141, network=Network.X)
    assert not text_surely_fits(text="a.co " * 12, network=Network.X)  # links count 23 each
