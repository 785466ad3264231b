"""Leaderboards and how one appears on them, over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Action, require
from ouendan.accounts.selectors import appear_as_of, public_name
from ouendan.accounts.services.appearance import NICKNAME_MAX, Appearance, appearance_set
from ouendan.core.api import error_responses
from ouendan.engagement.selectors import LEADERBOARD_MAX, leaderboard, person_of

router = Router(tags=["leaderboards"])

AppearAsChoice = Literal["name", "nickname", "hidden"]


class LeaderboardQuery(Schema):
    period: Literal["month", "quarter", "all"] = Field(
        default="month",
        description="The current calendar month or quarter (the organization's time zone), "
        "or all time.",
    )
    department: int | None = Field(
        default=None, description="Only people in this department and those under it."
    )
    limit: int = Field(default=50, ge=1, le=LEADERBOARD_MAX)


class StandingOut(Schema):
    rank: int = Field(description="People with the same points share a rank.")
    name: str = Field(description="Their name or nickname, as each chose.")
    points: int = Field(description="Confirmed points in the period.")
    department: str | None = Field(description="Shown with names, not with nicknames.")


class MyStandingOut(Schema):
    rank: int = Field(description="Where you are; when hidden, where you would be.")
    points: int
    hidden: bool = Field(description="You chose not to appear: others do not see you.")
    name: str | None


class LeaderboardOut(Schema):
    period: Literal["month", "quarter", "all"]
    since: datetime | None
    department: int | None
    entries: list[StandingOut] = Field(
        description="Only people with points in the period who chose to appear."
    )
    me: MyStandingOut | None = Field(description="`null` when you have no points in the period.")


@router.get(
    "/leaderboard",
    response={200: LeaderboardOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Who earned the most points",
    description="Ranked by confirmed points in the period. Nobody without points in the "
    "period is listed; people appear by name, by nickname or not at all, as they chose (the "
    "organization sets the default). `me` is your own standing, also when you do not appear.",
)
def leaderboard_api(request: HttpRequest, query: Query[LeaderboardQuery]) -> dict[str, Any]:
    board = leaderboard(
        actor=request_actor(request),
        period=query.period,
        department_id=query.department,
        limit=query.limit,
    )
    me = board.me
    return {
        "period": board.period,
        "since": board.since,
        "department": board.department_id,
        "entries": [
            {"rank": s.rank, "name": s.name, "points": s.points, "department": s.department}
            for s in board.entries
        ],
        "me": None
        if me is None
        else {"rank": me.rank, "points": me.points, "hidden": me.hidden, "name": me.name},
    }


class AppearanceIn(Schema):
    appear_as: AppearAsChoice | None = Field(
        description="`null` follows the organization's default."
    )
    nickname: str = Field(default="", max_length=NICKNAME_MAX)


class AppearanceOut(Schema):
    appear_as: AppearAsChoice | None = Field(description="Your choice (`null`: the default).")
    nickname: str
    organization_default: AppearAsChoice
    effective: AppearAsChoice = Field(description="What applies to you now.")
    shown_as: str | None = Field(description="What colleagues see; `null`: you do not appear.")


def appearance_out(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    require(actor, Action.ENGAGEMENT_VIEW)
    person = person_of(actor)
    return {
        "appear_as": person.appear_as,
        "nickname": person.nickname,
        "organization_default": actor.organization.default_appear_as,
        "effective": appear_as_of(person, actor.organization),
        "shown_as": public_name(person, actor.organization),
    }


@router.get(
    "/me/appearance",
    response={200: AppearanceOut, **error_responses(400, 401, 403)},
    summary="How you appear on leaderboards",
)
def appearance_api(request: HttpRequest) -> dict[str, Any]:
    return appearance_out(request)


@router.put(
    "/me/appearance",
    response={200: AppearanceOut, **error_responses(400, 401, 403, 422)},
    summary="Choose how you appear on leaderboards",
    description="By name, by nickname (required then; not another colleague's: `400 "
    "nickname_taken`) or not at all; `null` follows the organization's default.",
)
def appearance_set_api(request: HttpRequest, payload: AppearanceIn) -> dict[str, Any]:
    appearance_set(
        actor=request_actor(request),
        appearance=Appearance(appear_as=payload.appear_as, nickname=payload.nickname),
    )
    return appearance_out(request)
