"""API tokens: create (the raw token is returned once), revoke, list, and sign-in for a token.

A token looks like ``oud_<8-char prefix>_<secret>``; only its SHA-256 is stored. Personal tokens
act as their membership; organization tokens belong to no person and carry roles of their own.
"""

from __future__ import annotations

import dataclasses
import secrets
import zoneinfo
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ouendan.accounts import crypto
from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import ApiToken, Membership
from ouendan.accounts.permissions import Action, Actor, actor_for_membership, can, require
from ouendan.accounts.services import security
from ouendan.accounts.services.people import parse_roles
from ouendan.core.errors import DomainError, NotFound

NAME_MAX_LENGTH = 100
PREFIX_LENGTH = 8
# How long a new token may be asked to live, in days, on the pages (None: until revoked).
EXPIRY_CHOICES: tuple[int | None, ...] = (7, 30, 90, 365, None)


def _raw_token() -> tuple[str, str]:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return prefix, f"{crypto.TOKEN_PREFIX}{prefix}_{crypto.new_secret(32)}"


def _parse_scopes(scopes: Iterable[str], actor: Actor, kind: str) -> list[str]:
    wanted = set(scopes)
    unknown = wanted - set(ApiToken.Scope.values)
    if unknown or not wanted:
        raise DomainError(
            _("Choose read, write or both."),
            code="invalid_scopes",
            fields={"scopes": [_("Choose read, write or both.")]},
        )
    if ApiToken.Scope.CONVERSIONS in wanted:
        # Alone, and for the organization: a token the company's site can hold safely.
        if kind != ApiToken.Kind.ORGANIZATION or len(wanted) > 1:
            message = _(
                "“Record conversions only” is for organization tokens, without read or write."
            )
            raise DomainError(message, code="invalid_scopes", fields={"scopes": [message]})
        return [ApiToken.Scope.CONVERSIONS.value]
    if ApiToken.Scope.WRITE in wanted:
        wanted.add(ApiToken.Scope.READ)  # write without read would be useless
    if actor.scopes is not None and not wanted <= actor.scopes:
        raise DomainError(
            _("A token cannot create a token with more scopes than its own."),
            code="permission_denied",
            fields={"scopes": [_("Not allowed.")]},
        )
    return sorted(wanted)


def _parse_roles(roles: Iterable[str], actor: Actor, scopes: list[str]) -> list[str]:
    parsed = parse_roles(roles, code="invalid_roles")
    if scopes == [ApiToken.Scope.CONVERSIONS]:
        if parsed:
            message = _("A token that only records conversions takes no roles.")
            raise DomainError(message, code="invalid_roles", fields={"roles": [message]})
        return []
    if not parsed:
        raise DomainError(
            _("Give the token at least one role."),
            code="invalid_roles",
            fields={"roles": [_("Choose at least one role.")]},
        )
    # Nobody hands out roles they could not give a person.
    if not can(actor, Action.ROLES_ASSIGN) and not parsed <= actor.roles:
        raise DomainError(
            _("You can only give a token roles you hold yourself."),
            code="permission_denied",
            fields={"roles": [_("Not allowed.")]},
        )
    return sorted(parsed)


def api_token_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    scopes: Iterable[str],
    roles: Iterable[str] = (),
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; returns it with the raw secret, which is never available again."""
    if kind not in ApiToken.Kind.values:
        raise DomainError(_("Unknown kind of token."), fields={"kind": [_("Unknown.")]})
    name = name.strip()
    if not name:
        raise DomainError(_("Give the token a name."), fields={"name": [_("Required.")]})
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(
            _("The name can be at most %(max)d characters.") % {"max": NAME_MAX_LENGTH},
            fields={"name": [_("Too long.")]},
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(
            _("The expiry date must be in the future."),
            fields={"expires_at": [_("Must be in the future.")]},
        )
    role_list: list[str] = []
    if kind == ApiToken.Kind.PERSONAL:
        require(actor, Action.TOKENS_PERSONAL)
        if actor.membership is None:
            raise DomainError(
                _("Only a person can have personal tokens."), code="permission_denied"
            )
        if list(roles):
            raise DomainError(
                _("Personal tokens act with their owner's roles; they take no roles of their own."),
                fields={"roles": [_("Not allowed here.")]},
            )
    else:
        require(actor, Action.TOKENS_ORGANIZATION)
    scope_list = _parse_scopes(scopes, actor, kind)
    if kind == ApiToken.Kind.ORGANIZATION:
        role_list = _parse_roles(roles, actor, scope_list)
    prefix, raw = _raw_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            organization=actor.organization,
            kind=kind,
            membership=actor.membership if kind == ApiToken.Kind.PERSONAL else None,
            name=name,
            prefix=prefix,
            key_hash=crypto.secret_hash(raw),
            scopes=scope_list,
            roles=role_list,
            created_by=actor.membership,
            expires_at=expires_at,
        )
        audit_record(
            actor=actor,
            action="api_token.created",
            target=token,
            data={
                "kind": kind,
                "name": name,
                "prefix": prefix,
                "scopes": scope_list,
                "roles": role_list,
                "expires_at": expires_at,
            },
        )
    return token, raw


def _require_to_list(actor: Actor, action: Action) -> None:
    """Listing tokens only reads (no secrets are shown), so any token scope may do it; the
    tokens actions themselves count as writes in the matrix because they create and revoke."""
    require(dataclasses.replace(actor, scopes=None), action)


def _tokens_of(actor: Actor, kind: str) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.filter(
        organization=actor.organization, kind=kind, revoked_at__isnull=True
    ).select_related("created_by", "membership")
    if kind == ApiToken.Kind.PERSONAL:
        _require_to_list(actor, Action.TOKENS_PERSONAL)
        if actor.membership is None:
            return tokens.none()
        return tokens.filter(membership=actor.membership)
    _require_to_list(actor, Action.TOKENS_ORGANIZATION)
    return tokens


def api_tokens_personal_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens that were not revoked (expired ones too), newest first."""
    return _tokens_of(actor, ApiToken.Kind.PERSONAL).order_by("-created_at", "-pk")


def api_tokens_organization_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """The organization's tokens that were not revoked, newest first."""
    return _tokens_of(actor, ApiToken.Kind.ORGANIZATION).order_by("-created_at", "-pk")


def api_token_revoke(*, actor: Actor, token_id: int, kind: str | None = None) -> ApiToken:
    """Revoke one of the actor's own tokens, or (for admins) an organization token.

    Another person's or another organization's token is simply not found. Revoking twice is
    harmless.
    """
    token = ApiToken.objects.filter(organization=actor.organization, pk=token_id).first()
    if token is None or (kind is not None and token.kind != kind):
        raise NotFound(_("That token does not exist."))
    if token.kind == ApiToken.Kind.PERSONAL:
        require(actor, Action.TOKENS_PERSONAL)
        if actor.membership is None or token.membership_id != actor.membership.pk:
            raise NotFound(_("That token does not exist."))
    else:
        require(actor, Action.TOKENS_ORGANIZATION)
    with transaction.atomic():
        now = timezone.now()
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if revoked:
            token.revoked_at = now
            audit_record(
                actor=actor,
                action="api_token.revoked",
                target=token,
                data={"kind": token.kind, "name": token.name, "prefix": token.prefix},
            )
    return token


def _membership_for_sign_in(user_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("organization", "user")
        .prefetch_related("role_grants")
        .filter(user_id=user_id, status=Membership.Status.ACTIVE)
        .order_by("organization__name", "pk")
        .first()
    )
    if membership is None:
        raise DomainError(
            _("This account is not an active member of any organization."),
            code="no_membership",
        )
    return membership


def api_token_sign_in(
    *, email: str, password: str, otp: str | None, client: str
) -> tuple[ApiToken, str]:
    """``POST /auth/token``: check the credentials (and second factor) like the sign-in page, then
    create a read-write personal token that expires after ``API_TOKEN_TTL_DAYS``.

    The token is for the person's first organization (by name). Errors carry the codes
    ``throttled``, ``invalid_credentials``, ``no_membership``, ``otp_required``, ``invalid_otp``
    and ``two_factor_setup_required``.
    """
    user = security.sign_in_attempt(email=email, password=password, client=client)
    membership = _membership_for_sign_in(user.pk)
    device = security.totp_device_confirmed(user)
    method = "api"
    if device is not None:
        # Whoever turned two-factor on expects it everywhere, required or not.
        if not otp:
            raise DomainError(
                _("Send the current code from your authenticator app as “otp”."),
                code="otp_required",
                fields={"otp": [_("Required.")]},
            )
        method = f"api+{security.second_factor_verify(user=user, code=otp, client=client)}"
    elif security.two_factor_required(user=user, membership=membership):
        raise DomainError(
            _("Set up two-factor authentication on the website before using the API."),
            code="two_factor_setup_required",
        )
    now = timezone.now()
    zone = zoneinfo.ZoneInfo(membership.organization.time_zone)
    actor = actor_for_membership(membership)
    with transaction.atomic():
        token, raw = api_token_create(
            actor=actor,
            kind=ApiToken.Kind.PERSONAL,
            name=_("API sign-in %(date)s")
            % {"date": date_format(now.astimezone(zone), "Y-m-d H:i")},
            scopes=[ApiToken.Scope.READ, ApiToken.Scope.WRITE],
            expires_at=now + timedelta(days=settings.API_TOKEN_TTL_DAYS),
        )
        security.sign_in_complete(user=user, method=method, client=client)
    return token, raw
