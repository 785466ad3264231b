"""Text folding for search and matching: width, case and kana do not matter.

Japanese is written without spaces between words, and the same word may be typed in full-width
or half-width letters, in hiragana or katakana, in upper or lower case. ``fold`` maps all of
those to one form (NFKC, case-folded, katakana as hiragana), so a plain substring test on
folded text finds 「採用」 in 「新卒採用説明会」, 「ロボット」 in 「ろぼっと」 and "ROS" in
"ｒｏｓ" — the same way on SQLite and PostgreSQL, with no tokenizer.
"""

from __future__ import annotations

import unicodedata

# Katakana U+30A1–U+30F6 sit exactly 0x60 above their hiragana.
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def fold(text: str) -> str:
    """``text`` in one comparable form: NFKC, case-folded, katakana as hiragana."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_KATAKANA_TO_HIRAGANA)


def fold_words(query: str) -> list[str]:
    """The folded words of a search query (split on any space, the ideographic one included)."""
    return [word for word in fold(query).split() if word]
