"""An organization's compliance lists, compiled once for scanning (``Policy``), and what a scan
is asked (``ScanRequest``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ouendan.governance.compliance.findings import Severity
from ouendan.governance.compliance.text import fold_term
from ouendan.networks import Network

DEFAULT_DISCLOSURE_MARKERS = ("#PR", "#広告", "#プロモーション", "#社員", "#employee", "社員です")
_DIGITS = re.compile(r"\D")


def phone_key(number: str) -> str:
    """A phone number as comparable digits, in the national form (+81 3… → 03…)."""
    from ouendan.governance.compliance.text import ScanText

    digits = _DIGITS.sub("", ScanText(number).narrow)
    if number.strip().startswith(("+", "＋")) and digits.startswith("81"):
        digits = "0" + digits[2:].removeprefix("0")
    return digits


def domain_key(domain: str) -> str:
    domain = domain.strip().lower()
    if "//" in domain:
        domain = urlsplit(domain).hostname or ""
    return domain.removeprefix("*.").removeprefix(".").rstrip(".")


@dataclass(frozen=True)
class Term:
    """A term of a list: as the person wrote it, and folded for matching."""

    shown: str
    folded: str
    # An ASCII term is matched only as a whole word: "arm" is not in "farm", "#PR" not in
    # "#PRODUCT" (the check applies at an end that is a letter or digit).
    ascii_word: bool


def terms(values: tuple[str, ...] | list[str]) -> tuple[Term, ...]:
    found: dict[str, Term] = {}
    for value in values:
        folded = fold_term(value)
        if folded and folded not in found:
            found[folded] = Term(value.strip(), folded, folded.isascii())
    # Longest first: "Project Shirasagi 2" is reported rather than "Project Shirasagi" inside it.
    return tuple(sorted(found.values(), key=lambda t: -len(t.folded)))


@dataclass(frozen=True)
class Policy:
    confidential_terms: tuple[Term, ...] = ()
    blocked_terms: tuple[Term, ...] = ()
    product_names: tuple[Term, ...] = ()
    disclosure_markers: tuple[Term, ...] = field(
        default_factory=lambda: terms(DEFAULT_DISCLOSURE_MARKERS)
    )
    allowed_domains: tuple[str, ...] = ()  # empty: every domain is fine
    public_emails: frozenset[str] = frozenset()
    public_phones: frozenset[str] = frozenset()
    severities: dict[str, Severity] = field(default_factory=dict)
    # The marker added to a share that needs one: the organization's first, as written.
    disclosure_marker: str = DEFAULT_DISCLOSURE_MARKERS[0]

    @classmethod
    def build(
        cls,
        *,
        confidential_terms: list[str] = (),  # type: ignore[assignment]
        blocked_terms: list[str] = (),  # type: ignore[assignment]
        product_names: list[str] = (),  # type: ignore[assignment]
        disclosure_markers: list[str] = (),  # type: ignore[assignment]
        allowed_domains: list[str] = (),  # type: ignore[assignment]
        public_emails: list[str] = (),  # type: ignore[assignment]
        public_phones: list[str] = (),  # type: ignore[assignment]
        severities: dict[str, str] | None = None,
        own_domains: tuple[str, ...] = (),
    ) -> Policy:
        """``own_domains`` (Ouendan's own and its tracked links') are always allowed once the
        organization lists allowed domains: every shared text carries a tracked link."""
        allowed = tuple(d for d in (domain_key(d) for d in allowed_domains) if d)
        markers = [m.strip() for m in disclosure_markers if m.strip()] or list(
            DEFAULT_DISCLOSURE_MARKERS
        )
        if allowed:
            allowed = tuple(dict.fromkeys((*allowed, *(domain_key(d) for d in own_domains))))
        return cls(
            confidential_terms=terms(list(confidential_terms)),
            blocked_terms=terms(list(blocked_terms)),
            product_names=terms(list(product_names)),
            disclosure_markers=terms(markers),
            disclosure_marker=markers[0],
            allowed_domains=allowed,
            public_emails=frozenset(e.strip().lower() for e in public_emails if e.strip()),
            public_phones=frozenset(k for k in (phone_key(p) for p in public_phones) if k),
            severities={code: Severity(level) for code, level in (severities or {}).items()},
        )

    def domain_allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return not self.allowed_domains or any(
            host == domain or host.endswith("." + domain) for domain in self.allowed_domains
        )


@dataclass(frozen=True)
class ScanRequest:
    text: str
    network: Network | None = None
    promotional: bool = False
    policy: Policy = field(default_factory=Policy)
