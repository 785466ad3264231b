"""The ledger: append-only, reversals instead of edits, the balance derived from it, the
program's corrections (audited), and the rules' versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import override

from ouendan.accounts.models import AuditEvent, Membership
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.engagement.explain import explanation
from ouendan.engagement.models import PointEntry, PointRules
from ouendan.engagement.selectors import point_rules_current, points_balance
from ouendan.engagement.services.awarding import points_award
from ouendan.engagement.services.ledger import (
    point_entry_confirm,
    point_entry_reverse,
    points_adjust,
)
from ouendan.engagement.services.rules import RuleBook, RulesData, point_rules_update
from tests.engagement.conftest import click, posted, set_rules
from tests.factories import OrganizationFactory, actor, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(org) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 部長")


@pytest.fixture
def earned(sharer: Actor, item, no_hold) -> list[PointEntry]:
    share = posted(sharer, item)
    click(share, at=timezone.now())
    points_award()
    return list(PointEntry.objects.order_by("pk"))


def test_entries_are_append_only(earned: list[PointEntry]):
    entry = earned[0]
    entry.points = 999
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    entry.refresh_from_db()
    entry.status = "confirmed"
    entry.save(update_fields=["status"])  # a status move is the one change allowed
    duplicate = PointEntry(
        organization=entry.organization,
        membership=entry.membership,
        points=1,
        reason="share",
        source_key=entry.source_key,
        occurred_at=timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_reversing_confirmed_points_adds_a_negative_entry(
    earned: list[PointEntry], advocate: Membership, pm: Membership
):
    _share_entry, click_entry = earned
    assert points_balance(actor=actor(advocate)).balance == 12
    record = point_entry_reverse(actor=actor(pm), entry_id=click_entry.pk, reason="自分の別端末")
    assert (record.points, record.reason, record.status, record.reverses_id) == (
        -2,
        "reversal",
        "confirmed",
        click_entry.pk,
    )
    click_entry.refresh_from_db()
    assert click_entry.status == "confirmed" and click_entry.points == 2  # history unchanged
    assert points_balance(actor=actor(advocate)).balance == 10
    with pytest.raises(Conflict):
        point_entry_reverse(actor=actor(pm), entry_id=click_entry.pk, reason="もう一度")
    with pytest.raises(Conflict):
        point_entry_reverse(actor=actor(pm), entry_id=record.pk, reason="取り消しの取り消し")
    event = AuditEvent.objects.get(action="points.reversed")
    assert event.data["reason"] == "自分の別端末" and event.data["was"] == "confirmed"
    with override("en"):
        assert explanation(record.reason, record.params) == (
            "Reversed (自分の別端末): 1 person clicked your X share of “新卒採用説明会”"
        )


def test_a_review_needs_a_reason_and_someone_else(
    earned: list[PointEntry], advocate: Membership, pm: Membership, org
):
    entry = earned[0]
    with pytest.raises(DomainError) as refused:
        point_entry_reverse(actor=actor(pm), entry_id=entry.pk, reason="  ")
    assert refused.value.fields == {"reason": ["Required."]} or "reason" in refused.value.fields
    with pytest.raises(PermissionDenied):
        point_entry_reverse(actor=actor(advocate), entry_id=entry.pk, reason="x")
    own = PointEntry.objects.create(
        organization=org, membership=pm, points=5, reason="share", source_key="share:own",
        occurred_at=timezone.now(),
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        point_entry_confirm(actor=actor(pm), entry_id=own.pk)
    assert refused.value.code == "own_points"
    with pytest.raises(NotFound):
        point_entry_confirm(actor=actor(pm), entry_id=10**9)
    with pytest.raises(Conflict):  # already confirmed (the hold is 0)
        point_entry_confirm(actor=actor(pm), entry_id=entry.pk)


def test_another_organizations_entry_is_not_found(earned: list[PointEntry]):
    stranger = make_person(OrganizationFactory(), roles=[Role.ORG_ADMIN])
    with pytest.raises(NotFound):
        point_entry_reverse(actor=actor(stranger), entry_id=earned[0].pk, reason="x")
    with pytest.raises(NotFound):
        points_adjust(actor=actor(stranger), membership_id=earned[0].membership_id, points=5,
                      reason="x")  # fmt: skip


def test_corrections_count_at_once_and_are_audited(advocate: Membership, pm: Membership):
    entry = points_adjust(actor=actor(pm), membership_id=advocate.pk, points=15, reason="取材協力")
    assert (entry.status, entry.reason, entry.points, entry.reviewer_id) == (
        "confirmed",
        "adjustment",
        15,
        pm.pk,
    )
    assert points_balance(actor=actor(advocate)).balance == 15
    event = AuditEvent.objects.get(action="points.adjusted")
    assert event.data == {"membership": advocate.pk, "points": 15, "reason": "取材協力"}
    for points in (0, 100_001):
        with pytest.raises(DomainError):
            points_adjust(actor=actor(pm), membership_id=advocate.pk, points=points, reason="x")
    with pytest.raises(DomainError) as refused:
        points_adjust(actor=actor(pm), membership_id=pm.pk, points=5, reason="自分に")
    assert refused.value.code == "own_points"
    assert PointEntry.objects.count() == 1


# --- Rules ----------------------------------------------------------------------------------------


def test_each_change_of_the_rules_is_a_new_version(admin: Membership, org):
    assert point_rules_current(actor=actor(admin)).pk is None  # the defaults, unsaved
    first = set_rules(admin, share_points=15, note="夏のキャンペーン")
    second = set_rules(admin, click_points=4)
    versions = list(PointRules.objects.filter(organization=org).order_by("version"))
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[0].effective_from == org.created_at and versions[0].share_points == 10
    assert (first.share_points, second.share_points, second.click_points) == (15, 15, 4)
    book = RuleBook(versions)
    assert book.at(org.created_at - timedelta(days=1)).version == 1
    assert book.at(first.effective_from).version == 2
    assert book.at(timezone.now()).version == 3
    event = AuditEvent.objects.filter(action="points.rules_updated").order_by("seq").first()
    assert event is not None
    assert event.data["changed"] == {"share_points": {"from": 10, "to": 15}}
    assert event.data["note"] == "夏のキャンペーン"


def test_bad_rules_change_nothing(admin: Membership, advocate: Membership, org):
    current = RulesData.of(point_rules_current(actor=actor(admin)))
    import dataclasses

    bad = dataclasses.replace(
        current, click_points=-1, streak_weeks=5, streak_window=4,
        conversion_points={"application": 10_001},
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        point_rules_update(actor=actor(admin), data=bad)
    assert set(refused.value.fields) == {"click_points", "streak_weeks", "conversion_points"}
    assert not PointRules.objects.filter(organization=org).exists()
    with pytest.raises(PermissionDenied):
        point_rules_update(actor=actor(advocate), data=current)


def test_a_person_with_reversed_points_can_still_be_deleted(
    earned: list[PointEntry], pm: Membership, advocate: Membership
):
    """Entries go with the person (a cascade, not an edit); a reversal and what it reversed go
    together."""
    point_entry_reverse(actor=actor(pm), entry_id=earned[0].pk, reason="削除テスト")
    Membership.objects.filter(pk=advocate.pk).delete()
    assert not PointEntry.objects.exists()
