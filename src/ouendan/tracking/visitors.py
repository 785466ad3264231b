"""Counting visitors without keeping their addresses.

A visitor of a link on a day is the keyed hash ``BLAKE2b(key=salt of the day, address, user
agent, link)``, 16 bytes as 32 hex digits. Salts are random, one per UTC day, stored
encrypted, and deleted after 48 hours: after that, not even we can tell whether an address
ever visited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta

from django.db import IntegrityError, transaction

from ouendan.accounts.crypto import decrypt, encrypt
from ouendan.tracking.bots import AGENT_MAX
from ouendan.tracking.models import VisitorSalt

SALT_KEEP = timedelta(hours=48)


def salt_day(now: datetime) -> date:
    return now.astimezone(UTC).date()


def visitor_salt(day: date) -> bytes:
    """The day's salt, created by whoever needs it first (several processes may race)."""
    row = VisitorSalt.objects.filter(day=day).first()
    if row is None:
        try:
            with transaction.atomic():
                row = VisitorSalt.objects.create(day=day, salt=encrypt(secrets.token_hex(32)))
        except IntegrityError:
            row = VisitorSalt.objects.get(day=day)
    return bytes.fromhex(decrypt(row.salt))


def visitor_hash(salt: bytes, *, address: str, user_agent: str, link_id: int) -> str:
    message = f"{address}\n{user_agent[:AGENT_MAX]}\n{link_id}".encode()
    # Keyed BLAKE2b is a MAC made for this (and several times cheaper than HMAC-SHA256).
    return hashlib.blake2b(message, key=salt[:64], digest_size=16).hexdigest()


def visitor_salts_prune(*, now: datetime) -> int:
    """Delete the salts of days that began 48 hours ago or more (today's and yesterday's stay;
    only today's is used)."""
    deleted, _ = VisitorSalt.objects.filter(day__lte=salt_day(now - SALT_KEEP)).delete()
    return deleted
