"""The direct-posting settings page: networks (with X's billing said plainly), sharing hours,
daily cap, spread; and, for org admins, the organization's apps at LinkedIn and X."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ouendan.accounts.permissions import Action, Actor, can
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError
from ouendan.integrations.selectors import (
    DIRECT_NETWORKS,
    ORGANIZATION_APPS,
    network_apps,
    posting_settings_of,
)
from ouendan.integrations.services.accounts import callback_url, network_label
from ouendan.integrations.services.settings import (
    PostingRules,
    network_app_remove,
    network_app_set,
    posting_settings_update,
)


def _context(actor: Actor, **extra: Any) -> dict[str, Any]:
    found = posting_settings_of(actor.organization)
    apps = network_apps(actor=actor) if can(actor, Action.NETWORK_APPS_MANAGE) else None
    return {
        "rules": found,
        "networks": [(n.value, network_label(n)) for n in DIRECT_NETWORKS],
        "apps": None if apps is None else [_app_row(n.value, apps) for n in ORGANIZATION_APPS],
        **extra,
    }


def _app_row(network: str, apps: dict[str, Any]) -> dict[str, Any]:
    return {
        "network": network,
        "label": network_label(network),
        "app": apps.get(network),
        "redirect_uri": callback_url(network),
    }


@login_required
@require_safe
def settings_page(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.POSTING_MANAGE)
    return render(request, "integrations/settings.html", _context(actor))


def _time(value: str, field: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError as exc:
        raise DomainError(
            _("Enter a time such as 08:00."), fields={field: [_("Not a time.")]}
        ) from exc


def _number(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError as exc:
        raise DomainError(_("Enter a whole number."), fields={field: [_("Not a number.")]}) from exc


@login_required
@require_POST
def settings_update_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.POSTING_MANAGE)
    try:
        posting_settings_update(
            actor=actor,
            rules=PostingRules(
                networks=request.POST.getlist("networks"),
                hours_start=_time(request.POST.get("hours_start", ""), "hours_start"),
                hours_end=_time(request.POST.get("hours_end", ""), "hours_end"),
                daily_cap=_number(request.POST.get("daily_cap", ""), "daily_cap"),
                spread_minutes=_number(request.POST.get("spread_minutes", ""), "spread_minutes"),
            ),
        )
    except DomainError as error:
        return render(
            request, "integrations/settings.html", _context(actor, error=error), status=400
        )
    messages.success(request, _("Direct-posting settings saved."))
    return redirect("integrations:settings")


@login_required
@require_POST
def app_set_view(request: HttpRequest, network: str) -> HttpResponse:
    actor = page_actor(request, Action.NETWORK_APPS_MANAGE)
    try:
        network_app_set(
            actor=actor,
            network=network,
            client_id=request.POST.get("client_id", ""),
            client_secret=request.POST.get("client_secret", ""),
        )
    except DomainError as error:
        return render(
            request,
            "integrations/settings.html",
            _context(actor, app_error=error, app_error_network=network),
            status=400,
        )
    messages.success(
        request, _("The %(network)s app is saved.") % {"network": network_label(network)}
    )
    return redirect("integrations:settings")


@login_required
@require_POST
def app_remove_view(request: HttpRequest, network: str) -> HttpResponse:
    actor = page_actor(request, Action.NETWORK_APPS_MANAGE)
    closed = network_app_remove(actor=actor, network=network)
    if closed is not None:
        messages.success(
            request,
            _("The %(network)s app is removed; %(count)d connection(s) to it were closed.")
            % {"network": network_label(network), "count": closed},
        )
    return redirect("integrations:settings")
