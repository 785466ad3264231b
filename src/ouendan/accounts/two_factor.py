"""Enforce two-factor authentication where it is required (org admins, organizations that ask).

Runs right after ``ActorMiddleware``. A signed-in session that has not passed a second factor is
sent to the setup page (no confirmed device yet) or the verify page, whatever it asked for, except
for sign-out, those two pages, static files, health checks, the language switch and the API
(which checks two-factor when it hands out tokens).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from ouendan.accounts.permissions import Actor
from ouendan.accounts.services.security import totp_device_confirmed, two_factor_required
from ouendan.accounts.sessions import TWO_FACTOR_VERIFIED

_ALWAYS_OPEN_PREFIXES = ("/healthz", "/readyz", "/i18n/", "/api/")


def _open_paths() -> tuple[str, ...]:
    return (
        *_ALWAYS_OPEN_PREFIXES,
        settings.STATIC_URL,
        settings.MEDIA_URL,
        reverse("accounts:logout"),
        reverse("accounts:two_factor_setup"),
        reverse("accounts:two_factor_verify"),
    )


def session_two_factor_satisfied(request: HttpRequest) -> bool:
    """False when the signed-in person must pass a second factor this session and has not."""
    user = request.user
    if not user.is_authenticated or request.session.get(TWO_FACTOR_VERIFIED):
        return True
    actor: Actor | None = getattr(request, "actor", None)
    membership = actor.membership if actor is not None else None
    return not two_factor_required(user=user, membership=membership)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if session_two_factor_satisfied(request) or request.path.startswith(_open_paths()):
            return self.get_response(request)
        has_device = totp_device_confirmed(request.user) is not None  # type: ignore[arg-type]
        target = reverse(
            "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
        )
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            return HttpResponse(headers={"HX-Redirect": target})
        return HttpResponseRedirect(target)
