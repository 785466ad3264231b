"""``/r/<code>`` through Django, for servers that do not run ``tracking.redirect`` in front
(WSGI, ``runserver``, the test server). Same decisions, one click written per request."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ouendan.core.clients import client_address
from ouendan.tracking.capture import (
    REDIRECT_HEADERS,
    Visit,
    click_capture,
    not_found_page,
    preview_page,
    redirect_location,
)
from ouendan.tracking.journal import clicks_insert
from ouendan.tracking.links import code_valid, link_record_load
from ouendan.tracking.visitors import salt_day, visitor_salt


def _headers(response: HttpResponse) -> HttpResponse:
    for name, value in REDIRECT_HEADERS:
        response[name.decode()] = value.decode()
    return response


@require_http_methods(["GET", "HEAD"])
def tracked_link_redirect(request: HttpRequest, code: str) -> HttpResponse:
    link = link_record_load(code) if code_valid(code) else None
    if link is None:
        page = not_found_page(request.headers.get("Accept-Language", ""))
        response = HttpResponse(page, status=404)
        response["Cache-Control"] = "no-store"
        return response
    now = timezone.now()
    day = salt_day(now)
    user = getattr(request, "user", None)
    visit = Visit(
        method=request.method or "GET",
        address=client_address(
            request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", "")
        ),
        user_agent=request.headers.get("User-Agent", ""),
        purpose=request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", ""),
        referer=request.headers.get("Referer", ""),
        session_user_id=user.pk if user is not None and user.is_authenticated else None,
    )
    captured = click_capture(visit, link, salt=visitor_salt(day), day=day, now=now)
    clicks_insert([captured.row])
    if captured.verdict.preview:
        return _headers(HttpResponse(preview_page(link)))
    return _headers(HttpResponseRedirect(redirect_location(link, captured.click_id)))
