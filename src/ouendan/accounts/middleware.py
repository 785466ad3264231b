"""Attach ``request.actor``: the signed-in person's active membership in their organization."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from ouendan.accounts.permissions import Actor
from ouendan.accounts.selectors import actor_for_request


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor: Actor | None = actor_for_request(request)
        request.actor = actor  # type: ignore[attr-defined]
        if not request.user.is_authenticated:
            return self.get_response(request)
        if actor is not None:
            timezone.activate(actor.organization.time_zone)
        if not request.COOKIES.get("ouendan_language"):
            # Without an explicit choice, the person's own language, then the organization's.
            language = getattr(request.user, "language", "") or (
                actor.organization.locale if actor else ""
            )
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
