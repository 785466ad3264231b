"""Fixtures of the recognition tests: an advocate with live content to share, posted shares at
chosen moments, clicks as tracking leaves them, and rules changed through their service."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from itertools import count

import pytest
from django.utils import timezone

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem
from ouendan.engagement.models import PointRules
from ouendan.engagement.selectors import point_rules_current
from ouendan.engagement.services.rules import RulesData, point_rules_update
from ouendan.networks import Network
from ouendan.sharing.models import Share
from ouendan.sharing.services.shares import share_create
from ouendan.tracking.models import Click, TrackedLink
from tests.factories import actor
from tests.sharing.conftest import curator, curator_actor, item, promo, reviewer, reviewer_actor
from tests.sharing.conftest import sharer as sharer

__all__ = ["curator", "curator_actor", "item", "promo", "reviewer", "reviewer_actor", "sharer"]

_clicks = count()


def set_rules(admin: Membership, **changes: object) -> PointRules:
    """Save the rules with these changes (a new version, in force from now on)."""
    who = actor(admin)
    current = RulesData.of(point_rules_current(actor=who))
    return point_rules_update(actor=who, data=dataclasses.replace(current, **changes))


def posted(
    sharer: Actor,
    item: ContentItem,
    *,
    at: datetime | None = None,
    network: str = Network.X,
    confirm: bool = True,
) -> Share:
    """A share made (and said to be posted) at ``at``."""
    share = share_create(actor=sharer, content_id=item.pk, network=network).share
    at = at or timezone.now()
    Share.objects.filter(pk=share.pk).update(
        created_at=at, confirmed_at=at + timedelta(minutes=2) if confirm else None
    )
    TrackedLink.objects.filter(share=share).update(created_at=at)
    return Share.objects.get(pk=share.pk)


def click(
    share: Share,
    *,
    at: datetime,
    visitor: str = "",
    unique: bool = True,
    bot: bool = False,
    is_self: bool = False,
    aggregated: bool = True,
) -> Click:
    """A click as tracking leaves it once counted (the redirect's row, marked by the
    aggregation)."""
    n = next(_clicks)
    return Click.objects.create(
        organization_id=share.organization_id,
        link=TrackedLink.objects.get(share=share),
        click_id=f"test-click-{n}",
        at=at,
        day=at.date(),
        visitor_hash=(visitor or f"{n:032x}")[:32],
        device="bot" if bot else "mobile",
        bot=bot,
        reason="crawler" if bot else "",
        is_self=is_self,
        unique=unique and not bot and not is_self,
        aggregated=aggregated,
    )


@pytest.fixture
def no_hold(admin: Membership) -> PointRules:
    """Points count as soon as they are earned (the hold is 0)."""
    return set_rules(admin, hold_hours=0)


@pytest.fixture
def early(org) -> datetime:
    """A moment before the rules were last changed: the organization's start."""
    return org.created_at
