"""Fixtures of the tracking tests: a share with its link, ready to be clicked; clicks made
through the real redirect; tokens and secrets the company's site reports conversions with."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from ouendan.accounts.models import ApiToken, Membership
from ouendan.accounts.permissions import Actor
from ouendan.accounts.services.tokens import api_token_create
from ouendan.content.models import ContentItem
from ouendan.networks import Network
from ouendan.sharing.services.shares import ShareResult, share_create
from ouendan.tracking.models import Click, TrackedLink
from tests.factories import actor
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


VISITOR_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)


def click_on(
    link: TrackedLink, *, agent: str = VISITOR_AGENT, address: str = "198.51.100.20"
) -> str:
    """Someone follows the tracked link (through the real redirect); returns the click id it
    carried to the company's site (for a preview fetcher, which gets no redirect: its row's)."""
    response = Client(headers={"User-Agent": agent}, REMOTE_ADDR=address).get(f"/r/{link.code}")
    if response.status_code == 302:
        return parse_qs(urlsplit(response["Location"]).query)["oud_cid"][0]
    return Click.objects.filter(link=link).latest("id").click_id


@pytest.fixture
def click_id(link: TrackedLink) -> str:
    return click_on(link)


def conversions_token(admin: Membership) -> str:
    """An organization token that may only record conversions, made as an admin makes it."""
    _token, raw = api_token_create(
        actor=actor(admin),
        kind=ApiToken.Kind.ORGANIZATION,
        name="採用サイト",
        scopes=[ApiToken.Scope.CONVERSIONS],
    )
    return raw
