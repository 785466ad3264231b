"""What the scanner answers: findings with a code, a severity and offsets, and a verdict."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.StrEnum):
    BLOCK = "block"
    WARN = "warn"
    INFO = "info"


class Verdict(enum.StrEnum):
    BLOCK = "block"
    WARN = "warn"
    PASS = "pass"  # noqa: S105 (a verdict, not a password)


@dataclass(frozen=True)
class Finding:
    code: str  # "pii.email", …
    severity: Severity
    start: int  # offsets in the original text, in characters (code points)
    end: int
    message: str  # for a person, in their language
    excerpt: str = ""  # the text found (empty when the finding is about the whole text)


@dataclass(frozen=True)
class ScanResult:
    findings: tuple[Finding, ...] = field(default=())

    @property
    def verdict(self) -> Verdict:
        severities = {finding.severity for finding in self.findings}
        if Severity.BLOCK in severities:
            return Verdict.BLOCK
        if Severity.WARN in severities:
            return Verdict.WARN
        return Verdict.PASS
