"""Reactions to a share (likes, reposts, comments): synced from the network by the connected
account's metrics job, or entered by the employee where no API tells them.

A synced figure wins: once the network reports a share's numbers, hand entry is refused (the
person would be overwriting the network's count with a guess).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import Conflict, DomainError
from ouendan.sharing.models import Share, ShareMetrics
from ouendan.sharing.selectors import share_get

COUNT_MAX = 10_000_000


@dataclass(frozen=True)
class Reactions:
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    impressions: int | None = None


def _check(reactions: Reactions) -> None:
    fields: dict[str, list[str]] = {}
    for name in ("likes", "reposts", "replies", "impressions"):
        value = getattr(reactions, name)
        if value is not None and not 0 <= value <= COUNT_MAX:
            fields[name] = [_("Enter a number from 0 to %(max)s.") % {"max": f"{COUNT_MAX:,}"}]
    if fields:
        raise DomainError(_("Check the numbers."), fields=fields)


def share_metrics_enter(*, actor: Actor, share_id: int, reactions: Reactions) -> ShareMetrics:
    """The employee's own count of reactions to their share (networks without an API)."""
    require(actor, Action.SHARES_CREATE)
    _check(reactions)
    share = share_get(actor=actor, share_id=share_id)
    with transaction.atomic():
        metrics = ShareMetrics.objects.select_for_update().filter(share=share).first()
        if metrics is not None and metrics.source == ShareMetrics.Source.SYNCED:
            raise Conflict(
                _("These numbers come from the network itself and update by themselves."),
                code="metrics_synced",
            )
        metrics, _created = ShareMetrics.objects.update_or_create(
            share=share,
            defaults={
                "organization": share.organization,
                "likes": reactions.likes,
                "reposts": reactions.reposts,
                "replies": reactions.replies,
                "impressions": reactions.impressions,
                "source": ShareMetrics.Source.MANUAL,
            },
        )
        audit_record(
            actor=actor,
            action="share.metrics_entered",
            target=share,
            data={"likes": reactions.likes, "reposts": reactions.reposts,
                  "replies": reactions.replies},
        )  # fmt: skip
    return metrics


def share_metrics_record(*, share: Share, reactions: Reactions, now: datetime) -> ShareMetrics:
    """What the network reports for a share (the metrics job; replaces any hand entry)."""
    metrics, _created = ShareMetrics.objects.update_or_create(
        share=share,
        defaults={
            "organization_id": share.organization_id,
            "likes": reactions.likes,
            "reposts": reactions.reposts,
            "replies": reactions.replies,
            "impressions": reactions.impressions,
            "source": ShareMetrics.Source.SYNCED,
            "synced_at": now,
        },
    )
    return metrics
