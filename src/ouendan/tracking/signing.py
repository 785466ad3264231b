"""Signed conversion reports: ``X-Ouendan-Signature: t=<unix time>,v1=<hex>``.

``v1`` is the hex HMAC-SHA256, keyed with the organization's signing secret, of the time, a dot
and the raw request body (``f"{t}.{body}"``). A signature older or newer than five minutes is
refused, so a captured request cannot be replayed later; within the five minutes, the report's
idempotency key makes a replay harmless. Several ``v1`` values may be sent (any one matching
is enough). Nothing here reads the database.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

SIGNATURE_HEADER = "X-Ouendan-Signature"
ORGANIZATION_HEADER = "X-Ouendan-Organization"
REPLAY_WINDOW_SECONDS = 300
SECRET_PREFIX = "ouds_"  # noqa: S105 - a marker, not a secret


class SignatureError(Exception):
    """``expired`` when the time is outside the window, else the signature does not match."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "malformed", "expired" or "mismatch"


@dataclass(frozen=True)
class Signature:
    timestamp: int
    digests: tuple[str, ...]


def signature_compute(secret: str, body: bytes, timestamp: int) -> str:
    """The hex ``v1`` digest for a body sent at ``timestamp`` (Unix seconds)."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    """The whole header value, as a client sends it."""
    return f"t={timestamp},v1={signature_compute(secret, body, timestamp)}"


def signature_parse(header: str) -> Signature:
    timestamp: int | None = None
    digests: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif name == "v1" and value:
            digests.append(value.strip().lower())
    if timestamp is None or not digests:
        raise SignatureError("malformed")
    return Signature(timestamp, tuple(digests))


def signature_verify(header: str, *, body: bytes, secret: str, now: float) -> None:
    """Raise ``SignatureError`` unless the header signs ``body`` with ``secret`` within the
    replay window around ``now`` (Unix seconds)."""
    signature = signature_parse(header)
    if abs(now - signature.timestamp) > REPLAY_WINDOW_SECONDS:
        raise SignatureError("expired")
    expected = signature_compute(secret, body, signature.timestamp)
    if not any(hmac.compare_digest(expected, digest) for digest in signature.digests):
        raise SignatureError("mismatch")
