"""Bluesky's rich text: links and hashtags are not found by the app from the text; the post
says where they are, as *facets* with UTF-8 byte offsets (not characters: 日本語 is 9 bytes).

https://docs.bsky.app/docs/advanced-guides/post-richtext
"""

from __future__ import annotations

from typing import Any

import regex

# A URL as people write one in a post: up to whitespace, without trailing punctuation.
_URL = regex.compile(r"https?://[^\s\u3000<>\"]+")
_TRAILING = ".,;:!?)]}'\u3001\u3002\uff01\uff1f\uff09\u300d"
# A hashtag starts the text or follows a space; letters and digits of any script.
_TAG = regex.compile(r"(?:^|(?<=\s))[#＃]([\p{L}\p{N}_]+)")
TAG_MAX = 64  # graphemes, per the lexicon (app.bsky.richtext.facet#tag)


def _byte_range(text: str, start: int, end: int) -> dict[str, int]:
    byte_start = len(text[:start].encode())
    return {"byteStart": byte_start, "byteEnd": byte_start + len(text[start:end].encode())}


def facets(text: str) -> list[dict[str, Any]]:
    """Link and tag facets of ``text``, in order."""
    found: list[tuple[int, dict[str, Any]]] = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(_TRAILING)
        start = match.start()
        found.append(
            (
                start,
                {
                    "index": _byte_range(text, start, start + len(url)),
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
                },
            )
        )
    for match in _TAG.finditer(text):
        tag = match.group(1)
        if len(regex.findall(r"\X", tag)) > TAG_MAX or tag.isdigit():
            continue
        found.append(
            (
                match.start(),
                {
                    "index": _byte_range(text, match.start(), match.end()),
                    "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
                },
            )
        )
    return [facet for _, facet in sorted(found, key=lambda pair: pair[0])]
