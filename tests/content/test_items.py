"""Content items: creation, editing, the lifecycle, versions, and who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ouendan.accounts.models import AuditEvent
from ouendan.accounts.permissions import Actor
from ouendan.content.composing import tracked_link_sample
from ouendan.content.models import Campaign, ContentItem, ContentVersion, Topic
from ouendan.content.selectors import content_version_diff
from ouendan.content.services.items import (
    ContentData,
    content_archive,
    content_lifecycle_advance,
    content_publish_now,
    content_restore,
    content_submit,
    content_update,
    content_withdraw,
)
from ouendan.content.services.variants import VariantData, variant_create, variant_update
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.networks import Network, text_measure
from tests.content.conftest import approved, decide, draft
from tests.factories import DepartmentFactory, actor, make_person

Status = ContentItem.Status


def actions(item: ContentItem) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="content.contentitem", target_id=str(item.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_new_item_is_a_draft_with_its_texts_a_code_and_a_first_version(curator_actor: Actor):
    item = draft(curator_actor, url="https://www.example.co.jp/news/2027-setsumeikai")
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    assert item.slug == "2027-setsumeikai"
    assert item.version == 1
    assert [v.network for v in item.variants.all()] == ["", "x"]
    assert item.variants.first().composed == "私の会社の説明会です。ぜひ！\n#新卒採用"
    assert (
        ContentVersion.objects.get(content=item).snapshot["title"] == "新卒採用説明会を開催します"
    )
    assert actions(item) == ["content.variants_replaced", "content.created"]
    assert item.created_by_id == curator_actor.membership.pk


def test_codes_stay_unique_and_japanese_titles_get_one_too(curator_actor: Actor):
    first = draft(curator_actor, "新卒採用", url="")
    second = draft(curator_actor, "新卒採用", url="")
    assert first.slug != second.slug
    assert first.slug.startswith("item-")
    a = draft(curator_actor, "Robot Expo 2027", url="")
    b = draft(curator_actor, "Robot Expo 2027", url="")
    assert (a.slug, b.slug) == ("robot-expo-2027", "robot-expo-2027-2")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "ftp://example.com/file"}, "url"),
        ({"language": "fr"}, "language"),
        ({"audience_roles": ["wizard"]}, "audience_roles"),
        ({"audience_languages": ["de"]}, "audience_languages"),
        ({"slug": "日本語"}, "slug"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(
    curator_actor: Actor, fields: dict, field: str
):
    data = {"title": "題名", **fields}
    with pytest.raises(DomainError) as caught:
        draft(curator_actor, **data)
    assert field in caught.value.fields
    assert caught.value.message
    assert not ContentItem.objects.exists()


def test_expiry_must_come_after_going_live(curator_actor: Actor):
    now = timezone.now()
    with pytest.raises(DomainError) as caught:
        draft(curator_actor, publish_at=now, expire_at=now - timedelta(hours=1))
    assert "expire_at" in caught.value.fields


def test_rows_of_another_organization_are_not_found(curator_actor: Actor, other_org):
    foreign = Topic.objects.create(organization=other_org, name="他社の話題")
    with pytest.raises(NotFound):
        draft(curator_actor, topic_ids=[foreign.pk])
    dept = DepartmentFactory(organization=other_org)
    with pytest.raises(NotFound):
        draft(curator_actor, department_ids=[dept.pk])
    campaign = Campaign.objects.create(organization=other_org, name="他社", slug="x")
    with pytest.raises(NotFound):
        draft(curator_actor, campaign_id=campaign.pk)
    assert not ContentItem.objects.exists()


def test_advocates_and_reviewers_cannot_write_content(org, curator_actor, reviewer_actor):
    advocate = actor(make_person(org))
    with pytest.raises(PermissionDenied):
        draft(advocate)
    with pytest.raises(PermissionDenied):
        draft(reviewer_actor)
    item = draft(curator_actor)
    content_submit(actor=curator_actor, content_id=item.pk)
    with pytest.raises(PermissionDenied):
        decide(actor=curator_actor, content_id=item.pk, decision="approve")


def test_the_lifecycle_from_draft_to_expired(curator_actor: Actor, reviewer_actor: Actor):
    item = draft(curator_actor)
    item = content_submit(actor=curator_actor, content_id=item.pk)
    assert item.status == Status.IN_REVIEW
    item = decide(actor=reviewer_actor, content_id=item.pk, decision="approve")
    assert item.status == Status.APPROVED
    assert (item.approved_version, item.approved_by_id) == (1, reviewer_actor.membership.pk)
    item = content_publish_now(actor=curator_actor, content_id=item.pk)
    assert item.status == Status.PUBLISHED
    assert item.published_at is not None
    later = timezone.now() + timedelta(days=1)
    content_update(actor=curator_actor, content_id=item.pk, data=ContentData(expire_at=later))
    assert content_lifecycle_advance(now=later + timedelta(seconds=1)) == {
        "published": 0,
        "expired": 1,
    }
    item.refresh_from_db()
    assert item.status == Status.EXPIRED
    assert actions(item)[-4:] == [
        "content.approved",
        "content.published",
        "content.updated",
        "content.expired",
    ]


def test_scheduled_content_goes_live_when_its_time_comes(curator_actor, reviewer_actor):
    soon = timezone.now() + timedelta(hours=2)
    item = approved(curator_actor, reviewer_actor, publish_at=soon)
    assert item.status == Status.SCHEDULED
    assert content_lifecycle_advance(now=soon - timedelta(minutes=1)) == {
        "published": 0,
        "expired": 0,
    }
    assert content_lifecycle_advance(now=soon) == {"published": 1, "expired": 0}
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    # Running the job again changes nothing.
    assert content_lifecycle_advance(now=soon) == {"published": 0, "expired": 0}


def test_approved_content_past_its_start_is_live_at_once(curator_actor, reviewer_actor):
    item = approved(curator_actor, reviewer_actor, publish_at=timezone.now() - timedelta(days=1))
    assert item.status == Status.PUBLISHED


def test_asking_for_changes_needs_a_comment_and_returns_a_draft(curator_actor, reviewer_actor):
    item = draft(curator_actor)
    content_submit(actor=curator_actor, content_id=item.pk)
    with pytest.raises(DomainError) as caught:
        decide(actor=reviewer_actor, content_id=item.pk, decision="changes")
    assert "comment" in caught.value.fields
    item = decide(
        actor=reviewer_actor,
        content_id=item.pk,
        decision="changes",
        comment="日付を確認してください",
    )
    assert item.status == Status.DRAFT
    assert item.review_comment == "日付を確認してください"
    assert actions(item)[-1] == "content.returned_to_draft"


def test_a_reviewer_approves_only_the_version_they_read(curator_actor, reviewer_actor):
    item = draft(curator_actor)
    content_submit(actor=curator_actor, content_id=item.pk)
    content_update(actor=curator_actor, content_id=item.pk, data=ContentData(summary="追記"))
    with pytest.raises(Conflict) as caught:
        decide(actor=reviewer_actor, content_id=item.pk, decision="approve", version=1)
    assert caught.value.code == "version_changed"
    assert decide(actor=reviewer_actor, content_id=item.pk, decision="approve", version=2)


def test_submitting_needs_a_text_and_texts_that_fit(curator_actor: Actor):
    empty = draft(curator_actor, variants=())
    with pytest.raises(DomainError) as caught:
        content_submit(actor=curator_actor, content_id=empty.pk)
    assert caught.value.code == "not_ready"
    assert "variants" in caught.value.fields
    long = draft(curator_actor, variants=(VariantData(network="x", text="あ" * 141),))
    with pytest.raises(DomainError) as caught:
        content_submit(actor=curator_actor, content_id=long.pk)
    # 141 × 2, then a space and the tracked link (as X counts it) the share will carry.
    expected = text_measure(text="あ" * 141 + " " + tracked_link_sample(), network=Network.X)
    problem = caught.value.fields["variants"][0]
    assert str(expected.length) in problem and "280" in problem
    long.refresh_from_db()
    assert long.status == Status.DRAFT


def test_only_a_draft_can_be_submitted(curator_actor, reviewer_actor):
    item = approved(curator_actor, reviewer_actor)
    with pytest.raises(Conflict) as caught:
        content_submit(actor=curator_actor, content_id=item.pk)
    assert caught.value.code == "invalid_status"


def test_editing_what_advocates_post_sends_approved_content_back_to_review(
    curator_actor, reviewer_actor
):
    item = approved(curator_actor, reviewer_actor, publish_at=timezone.now() - timedelta(hours=1))
    assert item.status == Status.PUBLISHED
    # Featuring it or moving its expiry does not change what is posted: it stays live.
    content_update(
        actor=curator_actor,
        content_id=item.pk,
        data=ContentData(featured=True, expire_at=timezone.now() + timedelta(days=30)),
    )
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert item.version == 2
    variant = item.variants.first()
    variant_update(
        actor=curator_actor,
        content_id=item.pk,
        variant_id=variant.pk,
        data=VariantData(network="", text="新しい文面です"),
    )
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    assert item.version == 3
    assert item.approved_version == 1
    assert item.changed_since_approval
    # Approved again, it goes straight back to live (it was published before).
    item = decide(actor=reviewer_actor, content_id=item.pk, decision="approve")
    assert item.status == Status.PUBLISHED


def test_an_unchanged_save_makes_no_version(curator_actor: Actor):
    item = draft(curator_actor)
    content_update(actor=curator_actor, content_id=item.pk, data=ContentData(title=item.title))
    assert ContentVersion.objects.filter(content=item).count() == 1


def test_versions_can_be_compared_character_by_character(curator_actor: Actor):
    item = draft(curator_actor, title="新卒採用説明会")
    content_update(
        actor=curator_actor, content_id=item.pk, data=ContentData(title="新卒採用オンライン説明会")
    )
    version, base, changes = content_version_diff(actor=curator_actor, content_id=item.pk, number=2)
    assert (version.number, base.number) == (2, 1)
    [title] = [c for c in changes if c.key == "title"]
    assert [(s.kind, s.text) for s in title.segments] == [
        ("same", "新卒採用"),
        ("added", "オンライン"),
        ("same", "説明会"),
    ]
    assert title.shared


def test_archived_content_is_restored_as_a_draft_and_cannot_be_edited_meanwhile(
    curator_actor, reviewer_actor
):
    item = approved(curator_actor, reviewer_actor)
    content_archive(actor=curator_actor, content_id=item.pk, reason="終了したイベント")
    with pytest.raises(Conflict):
        content_update(actor=curator_actor, content_id=item.pk, data=ContentData(title="x"))
    with pytest.raises(Conflict):
        variant_create(
            actor=curator_actor, content_id=item.pk, data=VariantData(network="x", text="x")
        )
    item = content_restore(actor=curator_actor, content_id=item.pk)
    assert item.status == Status.DRAFT
    assert item.archived_at is None


def test_withdrawing_from_review(curator_actor: Actor):
    item = draft(curator_actor)
    content_submit(actor=curator_actor, content_id=item.pk)
    assert content_withdraw(actor=curator_actor, content_id=item.pk).status == Status.DRAFT
    with pytest.raises(Conflict):
        content_withdraw(actor=curator_actor, content_id=item.pk)


def test_an_archived_campaign_takes_no_new_content(curator_actor: Actor, org):
    campaign = Campaign.objects.create(
        organization=org, name="終了", slug="done", archived_at=timezone.now()
    )
    with pytest.raises(DomainError) as caught:
        draft(curator_actor, campaign_id=campaign.pk)
    assert "campaign_id" in caught.value.fields


def test_search_text_is_folded_for_japanese_search(curator_actor: Actor):
    item = draft(
        curator_actor,
        "ＲＯＳ２で動くロボット",
        variants=(VariantData(network="x", text="カタカナのテキスト"),),
    )
    item.refresh_from_db()
    assert "ros2で動くろぼっと" in item.search_text
    assert "かたかなのてきすと" in item.search_text
