"""One request on a tracked link: is it a human, whose click is it, and what to answer.

Shared by the ASGI redirect app (``tracking.redirect``, the production path) and the Django
view (``tracking.views.redirect``, for WSGI servers and the test server). Nothing here touches the
database: the caller looks the link up, brings the day's salt, and writes the row.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from django.template.loader import render_to_string
from django.utils import translation

from ouendan.tracking.bots import Verdict, device_class, request_verdict
from ouendan.tracking.links import LinkRecord
from ouendan.tracking.models import Click
from ouendan.tracking.visitors import visitor_hash

# The columns the redirect writes, in this order (``tracking.journal`` stores them as is).
CLICK_COLUMNS = (
    "organization_id",
    "link_id",
    "click_id",
    "at",
    "day",
    "visitor_hash",
    "bot",
    "reason",
    "is_self",
    "device",
    "referrer_host",
    "unique",
    "aggregated",
)
ClickRow = tuple[int, int, str, datetime, date, str, bool, str, bool, str, str, bool, bool]

REDIRECT_HEADERS = (
    (b"cache-control", b"no-store"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-robots-tag", b"noindex"),
)


@dataclass(slots=True)
class Visit:
    """What the request says (the address is only hashed, never kept)."""

    method: str
    address: str
    user_agent: str
    purpose: str = ""  # Sec-Purpose or Purpose
    referer: str = ""
    session_user_id: int | None = None  # the signed-in person, when the request had a session


@dataclass(slots=True)
class Captured:
    row: ClickRow
    verdict: Verdict
    click_id: str


def new_click_id(now: datetime | None = None) -> str:
    """22 URL-safe characters: the time in milliseconds (48 bits), then 80 random bits from the
    OS's CSPRNG. Unguessable, and in time order, so the index of click ids grows at its end."""
    millis = int((now or datetime.now(UTC)).timestamp() * 1000)
    raw = millis.to_bytes(6, "big") + os.urandom(10)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _referrer_host(referer: str) -> str:
    if not referer:
        return ""
    try:
        return (urlsplit(referer).hostname or "")[:253]
    except ValueError:
        return ""


def click_capture(
    visit: Visit, link: LinkRecord, *, salt: bytes, day: date, now: datetime
) -> Captured:
    """The click row for a request, with the verdict that decides the answer."""
    verdict = request_verdict(
        method=visit.method, user_agent=visit.user_agent, purpose=visit.purpose
    )
    hashed = visitor_hash(
        salt, address=visit.address, user_agent=visit.user_agent, link_id=link.link_id
    )
    is_self = not verdict.bot and (
        (visit.session_user_id is not None and visit.session_user_id == link.sharer_user_id)
        or (bool(link.sharer_visitor_hash) and hashed == link.sharer_visitor_hash)
    )
    click_id = new_click_id(now)
    row: ClickRow = (
        link.organization_id,
        link.link_id,
        click_id,
        now,
        day,
        hashed,
        verdict.bot,
        verdict.reason,
        is_self,
        Click.Device.BOT if verdict.bot else device_class(visit.user_agent),
        _referrer_host(visit.referer),
        False,
        False,
    )
    return Captured(row, verdict, click_id)


def redirect_location(link: LinkRecord, click_id: str) -> str:
    """The destination with ``oud_cid`` added (cut once, when the link was looked up)."""
    return f"{link.location_head}{click_id}{link.location_tail}"


def preview_page(link: LinkRecord) -> str:
    """What a link-preview fetcher gets: the content's Open Graph card, pointing at the tracked
    link itself (``og:url`` naming the destination would make some networks link there)."""
    return render_to_string("tracking/preview.html", {"link": link})


def not_found_page(accept_language: str) -> str:
    language = "en" if accept_language.lower().startswith("en") else "ja"
    with translation.override(language):
        return render_to_string("tracking/not_found.html", {"language": language})
