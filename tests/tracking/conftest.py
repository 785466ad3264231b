"""Fixtures of the tracking tests: a share with its link, ready to be clicked."""

from __future__ import annotations

import pytest

from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem
from ouendan.networks import Network
from ouendan.sharing.services.shares import ShareResult, share_create
from ouendan.tracking.models import TrackedLink
from tests.sharing.conftest import (
    curator,
    curator_actor,
    item,
    promo,
    reviewer,
    reviewer_actor,
    sharer,
)

__all__ = ["curator", "curator_actor", "item", "promo", "reviewer", "reviewer_actor", "sharer"]

SHARER_ADDRESS = "203.0.113.7"
SHARER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def shared(sharer: Actor, item: ContentItem) -> ShareResult:
    from ouendan.tracking.services import Sharer

    return share_create(
        actor=sharer,
        content_id=item.pk,
        network=Network.X,
        sharer=Sharer(address=SHARER_ADDRESS, user_agent=SHARER_AGENT),
    )


@pytest.fixture
def link(shared: ShareResult) -> TrackedLink:
    return TrackedLink.objects.get(share=shared.share)
