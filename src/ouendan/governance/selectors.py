"""Reads of governance, scoped by an explicit actor or organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.models import Department, Membership, Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.accounts.roles import Role
from ouendan.core.errors import NotFound
from ouendan.governance.compliance import Policy
from ouendan.governance.models import (
    ComplianceSettings,
    CrisisPause,
    PolicyAcknowledgment,
    PolicyVersion,
    ReviewDecision,
)


def compliance_settings_get(*, actor: Actor) -> ComplianceSettings:
    """The organization's lists (an unsaved, empty row when it has none yet)."""
    require(actor, Action.COMPLIANCE_MANAGE)
    found = ComplianceSettings.objects.filter(organization=actor.organization).first()
    return found or ComplianceSettings(organization=actor.organization)


def _own_domains() -> tuple[str, ...]:
    hosts = (urlsplit(url).hostname for url in (settings.BASE_URL, settings.LINK_BASE_URL))
    return tuple(host for host in hosts if host)


@lru_cache(maxsize=256)
def _compiled(organization_id: int, version: str) -> Policy:
    row = ComplianceSettings.objects.filter(organization_id=organization_id).first()
    if row is None:
        return Policy.build(own_domains=_own_domains())
    return Policy.build(
        confidential_terms=row.confidential_terms,
        blocked_terms=row.blocked_terms,
        product_names=row.product_names,
        disclosure_markers=row.disclosure_markers,
        allowed_domains=row.allowed_domains,
        public_emails=row.public_emails,
        public_phones=row.public_phones,
        severities=row.severities,
        own_domains=_own_domains(),
    )


def compliance_policy(organization: Organization) -> Policy:
    """The organization's compiled policy; compiled again only after its settings change."""
    stamp = (
        ComplianceSettings.objects.filter(organization=organization)
        .values_list("updated_at", flat=True)
        .first()
    )
    return _compiled(organization.pk, stamp.isoformat() if stamp else "")


# --- The social-media policy ---------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyStatus:
    current: PolicyVersion | None
    acknowledged_at: datetime | None

    @property
    def acknowledged(self) -> bool:
        """Whether the person may share as far as the policy goes (nothing to accept: yes)."""
        return self.current is None or self.acknowledged_at is not None


def policy_status(*, actor: Actor) -> PolicyStatus:
    """The current policy and whether the actor has acknowledged it."""
    require(actor, Action.POLICY_READ)
    current = (
        PolicyVersion.objects.filter(organization=actor.organization)
        .select_related("published_by")
        .first()
    )
    acknowledged_at = None
    if current is not None and actor.membership is not None:
        acknowledged_at = (
            PolicyAcknowledgment.objects.filter(policy=current, membership=actor.membership)
            .values_list("acknowledged_at", flat=True)
            .first()
        )
    return PolicyStatus(current, acknowledged_at)


def policy_versions(*, actor: Actor) -> QuerySet[PolicyVersion]:
    require(actor, Action.POLICY_READ)
    return (
        PolicyVersion.objects.filter(organization=actor.organization)
        .select_related("published_by")
        .annotate(acknowledgment_count=Count("acknowledgments"))
    )


def policy_version_get(*, actor: Actor, number: int) -> PolicyVersion:
    version = policy_versions(actor=actor).filter(number=number).first()
    if version is None:
        raise NotFound(_("That version of the policy does not exist."))
    return version


def policy_acknowledgments(*, actor: Actor, number: int) -> QuerySet[PolicyAcknowledgment]:
    """Who acknowledged one version, newest first (for the program team and 法務)."""
    require(actor, Action.POLICY_MANAGE)
    return PolicyAcknowledgment.objects.filter(
        organization=actor.organization, policy__number=number
    ).select_related("membership__user", "membership__department", "policy")


def policy_pending_advocates(*, actor: Actor) -> int:
    """Active advocates who have not acknowledged the current version yet."""
    require(actor, Action.POLICY_MANAGE)
    current = PolicyVersion.objects.filter(organization=actor.organization).first()
    advocates = Membership.objects.filter(
        organization=actor.organization,
        status=Membership.Status.ACTIVE,
        role_grants__role=Role.ADVOCATE,
    )
    if current is None:
        return 0
    return advocates.exclude(policy_acknowledgments__policy=current).distinct().count()


# --- The crisis pause ----------------------------------------------------------------------------


def crisis_pause_active(organization_id: int) -> CrisisPause | None:
    """The organization's pause while it lasts. Every page asks (for the banner): one query on
    an index of the few pause rows, not cached, so a pause shows everywhere at once."""
    return (
        CrisisPause.objects.filter(organization_id=organization_id, ended_at__isnull=True)
        .select_related("started_by")
        .first()
    )


def crisis_pauses(*, actor: Actor) -> QuerySet[CrisisPause]:
    require(actor, Action.CRISIS_PAUSE)
    return CrisisPause.objects.filter(organization=actor.organization).select_related(
        "started_by", "ended_by"
    )


def paused_organization_ids() -> set[int]:
    """Every organization under a pause (the content lifecycle holds their scheduled items)."""
    return set(
        CrisisPause.objects.filter(ended_at__isnull=True).values_list("organization_id", flat=True)
    )


# --- Reviews -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageView:
    position: int
    name: str
    state: str  # "done", "current", "waiting"
    reviewers: list[str]
    sla_hours: int
    decided_by: str | None
    decided_at: datetime | None


@dataclass(frozen=True)
class DecisionView:
    stage: int
    stage_name: str
    version: int
    decision: str
    comment: str
    reviewer: str | None
    decided_at: datetime


@dataclass(frozen=True)
class ReviewView:
    content_id: int
    content_status: str
    status: str  # a ReviewRound status, or "none"
    workflow: str | None
    version: int | None
    stage: int | None
    waiting_since: datetime | None
    overdue: bool
    can_decide: bool
    stages: list[StageView]
    decisions: list[DecisionView]  # of this round, oldest first
    earlier: list[DecisionView]  # of the rounds before, newest first
    compare_version: int | None  # an earlier version reviewed, to see what changed since


EARLIER_ROUNDS = 10


def _stage_label(stage: dict[str, object], position: int) -> str:
    return str(
        stage.get("name") or (_("Review") if position == 1 else _("Stage %(n)d") % {"n": position})
    )


def _decision_view(decision: ReviewDecision, stages: list[dict[str, Any]]) -> DecisionView:
    label = decision.stage_name
    if not label:
        stage = stages[decision.stage] if decision.stage < len(stages) else {}
        label = _stage_label(stage, decision.stage + 1)
    return DecisionView(
        stage=decision.stage + 1,
        stage_name=label,
        version=decision.version,
        decision=decision.decision,
        comment=decision.comment,
        reviewer=decision.reviewer.full_name if decision.reviewer else None,
        decided_at=decision.decided_at,
    )


def review_view(*, actor: Actor, content_id: int) -> ReviewView:
    """The latest review round of an item (stages, who decided what and when, who may decide
    next), the decisions of the rounds before it, and the version to compare with: the last
    approved one, else the last one a reviewer read."""
    from ouendan.content.models import ContentItem
    from ouendan.governance.models import ReviewRound
    from ouendan.governance.services.reviews import may_decide

    require(actor, Action.CONTENT_VIEW)
    item = ContentItem.objects.filter(organization=actor.organization, pk=content_id).first()
    if item is None:
        raise NotFound(_("That content does not exist."))
    rounds = list(
        ReviewRound.objects.filter(content=item)
        .select_related("workflow")
        .prefetch_related("decisions__reviewer")[: EARLIER_ROUNDS + 1]
    )
    if not rounds:
        return ReviewView(
            item.pk, item.status, "none", None, None, None, None, False, False, [], [], [], None
        )
    review, before = rounds[0], rounds[1:]
    decisions = list(review.decisions.all())
    approvals = {d.stage: d for d in decisions if d.decision == "approve"}
    names = dict(
        Membership.objects.filter(
            pk__in={pk for stage in review.stages for pk in stage.get("reviewers") or []}
        ).values_list("pk", "full_name")
    )
    departments = dict(
        Department.objects.filter(
            organization=actor.organization,
            pk__in={stage["department"] for stage in review.stages if stage.get("department")},
        ).values_list("pk", "name")
    )
    is_open = review.status == ReviewRound.Status.OPEN
    stages = []
    for index, stage in enumerate(review.stages):
        state = (
            "done"
            if index < review.stage or (not is_open and index in approvals)
            else ("current" if is_open and index == review.stage else "waiting")
        )
        who = [names[pk] for pk in stage.get("reviewers") or [] if pk in names]
        if stage.get("role"):
            role = str(Role(str(stage["role"])).label)
            department = departments.get(stage.get("department"))
            who.append(f"{role}（{department}）" if department else role)
        decision = approvals.get(index)
        stages.append(
            StageView(
                position=index + 1,
                name=_stage_label(stage, index + 1),
                state=state,
                reviewers=who,
                sla_hours=int(stage.get("sla_hours") or 48),
                decided_by=decision.reviewer.full_name if decision and decision.reviewer else None,
                decided_at=decision.decided_at if decision else None,
            )
        )
    earlier = [
        _decision_view(decision, past.stages)
        for past in before
        for decision in reversed(list(past.decisions.all()))
    ]
    read = [d.version for d in earlier if d.version != item.version]
    compare = (
        item.approved_version
        if item.approved_version and item.approved_version != item.version
        else (read[0] if read else None)
    )
    sla = int(review.stages[review.stage].get("sla_hours") or 48)
    return ReviewView(
        content_id=item.pk,
        content_status=item.status,
        status=review.status,
        workflow=review.workflow.name if review.workflow else None,
        version=review.version,
        stage=review.stage + 1 if is_open else None,
        waiting_since=review.stage_started_at if is_open else None,
        overdue=is_open and review.stage_started_at + timedelta(hours=sla) <= timezone.now(),
        can_decide=is_open and may_decide(actor, review),
        stages=stages,
        decisions=[_decision_view(d, review.stages) for d in decisions],
        earlier=earlier,
        compare_version=compare,
    )


@dataclass(frozen=True)
class QueueItem:
    content_id: int
    title: str
    stage: int
    stage_name: str
    version: int
    waiting_since: datetime
    overdue: bool


def review_queue(*, actor: Actor) -> list[QueueItem]:
    """Content whose current stage the actor may decide, the longest waiting first."""
    from ouendan.governance.models import ReviewRound
    from ouendan.governance.services.reviews import may_decide

    now = timezone.now()
    rows = []
    subtrees: dict[int, set[int]] = {}
    for review in (
        ReviewRound.objects.filter(organization=actor.organization, status=ReviewRound.Status.OPEN)
        .select_related("content")
        .order_by("stage_started_at", "pk")
    ):
        if not may_decide(actor, review, subtrees=subtrees):
            continue
        stage = review.stages[review.stage]
        rows.append(
            QueueItem(
                content_id=review.content_id,
                title=review.content.title,
                stage=review.stage + 1,
                stage_name=_stage_label(stage, review.stage + 1),
                version=review.version,
                waiting_since=review.stage_started_at,
                overdue=review.stage_started_at + timedelta(hours=int(stage.get("sla_hours") or 48))
                <= now,
            )
        )
    return rows


def workflows_list(*, actor: Actor) -> QuerySet[Any]:
    from ouendan.governance.models import Workflow, WorkflowStage

    require(actor, Action.WORKFLOWS_MANAGE)
    return (
        Workflow.objects.filter(organization=actor.organization)
        .select_related("topic", "campaign")
        .prefetch_related(
            Prefetch(
                "stages",
                queryset=WorkflowStage.objects.order_by("position").select_related("department"),
            )
        )
        .order_by("-active", "name", "pk")
    )


def workflow_get(*, actor: Actor, workflow_id: int) -> Any:
    """One workflow with its stages (and their reviewers), or ``NotFound``."""
    workflow = (
        workflows_list(actor=actor)
        .prefetch_related("stages__reviewers__user")
        .filter(pk=workflow_id)
        .first()
    )
    if workflow is None:
        raise NotFound(_("That workflow does not exist."))
    return workflow
