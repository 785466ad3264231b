"""Domain errors that pages and the API turn into a clear message, changing nothing."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """Bad input or a broken rule: ``code`` for machines, ``message`` (translated) for people."""

    code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.fields = fields or {}
        self.extra = extra or {}  # more for the API's error body (e.g. the scanner's findings)


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"
