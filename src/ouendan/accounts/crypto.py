"""Secrets at rest: Fernet encryption with key rotation, and hashing of bearer secrets.

Keys come from ``OUENDAN_ENCRYPTION_KEYS`` (newest first); without it (demo and tests) a key is
derived from ``SECRET_KEY`` so a laptop install works with nothing configured.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# Every API token starts with this, so a leaked one is easy to recognise (and to scan for).
TOKEN_PREFIX = "oud_"  # noqa: S105 - a marker, not a secret


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.ENCRYPTION_KEYS)
    if not keys:
        digest = hashlib.sha256(f"ouendan-encryption:{settings.SECRET_KEY}".encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "OUENDAN_ENCRYPTION_KEYS must be comma-separated Fernet keys "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())')."
        ) from exc


@checks.register(checks.Tags.security, deploy=True)
def encryption_keys_check(**kwargs: object) -> list[checks.CheckMessage]:
    """``manage.py check --deploy``: secrets at rest should not hang on ``SECRET_KEY``."""
    if settings.ENCRYPTION_KEYS or settings.RELAXED:
        return []
    return [
        checks.Warning(
            "OUENDAN_ENCRYPTION_KEYS is not set: tokens and secrets at rest are encrypted with a "
            "key derived from SECRET_KEY, so changing SECRET_KEY makes them unreadable.",
            hint="Generate a Fernet key, set OUENDAN_ENCRYPTION_KEYS, then run "
            "`manage.py encryption_rotate` (docs/DEPLOY.md).",
            id="ouendan.W001",
        )
    ]


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("The value cannot be decrypted with the configured keys.") from exc


def reencrypt(ciphertext: str) -> str:
    """The same secret encrypted with the newest key (what rotation does to every value)."""
    try:
        return _fernet().rotate(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("The value cannot be decrypted with the configured keys.") from exc


class EncryptedTextField(models.TextField):
    """A column that holds ``encrypt()``-ed text. It stores what it is given (code encrypts and
    decrypts explicitly, so a secret is never in plain text by accident); the type marks the
    column for ``manage.py encryption_rotate``, which finds every such column itself."""


def secret_hash(secret: str) -> str:
    """SHA-256 of a high-entropy secret (tokens); enough because the secret cannot be guessed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
