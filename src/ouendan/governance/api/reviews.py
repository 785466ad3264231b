"""Reviews over the API: deciding a stage (approve, request changes, reject), an item's review
with its stages and decisions, and the caller's queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.core.api import Page, error_responses, paginate
from ouendan.governance.selectors import ReviewView, review_queue, review_view
from ouendan.governance.services.reviews import review_decide

router = Router(tags=["reviews"])

WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


class DecisionIn(Schema):
    comment: str = Field(default="", max_length=2000)
    version: int | None = Field(
        default=None,
        description="The version you reviewed; if the content changed since, `409 "
        "version_changed`.",
    )


class CommentIn(Schema):
    comment: str = Field(max_length=2000, examples=["公開日を確認してください。"])
    version: int | None = None


class StageOut(Schema):
    position: int = Field(description="From 1.")
    name: str
    state: Literal["done", "current", "waiting"]
    reviewers: list[str] = Field(description="Who may decide it (names).")
    sla_hours: int
    decided_by: str | None
    decided_at: datetime | None


class DecisionOut(Schema):
    stage: int
    stage_name: str
    version: int
    decision: Literal["approve", "changes", "reject"]
    comment: str
    reviewer: str | None
    decided_at: datetime


class ReviewOut(Schema):
    content_id: int
    content_status: str = Field(
        description="Where the content stands now (e.g. `approved`, `scheduled` or `published` "
        "after the last stage's approval, `draft` after a request for changes, `archived` after "
        "a reject)."
    )
    status: Literal["open", "approved", "changes_requested", "rejected", "closed", "none"]
    workflow: str | None
    version: int | None = Field(description="The version under review.")
    stage: int | None = Field(description="The current stage (from 1), while open.")
    waiting_since: datetime | None
    overdue: bool = Field(description="The current stage waited longer than its SLA.")
    can_decide: bool = Field(description="Whether the caller may decide the current stage.")
    stages: list[StageOut]
    decisions: list[DecisionOut] = Field(description="Of this round, oldest first.")
    earlier: list[DecisionOut] = Field(
        description="Of the rounds before (at most 10 rounds), newest first."
    )
    compare_version: int | None = Field(
        description="The version to compare the current one with: the last approved one when "
        "it changed since, else the last one a reviewer read "
        "(`GET /content/{id}/versions/{version}?against={compare_version}`)."
    )


class QueueItemOut(Schema):
    content_id: int
    title: str
    stage: int
    stage_name: str
    version: int
    waiting_since: datetime
    overdue: bool


def review_out(view: ReviewView) -> dict[str, Any]:
    return {
        "content_id": view.content_id,
        "content_status": view.content_status,
        "status": view.status,
        "workflow": view.workflow,
        "version": view.version,
        "stage": view.stage,
        "waiting_since": view.waiting_since,
        "overdue": view.overdue,
        "can_decide": view.can_decide,
        "stages": [vars(stage) for stage in view.stages],
        "decisions": [vars(decision) for decision in view.decisions],
        "earlier": [vars(decision) for decision in view.earlier],
        "compare_version": view.compare_version,
    }


def _decide(request: HttpRequest, content_id: int, decision: str, payload: Any) -> dict:
    actor = request_actor(request)
    review_decide(
        actor=actor,
        content_id=content_id,
        decision=decision,
        comment=payload.comment if payload else "",
        version=payload.version if payload else None,
    )
    return review_out(review_view(actor=actor, content_id=content_id))


@router.get(
    "/content/{int:content_id}/review",
    response={200: ReviewOut, **error_responses(401, 403, 404)},
    summary="An item's review: its stages, who decided what, who may decide next",
)
def review_get_api(request: HttpRequest, content_id: int) -> dict[str, Any]:
    return review_out(review_view(actor=request_actor(request), content_id=content_id))


@router.post(
    "/content/{int:content_id}/approve",
    response={200: ReviewOut, **WRITE_ERRORS},
    summary="Approve the current stage of content in review",
    description="Only the current stage's reviewers (named people, or holders of its role, in "
    "its department when it has one; without a workflow, reviewers and program managers). The "
    "last stage's approval approves the content: `approved` (no start), `scheduled` or "
    "`published`. Errors: `403 permission_denied` (not a reviewer of this stage), "
    "`409 invalid_status`, `409 version_changed`.",
)
def review_approve_api(
    request: HttpRequest, content_id: int, payload: DecisionIn | None = None
) -> dict[str, Any]:
    return _decide(request, content_id, "approve", payload)


@router.post(
    "/content/{int:content_id}/request-changes",
    response={200: ReviewOut, **WRITE_ERRORS},
    summary="Send content in review back to its curator, with a comment",
    description="The content becomes a draft with the comment; sent again, it starts again at "
    "the first stage.",
)
def review_request_changes_api(
    request: HttpRequest, content_id: int, payload: CommentIn
) -> dict[str, Any]:
    return _decide(request, content_id, "changes", payload)


@router.post(
    "/content/{int:content_id}/reject",
    response={200: ReviewOut, **WRITE_ERRORS},
    summary="Reject content in review, with the reason",
    description="The content is archived with the reason (a curator may restore it as a draft).",
)
def review_reject_api(request: HttpRequest, content_id: int, payload: CommentIn) -> dict[str, Any]:
    return _decide(request, content_id, "reject", payload)


@router.get(
    "/reviews",
    response={200: Page[QueueItemOut], **error_responses(400, 401, 403)},
    summary="My review queue: content whose current stage I may decide, oldest first",
)
def review_queue_api(request: HttpRequest) -> dict[str, Any]:
    rows = review_queue(actor=request_actor(request))
    page = paginate(request, rows)  # a list: paginate slices it too
    page["items"] = [vars(row) for row in page["items"]]
    return page
