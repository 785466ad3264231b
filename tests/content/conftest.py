"""Fixtures of the content tests: people in the library's roles, and content in any state."""

from __future__ import annotations

import pytest

from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.content.models import ContentItem
from ouendan.content.services.items import (
    ContentData,
    content_create,
    content_submit,
)
from ouendan.content.services.variants import VariantData
from ouendan.governance.services.reviews import review_decide
from tests.factories import actor, make_person


@pytest.fixture
def curator(org: Organization) -> Membership:
    return make_person(org, roles=[Role.CURATOR], full_name="編集 花子")


@pytest.fixture
def curator_actor(curator: Membership) -> Actor:
    return actor(curator)


@pytest.fixture
def reviewer(org: Organization) -> Membership:
    return make_person(org, roles=[Role.REVIEWER], full_name="法務 太郎")


@pytest.fixture
def reviewer_actor(reviewer: Membership) -> Actor:
    return actor(reviewer)


def draft(
    actor: Actor,
    title: str = "新卒採用説明会を開催します",
    *,
    url: str = "https://www.example.co.jp/news/setsumeikai",
    variants: tuple[VariantData, ...] = (
        VariantData(network="", text="私の会社の説明会です。ぜひ！", hashtags=["新卒採用"]),
        VariantData(network="x", text="説明会やります！"),
    ),
    **fields: object,
) -> ContentItem:
    return content_create(
        actor=actor,
        data=ContentData(title=title, url=url, **fields),
        variants=variants,  # type: ignore[arg-type]
    )


def decide(*, actor: Actor, content_id: int, decision: str, **extra: object) -> ContentItem:
    """A reviewer's decision through the review workflow; the content as it is afterwards."""
    review_decide(actor=actor, content_id=content_id, decision=decision, **extra)  # type: ignore[arg-type]
    return ContentItem.objects.get(pk=content_id)


def approved(
    curator: Actor, reviewer: Actor, title: str = "承認済みの記事", **fields: object
) -> ContentItem:
    item = draft(curator, title, **fields)
    content_submit(actor=curator, content_id=item.pk)
    return decide(actor=reviewer, content_id=item.pk, decision="approve")
