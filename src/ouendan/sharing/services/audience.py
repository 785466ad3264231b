"""Follower counts: how many people follow an employee on each network (their potential reach).

Two writers: integrations, whenever a connected account tells the count (``source="network"``),
and the person, on their sharing profile or through the API (``source="self"``). A count the
network reports wins while the account is connected; when it is disconnected, integrations calls
``audience_release`` and the last reported count stays until the person corrects it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.networks import RULES, Network
from ouendan.sharing.models import NetworkAudience
from ouendan.sharing.selectors import person_required

FOLLOWERS_MAX = 100_000_000  # what a person may enter
REPORTED_MAX = 2_147_483_647  # what the column holds (a network's own count is not refused)

AudienceSource = Literal["network", "self"]


def _network(value: str) -> Network:
    try:
        return Network(value)
    except ValueError:
        raise DomainError(
            _("Check the numbers."),
            code="invalid_network",
            fields={str(value)[:40]: [_("Not a network.")]},
        ) from None


def _range_error(network: str) -> DomainError:
    return DomainError(
        _("Check the numbers."),
        fields={network: [_("Enter a number from 0 to %(max)s.") % {"max": f"{FOLLOWERS_MAX:,}"}]},
    )


def _check(network: str, followers: int | None) -> None:
    if followers is not None and not 0 <= followers <= FOLLOWERS_MAX:
        raise _range_error(network)


def _write(
    *,
    actor: Actor,
    membership: Membership,
    network: Network,
    followers: int | None,
    source: AudienceSource,
    now: datetime,
) -> NetworkAudience | None:
    """Inside the caller's transaction: store one count (``None`` forgets a self-entered one)."""
    found = (
        NetworkAudience.objects.select_for_update()
        .filter(membership=membership, network=network)
        .first()
    )
    if source == NetworkAudience.Source.SELF:
        if found is not None and found.connected:
            if followers == found.followers:
                return found  # sent back as it was shown: nothing to change
            raise Conflict(
                _(
                    "Your %(network)s follower count comes from your connected account and "
                    "updates by itself."
                )
                % {"network": RULES[network].label},
                code="audience_reported",
                fields={network.value: [_("Reported by the network.")]},
            )
        if followers is None:
            if found is not None:
                found.delete()
                audit_record(
                    actor=actor,
                    action="audience.cleared",
                    target=membership,
                    data={"network": network.value},
                )
            return None
    assert followers is not None
    connected = source == NetworkAudience.Source.NETWORK
    if found is not None and (found.followers, found.source, found.connected) == (
        followers,
        source,
        connected,
    ):
        found.learned_at = now  # the same count, learned again
        found.save(update_fields=["learned_at"])
        return found
    audience, _created = NetworkAudience.objects.update_or_create(
        membership=membership,
        network=network,
        defaults={
            "organization_id": membership.organization_id,
            "followers": followers,
            "source": source,
            "connected": connected,
            "learned_at": now,
        },
    )
    audit_record(
        actor=actor,
        action="audience.set",
        target=audience,
        data={"network": network.value, "followers": followers, "source": source},
    )
    return audience


def audience_set(
    *,
    actor: Actor,
    membership: Membership,
    network: str,
    followers: int | None,
    source: AudienceSource,
    now: datetime | None = None,
) -> NetworkAudience | None:
    """Record how many people follow ``membership`` on ``network``.

    ``source="network"``: a connected account reported it (integrations, acting as the person
    or as the system); the count is marked as kept by the connection. ``source="self"``: the
    person's own entry, refused (``409 audience_reported``) while a connected account keeps the
    count; ``None`` forgets it."""
    if membership.organization_id != actor.organization.pk:
        raise NotFound(_("Not found."))
    if source == NetworkAudience.Source.SELF:
        require(actor, Action.SHARES_CREATE)
        person_required(actor)
        if actor.membership is None or actor.membership.pk != membership.pk:
            raise PermissionDenied("audience of someone else")  # each person enters their own
        _check(network, followers)
    elif followers is None or followers < 0:
        return None  # the network does not tell (LinkedIn members): nothing learned
    else:
        followers = min(followers, REPORTED_MAX)
    kind = _network(network)
    with transaction.atomic():
        return _write(
            actor=actor,
            membership=membership,
            network=kind,
            followers=followers,
            source=source,
            now=now or timezone.now(),
        )


def audience_update(*, actor: Actor, counts: Mapping[str, int | None]) -> list[NetworkAudience]:
    """The person's own counts, several networks at once: every value is checked before
    anything is stored, so one bad number changes nothing. ``None`` forgets an entered count;
    networks not named are left as they are."""
    require(actor, Action.SHARES_CREATE)
    person_required(actor)
    membership = actor.membership
    assert membership is not None
    networks = {_network(name): value for name, value in counts.items()}
    fields: dict[str, list[str]] = {}
    for network, value in networks.items():
        try:
            _check(network.value, value)
        except DomainError as error:
            fields.update(error.fields)
    if fields:
        raise DomainError(_("Check the numbers."), fields=fields)
    now = timezone.now()
    stored: list[NetworkAudience] = []
    with transaction.atomic():
        for network, value in networks.items():
            written = _write(
                actor=actor,
                membership=membership,
                network=network,
                followers=value,
                source="self",
                now=now,
            )
            if written is not None:
                stored.append(written)
    return stored


def audience_release(*, membership_id: int, network: str) -> None:
    """The connected account that kept this count is gone: the count stays as last reported
    and the person may correct it from now on."""
    NetworkAudience.objects.filter(
        membership_id=membership_id, network=network, connected=True
    ).update(connected=False)
