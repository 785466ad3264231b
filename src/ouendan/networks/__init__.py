"""Each network's text rules: its limit and how it counts (the one place that knows).

A ground-floor package (it imports nothing of ours): the content library measures suggested
texts with it, governance checks lengths with it, sharing builds posts with it.

X counts with twitter-text's v3 weighting (``twitter-text-parser``, a port of X's own library that
runs X's conformance cases): code points in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and
U+2032–U+2037 weigh 1, everything else (kana, kanji, emoji) 2, an emoji sequence counts as one
emoji, and every URL counts 23. Bluesky and Mastodon count grapheme clusters (what a person sees
as one character), Mastodon with every URL as 23. The others count code points.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import regex
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from twitter_text import parse_tweet
from twitter_text.extract_urls import extract_urls_with_indices

URL_LENGTH = 23  # what X and Mastodon count for any URL, however long
_GRAPHEME = regex.compile(r"\X")
_HASHTAG = regex.compile(r"(?:^|(?<=\s))[#＃][\p{L}\p{N}_]+")


class Network(enum.StrEnum):
    X = "x"
    LINKEDIN = "linkedin"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    THREADS = "threads"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"
    LINE = "line"


class Unit(enum.StrEnum):
    WEIGHTED = "weighted"  # X's weighted count
    GRAPHEMES = "graphemes"
    CHARACTERS = "characters"  # Unicode code points


@dataclass(frozen=True)
class NetworkRules:
    network: Network
    label: str | Promise
    unit: Unit
    limit: int | None  # None: the network sets no limit we can check
    urls_count: int | None = None  # every URL counts this many, where the network says so
    hashtag_limit: int | None = None
    # Whether the shared post carries the link inside its text (Facebook takes only the URL,
    # Instagram captions have no clickable links), so a text's measure must include the link.
    link_in_text: bool = True


RULES: dict[Network, NetworkRules] = {
    Network.X: NetworkRules(Network.X, "X", Unit.WEIGHTED, 280, urls_count=URL_LENGTH),
    Network.LINKEDIN: NetworkRules(Network.LINKEDIN, "LinkedIn", Unit.CHARACTERS, 3000),
    Network.FACEBOOK: NetworkRules(
        Network.FACEBOOK, "Facebook", Unit.CHARACTERS, None, link_in_text=False
    ),
    Network.INSTAGRAM: NetworkRules(
        Network.INSTAGRAM, "Instagram", Unit.CHARACTERS, 2200, hashtag_limit=5, link_in_text=False
    ),
    Network.THREADS: NetworkRules(Network.THREADS, "Threads", Unit.CHARACTERS, 500),
    Network.BLUESKY: NetworkRules(Network.BLUESKY, "Bluesky", Unit.GRAPHEMES, 300),
    Network.MASTODON: NetworkRules(
        Network.MASTODON, "Mastodon", Unit.GRAPHEMES, 500, urls_count=URL_LENGTH
    ),
    Network.LINE: NetworkRules(Network.LINE, "LINE", Unit.CHARACTERS, None),
}


class Problem(enum.StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    TOO_MANY_HASHTAGS = "too_many_hashtags"
    INVALID_CHARACTERS = "invalid_characters"


PROBLEM_MESSAGES: dict[Problem, str | Promise] = {
    Problem.EMPTY: _("Write something first."),
    Problem.TOO_LONG: _("Too long for this network: shorten the text."),
    Problem.TOO_MANY_HASHTAGS: _("Too many hashtags for this network."),
    Problem.INVALID_CHARACTERS: _("The text contains characters this network refuses."),
}


@dataclass(frozen=True)
class Measurement:
    network: Network
    length: int
    limit: int | None
    unit: Unit
    hashtags: int
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else self.limit - self.length


def _graphemes(text: str) -> int:
    return len(_GRAPHEME.findall(text))


def _with_urls_as(text: str, length: int) -> tuple[str, int]:
    """The text without its URLs, and how much the URLs count together."""
    urls = extract_urls_with_indices(text)
    kept, cursor = [], 0
    for url in urls:
        start, end = url["indices"]
        kept.append(text[cursor:start])
        cursor = end
    kept.append(text[cursor:])
    return "".join(kept), length * len(urls)


def text_measure(*, text: str, network: Network) -> Measurement:
    """How long ``text`` is on ``network``, by that network's own counting, and what is wrong."""
    rules = RULES[network]
    problems: list[Problem] = []
    if rules.unit is Unit.WEIGHTED:
        parsed = parse_tweet(text)
        length = parsed.weightedLength
        # twitter-text calls a text invalid when it is empty, too long, or holds characters X
        # refuses; the first two have their own problem below, so only the third is added here.
        too_long = rules.limit is not None and length > rules.limit
        if text and not parsed.valid and not too_long:
            problems.append(Problem.INVALID_CHARACTERS)
    else:
        counted, url_length = (
            _with_urls_as(text, rules.urls_count) if rules.urls_count else (text, 0)
        )
        length = url_length + (
            _graphemes(counted) if rules.unit is Unit.GRAPHEMES else len(counted)
        )
    hashtags = len(_HASHTAG.findall(text))
    if not text.strip():
        problems.insert(0, Problem.EMPTY)
    if rules.limit is not None and length > rules.limit:
        problems.append(Problem.TOO_LONG)
    if rules.hashtag_limit is not None and hashtags > rules.hashtag_limit:
        problems.append(Problem.TOO_MANY_HASHTAGS)
    return Measurement(network, length, rules.limit, rules.unit, hashtags, tuple(problems))


def text_fitting_length(*, text: str, network: Network) -> int:
    """How many characters (code points) of ``text`` fit ``network``'s limit: where a text
    that is too long stops fitting. The whole length when it fits or the network sets none."""
    rules = RULES[network]
    if rules.limit is None:
        return len(text)
    if rules.unit is Unit.WEIGHTED:
        parsed = parse_tweet(text)
        return len(text) if parsed.weightedLength <= rules.limit else parsed.validRangeEnd
    low, high = 0, len(text)
    while low < high:  # the longest prefix within the limit
        middle = (low + high + 1) // 2
        if text_measure(text=text[:middle], network=network).length <= rules.limit:
            low = middle
        else:
            high = middle - 1
    return low


def text_surely_fits(*, text: str, network: Network) -> bool:
    """A cheap bound, no parsing: True only when the text cannot be too long (every code point
    weighs at most 2, and a URL — which holds a dot — at most 23)."""
    rules = RULES[network]
    if rules.limit is None:
        return True
    weight = 2 if rules.unit is Unit.WEIGHTED else 1
    urls = text.count(".") * (rules.urls_count or 0)
    return weight * len(text) + urls <= rules.limit
