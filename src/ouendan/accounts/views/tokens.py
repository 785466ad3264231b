"""Pages for API tokens: my personal tokens, the organization's tokens, revoking either.

A new token's secret is shown once: kept encrypted in the session across the redirect after
creation and dropped as soon as the page has shown it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ouendan.accounts.crypto import TOKEN_PREFIX
from ouendan.accounts.models import ApiToken
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.accounts.roles import Role
from ouendan.accounts.services import tokens as token_service
from ouendan.accounts.views.auth import ServiceForm, reveal_once_pop, reveal_once_store
from ouendan.core.errors import DomainError, NotFound

_TOKEN_REVEAL = "ouendan_api_token_reveal"  # noqa: S105 - a session key name
_NEVER = "never"


def _expiry_choices() -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = []
    for days in token_service.EXPIRY_CHOICES:
        if days is None:
            choices.append((_NEVER, gettext_lazy("Never (until revoked)")))
        else:
            label = ngettext_lazy("%(days)d day", "%(days)d days", "days") % {"days": days}
            choices.append((str(days), label))
    return choices


class TokenForm(ServiceForm):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=token_service.NAME_MAX_LENGTH,
        help_text=gettext_lazy("What the token is for, e.g. “Weekly report script”."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Access"),
        # Personal tokens: read and write (the conversions scope is for organization tokens).
        choices=[
            (ApiToken.Scope.READ, ApiToken.Scope.READ.label),
            (ApiToken.Scope.WRITE, ApiToken.Scope.WRITE.label),
        ],
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiToken.Scope.READ],
        help_text=gettext_lazy("Read lets the token look; write also lets it change things."),
    )
    expires = forms.ChoiceField(label=gettext_lazy("Expires after"), choices=())

    def __init__(self, *args: Any, default_expiry: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        expires = self.fields["expires"]
        assert isinstance(expires, forms.ChoiceField)
        expires.choices = _expiry_choices()
        expires.initial = default_expiry

    def expires_at(self) -> Any:
        value = self.cleaned_data["expires"]
        return None if value == _NEVER else timezone.now() + timedelta(days=int(value))


class OrganizationTokenForm(TokenForm):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # none for a token that only records conversions (the service checks)
        help_text=gettext_lazy(
            "The token may do what a person with these roles may do, within its access. "
            "Leave empty for a token that only records conversions."
        ),
    )
    field_order = ["name", "roles", "scopes", "expires"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = self.fields["scopes"]
        assert isinstance(scopes, forms.MultipleChoiceField)
        scopes.choices = ApiToken.Scope.choices
        scopes.help_text = gettext_lazy(
            "Read lets the token look; write also lets it change things. “Record conversions "
            "only”, alone and without roles, is for your company's site reporting applications "
            "and other conversions."
        )


def _actor(request: HttpRequest) -> Actor:
    actor: Actor | None = getattr(request, "actor", None)
    if actor is None:
        raise PermissionDenied
    return actor


def _page(request: HttpRequest, *, kind: str) -> HttpResponse:
    actor = _actor(request)
    personal = kind == ApiToken.Kind.PERSONAL
    require(actor, Action.TOKENS_PERSONAL if personal else Action.TOKENS_ORGANIZATION)
    form_class = TokenForm if personal else OrganizationTokenForm
    form = form_class(request.POST or None, default_expiry="90" if personal else _NEVER)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = token_service.api_token_create(
                actor=actor,
                kind=kind,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                roles=form.cleaned_data.get("roles", ()),
                expires_at=form.expires_at(),
            )
        except DomainError as exc:
            form.apply(exc)
        else:
            reveal_once_store(request, _TOKEN_REVEAL, {"id": token.pk, "raw": raw})
            messages.success(request, _("The token “%(name)s” was created.") % {"name": token.name})
            return redirect("accounts:tokens" if personal else "accounts:org_tokens")
    listing = (
        token_service.api_tokens_personal_list(actor=actor)
        if personal
        else token_service.api_tokens_organization_list(actor=actor)
    )
    rows = list(listing)
    for token in rows:
        token.role_labels = [Role(role).label for role in token.roles]  # type: ignore[attr-defined]
    revealed = reveal_once_pop(request, _TOKEN_REVEAL) if request.method == "GET" else None
    return render(
        request,
        "accounts/tokens/tokens.html",
        {
            "personal": personal,
            "form": form,
            "tokens": rows,
            "revealed": revealed,
            "token_prefix": TOKEN_PREFIX,
            "now": timezone.now(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def personal_tokens(request: HttpRequest) -> HttpResponse:
    return _page(request, kind=ApiToken.Kind.PERSONAL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def organization_tokens(request: HttpRequest) -> HttpResponse:
    return _page(request, kind=ApiToken.Kind.ORGANIZATION)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = token_service.api_token_revoke(actor=_actor(request), token_id=token_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(
        request, _("The token “%(name)s” was revoked; it no longer works.") % {"name": token.name}
    )
    if token.kind == ApiToken.Kind.ORGANIZATION:
        return redirect("accounts:org_tokens")
    return redirect("accounts:tokens")
