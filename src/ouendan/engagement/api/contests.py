"""Contests over the API: the list, one contest and its standings, joining and leaving; the
program creates, changes and cancels them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.core.api import error_responses, paginate
from ouendan.engagement.models import Contest
from ouendan.engagement.selectors_contests import (
    ContestCard,
    card_of,
    contest_card,
    contest_standings,
    contests_list,
    phase_label,
)
from ouendan.engagement.services.contests import (
    DESCRIPTION_MAX,
    REASON_MAX,
    TITLE_MAX,
    WINNER_POINTS_MAX,
    ContestData,
    contest_cancel,
    contest_create,
    contest_join,
    contest_leave,
    contest_update,
)

router = Router(tags=["contests"])

KindChoice = Literal["individual", "team"]
TeamsChoice = Literal["random", "department"]
MetricChoice = Literal["unique_clicks", "shares", "conversions", "top_post_likes"]
PhaseChoice = Literal["upcoming", "running", "closing", "finished", "cancelled"]

METRIC_HELP = (
    "`unique_clicks`: people who clicked the participants' links (never bots, never the "
    "sharer); `shares`; `conversions`; `top_post_likes`: the most likes on a single post "
    "(synced from the network or entered), among the shares made during the contest."
)


class ContestIn(Schema):
    title: str = Field(max_length=TITLE_MAX, examples=["新卒採用チャレンジ"])
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    kind: KindChoice = "individual"
    teams: TeamsChoice | None = Field(
        default=None, description="Team contests: teams drawn `random`ly or one per `department`."
    )
    team_size: int | None = Field(default=None, description="Random teams: 2-20 people each.")
    metric: MetricChoice = Field(description=METRIC_HELP)
    starts_on: date = Field(description="The first day (the organization's time zone).")
    ends_on: date = Field(description="The last day, included; not before the first.")
    winner_points: int = Field(default=100, ge=0, le=WINNER_POINTS_MAX)


class ContestPatch(Schema):
    title: str | None = Field(default=None, max_length=TITLE_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    kind: KindChoice | None = None
    teams: TeamsChoice | None = None
    team_size: int | None = None
    metric: MetricChoice | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    winner_points: int | None = Field(default=None, ge=0, le=WINNER_POINTS_MAX)


class ContestOut(Schema):
    id: int
    title: str
    description: str
    kind: KindChoice
    teams: TeamsChoice | None
    team_size: int | None
    metric: MetricChoice
    metric_label: str = Field(description="What the contest counts, in your language.")
    starts_on: date
    ends_on: date
    winner_points: int = Field(description="Points each winner gets, through the ledger.")
    phase: PhaseChoice = Field(
        description="`upcoming` and `running` contests can be joined and left; `closing`: "
        "over, the results are being made (within minutes)."
    )
    phase_label: str
    participants: int
    joined: bool = Field(description="You take part.")
    days_left: int = Field(description="Days until the end (running) or the start (upcoming).")
    cancel_reason: str
    finished_at: datetime | None


class ContestsQuery(Schema):
    state: Literal["open", "past"] | None = Field(
        default=None, description="`open`: upcoming and running; `past`: over. Omitted: all."
    )


def contest_out(card: ContestCard) -> dict[str, Any]:
    contest = card.contest
    return {
        "id": contest.pk,
        "title": contest.title,
        "description": contest.description,
        "kind": contest.kind,
        "teams": contest.teams or None,
        "team_size": contest.team_size,
        "metric": contest.metric,
        "metric_label": str(Contest.Metric(contest.metric).label),
        "starts_on": contest.starts_on,
        "ends_on": contest.ends_on,
        "winner_points": contest.winner_points,
        "phase": card.phase,
        "phase_label": phase_label(card.phase),
        "participants": card.participants,
        "joined": card.joined,
        "days_left": card.days_left,
        "cancel_reason": contest.cancel_reason,
        "finished_at": contest.finished_at,
    }


def _out(request: HttpRequest, contest_id: int) -> dict[str, Any]:
    return contest_out(contest_card(actor=request_actor(request), contest_id=contest_id))


class ContestPageOut(Schema):
    items: list[ContestOut]
    count: int
    page: int
    pages: int
    page_size: int


@router.get(
    "/contests",
    response={200: ContestPageOut, **error_responses(400, 401, 403, 422)},
    summary="Contests (challenges)",
    description="Everyone in the program sees every contest, newest first. Joining is "
    "voluntary: nobody is ever enrolled by someone else.",
)
def contests_api(request: HttpRequest, query: Query[ContestsQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    return paginate(
        request,
        contests_list(actor=actor, state=query.state or ""),
        serialize=lambda contest: contest_out(card_of(contest, actor)),
    )


@router.post(
    "/contests",
    response={201: ContestOut, **error_responses(400, 401, 403, 422)},
    summary="Create a contest",
    description="Program managers and org admins. `400 invalid` with `fields` when the last "
    "day comes before the first, the first is in the past, a team size is not 2-20, or "
    "the contest is longer than 366 days.",
)
def contest_create_api(request: HttpRequest, payload: ContestIn) -> Status[dict[str, Any]]:
    contest = contest_create(
        actor=request_actor(request),
        data=ContestData(
            title=payload.title,
            description=payload.description,
            kind=payload.kind,
            teams=payload.teams or "",
            team_size=payload.team_size,
            metric=payload.metric,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            winner_points=payload.winner_points,
        ),
    )
    return Status(201, _out(request, contest.pk))


@router.get(
    "/contests/{int:contest_id}",
    response={200: ContestOut, **error_responses(401, 403, 404)},
    summary="One contest",
)
def contest_api(request: HttpRequest, contest_id: int) -> dict[str, Any]:
    return _out(request, contest_id)


@router.patch(
    "/contests/{int:contest_id}",
    response={200: ContestOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Change a contest",
    description="Before it starts, anything may change. Once it runs only `title`, "
    "`description`, `winner_points` and `ends_on` (not into the past): changing the rest "
    "answers `400 invalid` naming the fields. `409 contest_ended` / `contest_closed` once it "
    "is over or cancelled.",
)
def contest_update_api(request: HttpRequest, contest_id: int, payload: ContestPatch) -> Any:
    actor = request_actor(request)
    current = contest_card(actor=actor, contest_id=contest_id).contest
    given = payload.dict(exclude_unset=True)
    merged = {
        name: given[name] if name in given else getattr(current, name)
        for name in (
            "title",
            "description",
            "kind",
            "teams",
            "team_size",
            "metric",
            "starts_on",
            "ends_on",
            "winner_points",
        )
    }
    merged["teams"] = merged["teams"] or ""
    contest_update(actor=actor, contest_id=contest_id, data=ContestData(**merged))
    return _out(request, contest_id)


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=REASON_MAX, description="Participants see it.")


@router.post(
    "/contests/{int:contest_id}/cancel",
    response={200: ContestOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Cancel a contest",
    description="Nobody wins and nothing is awarded. `409 contest_ended` when it was already "
    "closed, `409 contest_closed` when already cancelled.",
)
def contest_cancel_api(request: HttpRequest, contest_id: int, payload: CancelIn) -> Any:
    contest_cancel(actor=request_actor(request), contest_id=contest_id, reason=payload.reason)
    return _out(request, contest_id)


@router.post(
    "/contests/{int:contest_id}/join",
    response={200: ContestOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Join a contest",
    description="You join yourself, before the contest starts or while it runs. Your figures "
    "count from its first day. `409 already_joined`; `409 contest_ended` / `contest_closed` "
    "once it is over or cancelled; `400 not_a_person` for an organization token.",
)
def contest_join_api(request: HttpRequest, contest_id: int) -> Any:
    contest_join(actor=request_actor(request), contest_id=contest_id)
    return _out(request, contest_id)


@router.post(
    "/contests/{int:contest_id}/leave",
    response={200: ContestOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Leave a contest",
    description="Until its last day is over. `409 not_joined` when you do not take part.",
)
def contest_leave_api(request: HttpRequest, contest_id: int) -> Any:
    contest_leave(actor=request_actor(request), contest_id=contest_id)
    return _out(request, contest_id)


class PersonStandingOut(Schema):
    rank: int = Field(description="People with the same score share a rank.")
    name: str = Field(description="Their name or nickname, as each chose.")
    score: int
    team: str | None
    me: bool


class TeamStandingOut(Schema):
    rank: int
    name: str
    score: int = Field(description="The sum of its members' (for likes: its best post).")
    members: int
    mine: bool


class MyContestStandingOut(Schema):
    rank: int
    score: int
    team: str | None
    hidden: bool = Field(description="You chose not to appear: others do not see you.")


class StandingsOut(Schema):
    contest: ContestOut
    people: list[PersonStandingOut] = Field(
        description="Only participants with a score above 0 who chose to appear."
    )
    teams: list[TeamStandingOut] = Field(description="Every team, for team contests.")
    me: MyContestStandingOut | None = Field(description="`null` when you do not take part.")
    winners: list[str] = Field(description="Finished contests: the winners who appear.")
    hidden_winners: int = Field(description="Winners who chose not to appear.")


@router.get(
    "/contests/{int:contest_id}/standings",
    response={200: StandingsOut, **error_responses(401, 403, 404)},
    summary="Where everyone stands",
    description="Live while the contest runs (the figures follow the analytics rollups, "
    "rebuilt every minute), final once it is closed. " + METRIC_HELP,
)
def contest_standings_api(request: HttpRequest, contest_id: int) -> dict[str, Any]:
    standings = contest_standings(actor=request_actor(request), contest_id=contest_id)
    me = standings.me
    return {
        "contest": contest_out(standings.card),
        "people": [
            {"rank": p.rank, "name": p.name, "score": p.score, "team": p.team, "me": p.is_me}
            for p in standings.people
        ],
        "teams": [
            {
                "rank": t.rank,
                "name": t.name,
                "score": t.score,
                "members": t.members,
                "mine": t.is_mine,
            }
            for t in standings.teams
        ],
        "me": None
        if me is None
        else {"rank": me.rank, "score": me.score, "team": me.team, "hidden": me.hidden},
        "winners": standings.winners,
        "hidden_winners": standings.hidden_winners,
    }
