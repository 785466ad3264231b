"""Approval workflows: ordered stages (広報 → 法務), who may decide each, decisions tied to the
version read, edits sending content back to the first stage, rejects, withdrawals, which
workflow applies, reminders after a stage's SLA, and the audit of it all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ouendan.accounts.models import AuditEvent, Membership, Organization
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.content.models import Campaign, ContentItem, Topic
from ouendan.content.services.items import (
    ContentData,
    content_archive,
    content_submit,
    content_update,
    content_withdraw,
)
from ouendan.core.errors import Conflict, DomainError
from ouendan.governance.models import ReviewRound, Workflow
from ouendan.governance.selectors import review_queue, review_view
from ouendan.governance.services.reviews import review_decide, review_reminders_send
from ouendan.governance.services.workflows import (
    StageData,
    WorkflowData,
    workflow_create,
    workflow_update,
)
from ouendan.governance.tasks import review_reminders_task
from ouendan.schedule import JOBS
from tests.content.conftest import decide, draft
from tests.factories import DepartmentFactory, actor, make_person

Status = ContentItem.Status


@pytest.fixture
def admin(org: Organization) -> Actor:
    return actor(make_person(org, roles=[Role.ORG_ADMIN], full_name="管理 一郎"))


@pytest.fixture
def pr_dept(org):
    return DepartmentFactory(organization=org, name="広報部")


@pytest.fixture
def legal_dept(org):
    return DepartmentFactory(organization=org, name="法務部")


@pytest.fixture
def pr(org, pr_dept) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 美咲", department=pr_dept)


@pytest.fixture
def legal(org, legal_dept) -> Membership:
    return make_person(org, roles=[Role.REVIEWER], full_name="法務 健", department=legal_dept)


@pytest.fixture
def two_stages(admin, pr_dept, legal_dept) -> Workflow:
    return workflow_create(
        actor=admin,
        data=WorkflowData(
            name="広報 → 法務",
            stages=[
                StageData(
                    name="広報", role=Role.PROGRAM_MANAGER, department_id=pr_dept.pk, sla_hours=24
                ),
                StageData(name="法務", role=Role.REVIEWER, department_id=legal_dept.pk),
            ],
        ),
    )


def submitted(curator: Actor, title: str = "新卒採用説明会を開催します", **fields) -> ContentItem:
    item = draft(curator, title, **fields)
    return content_submit(actor=curator, content_id=item.pk)


def open_round(item: ContentItem) -> ReviewRound:
    return ReviewRound.objects.get(content=item, status=ReviewRound.Status.OPEN)


def test_content_goes_through_each_stage_in_order(two_stages, pr, legal, curator_actor):
    item = submitted(curator_actor)
    review = open_round(item)
    assert (review.workflow, review.stage, review.version) == (two_stages, 0, item.version)
    with pytest.raises(PermissionDenied, match="広報"):
        review_decide(actor=actor(legal), content_id=item.pk, decision="approve")
    assert (
        decide(actor=actor(pr), content_id=item.pk, decision="approve").status == Status.IN_REVIEW
    )
    assert open_round(item).stage == 1
    with pytest.raises(PermissionDenied, match="法務"):
        review_decide(actor=actor(pr), content_id=item.pk, decision="approve")
    item = decide(actor=actor(legal), content_id=item.pk, decision="approve")
    assert item.status == Status.APPROVED  # no start date: it waits for a curator
    assert item.approved_version == item.version
    assert item.approved_by_id == legal.pk
    review = ReviewRound.objects.get(content=item)
    assert review.status == ReviewRound.Status.APPROVED
    assert [(d.stage_name, d.decision, d.version) for d in review.decisions.all()] == [
        ("広報", "approve", item.version),
        ("法務", "approve", item.version),
    ]


def test_a_department_stage_takes_reviewers_below_it_and_no_one_else(
    org, two_stages, pr, legal_dept, curator_actor
):
    contracts = DepartmentFactory(organization=org, name="契約課", parent=legal_dept)
    below = make_person(org, roles=[Role.REVIEWER], department=contracts)
    elsewhere = make_person(
        org, roles=[Role.REVIEWER], department=DepartmentFactory(organization=org)
    )
    item = submitted(curator_actor)
    decide(actor=actor(pr), content_id=item.pk, decision="approve")
    with pytest.raises(PermissionDenied):
        review_decide(actor=actor(elsewhere), content_id=item.pk, decision="approve")
    assert review_view(actor=actor(below), content_id=item.pk).can_decide
    assert [row.content_id for row in review_queue(actor=actor(below))] == [item.pk]
    assert review_queue(actor=actor(elsewhere)) == []
    decide(actor=actor(below), content_id=item.pk, decision="approve")


def test_named_reviewers_decide_without_the_role(org, admin, curator_actor):
    named = make_person(org, roles=[Role.CURATOR], full_name="指名 さくら")
    workflow_create(
        actor=admin,
        data=WorkflowData(name="指名", stages=[StageData(name="確認", reviewer_ids=[named.pk])]),
    )
    item = submitted(curator_actor)
    other_reviewer = make_person(org, roles=[Role.REVIEWER])
    with pytest.raises(PermissionDenied):
        review_decide(actor=actor(other_reviewer), content_id=item.pk, decision="approve")
    assert decide(actor=actor(named), content_id=item.pk, decision="approve").status == (
        Status.APPROVED
    )


def test_without_a_workflow_one_stage_any_reviewer_decides(curator_actor, reviewer_actor):
    item = submitted(curator_actor)
    review = open_round(item)
    assert review.workflow is None and len(review.stages) == 1
    assert decide(actor=reviewer_actor, content_id=item.pk, decision="approve").status == (
        Status.APPROVED
    )
    with pytest.raises(PermissionDenied):
        review_decide(
            actor=curator_actor, content_id=submitted(curator_actor).pk, decision="approve"
        )


def test_changes_go_back_to_the_curator_and_a_resubmission_starts_again(
    two_stages, pr, legal, curator_actor
):
    item = submitted(curator_actor)
    decide(actor=actor(pr), content_id=item.pk, decision="approve")
    with pytest.raises(DomainError) as caught:
        review_decide(actor=actor(legal), content_id=item.pk, decision="changes", comment="  ")
    assert "comment" in caught.value.fields
    item = decide(
        actor=actor(legal), content_id=item.pk, decision="changes", comment="根拠を書いてください"
    )
    assert item.status == Status.DRAFT
    assert item.review_comment == "根拠を書いてください"
    view = review_view(actor=curator_actor, content_id=item.pk)
    assert view.status == "changes_requested"
    assert [(d.stage_name, d.comment) for d in view.decisions][-1] == (
        "法務",
        "根拠を書いてください",
    )
    content_update(
        actor=curator_actor, content_id=item.pk, data=ContentData(title="説明会（※当社調べ）")
    )
    content_submit(actor=curator_actor, content_id=item.pk)
    again = open_round(item)
    assert again.stage == 0 and again.decisions.count() == 0
    assert ReviewRound.objects.filter(content=item).count() == 2


def test_an_edit_during_review_voids_the_approvals_so_far(two_stages, pr, legal, curator_actor):
    item = submitted(curator_actor)
    decide(actor=actor(pr), content_id=item.pk, decision="approve")
    read = item.version
    content_update(actor=curator_actor, content_id=item.pk, data=ContentData(title="新しい題"))
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW and item.version == read + 1
    review = open_round(item)
    assert (review.stage, review.version) == (0, item.version)
    with pytest.raises(Conflict) as caught:
        review_decide(actor=actor(pr), content_id=item.pk, decision="approve", version=read)
    assert caught.value.code == "version_changed"
    assert AuditEvent.objects.filter(
        action="review.opened", data__reason="changed during review"
    ).exists()


def test_an_edit_to_approved_content_returns_it_to_the_first_stage(
    two_stages, pr, legal, curator_actor
):
    item = submitted(curator_actor)
    decide(actor=actor(pr), content_id=item.pk, decision="approve")
    item = decide(actor=actor(legal), content_id=item.pk, decision="approve")
    approved_version = item.version
    content_update(
        actor=curator_actor, content_id=item.pk, data=ContentData(url="https://example.jp/new")
    )
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    assert item.approved_version == approved_version < item.version
    review = open_round(item)
    assert review.stage == 0
    assert review_view(actor=actor(pr), content_id=item.pk).can_decide
    assert not review_view(actor=actor(legal), content_id=item.pk).can_decide


def test_a_reject_archives_with_the_reason(two_stages, pr, curator_actor):
    item = submitted(curator_actor)
    item = decide(actor=actor(pr), content_id=item.pk, decision="reject", comment="時期が悪い")
    assert item.status == Status.ARCHIVED and item.review_comment == "時期が悪い"
    assert ReviewRound.objects.get(content=item).status == ReviewRound.Status.REJECTED


def test_withdrawing_or_archiving_closes_the_round(two_stages, pr, curator_actor):
    item = submitted(curator_actor)
    content_withdraw(actor=curator_actor, content_id=item.pk)
    assert ReviewRound.objects.get(content=item).status == ReviewRound.Status.CLOSED
    content_submit(actor=curator_actor, content_id=item.pk)
    content_archive(actor=curator_actor, content_id=item.pk, reason="中止")
    assert not ReviewRound.objects.filter(content=item, status="open").exists()
    with pytest.raises(Conflict) as caught:
        review_decide(actor=actor(pr), content_id=item.pk, decision="approve")
    assert caught.value.code == "invalid_status"


def test_unknown_decisions_and_long_comments_change_nothing(two_stages, pr, curator_actor):
    item = submitted(curator_actor)
    with pytest.raises(DomainError):
        review_decide(actor=actor(pr), content_id=item.pk, decision="maybe")
    with pytest.raises(DomainError):
        review_decide(actor=actor(pr), content_id=item.pk, decision="reject", comment="長" * 2001)
    assert open_round(item).decisions.count() == 0


def test_a_campaigns_workflow_comes_before_a_topics_before_the_default(
    org, admin, two_stages, curator_actor
):
    topic = Topic.objects.create(organization=org, name="採用")
    campaign = Campaign.objects.create(organization=org, name="春の採用")
    by_topic = workflow_create(
        actor=admin,
        data=WorkflowData(name="採用の確認", topic_id=topic.pk, stages=[StageData(name="人事")]),
    )
    by_campaign = workflow_create(
        actor=admin,
        data=WorkflowData(
            name="キャンペーン", campaign_id=campaign.pk, stages=[StageData(name="責任者")]
        ),
    )
    plain = submitted(curator_actor, "普通の記事")
    tagged = submitted(curator_actor, "採用の記事", topic_ids=[topic.pk])
    both = submitted(curator_actor, "両方", topic_ids=[topic.pk], campaign_id=campaign.pk)
    assert open_round(plain).workflow == two_stages
    assert open_round(tagged).workflow == by_topic
    assert open_round(both).workflow == by_campaign


def test_changing_a_workflow_leaves_content_in_review_alone(
    admin, two_stages, pr, legal, curator_actor
):
    item = submitted(curator_actor)
    workflow_update(
        actor=admin,
        workflow_id=two_stages.pk,
        data=WorkflowData(name="法務のみ", stages=[StageData(name="法務", role=Role.REVIEWER)]),
    )
    assert [stage["name"] for stage in open_round(item).stages] == ["広報", "法務"]
    decide(actor=actor(pr), content_id=item.pk, decision="approve")
    decide(actor=actor(legal), content_id=item.pk, decision="approve")
    assert [s["name"] for s in open_round(submitted(curator_actor, "次")).stages] == ["法務"]


def test_every_step_is_audited(two_stages, pr, legal, curator_actor):
    item = submitted(curator_actor)
    decide(actor=actor(pr), content_id=item.pk, decision="approve")
    decide(actor=actor(legal), content_id=item.pk, decision="changes", comment="要修正")
    rows = list(
        AuditEvent.objects.filter(action__startswith="review.")
        .order_by("pk")
        .values_list("action", "data__stage_name", "data__decision")
    )
    assert rows == [
        ("review.opened", None, None),
        ("review.decided", "広報", "approve"),
        ("review.decided", "法務", "changes"),
    ]
    assert AuditEvent.objects.filter(action="workflow.created").count() == 1


def test_a_stage_waiting_past_its_sla_reminds_its_reviewers_once(
    org, two_stages, pr, legal, curator_actor
):
    pr.user.language = "en"
    pr.user.save()
    colleague = make_person(
        org, roles=[Role.PROGRAM_MANAGER], department=pr.department, full_name="広報 次郎"
    )
    item = submitted(curator_actor)
    now = timezone.now()
    assert review_reminders_send(now=now + timedelta(hours=23)) == 0
    assert review_reminders_send(now=now + timedelta(hours=25)) == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [pr.user.email, colleague.user.email]
    )
    english = next(m for m in mail.outbox if m.to == [pr.user.email])
    japanese = next(m for m in mail.outbox if m.to == [colleague.user.email])
    assert english.subject.startswith("Waiting for your review")
    assert japanese.subject.startswith("レビュー")
    assert f"/content/{item.pk}/" in english.body and "24" in english.body
    assert review_reminders_send(now=now + timedelta(hours=30)) == 0  # once per stage
    assert len(mail.outbox) == 2
    decide(actor=actor(pr), content_id=item.pk, decision="approve")
    mail.outbox.clear()
    assert review_reminders_send(now=now + timedelta(hours=47)) == 0  # 法務 waits from now, 48 h
    assert review_reminders_send(now=now + timedelta(hours=49)) == 1
    assert [message.to for message in mail.outbox] == [[legal.user.email]]
    assert AuditEvent.objects.filter(action="review.reminded").count() == 2


def test_the_scheduler_runs_the_reminders(two_stages, pr, curator_actor):
    job = next(job for job in JOBS if job.name == "governance.review_reminders")
    assert job.task == "ouendan.governance.tasks.review_reminders_task"
    item = submitted(curator_actor)
    ReviewRound.objects.filter(content=item).update(
        stage_started_at=timezone.now() - timedelta(days=2)
    )
    assert review_reminders_task.call() == 1
    assert [message.to for message in mail.outbox] == [[pr.user.email]]
