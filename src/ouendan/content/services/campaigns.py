"""Campaigns: a name, dates, a goal, and the content in them; archived when over."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.content.models import Campaign
from ouendan.content.services.common import clean_slug, clean_text, row_in_org, unique_slug
from ouendan.core.errors import Conflict, DomainError

NAME_MAX = 120
GOAL_MAX = 200
DESCRIPTION_MAX = 4000
GOAL_TARGET_MAX = 1_000_000_000


@dataclass(frozen=True)
class CampaignData:
    """``None`` leaves a field unchanged on update; a name in ``clear`` empties it
    (``starts_on``, ``ends_on``, ``goal_target``)."""

    name: str | None = None
    slug: str | None = None
    description: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    goal: str | None = None
    goal_target: int | None = None
    clear: frozenset[str] = field(default_factory=frozenset)


def _fields(data: CampaignData, campaign: Campaign | None) -> dict[str, object]:
    found: dict[str, object] = {}
    if data.name is not None:
        found["name"] = clean_text(
            data.name, field="name", label=_("The name"), limit=NAME_MAX, required=True
        )
    if data.slug is not None and data.slug.strip():
        found["slug"] = clean_slug(data.slug)
    if data.description is not None:
        found["description"] = clean_text(
            data.description,
            field="description",
            label=_("The description"),
            limit=DESCRIPTION_MAX,
        )
    if data.goal is not None:
        found["goal"] = clean_text(data.goal, field="goal", label=_("The goal"), limit=GOAL_MAX)
    for name in ("starts_on", "ends_on", "goal_target"):
        if name in data.clear:
            found[name] = None
        elif getattr(data, name) is not None:
            found[name] = getattr(data, name)
    target = found.get("goal_target")
    if isinstance(target, int) and not 1 <= target <= GOAL_TARGET_MAX:
        raise DomainError(
            _("The goal number must be a whole number from 1."),
            fields={"goal_target": [_("Out of range.")]},
        )
    starts = found.get("starts_on", campaign.starts_on if campaign else None)
    ends = found.get("ends_on", campaign.ends_on if campaign else None)
    if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        raise DomainError(
            _("The last day cannot come before the first day."),
            fields={"ends_on": [_("Before the first day.")]},
        )
    return found


def _taken() -> Conflict:
    return Conflict(
        _("Another campaign already uses that name or code."),
        fields={"name": [_("Already used.")]},
    )


def campaign_create(*, actor: Actor, data: CampaignData) -> Campaign:
    require(actor, Action.CAMPAIGNS_MANAGE)
    if data.name is None:
        raise DomainError(_("The name cannot be empty."), fields={"name": [_("Required.")]})
    fields = _fields(data, None)
    try:
        with transaction.atomic():
            slug = str(
                fields.pop("slug", "")
                or unique_slug(Campaign, actor, str(fields["name"]), fallback="campaign")
            )
            if Campaign.objects.filter(
                organization=actor.organization, name=fields["name"]
            ).exists():
                raise _taken()
            campaign = Campaign.objects.create(
                organization=actor.organization, slug=slug, created_by=actor.membership, **fields
            )
            audit_record(
                actor=actor,
                action="campaign.created",
                target=campaign,
                data={
                    "goal": campaign.goal,
                    "starts_on": campaign.starts_on,
                    "ends_on": campaign.ends_on,
                },
            )
    except IntegrityError as exc:
        raise _taken() from exc
    return campaign


def campaign_update(*, actor: Actor, campaign_id: int, data: CampaignData) -> Campaign:
    require(actor, Action.CAMPAIGNS_MANAGE)
    try:
        with transaction.atomic():
            campaign = row_in_org(Campaign, actor, campaign_id, field="id", what=_("That campaign"))
            fields = _fields(data, campaign)
            changed = {k: v for k, v in fields.items() if getattr(campaign, k) != v}
            if not changed:
                return campaign
            if (
                "name" in changed
                and Campaign.objects.filter(organization=actor.organization, name=changed["name"])
                .exclude(pk=campaign.pk)
                .exists()
            ):
                raise _taken()
            for key, value in changed.items():
                setattr(campaign, key, value)
            campaign.save()
            audit_record(actor=actor, action="campaign.updated", target=campaign, data=changed)
    except IntegrityError as exc:
        raise _taken() from exc
    return campaign


def campaign_archive(*, actor: Actor, campaign_id: int, archived: bool = True) -> Campaign:
    """Close a campaign (no new content joins it; its content stays in it), or reopen it."""
    require(actor, Action.CAMPAIGNS_MANAGE)
    with transaction.atomic():
        campaign = row_in_org(Campaign, actor, campaign_id, field="id", what=_("That campaign"))
        if (campaign.archived_at is not None) == archived:
            return campaign
        campaign.archived_at = timezone.now() if archived else None
        campaign.save(update_fields=["archived_at", "updated_at"])
        audit_record(
            actor=actor,
            action="campaign.archived" if archived else "campaign.reopened",
            target=campaign,
        )
    return campaign
