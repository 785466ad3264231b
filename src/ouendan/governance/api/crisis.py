"""The crisis pause over the API: whether sharing is paused, pausing it, and resuming."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Action, require
from ouendan.core.api import error_responses
from ouendan.governance.models import CrisisPause
from ouendan.governance.selectors import crisis_pause_active
from ouendan.governance.services.crisis import crisis_pause_end, crisis_pause_start

router = Router(tags=["crisis pause"])


class PauseOut(Schema):
    paused: bool
    reason: str = Field(description="Why sharing is paused (empty when it is not).")
    started_at: datetime | None
    started_by: str | None
    ended_at: datetime | None = Field(description="When the last pause ended (resume answers).")


class PauseIn(Schema):
    reason: str = Field(max_length=500, examples=["製品不具合の報道を受け、状況を確認中です"])


class ResumeIn(Schema):
    confirm: bool = Field(description="Must be true: what was held goes out again.")
    note: str = Field(default="", max_length=500)


def _out(pause: CrisisPause | None) -> dict[str, Any]:
    if pause is None:
        return {
            "paused": False,
            "reason": "",
            "started_at": None,
            "started_by": None,
            "ended_at": None,
        }
    return {
        "paused": pause.ended_at is None,
        "reason": pause.reason,
        "started_at": pause.started_at,
        "started_by": pause.started_by.full_name if pause.started_by else None,
        "ended_at": pause.ended_at,
    }


@router.get(
    "/crisis-pause",
    response={200: PauseOut, **error_responses(401, 403)},
    summary="Whether all outgoing activity is paused",
    description="Everyone in the organization (the pages show the same as a banner).",
)
def crisis_pause_get_api(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    require(actor, Action.ORG_VIEW)
    return _out(crisis_pause_active(actor.organization.pk))


@router.post(
    "/crisis-pause",
    response={201: PauseOut, **error_responses(400, 401, 403, 409, 422)},
    summary="Pause all outgoing activity now",
    description="Program managers and org admins, with a reason everyone sees. Shares and "
    "posts are refused, scheduled content stays scheduled (held, not lost). "
    "Errors: `409 already_paused`.",
)
def crisis_pause_start_api(request: HttpRequest, payload: PauseIn) -> Status[dict[str, Any]]:
    pause = crisis_pause_start(actor=request_actor(request), reason=payload.reason)
    return Status(201, _out(pause))


@router.post(
    "/crisis-pause/resume",
    response={200: PauseOut, **error_responses(400, 401, 403, 409, 422)},
    summary="Resume: what was held goes out",
    description="Needs `confirm: true` (`400 confirm_required`). Errors: `409 not_paused`.",
)
def crisis_pause_resume_api(request: HttpRequest, payload: ResumeIn) -> dict[str, Any]:
    pause = crisis_pause_end(
        actor=request_actor(request), confirm=payload.confirm, note=payload.note
    )
    return _out(pause)
