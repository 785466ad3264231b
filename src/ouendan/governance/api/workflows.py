"""Approval workflows over the API: the program manager's and org admins' list of workflows,
each with its ordered stages and who reviews at each."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.roles import Role
from ouendan.core.api import Page, error_responses, paginate
from ouendan.governance.models import Workflow
from ouendan.governance.selectors import workflow_get, workflows_list
from ouendan.governance.services.workflows import (
    SLA_HOURS_MAX,
    STAGES_MAX,
    StageData,
    WorkflowData,
    workflow_create,
    workflow_delete,
    workflow_update,
)

router = Router(tags=["workflows"])

READ_ERRORS = error_responses(400, 401, 403)
ONE_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)

ROLES = ", ".join(f"`{role.value}`" for role in Role)


class StageIn(Schema):
    name: str = Field(max_length=120, examples=["広報"])
    role: str = Field(
        default="",
        max_length=32,
        examples=["reviewer"],
        description=f"One of {ROLES}: holders of this role decide the stage (with "
        "`department_id`, only those in that department or below it). Empty with no "
        "`reviewer_ids`: anyone who may review content.",
    )
    department_id: int | None = None
    reviewer_ids: list[int] = Field(
        default_factory=list, description="Memberships who decide the stage, besides the role."
    )
    sla_hours: int = Field(
        default=48,
        ge=1,
        le=SLA_HOURS_MAX,
        description="After this long waiting, the stage's reviewers get a reminder (once).",
    )


class WorkflowIn(Schema):
    name: str = Field(max_length=120, examples=["広報 → 法務"])
    stages: list[StageIn] = Field(min_length=1, max_length=STAGES_MAX)
    topic_id: int | None = Field(default=None, description="For content with this topic.")
    campaign_id: int | None = Field(
        default=None, description="For content of this campaign (before any topic's workflow)."
    )
    active: bool = True


class WorkflowUpdateIn(Schema):
    name: str | None = Field(default=None, max_length=120)
    stages: list[StageIn] | None = Field(
        default=None,
        min_length=1,
        max_length=STAGES_MAX,
        description="Replaces all the stages; content already in review keeps its own.",
    )
    topic_id: int | None = None
    campaign_id: int | None = None
    active: bool | None = None


class StageOut(Schema):
    position: int = Field(description="From 1.")
    name: str
    role: str
    department_id: int | None
    department: str | None
    reviewer_ids: list[int]
    sla_hours: int


class WorkflowOut(Schema):
    id: int
    name: str
    scope: Literal["default", "topic", "campaign"]
    topic_id: int | None
    campaign_id: int | None
    active: bool
    stages: list[StageOut]


def _workflow_out(workflow: Workflow) -> dict[str, Any]:
    return {
        "id": workflow.pk,
        "name": workflow.name,
        "scope": "campaign"
        if workflow.campaign_id
        else "topic"
        if workflow.topic_id
        else "default",
        "topic_id": workflow.topic_id,
        "campaign_id": workflow.campaign_id,
        "active": workflow.active,
        "stages": [
            {
                "position": stage.position,
                "name": stage.name,
                "role": stage.reviewer_role,
                "department_id": stage.department_id,
                "department": stage.department.name if stage.department else None,
                "reviewer_ids": sorted(person.pk for person in stage.reviewers.all()),
                "sla_hours": stage.sla_hours,
            }
            for stage in workflow.stages.all()
        ],
    }


def _stages(stages: list[StageIn]) -> list[StageData]:
    return [
        StageData(
            name=stage.name,
            role=stage.role,
            department_id=stage.department_id,
            reviewer_ids=stage.reviewer_ids,
            sla_hours=stage.sla_hours,
        )
        for stage in stages
    ]


def _current(workflow: Workflow) -> WorkflowData:
    return WorkflowData(
        name=workflow.name,
        stages=[
            StageData(
                name=stage.name,
                role=stage.reviewer_role,
                department_id=stage.department_id,
                reviewer_ids=[person.pk for person in stage.reviewers.all()],
                sla_hours=stage.sla_hours,
            )
            for stage in workflow.stages.all()
        ],
        topic_id=workflow.topic_id,
        campaign_id=workflow.campaign_id,
        active=workflow.active,
    )


@router.get(
    "/workflows",
    response={200: Page[WorkflowOut], **READ_ERRORS},
    summary="List approval workflows",
    description="Program managers and org admins. Content goes through the workflow of its "
    "campaign, else of one of its topics, else the default one (no topic, no campaign); with "
    "none, one stage that anyone who may review content decides.",
)
def workflows_list_api(request: HttpRequest) -> dict[str, Any]:
    rows = workflows_list(actor=request_actor(request)).prefetch_related("stages__reviewers")
    return paginate(request, rows, serialize=_workflow_out)


@router.get(
    "/workflows/{int:workflow_id}",
    response={200: WorkflowOut, **ONE_ERRORS},
    summary="One approval workflow with its stages",
)
def workflows_get_api(request: HttpRequest, workflow_id: int) -> dict[str, Any]:
    return _workflow_out(workflow_get(actor=request_actor(request), workflow_id=workflow_id))


@router.post(
    "/workflows",
    response={201: WorkflowOut, **WRITE_ERRORS},
    summary="Add an approval workflow",
    description="At most one workflow in use per scope (the default, a topic, a campaign): "
    "`409 conflict` otherwise, or when the name is taken.",
)
def workflows_create_api(request: HttpRequest, payload: WorkflowIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    workflow = workflow_create(
        actor=actor,
        data=WorkflowData(
            name=payload.name,
            stages=_stages(payload.stages),
            topic_id=payload.topic_id,
            campaign_id=payload.campaign_id,
            active=payload.active,
        ),
    )
    return Status(201, _workflow_out(workflow_get(actor=actor, workflow_id=workflow.pk)))


@router.patch(
    "/workflows/{int:workflow_id}",
    response={200: WorkflowOut, **WRITE_ERRORS},
    summary="Change an approval workflow",
    description="Fields left out keep their value; `stages`, when given, replaces them all. "
    "Content already in review keeps the stages it started with. To move a workflow to the "
    "default scope, send `topic_id` and `campaign_id` as `null`.",
)
def workflows_update_api(
    request: HttpRequest, workflow_id: int, payload: WorkflowUpdateIn
) -> dict[str, Any]:
    actor = request_actor(request)
    current = _current(workflow_get(actor=actor, workflow_id=workflow_id))
    given = payload.model_fields_set
    workflow_update(
        actor=actor,
        workflow_id=workflow_id,
        data=WorkflowData(
            name=payload.name if payload.name is not None else current.name,
            stages=_stages(payload.stages) if payload.stages is not None else current.stages,
            topic_id=payload.topic_id if "topic_id" in given else current.topic_id,
            campaign_id=payload.campaign_id if "campaign_id" in given else current.campaign_id,
            active=payload.active if payload.active is not None else current.active,
        ),
    )
    return _workflow_out(workflow_get(actor=actor, workflow_id=workflow_id))


@router.delete(
    "/workflows/{int:workflow_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove an approval workflow",
    description="Content in review keeps its stages; new reviews use the next workflow that "
    "applies.",
)
def workflows_delete_api(request: HttpRequest, workflow_id: int) -> Status[None]:
    workflow_delete(actor=request_actor(request), workflow_id=workflow_id)
    return Status(204, None)
