"""KPI goals: set, change and remove them (the program: ``analytics.manage``).

A goal aims one metric (``GOAL_METRICS``) at a figure, or at a change in percent against a
baseline, over a period and optionally one department (and those below it). The baseline is
measured when the goal is set — the same metric over the period of equal length just before —
and then kept, so that the goal does not move as late events arrive; it is measured again only
when the goal's metric, period or department change. The program may enter its own instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Department
from ouendan.accounts.permissions import Action, Actor, require, system_actor
from ouendan.analytics.metrics import GOAL_METRICS, METRICS
from ouendan.analytics.models import KpiGoal
from ouendan.analytics.selectors import Filters, organization_today, summary
from ouendan.analytics.selectors.goals import goal_units, subtrees, target_value_of
from ouendan.core.errors import DomainError, NotFound

NAME_MAX = 120
DAYS_MAX = 366  # a goal covers at most a year
FIGURE_MAX = Decimal("1000000000000")  # 10^12: more than any program counts or earns
CHANGE_MIN = Decimal(-100)  # exclusive: "-100 %" would aim at nothing
CHANGE_MAX = Decimal(1000)
CENT = Decimal("0.01")
PERCENT_MAX = Decimal(100)


@dataclass(frozen=True)
class GoalData:
    """What is set. ``None`` leaves a field unchanged on update; a name in ``clear`` empties it:
    ``department`` (the whole organization) or ``baseline`` (measured by Ouendan)."""

    name: str | None = None
    metric: str | None = None
    kind: str | None = None
    target: Decimal | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    department_id: int | None = None
    baseline: Decimal | None = None
    clear: frozenset[str] = field(default_factory=frozenset)


@dataclass
class _Draft:
    name: str
    metric: str
    kind: str
    target: Decimal | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    department_id: int | None
    baseline: Decimal | None  # entered; None: measured


def _decimal(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return Decimal("NaN")
    return number.quantize(CENT, ROUND_HALF_UP) if number.is_finite() else number


def _check(actor: Actor, draft: _Draft) -> None:
    """Every rule at once, so a form shows all its problems (nothing is saved on any)."""
    errors: dict[str, list[str]] = {}
    name = draft.name.strip()
    if not name:
        errors["name"] = [_("Give the goal a name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("At most %(max)d characters.") % {"max": NAME_MAX}]
    if draft.metric not in GOAL_METRICS:
        errors["metric"] = [_("Choose a metric from the list.")]
    if draft.kind not in KpiGoal.Kind.values:
        errors["kind"] = [_("Choose a figure to reach or a change in percent.")]
    percent = draft.metric in METRICS and METRICS[draft.metric].kind == "percent"
    target = draft.target
    if target is None:
        errors["target"] = [_("Enter the target.")]
    elif not target.is_finite():
        errors["target"] = [_("Enter a number.")]
    elif draft.kind == KpiGoal.Kind.CHANGE:
        if not CHANGE_MIN < target <= CHANGE_MAX:
            errors["target"] = [_("Enter a change in percent: more than -100, at most 1,000.")]
    elif draft.kind == KpiGoal.Kind.ABSOLUTE:
        if percent and not 0 < target <= PERCENT_MAX:
            errors["target"] = [_("Enter a percentage above 0 and at most 100.")]
        elif not 0 < target <= FIGURE_MAX:
            errors["target"] = [_("Enter a number above 0 and at most 1,000,000,000,000.")]
    baseline = draft.baseline
    if baseline is not None:
        if not baseline.is_finite():
            errors["baseline"] = [_("Enter a number.")]
        elif baseline < 0:
            errors["baseline"] = [_("The baseline cannot be negative.")]
        elif baseline > (PERCENT_MAX if percent else FIGURE_MAX):
            errors["baseline"] = [
                _("At most 100 %.") if percent else _("At most 1,000,000,000,000.")
            ]
    if draft.starts_on is None:
        errors["starts_on"] = [_("Enter the first day.")]
    if draft.ends_on is None:
        errors["ends_on"] = [_("Enter the last day.")]
    if draft.starts_on and draft.ends_on:
        if draft.ends_on < draft.starts_on:
            errors["ends_on"] = [_("The last day cannot come before the first day.")]
        elif (draft.ends_on - draft.starts_on).days + 1 > DAYS_MAX:
            errors["ends_on"] = [_("A goal covers at most %(days)d days.") % {"days": DAYS_MAX}]
    if (
        draft.department_id is not None
        and not Department.objects.filter(
            organization=actor.organization, pk=draft.department_id
        ).exists()
    ):
        errors["department"] = [_("Unknown department.")]
    if errors:
        raise DomainError(_("Check the goal: some values cannot be used."), fields=errors)


def _measured_baseline(actor: Actor, draft: _Draft) -> Decimal:
    """The metric over the period of equal length just before the goal's, in its department."""
    assert draft.starts_on and draft.ends_on  # checked
    departments = None
    if draft.department_id is not None:
        departments = subtrees(actor).get(draft.department_id, frozenset({draft.department_id}))
    period = Filters(start=draft.starts_on, end=draft.ends_on, departments=departments)
    return goal_units(draft.metric, summary(actor=actor, filters=period.previous()))


def _check_target_value(goal: KpiGoal) -> None:
    """A change needs something to change from, and a percentage stays within 100 %."""
    if goal.kind != KpiGoal.Kind.CHANGE:
        return
    if not goal.baseline:
        raise DomainError(
            _(
                "The baseline is 0, so a change in percent would aim at 0. Set a figure to "
                "reach instead, or enter a baseline."
            ),
            code="baseline_zero",
            fields={"baseline": [_("It is 0.")]},
        )
    if METRICS[goal.metric].kind == "percent" and target_value_of(goal) > PERCENT_MAX:
        raise DomainError(
            _("This change would aim above 100 %: lower the change or set a figure to reach."),
            fields={"target": [_("Over 100 % after the change.")]},
        )


def _snapshot(goal: KpiGoal) -> dict[str, Any]:
    return {
        "name": goal.name,
        "metric": goal.metric,
        "kind": goal.kind,
        "target": goal.target,
        "starts_on": goal.starts_on,
        "ends_on": goal.ends_on,
        "department": goal.department_id,
        "baseline": goal.baseline,
        "baseline_computed": goal.baseline_computed,
        "baseline_measured_on": goal.baseline_measured_on,
    }


def goal_create(*, actor: Actor, data: GoalData) -> KpiGoal:
    require(actor, Action.ANALYTICS_MANAGE)
    draft = _Draft(
        name=data.name or "",
        metric=data.metric or "",
        kind=data.kind or "",
        target=_decimal(data.target),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        department_id=None if "department" in data.clear else data.department_id,
        baseline=None if "baseline" in data.clear else _decimal(data.baseline),
    )
    _check(actor, draft)
    assert draft.starts_on and draft.ends_on and draft.target is not None  # checked
    computed = draft.baseline is None
    with transaction.atomic():
        goal = KpiGoal(
            organization=actor.organization,
            name=draft.name.strip(),
            metric=draft.metric,
            kind=draft.kind,
            target=draft.target,
            starts_on=draft.starts_on,
            ends_on=draft.ends_on,
            department_id=draft.department_id,
            baseline=_measured_baseline(actor, draft) if computed else draft.baseline,
            baseline_computed=computed,
            baseline_measured_on=organization_today(actor) if computed else None,
        )
        _check_target_value(goal)
        goal.save()
        audit_record(
            actor=actor, action="analytics.goal_created", target=goal, data=_snapshot(goal)
        )
    return goal


# What a measured baseline depends on: changing one of these measures it again.
_BASELINE_INPUTS = ("metric", "starts_on", "ends_on", "department_id")


def goal_update(*, actor: Actor, goal_id: int, data: GoalData) -> KpiGoal:
    require(actor, Action.ANALYTICS_MANAGE)
    with transaction.atomic():
        goal = (
            KpiGoal.objects.select_for_update()
            .filter(organization=actor.organization, pk=goal_id)
            .first()
        )
        if goal is None:
            raise NotFound(_("That goal does not exist."))
        before = _snapshot(goal)
        entered = goal.baseline if not goal.baseline_computed else None
        if "baseline" in data.clear:
            entered = None
        elif data.baseline is not None:
            entered = _decimal(data.baseline)
        draft = _Draft(
            name=goal.name if data.name is None else data.name,
            metric=data.metric or goal.metric,
            kind=data.kind or goal.kind,
            target=goal.target if data.target is None else _decimal(data.target),
            starts_on=data.starts_on or goal.starts_on,
            ends_on=data.ends_on or goal.ends_on,
            department_id=(
                None
                if "department" in data.clear
                else data.department_id
                if data.department_id is not None
                else goal.department_id
            ),
            baseline=entered,
        )
        _check(actor, draft)
        moved = any(getattr(goal, name) != getattr(draft, name) for name in _BASELINE_INPUTS)
        goal.name = draft.name.strip()
        goal.metric, goal.kind = draft.metric, draft.kind
        goal.target = draft.target  # type: ignore[assignment]  # checked
        goal.starts_on, goal.ends_on = draft.starts_on, draft.ends_on  # type: ignore[assignment]
        goal.department_id = draft.department_id
        if entered is not None:
            goal.baseline, goal.baseline_computed = entered, False
            goal.baseline_measured_on = None
        elif moved or not goal.baseline_computed:
            goal.baseline, goal.baseline_computed = _measured_baseline(actor, draft), True
            goal.baseline_measured_on = organization_today(actor)
        _check_target_value(goal)
        after = _snapshot(goal)
        changed = {key: value for key, value in after.items() if before[key] != value}
        if not changed:
            return goal
        goal.save()
        audit_record(
            actor=actor,
            action="analytics.goal_updated",
            target=goal,
            data={"changed": changed, "before": {key: before[key] for key in changed}},
        )
    return goal


def goal_delete(*, actor: Actor, goal_id: int) -> None:
    require(actor, Action.ANALYTICS_MANAGE)
    with transaction.atomic():
        goal = (
            KpiGoal.objects.select_for_update()
            .filter(organization=actor.organization, pk=goal_id)
            .first()
        )
        if goal is None:
            raise NotFound(_("That goal does not exist."))
        audit_record(
            actor=actor, action="analytics.goal_deleted", target=goal, data=_snapshot(goal)
        )
        goal.delete()


def goal_baselines_settle(*, now: dt.datetime | None = None) -> int:
    """Periodic: measure once more each baseline that was measured before its period had ended
    (a goal for next quarter set during this one), a day after the goal's first day so that the
    last day's late events are in; from then on it is kept. Returns how many were settled."""
    pending = KpiGoal.objects.filter(
        baseline_computed=True, baseline_measured_on__lt=F("starts_on")
    ).select_related("organization")
    settled = 0
    for found in pending:
        actor = system_actor(found.organization, label="analytics")
        today = organization_today(actor, now)
        if today <= found.starts_on:
            continue
        with transaction.atomic():
            goal = KpiGoal.objects.select_for_update().filter(pk=found.pk).first()
            if (
                goal is None
                or not goal.baseline_computed
                or goal.baseline_measured_on is None
                or goal.baseline_measured_on >= goal.starts_on
            ):
                continue  # changed meanwhile
            draft = _Draft(
                name=goal.name,
                metric=goal.metric,
                kind=goal.kind,
                target=goal.target,
                starts_on=goal.starts_on,
                ends_on=goal.ends_on,
                department_id=goal.department_id,
                baseline=None,
            )
            before = goal.baseline
            goal.baseline, goal.baseline_measured_on = _measured_baseline(actor, draft), today
            goal.save(update_fields=["baseline", "baseline_measured_on", "updated_at"])
            audit_record(
                actor=actor,
                action="analytics.goal_baseline_settled",
                target=goal,
                data={"before": before, "after": goal.baseline},
            )
            settled += 1
    return settled
