"""The point rules over the API: anyone may read what earns points; the program changes them
(each change a new version, applying from then on)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.core.api import error_responses
from ouendan.engagement.models import PointRules
from ouendan.engagement.selectors import point_rules_current, point_rules_versions
from ouendan.engagement.services.rules import POINTS_MAX, RulesData, point_rules_update

router = Router(tags=["points"])


class RulesIn(Schema):
    share_points: int = Field(ge=0, le=POINTS_MAX, description="For a share once it is posted.")
    click_points: int = Field(
        ge=0, le=POINTS_MAX, description="For each person who clicks (unique, human, not you)."
    )
    click_cap: int = Field(ge=0, le=POINTS_MAX, description="Clicks that earn, per share.")
    conversion_points: dict[str, int] = Field(
        description="Points per conversion, by conversion type key "
        '(e.g. `{"application": 50}`); types left out earn nothing.',
    )
    suggestion_points: int = Field(ge=0, le=POINTS_MAX, description="For an accepted suggestion.")
    training_points: int = Field(ge=0, le=POINTS_MAX, description="For a finished training.")
    streak_points: int = Field(ge=0, le=POINTS_MAX, description="For each streak achieved.")
    streak_weeks: int = Field(ge=1, le=12, description="N: weeks with a share…")
    streak_window: int = Field(ge=1, le=12, description="…out of the last M weeks.")
    hold_hours: int = Field(
        ge=0, le=720, description="Points wait this long before they count (0: at once)."
    )
    burst_clicks: int = Field(
        ge=2, le=10_000, description="This many people clicking within `burst_minutes`…"
    )
    burst_minutes: int = Field(ge=1, le=1440, description="…of sharing sends points to review.")
    repeat_clicks: int = Field(
        ge=2, le=10_000, description="One visitor clicking a share this often sends it to review."
    )
    note: str = Field(default="", max_length=300, description="What changed and why.")


class RulesOut(RulesIn):
    version: int
    effective_from: datetime = Field(description="Events from then on are judged by this version.")
    created_at: datetime | None
    created_by: str | None


def rules_out(rules: PointRules) -> dict[str, Any]:
    data = RulesData.of(rules)
    return {
        **{name: getattr(data, name) for name in RulesIn.model_fields},
        "version": rules.version,
        "effective_from": rules.effective_from,
        "created_at": rules.created_at,
        "created_by": rules.created_by.full_name if rules.created_by else None,
    }


@router.get(
    "/point-rules",
    response={200: RulesOut, **error_responses(401, 403)},
    summary="What earns points now",
    description="Everyone in the program may read the rules. An organization that never "
    "changed them gets the defaults (version 1).",
)
def point_rules_api(request: HttpRequest) -> dict[str, Any]:
    return rules_out(point_rules_current(actor=request_actor(request)))


@router.put(
    "/point-rules",
    response={200: RulesOut, **error_responses(400, 401, 403, 409, 422)},
    summary="Change the point rules",
    description="Program managers and org admins. Makes a new version in force from now on: "
    "points already earned, and events that happened before, keep the earlier version's "
    "points. `409 rules_changed` when someone saved at the same moment.",
)
def point_rules_update_api(request: HttpRequest, payload: RulesIn) -> dict[str, Any]:
    rules = point_rules_update(actor=request_actor(request), data=RulesData(**payload.model_dump()))
    return rules_out(rules)


@router.get(
    "/point-rules/versions",
    response={200: list[RulesOut], **error_responses(401, 403)},
    summary="Every version of the rules, newest first",
    description="Program managers and org admins.",
)
def point_rules_versions_api(request: HttpRequest) -> list[dict[str, Any]]:
    return [rules_out(r) for r in point_rules_versions(actor=request_actor(request))]
