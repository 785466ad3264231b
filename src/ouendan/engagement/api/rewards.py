"""Rewards over the API: the catalog and asking for a reward; one's own requests; the
program's catalog, decisions and budgets."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Action, Actor, can
from ouendan.core.api import error_responses, paginate
from ouendan.engagement.models import Redemption
from ouendan.engagement.selectors_rewards import (
    BudgetView,
    CatalogItem,
    points_spendable,
    redemption_get,
    redemptions_list,
    redemptions_mine,
    reward_budget_get,
    reward_budgets,
    reward_get,
    reward_item,
    rewards_catalog,
)
from ouendan.engagement.services.rewards import (
    BUDGET_MAX,
    DESCRIPTION_MAX,
    LIMIT_MAX,
    NAME_MAX,
    NOTE_MAX,
    POINTS_MAX,
    REASON_MAX,
    STOCK_MAX,
    YEN_MAX,
    BudgetData,
    RewardData,
    redemption_approve,
    redemption_cancel,
    redemption_reject,
    reward_budget_create,
    reward_budget_update,
    reward_create,
    reward_redeem,
    reward_update,
)

router = Router(tags=["rewards"])

RedemptionStatus = Literal["pending", "approved", "rejected", "cancelled"]


# --- The catalog ----------------------------------------------------------------------------------


class RewardIn(Schema):
    name: str = Field(max_length=NAME_MAX, examples=["社食ランチ券"])
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    points_cost: int = Field(ge=1, le=POINTS_MAX)
    yen_value: int = Field(
        default=0, ge=0, le=YEN_MAX, description="What one costs the company (the budget)."
    )
    stock: int | None = Field(default=None, ge=0, le=STOCK_MAX, description="`null`: no limit.")
    per_person_limit: int | None = Field(
        default=None, ge=1, le=LIMIT_MAX, description="`null`: no limit."
    )
    active: bool = Field(default=True, description="Offered to people.")


class RewardPatch(Schema):
    name: str | None = Field(default=None, max_length=NAME_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    points_cost: int | None = Field(default=None, ge=1, le=POINTS_MAX)
    yen_value: int | None = Field(default=None, ge=0, le=YEN_MAX)
    stock: int | None = Field(default=None, ge=0, le=STOCK_MAX)
    per_person_limit: int | None = Field(default=None, ge=1, le=LIMIT_MAX)
    active: bool | None = None


class RewardOut(Schema):
    id: int
    name: str
    description: str
    points_cost: int
    left: int | None = Field(
        description="How many may still be asked for (stock minus waiting requests); `null`: "
        "no limit."
    )
    per_person_limit: int | None
    mine: int = Field(description="Your requests of it, waiting or approved.")
    can_ask: bool = Field(
        description="You could ask for it now (enough points, in stock, under the limit)."
    )
    active: bool
    stock: int | None = Field(description="The program only: what is left to give.")
    yen_value: int | None = Field(description="The program only: its value in yen.")


def reward_out(item: CatalogItem, actor: Actor) -> dict[str, Any]:
    reward = item.reward
    program = can(actor, Action.REWARDS_MANAGE)
    return {
        "id": reward.pk,
        "name": reward.name,
        "description": reward.description,
        "points_cost": reward.points_cost,
        "left": item.left,
        "per_person_limit": reward.per_person_limit,
        "mine": item.mine,
        "can_ask": item.can_ask,
        "active": reward.active,
        "stock": reward.stock if program else None,
        "yen_value": reward.yen_value if program else None,
    }


class RewardPageOut(Schema):
    items: list[RewardOut]
    count: int
    page: int
    pages: int
    page_size: int


class RewardsQuery(Schema):
    include_inactive: bool = Field(
        default=False, description="The program only: withdrawn rewards too."
    )


@router.get(
    "/rewards",
    response={200: RewardPageOut, **error_responses(400, 401, 403, 422)},
    summary="The rewards catalog",
    description="Cheapest first. Your balance and what you may spend: `GET /me/redemptions`.",
)
def rewards_api(request: HttpRequest, query: Query[RewardsQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    items = rewards_catalog(actor=actor, include_inactive=query.include_inactive)
    return paginate(request, items, serialize=lambda item: reward_out(item, actor))


def _data(payload: RewardIn | dict[str, Any]) -> RewardData:
    values = payload if isinstance(payload, dict) else payload.dict()
    return RewardData(**values)


@router.post(
    "/rewards",
    response={201: RewardOut, **error_responses(400, 401, 403, 422)},
    summary="Add a reward to the catalog",
    description="Program managers and org admins.",
)
def reward_create_api(request: HttpRequest, payload: RewardIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    reward = reward_create(actor=actor, data=_data(payload))
    return Status(201, reward_out(reward_item(actor=actor, reward_id=reward.pk), actor))


@router.get(
    "/rewards/{int:reward_id}",
    response={200: RewardOut, **error_responses(401, 403, 404)},
    summary="One reward",
    description="A withdrawn reward is found only by the program.",
)
def reward_api(request: HttpRequest, reward_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    return reward_out(reward_item(actor=actor, reward_id=reward_id), actor)


@router.patch(
    "/rewards/{int:reward_id}",
    response={200: RewardOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Change a reward",
    description="Send only what changes; `stock` or `per_person_limit` `null` removes the "
    "limit. Requests already made keep the cost they were made at.",
)
def reward_update_api(request: HttpRequest, reward_id: int, payload: RewardPatch) -> Any:
    actor = request_actor(request)
    current = reward_get(actor=actor, reward_id=reward_id)
    given = payload.dict(exclude_unset=True)
    values = {
        name: given[name] if name in given else getattr(current, name)
        for name in RewardData.__dataclass_fields__
    }
    for name in ("name", "description", "points_cost", "yen_value", "active"):
        if values[name] is None:  # these cannot be emptied
            values[name] = getattr(current, name)
    reward_update(actor=actor, reward_id=reward_id, data=RewardData(**values))
    return reward_out(reward_item(actor=actor, reward_id=reward_id), actor)


# --- Requests -------------------------------------------------------------------------------------


class RedeemIn(Schema):
    note: str = Field(
        default="", max_length=NOTE_MAX, description="For the program (a size, a delivery…)."
    )


class RedemptionOut(Schema):
    id: int
    reward_id: int
    reward: str
    points: int = Field(description="The cost when asked: held while waiting, taken on approval.")
    status: RedemptionStatus
    status_label: str
    note: str
    decision_note: str = Field(description="The program's note, or why it was declined.")
    requested_at: datetime
    decided_at: datetime | None
    point_entry: int | None = Field(description="The ledger entry that took the points.")


class ProgramRedemptionOut(RedemptionOut):
    membership_id: int
    person: str = Field(description="The person's name (the program sees real names).")
    department: str | None
    decided_by: str | None
    yen_value: int | None = Field(description="Its value when approved (the budget counts it).")


def redemption_out(redemption: Redemption) -> dict[str, Any]:
    return {
        "id": redemption.pk,
        "reward_id": redemption.reward_id,
        "reward": redemption.reward.name,
        "points": redemption.points,
        "status": redemption.status,
        "status_label": str(redemption.get_status_display()),
        "note": redemption.note,
        "decision_note": redemption.decision_note,
        "requested_at": redemption.requested_at,
        "decided_at": redemption.decided_at,
        "point_entry": redemption.point_entry_id,
    }


def program_redemption_out(redemption: Redemption) -> dict[str, Any]:
    person = redemption.membership
    return {
        **redemption_out(redemption),
        "membership_id": person.pk,
        "person": person.full_name,
        "department": person.department.name if person.department else None,
        "decided_by": redemption.decided_by.full_name if redemption.decided_by else None,
        "yen_value": redemption.yen_value,
    }


@router.post(
    "/rewards/{int:reward_id}/redeem",
    response={201: RedemptionOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Ask for a reward",
    description="Holds the points until the program decides. `409 insufficient_points` "
    "(your confirmed balance minus what your waiting requests hold is less than the cost), "
    "`409 out_of_stock`, `409 limit_reached`, `409 reward_withdrawn`; `400 not_a_person` for "
    "an organization token.",
)
def reward_redeem_api(
    request: HttpRequest, reward_id: int, payload: RedeemIn
) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    redemption = reward_redeem(actor=actor, reward_id=reward_id, note=payload.note)
    return Status(201, redemption_out(redemption_get(actor=actor, redemption_id=redemption.pk)))


class MyRedemptionsOut(Schema):
    balance: int = Field(description="Confirmed points.")
    held: int = Field(description="Points held by your requests waiting for approval.")
    available: int = Field(description="What a new request may use.")
    items: list[RedemptionOut]
    count: int
    page: int
    pages: int
    page_size: int


@router.get(
    "/me/redemptions",
    response={200: MyRedemptionsOut, **error_responses(400, 401, 403)},
    summary="Your reward requests, and the points you may spend",
)
def my_redemptions_api(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    spendable = points_spendable(actor=actor)
    page = paginate(request, redemptions_mine(actor=actor), serialize=redemption_out)
    return {
        "balance": spendable.balance,
        "held": spendable.held,
        "available": spendable.available,
        **page,
    }


@router.post(
    "/redemptions/{int:redemption_id}/cancel",
    response={200: RedemptionOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Withdraw your request",
    description="While it waits; its points are free again. `409 already_decided`.",
)
def redemption_cancel_api(request: HttpRequest, redemption_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    redemption_cancel(actor=actor, redemption_id=redemption_id)
    return redemption_out(redemption_get(actor=actor, redemption_id=redemption_id))


# --- The program ----------------------------------------------------------------------------------


class ProgramRedemptionPageOut(Schema):
    items: list[ProgramRedemptionOut]
    count: int
    page: int
    pages: int
    page_size: int


class RedemptionsQuery(Schema):
    status: RedemptionStatus | None = Field(
        default=None, description="`pending`: the requests to decide, oldest first."
    )


@router.get(
    "/redemptions",
    response={200: ProgramRedemptionPageOut, **error_responses(400, 401, 403, 422)},
    summary="Every reward request (the program)",
    description="Program managers and org admins: the history, newest first, or the requests "
    "to decide with `?status=pending`, oldest first.",
)
def redemptions_api(request: HttpRequest, query: Query[RedemptionsQuery]) -> dict[str, Any]:
    found = redemptions_list(actor=request_actor(request), status=query.status or "")
    return paginate(request, found, serialize=program_redemption_out)


class ApproveIn(Schema):
    note: str = Field(default="", max_length=REASON_MAX)


class RejectIn(Schema):
    reason: str = Field(min_length=1, max_length=REASON_MAX, description="The person sees it.")


def _program_out(request: HttpRequest, redemption_id: int) -> dict[str, Any]:
    return program_redemption_out(
        redemption_get(actor=request_actor(request), redemption_id=redemption_id)
    )


@router.post(
    "/redemptions/{int:redemption_id}/approve",
    response={200: ProgramRedemptionOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Approve a request",
    description="Takes the points through the ledger (one confirmed negative entry), the "
    "stock goes down, and the value counts against today's budget. Refused, changing "
    "nothing: `409 insufficient_points` (their confirmed balance no longer covers it), "
    "`409 out_of_stock`, `409 budget_exceeded` (the message says by how much), "
    "`409 already_decided`; `400 own_request` for your own.",
)
def redemption_approve_api(request: HttpRequest, redemption_id: int, payload: ApproveIn) -> Any:
    redemption_approve(actor=request_actor(request), redemption_id=redemption_id, note=payload.note)
    return _program_out(request, redemption_id)


@router.post(
    "/redemptions/{int:redemption_id}/reject",
    response={200: ProgramRedemptionOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Decline a request",
    description="With a reason the person sees; the points it held are free again. "
    "`409 already_decided`; `400 own_request` for your own.",
)
def redemption_reject_api(request: HttpRequest, redemption_id: int, payload: RejectIn) -> Any:
    redemption_reject(
        actor=request_actor(request), redemption_id=redemption_id, reason=payload.reason
    )
    return _program_out(request, redemption_id)


# --- Budgets --------------------------------------------------------------------------------------


class BudgetIn(Schema):
    starts_on: date = Field(description="The first day (the organization's time zone).")
    ends_on: date = Field(description="The last day, included.")
    amount_yen: int = Field(ge=0, le=BUDGET_MAX)
    note: str = Field(default="", max_length=200)


class BudgetPatch(Schema):
    starts_on: date | None = None
    ends_on: date | None = None
    amount_yen: int | None = Field(default=None, ge=0, le=BUDGET_MAX)
    note: str | None = Field(default=None, max_length=200)


class BudgetOut(Schema):
    id: int
    starts_on: date
    ends_on: date
    amount_yen: int
    spent_yen: int = Field(description="The value of the requests approved on its days.")
    remaining_yen: int
    current: bool = Field(description="Today falls in it: approvals count against it.")
    note: str


def budget_out(view: BudgetView) -> dict[str, Any]:
    budget = view.budget
    return {
        "id": budget.pk,
        "starts_on": budget.starts_on,
        "ends_on": budget.ends_on,
        "amount_yen": budget.amount_yen,
        "spent_yen": view.spent,
        "remaining_yen": view.remaining,
        "current": view.current,
        "note": budget.note,
    }


class BudgetPageOut(Schema):
    items: list[BudgetOut]
    count: int
    page: int
    pages: int
    page_size: int


@router.get(
    "/reward-budgets",
    response={200: BudgetPageOut, **error_responses(400, 401, 403)},
    summary="Reward budgets and what each has spent",
    description="Program managers and org admins. The latest first.",
)
def reward_budgets_api(request: HttpRequest) -> dict[str, Any]:
    return paginate(request, reward_budgets(actor=request_actor(request)), serialize=budget_out)


@router.post(
    "/reward-budgets",
    response={201: BudgetOut, **error_responses(400, 401, 403, 409, 422)},
    summary="Set a budget for a period",
    description="Whole days; budgets may not overlap (`409 budget_overlap`). Approvals that "
    "would go over the budget of their day are refused (`409 budget_exceeded`); days "
    "without a budget have no limit.",
)
def reward_budget_create_api(request: HttpRequest, payload: BudgetIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    budget = reward_budget_create(actor=actor, data=BudgetData(**payload.dict()))
    return Status(201, budget_out(reward_budget_get(actor=actor, budget_id=budget.pk)))


@router.patch(
    "/reward-budgets/{int:budget_id}",
    response={200: BudgetOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Change a budget",
    description="Not below what its days have already spent (`400 budget_below_spent`).",
)
def reward_budget_update_api(request: HttpRequest, budget_id: int, payload: BudgetPatch) -> Any:
    actor = request_actor(request)
    current = reward_budget_get(actor=actor, budget_id=budget_id).budget
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    values = {
        name: given.get(name, getattr(current, name))
        for name in ("starts_on", "ends_on", "amount_yen", "note")
    }
    reward_budget_update(actor=actor, budget_id=budget_id, data=BudgetData(**values))
    return budget_out(reward_budget_get(actor=actor, budget_id=budget_id))
