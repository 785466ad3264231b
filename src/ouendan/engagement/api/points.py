"""Points over the API: one's own balance, entries and badges; the program's review of held
points and its corrections."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.core.api import error_responses, paginate
from ouendan.engagement.explain import entry_explanation, flag_label
from ouendan.engagement.models import PointEntry
from ouendan.engagement.selectors import (
    EntryFilter,
    badges_mine,
    point_entries,
    points_balance,
    points_mine,
    streak_mine,
)
from ouendan.engagement.services.ledger import (
    ADJUST_MAX,
    NOTE_MAX,
    point_entry_confirm,
    point_entry_reverse,
    points_adjust,
)

router = Router(tags=["points"])

EntryStatus = Literal["pending", "confirmed", "reversed"]
EntryReason = Literal[
    "share",
    "clicks",
    "conversion",
    "suggestion",
    "training",
    "streak",
    "adjustment",
    "reversal",
    "contest",
    "redemption",
]
EntryFlag = Literal["repeat_visitor", "burst"]


class PointEntryOut(Schema):
    id: int
    points: int = Field(description="Signed: a reversal or a correction may take points away.")
    status: EntryStatus = Field(
        description="`pending` entries wait out a short hold or a review and are not in the "
        "balance yet; `reversed` ones never counted."
    )
    under_review: bool = Field(description="Held for a person's review (the fraud check).")
    flag: EntryFlag | None = Field(description="Why it is held for review.")
    flag_label: str | None = Field(description="The same, in your language.")
    reason: EntryReason
    explanation: str = Field(
        description="What earned the points, in your language, e.g. “3 people clicked your "
        "LinkedIn share of “新卒採用説明会””."
    )
    occurred_at: datetime = Field(description="When the event happened (periods count by it).")
    created_at: datetime
    review_note: str = Field(description="The reviewer's or the program's reason, if any.")
    reverses: int | None = Field(description="The entry this one reverses.")
    reversed_by: int | None = Field(description="The entry that reversed this one.")


class MyPointsOut(Schema):
    balance: int = Field(description="Confirmed points.")
    pending: int = Field(description="Points still waiting (hold or review).")
    entries: list[PointEntryOut] = Field(description="Newest first, one page of them.")
    count: int = Field(description="Entries across all pages.")
    page: int
    pages: int
    page_size: int


def entry_out(entry: PointEntry) -> dict[str, Any]:
    reversal = getattr(entry, "reversed_by", None)
    return {
        "id": entry.pk,
        "points": entry.points,
        "status": entry.status,
        "under_review": entry.status == PointEntry.Status.PENDING and bool(entry.flag),
        "flag": entry.flag or None,
        "flag_label": flag_label(entry.flag) if entry.flag else None,
        "reason": entry.reason,
        "explanation": entry_explanation(entry),
        "occurred_at": entry.occurred_at,
        "created_at": entry.created_at,
        "review_note": entry.review_note,
        "reverses": entry.reverses_id,
        "reversed_by": reversal.pk if reversal is not None else None,
    }


@router.get(
    "/me/points",
    response={200: MyPointsOut, **error_responses(400, 401, 403)},
    summary="Your points: balance, what is pending, and every entry explained",
    description="Takes `page` and `page_size` (1-200, default 20) like every list; the page "
    "of entries is under `entries`. `400 not_a_person` for an organization token.",
)
def my_points_api(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    balance = points_balance(actor=actor)
    page = paginate(request, points_mine(actor=actor), default_size=20, serialize=entry_out)
    return {
        "balance": balance.balance,
        "pending": balance.pending,
        "entries": page.pop("items"),
        **page,
    }


class BadgeOut(Schema):
    key: str = Field(examples=["first_share"])
    name: str = Field(description="In your language.")
    description: str
    earned: bool
    awarded_at: datetime | None


class StreakWeekOut(Schema):
    week: date = Field(description="The Monday of the week (the organization's time zone).")
    shared: bool


class StreakOut(Schema):
    weeks: list[StreakWeekOut] = Field(description="The rules' window, the current week last.")
    needed: int = Field(description="Weeks with a share that make a streak.")
    count: int
    achieved: bool


class MyBadgesOut(Schema):
    badges: list[BadgeOut] = Field(description="Earned ones first, then the ones to earn.")
    streak: StreakOut


@router.get(
    "/me/badges",
    response={200: MyBadgesOut, **error_responses(400, 401, 403)},
    summary="Your badges and your streak",
)
def my_badges_api(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    streak = streak_mine(actor=actor)
    return {
        "badges": [
            {
                "key": shown.badge.key,
                "name": str(shown.badge.name),
                "description": str(shown.badge.description),
                "earned": shown.award is not None,
                "awarded_at": shown.award.awarded_at if shown.award else None,
            }
            for shown in badges_mine(actor=actor)
        ],
        "streak": {
            "weeks": [{"week": week, "shared": shared} for week, shared in streak.weeks],
            "needed": streak.needed,
            "count": streak.count,
            "achieved": streak.achieved,
        },
    }


# --- The program: review and corrections ----------------------------------------------------------


class ReviewEntryOut(PointEntryOut):
    membership_id: int
    person: str = Field(description="The person's name (the program sees real names).")
    department: str | None
    reviewer: str | None
    reviewed_at: datetime | None


class ReviewPageOut(Schema):
    items: list[ReviewEntryOut]
    count: int
    page: int
    pages: int
    page_size: int


class EntriesQuery(Schema):
    status: EntryStatus | None = Field(default=None, description="Omitted: every status.")
    flagged: bool | None = Field(
        default=None, description="`true`: held for review by the fraud check."
    )
    membership_id: int | None = None


def review_entry_out(entry: PointEntry) -> dict[str, Any]:
    person = entry.membership
    return {
        **entry_out(entry),
        "membership_id": person.pk,
        "person": person.full_name,
        "department": person.department.name if person.department else None,
        "reviewer": entry.reviewer.full_name if entry.reviewer else None,
        "reviewed_at": entry.reviewed_at,
    }


@router.get(
    "/point-entries",
    response={200: ReviewPageOut, **error_responses(400, 401, 403)},
    summary="The organization's point entries (the review queue)",
    description="Program managers and org admins. Oldest first. The review queue is "
    "`?status=pending&flagged=true`.",
)
def point_entries_api(request: HttpRequest, filters: Query[EntriesQuery]) -> dict[str, Any]:
    entries = point_entries(
        actor=request_actor(request),
        filters=EntryFilter(
            status=filters.status or "",
            flagged=filters.flagged,
            membership_id=filters.membership_id,
        ),
    )
    return paginate(request, entries.select_related("reversed_by"), serialize=review_entry_out)


class ConfirmIn(Schema):
    note: str = Field(default="", max_length=NOTE_MAX)


class ReverseIn(Schema):
    reason: str = Field(
        min_length=1, max_length=NOTE_MAX, description="Shown to the person with the entry."
    )


def _review_out(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    entry = point_entries(actor=request_actor(request), filters=EntryFilter()).select_related(
        "reversed_by"
    )
    return review_entry_out(entry.get(pk=entry_id))


@router.post(
    "/point-entries/{int:entry_id}/confirm",
    response={200: ReviewEntryOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Let held points count",
    description="`409 already_decided` when the entry is not pending; `400 own_points` for "
    "your own points (someone else reviews them).",
)
def point_entry_confirm_api(request: HttpRequest, entry_id: int, payload: ConfirmIn) -> Any:
    point_entry_confirm(actor=request_actor(request), entry_id=entry_id, note=payload.note)
    return _review_out(request, entry_id)


@router.post(
    "/point-entries/{int:entry_id}/reverse",
    response={200: ReviewEntryOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Reverse points, with a reason",
    description="Pending points never count (`reversed`); confirmed points are cancelled by a "
    "new negative entry (`reversed_by`), so history is never edited. Returns the entry that "
    "was reversed. `409 already_decided` when it was reversed already.",
)
def point_entry_reverse_api(request: HttpRequest, entry_id: int, payload: ReverseIn) -> Any:
    point_entry_reverse(actor=request_actor(request), entry_id=entry_id, reason=payload.reason)
    return _review_out(request, entry_id)


class AdjustmentIn(Schema):
    membership_id: int
    points: int = Field(ge=-ADJUST_MAX, le=ADJUST_MAX, description="Not 0.")
    reason: str = Field(
        min_length=1, max_length=NOTE_MAX, description="Shown to the person with the entry."
    )


@router.post(
    "/point-adjustments",
    response={201: ReviewEntryOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Correct someone's points",
    description="Counts at once and is audited. Not for your own points (`400 own_points`).",
)
def point_adjustment_api(request: HttpRequest, payload: AdjustmentIn) -> Status[dict[str, Any]]:
    entry = points_adjust(
        actor=request_actor(request),
        membership_id=payload.membership_id,
        points=payload.points,
        reason=payload.reason,
    )
    return Status(201, _review_out(request, entry.pk))
