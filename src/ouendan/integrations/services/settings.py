"""An organization's direct-posting rules and its OAuth clients at LinkedIn and X."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.db import transaction
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.crypto import encrypt
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import DomainError
from ouendan.integrations.models import ConnectedAccount, NetworkApp, PostingSettings
from ouendan.integrations.selectors import DIRECT_NETWORKS, ORGANIZATION_APPS, posting_settings_of
from ouendan.integrations.services.accounts import account_close

CAP_MAX = 50
SPREAD_MAX = 24 * 60


@dataclass(frozen=True)
class PostingRules:
    networks: list[str]
    hours_start: time
    hours_end: time
    daily_cap: int
    spread_minutes: int


def posting_settings_update(*, actor: Actor, rules: PostingRules) -> PostingSettings:
    require(actor, Action.POSTING_MANAGE)
    fields: dict[str, list[str]] = {}
    unknown = [n for n in rules.networks if n not in DIRECT_NETWORKS]
    if unknown:
        fields["networks"] = [_("Not a network that can be posted to: %s") % ", ".join(unknown)]
    if rules.hours_start >= rules.hours_end:
        fields["hours_end"] = [_("The end must come after the start.")]
    if not 1 <= rules.daily_cap <= CAP_MAX:
        fields["daily_cap"] = [_("Enter a number from 1 to %(max)d.") % {"max": CAP_MAX}]
    if not 0 <= rules.spread_minutes <= SPREAD_MAX:
        fields["spread_minutes"] = [_("Enter a number from 0 to %(max)d.") % {"max": SPREAD_MAX}]
    if fields:
        raise DomainError(_("Check the highlighted settings."), fields=fields)
    with transaction.atomic():
        found = posting_settings_of(actor.organization)
        before = {"networks": list(found.networks), "daily_cap": found.daily_cap}
        found.networks = [n for n in DIRECT_NETWORKS if n in rules.networks]
        found.hours_start, found.hours_end = rules.hours_start, rules.hours_end
        found.daily_cap, found.spread_minutes = rules.daily_cap, rules.spread_minutes
        found.save()
        audit_record(
            actor=actor,
            action="posting.settings_updated",
            target=found,
            data={
                "before": before,
                "networks": found.networks,
                "hours": f"{found.hours_start:%H:%M}-{found.hours_end:%H:%M}",
                "daily_cap": found.daily_cap,
                "spread_minutes": found.spread_minutes,
            },
        )
    return found


def network_app_set(
    *, actor: Actor, network: str, client_id: str, client_secret: str
) -> NetworkApp:
    """The organization's OAuth client at LinkedIn or X (registered by its admin there). An
    empty secret keeps the stored one."""
    require(actor, Action.NETWORK_APPS_MANAGE)
    if network not in ORGANIZATION_APPS:
        raise DomainError(
            _("Only LinkedIn and X use your organization's own app."),
            code="not_an_app_network",
            fields={"network": [_("Not LinkedIn or X.")]},
        )
    client_id, client_secret = client_id.strip(), client_secret.strip()
    fields: dict[str, list[str]] = {}
    if not client_id or len(client_id) > 255 or any(c.isspace() for c in client_id):
        fields["client_id"] = [_("Enter the client ID the network shows for your app.")]
    existing = NetworkApp.objects.filter(
        organization=actor.organization, network=network, instance=""
    ).first()
    if not client_secret and existing is None:
        fields["client_secret"] = [_("Required.")]
    if len(client_secret) > 500:
        fields["client_secret"] = [_("Too long.")]
    if fields:
        raise DomainError(_("Check the app's credentials."), fields=fields)
    with transaction.atomic():
        app, created = NetworkApp.objects.update_or_create(
            organization=actor.organization,
            network=network,
            instance="",
            defaults={
                "client_id": client_id,
                **({"client_secret": encrypt(client_secret)} if client_secret else {}),
            },
        )
        audit_record(
            actor=actor,
            action="network_app.saved",
            target=app,
            data={"network": network, "client_id": client_id, "new": created,
                  "secret_changed": bool(client_secret)},
        )  # fmt: skip
    return app


def network_app_remove(*, actor: Actor, network: str) -> int | None:
    """Remove the organization's app at LinkedIn or X. Without it tokens can be neither
    refreshed nor revoked, so everyone's connection to that network is closed now (tokens
    revoked while the app still exists, waiting posts cancelled). Returns how many
    connections were closed (``None``: there was no app)."""
    require(actor, Action.NETWORK_APPS_MANAGE)
    app = NetworkApp.objects.filter(
        organization=actor.organization, network=network, instance=""
    ).first()
    if app is None:
        return None
    live = ConnectedAccount.objects.filter(
        organization=actor.organization, network=network
    ).exclude(status=ConnectedAccount.Status.DISCONNECTED)
    closed = [account_close(actor=actor, account=account) for account in live]
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="network_app.removed",
            target=app,
            data={"network": network, "connections_closed": len(closed)},
        )
        app.delete()
    return len(closed)
