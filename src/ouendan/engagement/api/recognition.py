"""Recognition between people over the API: shout-outs, the community's announcements and the
monthly highlights."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.core.api import error_responses, paginate
from ouendan.engagement.selectors_recognition import (
    AnnouncementView,
    ShoutOutView,
    announcement_views,
    announcements_list,
    highlights,
    month_of,
    shout_out_views,
    shout_outs_community,
    shout_outs_received,
    shout_outs_sent,
)
from ouendan.engagement.services.recognition import MESSAGE_MAX, shout_out_send

router = Router(tags=["recognition"])


class ShoutOutIn(Schema):
    recipient_id: int = Field(description="A colleague (a membership id), not yourself.")
    message: str = Field(
        min_length=1, max_length=MESSAGE_MAX, examples=["説明会の投稿、ありがとう!"]
    )
    share_id: int | None = Field(default=None, description="One of the recipient's shares.")
    content_id: int | None = Field(default=None, description="A content item it is about.")


class ShoutOutOut(Schema):
    id: int
    recipient: str = Field(
        description="In the community: the name the recipient chose to appear by. In your own "
        "lists: the full name."
    )
    sender: str = Field(description="As the sender chose to appear, else “the program team”.")
    message: str
    about: str = Field(description="The content's title, or empty.")
    share_id: int | None
    content_id: int | None
    created_at: datetime


def shout_out_out(view: ShoutOutView) -> dict[str, Any]:
    shout_out = view.shout_out
    return {
        "id": shout_out.pk,
        "recipient": view.recipient,
        "sender": view.sender,
        "message": shout_out.message,
        "about": view.about,
        "share_id": shout_out.share_id,
        "content_id": shout_out.content_id,
        "created_at": shout_out.created_at,
    }


class ShoutOutPageOut(Schema):
    items: list[ShoutOutOut]
    count: int
    page: int
    pages: int
    page_size: int


class ShoutOutsQuery(Schema):
    scope: Literal["community", "received", "sent"] = Field(
        default="community",
        description="`community`: what colleagues may see (only recipients who chose to "
        "appear); `received`: yours; `sent`: the ones you sent (senders only).",
    )


@router.get(
    "/shout-outs",
    response={200: ShoutOutPageOut, **error_responses(400, 401, 403, 422)},
    summary="Shout-outs",
    description="Newest first. Someone who chose not to appear is never named to others.",
)
def shout_outs_api(request: HttpRequest, query: Query[ShoutOutsQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    if query.scope == "received":
        found, own = shout_outs_received(actor=actor), True
    elif query.scope == "sent":
        found, own = shout_outs_sent(actor=actor), True
    else:
        found, own = shout_outs_community(actor=actor), False
    page = paginate(request, found)
    page["items"] = [
        shout_out_out(view) for view in shout_out_views(page["items"], actor=actor, own=own)
    ]
    return page


@router.post(
    "/shout-outs",
    response={201: ShoutOutOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Send a shout-out",
    description="Program managers, managers and org admins. The recipient sees it on their "
    "recognition page; colleagues see it in the feed only if the recipient chose to appear. "
    "`400 own_shout_out` for yourself; `404 not_found` for someone not in your organization "
    "(or who left), or a share that is not theirs.",
)
def shout_out_send_api(request: HttpRequest, payload: ShoutOutIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    shout_out = shout_out_send(
        actor=actor,
        recipient_id=payload.recipient_id,
        message=payload.message,
        share_id=payload.share_id,
        content_id=payload.content_id,
    )
    view = shout_out_views([shout_out], actor=actor, own=True)[0]
    return Status(201, shout_out_out(view))


class AnnouncementOut(Schema):
    id: int
    kind: Literal["contest_result"]
    contest_id: int | None
    contest: str = Field(description="The contest's title.")
    winners: list[str] = Field(description="The winners who chose to appear.")
    hidden_winners: int = Field(description="Winners who chose not to appear.")
    score: int = Field(description="The winning score.")
    created_at: datetime


def announcement_out(view: AnnouncementView) -> dict[str, Any]:
    announcement = view.announcement
    return {
        "id": announcement.pk,
        "kind": announcement.kind,
        "contest_id": announcement.contest_id,
        "contest": view.contest.title if view.contest else "",
        "winners": view.winners,
        "hidden_winners": view.hidden_winners,
        "score": view.score,
        "created_at": announcement.created_at,
    }


class AnnouncementPageOut(Schema):
    items: list[AnnouncementOut]
    count: int
    page: int
    pages: int
    page_size: int


@router.get(
    "/announcements",
    response={200: AnnouncementPageOut, **error_responses(400, 401, 403)},
    summary="Announcements to the community",
    description="Contests' results, newest first, with the winners named as each chose.",
)
def announcements_api(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    page = paginate(request, announcements_list(actor=actor), default_size=20)
    page["items"] = [
        announcement_out(view) for view in announcement_views(page["items"], actor=actor)
    ]
    return page


class ContributionOut(Schema):
    name: str
    title: str = Field(description="The content shared.")
    people: int = Field(description="People who clicked during the month.")


class BadgeHighlightOut(Schema):
    name: str
    badge: str = Field(examples=["ten_shares"])
    badge_name: str
    awarded_at: datetime


class WinnerHighlightOut(Schema):
    name: str
    contest_id: int
    contest: str


class HighlightsOut(Schema):
    month: date = Field(description="Its first day.")
    contributions: list[ContributionOut] = Field(
        description="The shares that brought the most people."
    )
    badges: list[BadgeHighlightOut]
    winners: list[WinnerHighlightOut]


class HighlightsQuery(Schema):
    month: str = Field(default="", description="`YYYY-MM`; omitted: this month.")


@router.get(
    "/highlights",
    response={200: HighlightsOut, **error_responses(400, 401, 403, 422)},
    summary="The month's highlights",
    description="Top contributions, new badges and contest winners of a month, in the "
    "organization's time zone; only people who chose to appear. `400 invalid_month`.",
)
def highlights_api(request: HttpRequest, query: Query[HighlightsQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    found = highlights(actor=actor, month=month_of(query.month, actor=actor))
    return {
        "month": found.month,
        "contributions": [
            {"name": c.name, "title": c.title, "people": c.people} for c in found.contributions
        ],
        "badges": [
            {
                "name": b.name,
                "badge": b.badge.key,
                "badge_name": str(b.badge.name),
                "awarded_at": b.awarded_at,
            }
            for b in found.badges
        ],
        "winners": [
            {"name": w.name, "contest_id": w.contest.pk, "contest": w.contest.title}
            for w in found.winners
        ],
    }
