"""Views of a text that detectors search, each with a way back to the original's offsets.

``narrow`` maps full-width letters, digits and signs to their ASCII forms one character for one
(「０９０－１２３４」 → "090-1234"), so offsets in it are offsets in the original. ``folded``
also folds case and kana and drops spaces, for matching terms; it keeps, for every character it
holds, the index of the original character it came from.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property

import regex

from ouendan.core.text import fold

# Dashes people type in phone numbers and codes, all read as "-".
DASHES = frozenset("-‐‑‒–—―−－ｰー─━")


def _narrow_char(char: str) -> str:
    if char in DASHES:
        return "-"
    if char == "\u3000":
        return " "
    if ord(char) < 0xFF01:
        return char
    nfkc = unicodedata.normalize("NFKC", char)
    return nfkc if len(nfkc) == 1 else char


@dataclass(frozen=True)
class Folded:
    text: str  # folded, without spaces
    starts: tuple[int, ...]  # where, in the original, folded character i's cluster starts
    ends: tuple[int, ...]  # and ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original's offsets of folded[start:end]."""
        return self.starts[start], self.ends[end - 1]


_CLUSTER = regex.compile(r"\X")


def fold_with_origin(text: str) -> Folded:
    """Fold grapheme by grapheme (so か + U+3099 folds like が), keeping where each came from."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _CLUSTER.finditer(text):
        for out in fold(match.group()):
            if out.isspace():
                continue
            chars.append(out)
            starts.append(match.start())
            ends.append(match.end())
    return Folded("".join(chars), tuple(starts), tuple(ends))


def fold_term(term: str) -> str:
    """A term as ``Folded.text`` would hold it."""
    return "".join(char for char in fold(term) if not char.isspace())


class ScanText:
    """The text being scanned and its views, computed once and shared by the detectors."""

    def __init__(self, text: str) -> None:
        self.original = text

    @cached_property
    def narrow(self) -> str:
        return "".join(_narrow_char(char) for char in self.original)

    @cached_property
    def folded(self) -> Folded:
        return fold_with_origin(self.original)
