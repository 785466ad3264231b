"""KPI goals over the API: ``/analytics/goals`` (read: ``analytics.view``; write: the program)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.analytics.metrics import GOAL_METRICS
from ouendan.analytics.selectors.goals import (
    GoalProgress,
    goal_get,
    goals_progress,
    goals_visible,
    period_presets,
)
from ouendan.analytics.services.goals import GoalData, goal_create, goal_delete, goal_update
from ouendan.core.api import Page, error_responses, paginate
from ouendan.core.errors import DomainError

router = Router(tags=["analytics"])

READ_ERRORS = error_responses(400, 401, 403)
ONE_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 422)

_METRICS = ", ".join(f"`{m}`" for m in GOAL_METRICS)
_UNITS = (
    "Percentages (`participation_rate`) are in points: 30 means 30 %; money in the organization's "
    "currency."
)


class ProgressOut(Schema):
    current: float = Field(description="The metric over the goal's period up to today.")
    target_value: float = Field(
        description="The figure to reach: `target`, or `baseline` changed by `target` %."
    )
    percent_of_target: float | None = Field(
        description="`current` ÷ `target_value` × 100; null when the figure to reach is 0."
    )
    expected: float = Field(
        description="Where a steady (linear) pace from the first day would be today."
    )
    status: Literal["upcoming", "on_track", "behind", "achieved", "missed"] = Field(
        description="`upcoming` before the first day; `achieved` once `current` reaches "
        "`target_value`; after the last day `missed` if it did not; meanwhile `on_track` at or "
        "above `expected`, else `behind`."
    )
    days_elapsed: int
    days_total: int
    measured_until: dt.date | None = Field(
        description="The last day counted (today, or the last day once ended)."
    )


class GoalOut(Schema):
    id: int
    name: str
    metric: str
    metric_label: str
    kind: Literal["absolute", "change"]
    target: float = Field(description="A figure (`absolute`) or a change in percent (`change`).")
    starts_on: dt.date
    ends_on: dt.date
    department_id: int | None = Field(description="null: the whole organization.")
    department: str = Field(description="The department's path; empty for the organization.")
    baseline: float | None
    baseline_computed: bool = Field(
        description="true: measured by Ouendan over `baseline_from`–`baseline_to` when the goal "
        "was set (kept since); false: entered."
    )
    baseline_from: dt.date
    baseline_to: dt.date
    baseline_final: bool = Field(
        description="false while a measured baseline is provisional: it was measured before "
        "`baseline_to` had passed, and is measured once more the day after `starts_on`."
    )
    progress: ProgressOut
    created_at: dt.datetime
    updated_at: dt.datetime


class GoalIn(Schema):
    name: str = Field(max_length=120, examples=["応募数 +10 %"])
    metric: str = Field(description=f"One of {_METRICS}.", examples=["conversions"])
    kind: Literal["absolute", "change"] = Field(
        description="`absolute`: reach `target`; `change`: change by `target` % against the "
        "baseline."
    )
    target: float = Field(description=_UNITS, examples=[10])
    period: Literal["this_quarter", "next_quarter"] | None = Field(
        default=None,
        description="A quarter of the organization's fiscal year, in its time zone; or give "
        "`starts_on` and `ends_on`.",
    )
    starts_on: dt.date | None = None
    ends_on: dt.date | None = Field(default=None, description="Included; at most 366 days.")
    department_id: int | None = Field(
        default=None, description="Only this department and those below it; null: all."
    )
    baseline: float | None = Field(
        default=None,
        description="Left out or null: measured now over the period of equal length just "
        "before, and kept.",
    )


class GoalPatchIn(Schema):
    name: str | None = Field(default=None, max_length=120)
    metric: str | None = None
    kind: Literal["absolute", "change"] | None = None
    target: float | None = None
    period: Literal["this_quarter", "next_quarter"] | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    department_id: int | None = Field(
        default=None, description="Sent as null: the whole organization."
    )
    baseline: float | None = Field(
        default=None,
        description="Sent as null: measured by Ouendan (measured again only if the metric, "
        "period or department change).",
    )


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _period(actor: Actor, payload: GoalIn | GoalPatchIn) -> tuple[dt.date | None, dt.date | None]:
    if payload.period is None:
        return payload.starts_on, payload.ends_on
    if payload.starts_on or payload.ends_on:
        raise DomainError(
            _("Give a period or the first and last days, not both."),
            fields={"period": [_("Or dates, not both.")]},
        )
    preset = next(p for p in period_presets(actor=actor) if p.key == payload.period)
    return preset.start, preset.end


def goal_out(progress: GoalProgress) -> dict[str, Any]:
    goal = progress.goal
    baseline_from, baseline_to = progress.baseline_period
    return {
        "id": goal.pk,
        "name": goal.name,
        "metric": goal.metric,
        "metric_label": str(progress.metric.label),
        "kind": goal.kind,
        "target": float(goal.target),
        "starts_on": goal.starts_on,
        "ends_on": goal.ends_on,
        "department_id": goal.department_id,
        "department": progress.department,
        "baseline": None if goal.baseline is None else float(goal.baseline),
        "baseline_computed": goal.baseline_computed,
        "baseline_from": baseline_from,
        "baseline_to": baseline_to,
        "baseline_final": progress.baseline_final,
        "progress": {
            "current": float(progress.current),
            "target_value": float(progress.target_value),
            "percent_of_target": progress.percent_of_target,
            "expected": float(progress.expected),
            "status": progress.status,
            "days_elapsed": progress.days_elapsed,
            "days_total": progress.days_total,
            "measured_until": progress.measured_until,
        },
        "created_at": goal.created_at,
        "updated_at": goal.updated_at,
    }


def _one(actor: Actor, goal_id: int) -> dict[str, Any]:
    return goal_out(goals_progress(actor=actor, goals=[goal_get(actor=actor, goal_id=goal_id)])[0])


@router.get(
    "/analytics/goals",
    response={200: Page[GoalOut], **READ_ERRORS},
    summary="KPI goals with their progress",
    description="Ending soonest first. The program and executive viewers see every goal; "
    "managers the organization's and their departments' (each measured over its own scope). "
    + _UNITS,
)
def goals_list_api(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    page = paginate(request, goals_visible(actor=actor))
    page["items"] = [goal_out(p) for p in goals_progress(actor=actor, goals=page["items"])]
    return page


@router.post(
    "/analytics/goals",
    response={201: GoalOut, **WRITE_ERRORS},
    summary="Set a KPI goal",
    description="Program managers and org admins. The baseline, unless given, is measured now "
    "(the same metric over the period of equal length just before) and kept, so the goal does "
    "not move as late events arrive. Errors: `400 invalid` (`fields` names each problem: "
    "unknown metric or department, target out of range, last day before the first, more than "
    "366 days), `400 baseline_zero` (a change against a baseline of 0).",
)
def goals_create_api(request: HttpRequest, payload: GoalIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    starts_on, ends_on = _period(actor, payload)
    goal = goal_create(
        actor=actor,
        data=GoalData(
            name=payload.name,
            metric=payload.metric,
            kind=payload.kind,
            target=_decimal(payload.target),
            starts_on=starts_on,
            ends_on=ends_on,
            department_id=payload.department_id,
            baseline=_decimal(payload.baseline),
        ),
    )
    return Status(201, _one(actor, goal.pk))


@router.get(
    "/analytics/goals/{int:goal_id}",
    response={200: GoalOut, **ONE_ERRORS},
    summary="One KPI goal with its progress",
)
def goals_get_api(request: HttpRequest, goal_id: int) -> dict[str, Any]:
    return _one(request_actor(request), goal_id)


@router.patch(
    "/analytics/goals/{int:goal_id}",
    response={200: GoalOut, **WRITE_ERRORS},
    summary="Change a KPI goal",
    description="Fields left out stay as they are. A measured baseline is measured again only "
    "when the metric, period or department change; `baseline: null` goes back to a measured "
    "one.",
)
def goals_update_api(request: HttpRequest, goal_id: int, payload: GoalPatchIn) -> dict[str, Any]:
    actor = request_actor(request)
    require(actor, Action.ANALYTICS_MANAGE)
    goal_get(actor=actor, goal_id=goal_id)  # another organization's goal: 404 before anything
    sent = payload.model_fields_set
    starts_on, ends_on = _period(actor, payload)
    goal_update(
        actor=actor,
        goal_id=goal_id,
        data=GoalData(
            name=payload.name,
            metric=payload.metric,
            kind=payload.kind,
            target=_decimal(payload.target),
            starts_on=starts_on,
            ends_on=ends_on,
            department_id=payload.department_id,
            baseline=_decimal(payload.baseline),
            clear=frozenset(
                name
                for name, sent_as in (("department", "department_id"), ("baseline", "baseline"))
                if sent_as in sent and getattr(payload, sent_as) is None
            ),
        ),
    )
    return _one(actor, goal_id)


@router.delete(
    "/analytics/goals/{int:goal_id}",
    response={204: None, **error_responses(401, 403, 404)},
    summary="Remove a KPI goal",
)
def goals_delete_api(request: HttpRequest, goal_id: int) -> Status[None]:
    goal_delete(actor=request_actor(request), goal_id=goal_id)
    return Status(204, None)
