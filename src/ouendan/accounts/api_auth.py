"""API authentication: bearer tokens (personal or organization) and the browser session.

Both resolve to an ``Actor`` which operations read from ``request.auth``.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from ouendan.accounts.crypto import TOKEN_PREFIX, secret_hash
from ouendan.accounts.models import ApiToken, Membership
from ouendan.accounts.permissions import Actor, actor_for_membership
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import actor_for_request
from ouendan.accounts.two_factor import session_two_factor_satisfied

LAST_USED_RESOLUTION = timedelta(minutes=5)


def request_actor(request: HttpRequest) -> Actor:
    """The ``Actor`` the auth classes below resolved for an authenticated operation."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    return actor


def actor_for_token(raw: str) -> Actor | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related(
            "organization", "membership__user", "membership__organization"
        )
        .filter(key_hash=secret_hash(raw))
        .first()
    )
    now = timezone.now()
    if token is None or not token.is_usable(now):
        return None
    scopes = frozenset(token.scopes)
    if token.kind == ApiToken.Kind.PERSONAL:
        membership = token.membership
        if membership is None or membership.status != Membership.Status.ACTIVE:
            return None
        if not membership.user.is_active:
            return None
        actor = actor_for_membership(membership, scopes=scopes)
    else:
        actor = Actor(
            organization=token.organization,
            roles=frozenset(Role(r) for r in token.roles),
            scopes=scopes,
            label=f"API token “{token.name}”",
        )
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return actor


class TokenAuth(HttpBearer):
    """``Authorization: Bearer oud_…``"""

    openapi_description = "A personal or organization API token (`oud_…`)."

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        actor = actor_for_token(token)
        if actor is not None:
            request.actor = actor  # type: ignore[attr-defined]
        return actor


class SessionAuth(APIKeyCookie):
    """The browser's session cookie (CSRF-checked on unsafe methods)."""

    param_name = "sessionid"
    openapi_description = "The signed-in browser session; unsafe methods need the CSRF token."

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        actor: Actor | None = getattr(request, "actor", None)
        if actor is None and request.user.is_authenticated:
            actor = actor_for_request(request)
        # A session that still owes its second factor may not use the API either.
        if actor is not None and not session_two_factor_satisfied(request):
            return None
        return actor
