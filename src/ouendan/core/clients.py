"""Who sent a request: the client's address as our proxy saw it (never stored as is)."""

from __future__ import annotations

from django.conf import settings


def client_address(remote: str, forwarded_for: str = "") -> str:
    """The client's address. Behind the HTTPS proxy (``SECURE_PROXY_SSL_HEADER`` set) the
    proxy's own address is the remote one; the client is the rightmost ``X-Forwarded-For``
    entry, the one our proxy appended (entries further left are whatever the client claimed).
    """
    if settings.SECURE_PROXY_SSL_HEADER and forwarded_for.strip():
        return forwarded_for.split(",")[-1].strip()
    return remote
