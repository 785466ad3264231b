"""What the sharing pages and API share: where a share was made from."""

from __future__ import annotations

from django.http import HttpRequest

from ouendan.core.clients import client_address
from ouendan.tracking.bots import AGENT_MAX
from ouendan.tracking.services import Sharer


def sharer_of(request: HttpRequest) -> Sharer:
    """The sharer's address and browser, only to recognise their own clicks that day (hashed
    with the day's salt; the address itself is not kept)."""
    return Sharer(
        address=client_address(
            request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", "")
        ),
        user_agent=request.headers.get("User-Agent", "")[:AGENT_MAX],
    )
