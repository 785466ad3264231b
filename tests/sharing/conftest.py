"""Fixtures of the sharing and tracking tests: live content, and an advocate ready to share."""

from __future__ import annotations

import pytest

from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem
from ouendan.content.services.items import content_publish_now
from ouendan.content.services.variants import VariantData
from ouendan.governance.services.compliance import compliance_settings_update
from ouendan.governance.services.policy import policy_acknowledge, policy_publish
from tests.content.conftest import approved, curator, curator_actor, reviewer, reviewer_actor
from tests.factories import actor

__all__ = ["curator", "curator_actor", "reviewer", "reviewer_actor"]

VARIANTS = (
    VariantData(network="x", text="説明会やります！ぜひ来てください"),
    VariantData(network="x", text="私も話します。説明会に来てね"),
    VariantData(network="", text="私の会社の説明会です。ぜひ！", hashtags=["新卒採用"]),
)


def live(
    curator: Actor, reviewer: Actor, title: str = "新卒採用説明会", **fields: object
) -> ContentItem:
    item = approved(curator, reviewer, title, **fields)
    return content_publish_now(actor=curator, content_id=item.pk)


@pytest.fixture
def item(curator_actor: Actor, reviewer_actor: Actor) -> ContentItem:
    return live(
        curator_actor,
        reviewer_actor,
        url="https://www.example.co.jp/recruit/setsumeikai?from=news#date",
        variants=VARIANTS,
        advocate_note="学生さんに届けたい",
    )


@pytest.fixture
def promo(curator_actor: Actor, reviewer_actor: Actor) -> ContentItem:
    return live(
        curator_actor,
        reviewer_actor,
        "ミライアーム発売",
        url="https://www.example.co.jp/products/miraiarm",
        variants=(VariantData(network="x", text="新製品ミライアームが出ました！"),),
        promotional=True,
    )


@pytest.fixture
def sharer(advocate: Membership, admin: Membership) -> Actor:
    """An advocate who has acknowledged the current policy."""
    policy_publish(actor=actor(admin), title="ガイドライン", body="誠実に。")
    policy_acknowledge(actor=actor(advocate))
    return actor(advocate)


@pytest.fixture
def lists(admin: Membership, org: Organization) -> None:
    compliance_settings_update(
        actor=actor(admin),
        lists={"product_names": ["ミライアーム"], "confidential_terms": ["白鷺プロジェクト"]},
        severities={},
    )
