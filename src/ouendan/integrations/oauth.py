"""OAuth 2.0 helpers shared by the connectors: state and PKCE (RFC 7636, S256)."""

from __future__ import annotations

import base64
import hashlib
import secrets


def state_new() -> str:
    return secrets.token_urlsafe(32)


def code_verifier_new() -> str:
    """43-128 characters of [A-Za-z0-9-._~]: 64 URL-safe base64 characters."""
    return secrets.token_urlsafe(48)


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
