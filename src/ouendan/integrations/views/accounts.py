"""Connected accounts pages: connect (Bluesky with an app password, the others through the
network's own page), see each connection's state, disconnect."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ouendan.accounts.permissions import Action
from ouendan.accounts.views.people import page_actor
from ouendan.core.errors import DomainError, NotFound
from ouendan.core.middleware import HANDOVER_SECURITY_POLICY, content_security_policy
from ouendan.integrations.models import NetworkApp
from ouendan.integrations.selectors import (
    DIRECT_NETWORKS,
    ORGANIZATION_APPS,
    accounts_mine,
    posting_settings_of,
)
from ouendan.integrations.services.accounts import (
    WARN_AHEAD,
    account_authorize_finish,
    account_authorize_start,
    account_connect_bluesky,
    account_disconnect,
    network_label,
)


def _handover_policy() -> str:
    """The connect forms hand the browser to the network (https). In demo and test mode with
    loopback allowed, the local fake networks (plain http on 127.0.0.1) too."""
    if settings.INTEGRATIONS_ALLOW_LOOPBACK:
        return content_security_policy(form_action="'self' https: http://127.0.0.1:*")
    return HANDOVER_SECURITY_POLICY


def _networks(actor: Any) -> list[dict[str, Any]]:
    accounts = {a.network: a for a in accounts_mine(actor=actor)}
    enabled = posting_settings_of(actor.organization).networks
    apps = set(
        NetworkApp.objects.filter(organization=actor.organization, instance="").values_list(
            "network", flat=True
        )
    )
    soon = timezone.now() + WARN_AHEAD
    rows = []
    for network in DIRECT_NETWORKS:
        account = accounts.get(network.value)
        lapses = account.lapses_at if account is not None else None
        rows.append(
            {
                "network": network.value,
                "label": network_label(network),
                "account": account,
                # Switched on, and (LinkedIn, X) the organization's app is set.
                "available": network.value in enabled
                and (network not in ORGANIZATION_APPS or network.value in apps),
                "switched_on": network.value in enabled,
                # Access ends within a week and cannot be renewed by itself: connect again.
                "renew": lapses is not None and lapses < soon,
            }
        )
    return rows


@login_required
@require_safe
def accounts_page(request: HttpRequest) -> HttpResponse:
    return _render_accounts(request)


def _render_accounts(
    request: HttpRequest, error: DomainError | None = None, **context: Any
) -> HttpResponse:
    actor = page_actor(request, Action.CONNECTIONS_MANAGE)
    response = render(
        request,
        "integrations/accounts.html",
        {
            "networks": _networks(actor),
            "error": error,
            "bluesky_handle": "",
            "mastodon_instance": "",
            **context,
        },
        status=400 if error else 200,
    )
    response["Content-Security-Policy"] = _handover_policy()
    return response


@login_required
@require_POST
def bluesky_connect_view(request: HttpRequest) -> HttpResponse:
    actor = page_actor(request, Action.CONNECTIONS_MANAGE)
    handle = request.POST.get("handle", "")
    try:
        account = account_connect_bluesky(
            actor=actor,
            handle=handle,
            app_password=request.POST.get("app_password", ""),
            service=request.POST.get("service", ""),
        )
    except DomainError as error:
        return _render_accounts(
            request, error, bluesky_handle=handle[:253], error_network="bluesky"
        )
    messages.success(request, _("Bluesky is connected as %(handle)s.") % {"handle": account.handle})
    return redirect("integrations:accounts")


@login_required
@require_POST
def authorize_view(request: HttpRequest, network: str) -> HttpResponse:
    actor = page_actor(request, Action.CONNECTIONS_MANAGE)
    instance = request.POST.get("instance", "")
    try:
        url = account_authorize_start(actor=actor, network=network, instance=instance)
    except DomainError as error:
        return _render_accounts(
            request, error, mastodon_instance=instance[:300], error_network=network
        )
    response = redirect(url)
    response["Content-Security-Policy"] = _handover_policy()
    return response


@login_required
@require_safe
def callback_view(request: HttpRequest, network: str) -> HttpResponse:
    """Where the network sends the person back after they granted (or refused) access."""
    actor = page_actor(request, Action.CONNECTIONS_MANAGE)
    try:
        account = account_authorize_finish(
            actor=actor,
            network=network,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error_description", "") or request.GET.get("error", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(network)s is connected as %(handle)s.")
            % {"network": network_label(network), "handle": account.handle},
        )
    return redirect("integrations:accounts")


@login_required
@require_POST
def disconnect_view(request: HttpRequest, account_id: int) -> HttpResponse:
    actor = page_actor(request, Action.CONNECTIONS_MANAGE)
    try:
        account = account_disconnect(actor=actor, account_id=account_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(network)s is disconnected; Ouendan no longer has access to %(handle)s.")
            % {"network": network_label(account.network), "handle": account.handle},
        )
    return redirect("integrations:accounts")
