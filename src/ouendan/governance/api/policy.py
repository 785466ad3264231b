"""The social-media policy over the API: read the current version, acknowledge it, publish."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.core.api import Page, error_responses, paginate
from ouendan.core.errors import NotFound
from ouendan.governance.models import PolicyVersion
from ouendan.governance.selectors import (
    policy_acknowledgments,
    policy_status,
    policy_version_get,
    policy_versions,
)
from ouendan.governance.services.policy import policy_acknowledge, policy_publish

router = Router(tags=["policy"])


class PolicyOut(Schema):
    version: int
    title: str
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="Rendered and sanitised.")
    changes: str = Field(description="What changed from the version before.")
    published_at: datetime
    published_by: str | None
    acknowledged: bool = Field(description="Whether the caller has acknowledged this version.")
    acknowledged_at: datetime | None


class AcknowledgeIn(Schema):
    version: int | None = Field(
        default=None,
        description="The version you read; if a newer one was published since, "
        "`409 version_changed`.",
    )


class AcknowledgmentOut(Schema):
    version: int
    acknowledged: bool
    acknowledged_at: datetime


class PublishIn(Schema):
    title: str = Field(max_length=200, examples=["ソーシャルメディアガイドライン"])
    body: str = Field(max_length=50_000, description="Markdown.")
    changes: str = Field(default="", max_length=500, examples=["生成AIの利用について追記"])


class VersionOut(Schema):
    version: int
    title: str
    changes: str
    published_at: datetime
    published_by: str | None
    acknowledgments: int


class PersonAcknowledgmentOut(Schema):
    person_id: int
    name: str
    email: str
    department: str | None
    acknowledged_at: datetime


def _policy_out(version: PolicyVersion, acknowledged_at: datetime | None) -> dict[str, Any]:
    return {
        "version": version.number,
        "title": version.title,
        "body": version.body,
        "body_html": version.body_html,
        "changes": version.changes,
        "published_at": version.published_at,
        "published_by": version.published_by.full_name if version.published_by else None,
        "acknowledged": acknowledged_at is not None,
        "acknowledged_at": acknowledged_at,
    }


def _no_policy() -> NotFound:
    return NotFound(_("The organization has not published a policy yet."), code="no_policy")


@router.get(
    "/policy",
    response={200: PolicyOut, **error_responses(401, 403, 404)},
    summary="The current social-media policy and whether you have acknowledged it",
    description="An advocate must acknowledge the current version before sharing; a new "
    "version asks again. `404 no_policy` while the organization has published none.",
)
def policy_get_api(request: HttpRequest) -> dict[str, Any]:
    status = policy_status(actor=request_actor(request))
    if status.current is None:
        raise _no_policy()
    return _policy_out(status.current, status.acknowledged_at)


@router.post(
    "/policy/acknowledge",
    response={200: AcknowledgmentOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Acknowledge the current policy",
    description="Twice is harmless. Errors: `404 no_policy`, `409 version_changed`, "
    "`400 person_required` (an organization token).",
)
def policy_acknowledge_api(
    request: HttpRequest, payload: AcknowledgeIn | None = None
) -> dict[str, Any]:
    acknowledgment = policy_acknowledge(
        actor=request_actor(request), version=(payload or AcknowledgeIn()).version
    )
    return {
        "version": acknowledgment.policy.number,
        "acknowledged": True,
        "acknowledged_at": acknowledgment.acknowledged_at,
    }


@router.post(
    "/policy",
    response={201: PolicyOut, **error_responses(400, 401, 403, 409, 422)},
    summary="Publish a new version of the policy",
    description="Program managers, reviewers and org admins. Everyone is asked to "
    "acknowledge it before they share again.",
)
def policy_publish_api(request: HttpRequest, payload: PublishIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    version = policy_publish(
        actor=actor, title=payload.title, body=payload.body, changes=payload.changes
    )
    status = policy_status(actor=actor)
    return Status(201, _policy_out(version, status.acknowledged_at))


def _version_out(version: PolicyVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "title": version.title,
        "changes": version.changes,
        "published_at": version.published_at,
        "published_by": version.published_by.full_name if version.published_by else None,
        "acknowledgments": getattr(version, "acknowledgment_count", 0),
    }


@router.get(
    "/policy/versions",
    response={200: Page[VersionOut], **error_responses(400, 401, 403)},
    summary="Every published version, newest first",
)
def policy_versions_api(request: HttpRequest) -> dict[str, Any]:
    return paginate(request, policy_versions(actor=request_actor(request)), serialize=_version_out)


@router.get(
    "/policy/versions/{int:number}/acknowledgments",
    response={200: Page[PersonAcknowledgmentOut], **error_responses(400, 401, 403, 404)},
    summary="Who acknowledged a version",
    description="Program managers, reviewers and org admins. The page "
    "`/governance/policy/versions/<number>/acknowledgments.csv` exports the same as CSV.",
)
def policy_acknowledgments_api(request: HttpRequest, number: int) -> dict[str, Any]:
    actor = request_actor(request)
    policy_acknowledgments(actor=actor, number=number)  # the permission first
    policy_version_get(actor=actor, number=number)
    return paginate(
        request,
        policy_acknowledgments(actor=actor, number=number),
        serialize=lambda a: {
            "person_id": a.membership_id,
            "name": a.membership.full_name,
            "email": a.membership.user.email,
            "department": a.membership.department.name if a.membership.department else None,
            "acknowledged_at": a.acknowledged_at,
        },
    )
