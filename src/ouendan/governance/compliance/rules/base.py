"""What every detector is: a code, a default severity, and ``find`` yielding hits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from ouendan.governance.compliance.findings import Severity
from ouendan.governance.compliance.policy import ScanRequest
from ouendan.governance.compliance.text import ScanText


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    message: str  # why it matters and what to do, for a person who is not a lawyer


class Rule(Protocol):
    code: str
    default: Severity

    def find(self, text: ScanText, request: ScanRequest) -> Iterator[Hit]: ...


def followed_by_word_char(text: str, end: int) -> bool:
    return end < len(text) and (text[end].isascii() and text[end].isalnum())


def preceded_by_word_char(text: str, start: int) -> bool:
    return start > 0 and (text[start - 1].isascii() and text[start - 1].isalnum())
