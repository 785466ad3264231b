"""The organization's own lists: confidential terms and code names, blocked words, and the
disclosure a promotional post needs.

Terms are matched on the folded text (width, case, hiragana/katakana and spacing do not matter:
「白鷺 ぷろじぇくと」 is 「白鷺プロジェクト」, "PROJECT shirasagi" is "Project Shirasagi"). An
ASCII term is matched as a whole word only ("arm" is not found in "farm").
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from ouendan.governance.compliance.findings import Severity
from ouendan.governance.compliance.policy import ScanRequest, Term
from ouendan.governance.compliance.rules.base import (
    Hit,
    followed_by_word_char,
    preceded_by_word_char,
)
from ouendan.governance.compliance.text import ScanText


def find_terms(text: ScanText, terms: tuple[Term, ...]) -> Iterator[tuple[int, int, Term]]:
    """Each place a term occurs, as offsets in the original; longer terms win overlaps."""
    folded = text.folded
    taken: list[tuple[int, int]] = []
    for term in terms:
        at = folded.text.find(term.folded)
        while at != -1:
            start, end = folded.span(at, at + len(term.folded))
            whole_word = not term.ascii_word or not (
                (term.folded[0].isalnum() and preceded_by_word_char(text.original, start))
                or (term.folded[-1].isalnum() and followed_by_word_char(text.original, end))
            )
            if whole_word and not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                yield start, end, term
            at = folded.text.find(term.folded, at + 1)


class ConfidentialTermRule:
    code = "confidential.term"
    default = Severity.BLOCK

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]:
        for start, end, term in find_terms(text, request.policy.confidential_terms):
            yield Hit(
                start,
                end,
                _(
                    "“%(term)s” is one of the company's confidential terms or code names: it must "
                    "not leave the company. Remove it."
                )
                % {"term": term.shown},
            )


class BlockedTermRule:
    code = "blocked.term"
    default = Severity.BLOCK

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]:
        for start, end, term in find_terms(text, request.policy.blocked_terms):
            yield Hit(
                start,
                end,
                _("“%(term)s” is on the company's list of words not to post. Remove it.")
                % {"term": term.shown},
            )


class DisclosureRule:
    """A promotional post (the content is promotional, or the text names one of the company's
    products) must say the writer works for the company (Japan's ステマ告示, the FTC's
    Endorsement Guides)."""

    code = "disclosure.missing"
    default = Severity.BLOCK

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]:
        policy = request.policy
        if next(find_terms(text, policy.disclosure_markers), None) is not None:
            return
        markers = "、".join(term.shown for term in policy.disclosure_markers[:4])
        if request.promotional:
            yield Hit(
                0,
                len(text.original),
                _(
                    "This post promotes the company's product or service, so it must say that "
                    "you work for the company (stealth-marketing rules): add one of %(markers)s."
                )
                % {"markers": markers},
            )
            return
        for start, end, term in find_terms(text, policy.product_names):
            yield Hit(
                start,
                end,
                _(
                    "“%(product)s” is one of the company's products: a post about it must say "
                    "that you work for the company (stealth-marketing rules). Add one of "
                    "%(markers)s."
                )
                % {"product": term.shown, "markers": markers},
            )
            return


def disclosure_needed(request: ScanRequest) -> bool:
    """Whether the text must carry a disclosure marker and has none (what the rule reports)."""
    text = ScanText(request.text)
    policy = request.policy
    if next(find_terms(text, policy.disclosure_markers), None) is not None:
        return False
    return request.promotional or next(find_terms(text, policy.product_names), None) is not None
