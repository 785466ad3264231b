"""The connectors' HTTP client: httpx with one deadline, JSON in and out, and the failures every
network shares turned into ``ConnectorError``.

- Timeouts and connection errors, 5xx and ``429`` are retryable; ``429`` carries when to try
  again, read from whichever header the network uses (``Retry-After`` in seconds or as a date,
  X's ``x-rate-limit-reset`` and Bluesky's ``ratelimit-reset`` in epoch seconds, Mastodon's
  ``X-RateLimit-Reset`` as an ISO 8601 time).
- ``401`` is ``AuthExpired``; other 4xx are permanent unless the connector asks to see them
  (``expect``), because only it knows what its network's error body means.
- Redirects are not followed: an API that answers with one is misconfigured or hostile.

Hosts someone typed (a Mastodon server, a Bluesky PDS) are ``guarded``: every address the name
resolves to is vetted with the same rules as link previews (``content.fetching``), and the
connection goes to the vetted address — TLS still checks the certificate against the name.
Tests reach their local fake servers through ``INTEGRATIONS_ALLOW_LOOPBACK``.
"""

from __future__ import annotations

import functools
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpcore
import httpx
from django.conf import settings

from ouendan.content.fetching import address_allowed
from ouendan.integrations.errors import AuthExpired, ConnectorError, RateLimited

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
USER_AGENT = "Ouendan/1.0 (employee advocacy; +https://github.com/ouendan)"
RETRY_AFTER_MAX = 24 * 3600.0

Describe = Callable[[int, object], str]


@dataclass(frozen=True)
class ApiResponse:
    status: int
    headers: httpx.Headers
    body: Any  # parsed JSON when the answer is JSON, else the text

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


def retry_after(headers: httpx.Headers, *, now: datetime | None = None) -> float | None:
    """Seconds until the network wants to hear from us again, from any header it uses."""
    now = now or datetime.now(UTC)
    value = headers.get("retry-after", "").strip()
    if value:
        if value.isdigit():
            return min(float(value), RETRY_AFTER_MAX)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return _until(when, now)
    for name in ("x-rate-limit-reset", "ratelimit-reset"):  # X, Bluesky: epoch seconds
        value = headers.get(name, "").strip()
        if value.isdigit():
            return _until(datetime.fromtimestamp(int(value), UTC), now)
    value = headers.get("x-ratelimit-reset", "").strip()  # Mastodon: an ISO 8601 time
    if value:
        try:
            return _until(datetime.fromisoformat(value.replace("Z", "+00:00")), now)
        except ValueError:
            return None
    return None


def _until(when: datetime, now: datetime) -> float:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - now).total_seconds(), RETRY_AFTER_MAX))


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses the SSRF rules allow, and to the one that was checked."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        allow_loopback = bool(getattr(settings, "INTEGRATIONS_ALLOW_LOOPBACK", False))
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"{host} does not resolve") from exc
        addresses = [str(info[4][0]) for info in infos]
        if not addresses or not all(
            address_allowed(address=a, allow_loopback=allow_loopback) for a in addresses
        ):
            raise _Refused(host)
        error: Exception | None = None
        for address in dict.fromkeys(addresses):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        assert error is not None
        raise error


class _Refused(httpcore.ConnectError):
    def __init__(self, host: str) -> None:
        super().__init__(f"{host} is not a public address")
        self.host = host


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every call (building one reads the CA bundle: ~45 ms)."""
    return httpx.create_ssl_context(trust_env=False)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on a connection pool whose network backend vets every address."""

    def __init__(self) -> None:  # no super().__init__(): it would build a pool to throw away
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(), network_backend=_GuardedBackend()
        )


def _client(guarded: bool) -> httpx.Client:
    transport = (
        _GuardedTransport()
        if guarded
        else httpx.HTTPTransport(verify=_ssl_context(), trust_env=False)
    )
    return httpx.Client(
        transport=transport,
        timeout=TIMEOUT,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )


class ApiClient:
    """Requests to one API root (``base_url``), each with its own connection and deadline."""

    def __init__(self, base_url: str, *, guarded: bool, describe: Describe) -> None:
        self.base_url = base_url.rstrip("/")
        self.guarded = guarded
        self.describe = describe

    def url(self, path: str) -> str:
        return path if "://" in path else f"{self.base_url}{path}"

    def request(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        form: dict[str, str] | None = None,
        content: bytes | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        bearer: str = "",
        basic: tuple[str, str] | None = None,
        expect: Iterable[int] = (),
    ) -> ApiResponse:
        """One call. Success (2xx) and the statuses in ``expect`` are returned; anything else
        raises the matching ``ConnectorError``."""
        all_headers = dict(headers or {})
        if bearer:
            all_headers["Authorization"] = f"Bearer {bearer}"
        try:
            with _client(self.guarded) as client:
                answer = client.request(
                    method,
                    self.url(path),
                    json=json,
                    data=form,
                    content=content,
                    params=params,
                    headers=all_headers,
                    auth=basic,
                )
                answer.read()
        except httpx.TimeoutException as exc:
            raise ConnectorError("the network did not answer in time", permanent=False,
                                 code="timeout") from exc  # fmt: skip
        except httpx.HTTPError as exc:
            refused = exc.__cause__  # httpx wraps the backend's error in its own
            if isinstance(refused, _Refused):
                raise ConnectorError(
                    f"{refused.host} is not a public server", permanent=True,
                    code="address_refused",
                ) from exc  # fmt: skip
            connected = not isinstance(exc, httpx.ConnectError)
            raise ConnectorError(
                f"the network could not be reached ({exc.__class__.__name__})",
                permanent=False,
                # Once connected, the request may have arrived: the outcome is unknown.
                code="interrupted" if connected else "unreachable",
            ) from exc
        response = ApiResponse(answer.status_code, answer.headers, _body(answer))
        if 200 <= response.status < 300 or response.status in set(expect):
            return response
        message = self.describe(response.status, response.body)
        if response.status == 429:
            raise RateLimited(message, retry_after=retry_after(response.headers))
        if response.status >= 500:
            raise ConnectorError(
                message,
                permanent=False,
                code="server_error",
                status=response.status,
                retry_after=retry_after(response.headers),
            )
        if response.status == 401:
            raise AuthExpired(message)
        if 300 <= response.status < 400:
            raise ConnectorError(
                f"unexpected redirect (HTTP {response.status})",
                permanent=True,
                code="redirected",
                status=response.status,
            )
        raise ConnectorError(message, permanent=True, code="refused", status=response.status)


def _body(answer: httpx.Response) -> Any:
    if not answer.content:
        return None
    if "json" in answer.headers.get("content-type", ""):
        try:
            return answer.json()
        except ValueError:
            return answer.text
    return answer.text
