"""Approval workflows: their stages and who reviews at each (kept by the program manager and
org admins). Content already in review keeps the stages it started with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Department, Membership
from ouendan.accounts.permissions import MATRIX, Action, Actor, require
from ouendan.accounts.roles import Role
from ouendan.content.models import Campaign, Topic
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.governance.models import Workflow, WorkflowStage

STAGES_MAX = 10
SLA_HOURS_MAX = 24 * 30


@dataclass(frozen=True)
class StageData:
    name: str
    role: str = ""
    department_id: int | None = None
    reviewer_ids: Sequence[int] = ()
    sla_hours: int = 48


@dataclass(frozen=True)
class WorkflowData:
    name: str
    stages: Sequence[StageData] = field(default_factory=tuple)
    topic_id: int | None = None
    campaign_id: int | None = None
    active: bool = True


@dataclass(frozen=True)
class _Stage:
    name: str
    role: str
    department: Department | None
    reviewers: list[Membership]
    sla_hours: int


@dataclass(frozen=True)
class _Cleaned:
    name: str
    topic: Topic | None
    campaign: Campaign | None
    stages: list[_Stage]


def _clean(actor: Actor, data: WorkflowData) -> _Cleaned:
    name = " ".join(data.name.split())
    if not name or len(name) > 120:
        raise DomainError(_("Give the workflow a name."), fields={"name": [_("Required.")]})
    if data.topic_id and data.campaign_id:
        raise DomainError(
            _("A workflow is for a topic or for a campaign, not both."),
            fields={"campaign_id": [_("Choose one.")]},
        )
    if not data.stages or len(data.stages) > STAGES_MAX:
        raise DomainError(
            _("A workflow has from 1 to %(limit)d stages.") % {"limit": STAGES_MAX},
            fields={"stages": [_("From 1 to %(limit)d.") % {"limit": STAGES_MAX}]},
        )
    topic = (
        Topic.objects.filter(organization=actor.organization, pk=data.topic_id).first()
        if data.topic_id
        else None
    )
    campaign = (
        Campaign.objects.filter(organization=actor.organization, pk=data.campaign_id).first()
        if data.campaign_id
        else None
    )
    if (data.topic_id and topic is None) or (data.campaign_id and campaign is None):
        raise NotFound(_("That topic or campaign does not exist."))
    stages = []
    for position, stage in enumerate(data.stages, start=1):
        where = f"stages.{position}"
        stage_name = " ".join(stage.name.split())
        if not stage_name or len(stage_name) > 120:
            raise DomainError(
                _("Every stage needs a name (e.g. 広報, 法務)."), fields={where: [_("Required.")]}
            )
        if stage.role and stage.role not in Role.values:
            raise DomainError(_("Unknown role."), fields={where: [_("Unknown role.")]})
        department = None
        if stage.department_id:
            department = Department.objects.filter(
                organization=actor.organization, pk=stage.department_id
            ).first()
            if department is None:
                raise NotFound(_("That department does not exist."), fields={where: []})
        reviewers = list(
            Membership.objects.filter(
                organization=actor.organization,
                pk__in=set(stage.reviewer_ids),
                status=Membership.Status.ACTIVE,
            )
        )
        if len(reviewers) != len(set(stage.reviewer_ids)):
            raise NotFound(_("A reviewer is not an active member here."), fields={where: []})
        readers = {role.value for role in MATRIX[Action.CONTENT_VIEW]}
        for person in reviewers:
            if not readers & set(person.role_grants.values_list("role", flat=True)):
                raise DomainError(
                    _(
                        "%(name)s cannot read the content library: give them the reviewer "
                        "role first."
                    )
                    % {"name": person.full_name},
                    code="reviewer_cannot_read",
                    fields={where: [_("Cannot read the content library.")]},
                )
        if not 1 <= stage.sla_hours <= SLA_HOURS_MAX:
            raise DomainError(
                _("Remind after 1 to %(limit)d hours.") % {"limit": SLA_HOURS_MAX},
                fields={where: [_("Out of range.")]},
            )
        stages.append(_Stage(stage_name, stage.role, department, reviewers, stage.sla_hours))
    return _Cleaned(name, topic, campaign, stages)


def _write_stages(workflow: Workflow, stages: list[_Stage]) -> None:
    workflow.stages.all().delete()
    for position, stage in enumerate(stages, start=1):
        row = WorkflowStage.objects.create(
            organization=workflow.organization,
            workflow=workflow,
            position=position,
            name=stage.name,
            reviewer_role=stage.role,
            department=stage.department,
            sla_hours=stage.sla_hours,
        )
        row.reviewers.set(stage.reviewers)


def _taken() -> Conflict:
    return Conflict(
        _("Another workflow already has that name, or already covers that topic or campaign."),
        fields={"name": [_("Already used.")]},
    )


def _covered(actor: Actor, cleaned: _Cleaned, exclude: int | None) -> bool:
    others = Workflow.objects.filter(
        organization=actor.organization,
        active=True,
        topic=cleaned.topic,
        campaign=cleaned.campaign,
    )
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return others.exists()


def workflow_create(*, actor: Actor, data: WorkflowData) -> Workflow:
    require(actor, Action.WORKFLOWS_MANAGE)
    cleaned = _clean(actor, data)
    try:
        with transaction.atomic():
            if data.active and _covered(actor, cleaned, None):
                raise _taken()
            workflow = Workflow.objects.create(
                organization=actor.organization,
                name=cleaned.name,
                topic=cleaned.topic,
                campaign=cleaned.campaign,
                active=data.active,
            )
            _write_stages(workflow, cleaned.stages)
            audit_record(
                actor=actor,
                action="workflow.created",
                target=workflow,
                data={"stages": [stage.name for stage in cleaned.stages]},
            )
    except IntegrityError as exc:
        raise _taken() from exc
    return workflow


def workflow_update(*, actor: Actor, workflow_id: int, data: WorkflowData) -> Workflow:
    """Replace a workflow's name, scope and stages (content in review keeps its own)."""
    require(actor, Action.WORKFLOWS_MANAGE)
    workflow = Workflow.objects.filter(organization=actor.organization, pk=workflow_id).first()
    if workflow is None:
        raise NotFound(_("That workflow does not exist."))
    cleaned = _clean(actor, data)
    try:
        with transaction.atomic():
            if data.active and _covered(actor, cleaned, workflow.pk):
                raise _taken()
            workflow.name = cleaned.name
            workflow.topic = cleaned.topic
            workflow.campaign = cleaned.campaign
            workflow.active = data.active
            workflow.save()
            _write_stages(workflow, cleaned.stages)
            audit_record(
                actor=actor,
                action="workflow.updated",
                target=workflow,
                data={"stages": [stage.name for stage in cleaned.stages], "active": data.active},
            )
    except IntegrityError as exc:
        raise _taken() from exc
    return workflow


def workflow_delete(*, actor: Actor, workflow_id: int) -> None:
    require(actor, Action.WORKFLOWS_MANAGE)
    with transaction.atomic():
        workflow = Workflow.objects.filter(organization=actor.organization, pk=workflow_id).first()
        if workflow is None:
            raise NotFound(_("That workflow does not exist."))
        audit_record(actor=actor, action="workflow.deleted", target=workflow)
        workflow.delete()
