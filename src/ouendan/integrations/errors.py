"""How a call to a network fails: retryable or permanent, in the network's own words."""

from __future__ import annotations


class ConnectorError(Exception):
    """A call to a network failed. ``message`` is what the person is told (the network's own
    words where it gives any); ``code`` is ours, for machines."""

    code = "network_error"

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        code: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        if code:
            self.code = code
        self.status = status
        self.retry_after = retry_after


class RateLimited(ConnectorError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None, status: int = 429) -> None:
        super().__init__(message, permanent=False, status=status, retry_after=retry_after)


class AuthExpired(ConnectorError):
    """The access token was refused (expired or revoked)."""

    code = "auth_expired"

    def __init__(self, message: str, *, status: int | None = 401) -> None:
        super().__init__(message, permanent=True, status=status)


class PostRejected(ConnectorError):
    """The network will not take this post as it is (too long, duplicate, not allowed)."""

    code = "rejected"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message, permanent=True, status=status)


class CannotTell(ConnectorError):
    """Reconciliation could not find out whether a post went out (the API does not say)."""

    code = "cannot_tell"

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)
