"""What connectors make of a post's text, without a network: Bluesky's facets and record keys,
LinkedIn's little text."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from ouendan.integrations.bluesky.connector import record_key
from ouendan.integrations.bluesky.richtext import facets
from ouendan.integrations.linkedin import little_text

URL = "https://go.example.jp/r/Ab3dEf9h"


def _spans(text: str) -> list[tuple[str, str]]:
    """Each facet as (the bytes it covers, decoded; what it says)."""
    encoded = text.encode()
    out = []
    for facet in facets(text):
        index = facet["index"]
        (feature,) = facet["features"]
        said = feature.get("uri") or "#" + feature["tag"]
        out.append((encoded[index["byteStart"] : index["byteEnd"]].decode(), said))
    return out


# --- Bluesky facets ------------------------------------------------------------------------------


def test_link_facet_counts_utf8_bytes_not_characters() -> None:
    text = f"日本語🎉 {URL} です"

    (facet,) = facets(text)

    start = len("日本語🎉 ".encode())  # 9 + 4 + 1 bytes, 5 characters
    assert start == 14
    assert facet == {
        "index": {"byteStart": 14, "byteEnd": 14 + len(URL)},
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": URL}],
    }


@pytest.mark.parametrize(
    "after", ["。", "、", ".", ",", "!", "?", ")", "」", "！", "？", "）", "。。"]
)
def test_trailing_punctuation_is_not_part_of_the_link(after: str) -> None:
    text = f"詳しくは {URL}{after}"

    assert _spans(text) == [(URL, URL)]


@pytest.mark.parametrize("stop", [" ", "\u3000", "\n", "<", '"'])
def test_a_link_ends_at_a_space_or_markup(stop: str) -> None:
    assert _spans(f"{URL}{stop}次へ") == [(URL, URL)]


def test_hashtags_in_any_script() -> None:
    text = f"#社員 の紹介 {URL} #PR ＃広報部 #mirai_2026"

    assert _spans(text) == [
        ("#社員", "#社員"),
        (URL, URL),
        ("#PR", "#PR"),
        ("＃広報部", "#広報部"),
        ("#mirai_2026", "#mirai_2026"),
    ]


def test_what_is_not_a_hashtag() -> None:
    assert facets("文中の#社員 は続き") == []  # no space before it
    assert facets("C#とF#") == []
    assert facets("第 #2026 回") == []  # digits only
    assert facets("#" + "長" * 65) == []  # over 64 graphemes


def test_a_hashtag_stops_at_punctuation() -> None:
    assert _spans("今日は #社員。明日は #PR、") == [("#社員", "#社員"), ("#PR", "#PR")]


def test_facets_come_in_text_order() -> None:
    text = f"#最初 {URL} #次 https://example.com/b"
    starts = [f["index"]["byteStart"] for f in facets(text)]

    assert starts == sorted(starts)
    assert len(starts) == 4


def test_no_facets_in_plain_text() -> None:
    assert facets("新製品のご案内です。") == []


# --- Bluesky record keys -------------------------------------------------------------------------

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
WHEN = datetime(2026, 4, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _decode(tid: str) -> int:
    value = 0
    for char in tid:
        value = value * 32 + ALPHABET.index(char)
    return value


def test_record_key_is_a_tid() -> None:
    rkey = record_key("share-1:bluesky", WHEN)

    assert len(rkey) == 13
    assert set(rkey) <= set(ALPHABET)
    assert rkey[0] in "234567abcdefghij"  # the top bit is 0


def test_record_key_is_made_of_the_time_and_our_key() -> None:
    value = _decode(record_key("share-1:bluesky", WHEN))

    assert value >> 10 == int(WHEN.timestamp()) * 1_000_000 + WHEN.microsecond
    clock = int.from_bytes(hashlib.sha256(b"share-1:bluesky").digest()[:2], "big") & 0x3FF
    assert value & 0x3FF == clock


def test_record_key_is_the_same_on_every_attempt() -> None:
    assert record_key("share-1:bluesky", WHEN) == record_key("share-1:bluesky", WHEN)


def test_record_keys_of_different_posts_differ() -> None:
    keys = {record_key(f"share-{n}:bluesky", WHEN) for n in range(20)}

    assert len(keys) > 15  # a 10-bit clock id: a rare clash at the same microsecond


def test_record_keys_sort_by_time() -> None:
    earlier = record_key("share-1:bluesky", WHEN)
    later = record_key("share-1:bluesky", WHEN + timedelta(microseconds=1))

    assert earlier < later


# --- LinkedIn little text ------------------------------------------------------------------------


def test_reserved_characters_are_escaped() -> None:
    assert little_text("a\\b|c{d}e@f[g]h(i)j<k>l*m_n~o") == (
        "a\\\\b\\|c\\{d\\}e\\@f\\[g\\]h\\(i\\)j\\<k\\>l\\*m\\_n\\~o"
    )


def test_hashtags_become_hashtag_templates() -> None:
    assert little_text("#PR") == "{hashtag|\\#|PR}"
    assert little_text("新製品 #PR ＃社員") == "新製品 {hashtag|\\#|PR} {hashtag|\\#|社員}"
    assert little_text("#a_b") == "{hashtag|\\#|a\\_b}"


def test_a_hash_inside_a_word_is_escaped() -> None:
    assert little_text("C#とF#") == "C\\#とF\\#"


def test_urls_are_left_as_they_are() -> None:
    url = "https://example.com/a_b?x=(1)#frag"

    assert little_text(f"見て {url} (です)") == f"見て {url} \\(です\\)"


def test_plain_japanese_is_unchanged() -> None:
    assert little_text("新製品「みらい」を発表しました。") == "新製品「みらい」を発表しました。"


@pytest.mark.parametrize("after", ["、よろしく", "。"])
def test_a_hashtag_template_stops_at_punctuation(after: str) -> None:
    assert little_text(f"#社員{after}") == "{hashtag|\\#|社員}" + after
