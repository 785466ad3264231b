"""Employees' suggestions over the API: anyone proposes a link, curators decide."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.permissions import Actor
from ouendan.content.api.schemas import (
    RefOut,
    person_ref,
)
from ouendan.content.models import Suggestion
from ouendan.content.selectors import (
    suggestion_get,
    suggestions_list,
)
from ouendan.content.services.suggestions import (
    suggestion_accept,
    suggestion_create,
    suggestion_decline,
    suggestion_withdraw,
)
from ouendan.core.api import Page, error_responses, paginate

router = Router(tags=["suggestions"])

READ_ERRORS = error_responses(400, 401, 403)
ONE_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


SuggestionStatus = Literal["pending", "accepted", "declined"]


class SuggestionOut(Schema):
    id: int
    url: str
    comment: str
    title: str
    status: SuggestionStatus
    suggested_by: RefOut | None
    decided_by: RefOut | None
    decided_at: datetime | None
    decline_reason: str
    content_id: int | None = Field(description="The draft made from it, once accepted.")
    created_at: datetime


class SuggestionIn(Schema):
    url: str = Field(max_length=2048, examples=["https://www.example.co.jp/news/2"])
    comment: str = Field(default="", max_length=1000, examples=["技術系の学生に響きそうです"])


class DeclineIn(Schema):
    reason: str = Field(max_length=500, examples=["内容が古いため見送ります"])


class SuggestionsQuery(Schema):
    status: SuggestionStatus | None = None
    mine: bool = Field(default=False, description="Only your own (curators see everyone's).")


def _suggestion_out(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "id": suggestion.pk,
        "url": suggestion.url,
        "comment": suggestion.comment,
        "title": suggestion.title,
        "status": suggestion.status,
        "suggested_by": person_ref(suggestion.suggested_by),
        "decided_by": person_ref(suggestion.decided_by),
        "decided_at": suggestion.decided_at,
        "decline_reason": suggestion.decline_reason,
        "content_id": suggestion.content_id,
        "created_at": suggestion.created_at,
    }


def _one_suggestion(actor: Actor, suggestion_id: int) -> dict[str, Any]:
    return _suggestion_out(suggestion_get(actor=actor, suggestion_id=suggestion_id))


@router.get(
    "/suggestions",
    response={200: Page[SuggestionOut], **READ_ERRORS},
    summary="List suggestions",
    description="Curators see everyone's; everyone else sees their own.",
    tags=["suggestions"],
)
def suggestions_list_api(request: HttpRequest, filters: Query[SuggestionsQuery]) -> dict[str, Any]:
    suggestions = suggestions_list(
        actor=request_actor(request), status=filters.status or "", mine=filters.mine
    )
    return paginate(request, suggestions, serialize=_suggestion_out)


@router.post(
    "/suggestions",
    response={201: SuggestionOut, **WRITE_ERRORS},
    summary="Suggest a link for the library",
    description="Anyone in the program. Errors: `409 already_suggested` (you have it pending), "
    "`409 already_in_library`, `400 too_many_pending` (20 waiting), `400 person_required` "
    "(an organization token).",
    tags=["suggestions"],
)
def suggestions_create_api(request: HttpRequest, payload: SuggestionIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    suggestion = suggestion_create(actor=actor, url=payload.url, comment=payload.comment)
    return Status(201, _one_suggestion(actor, suggestion.pk))


@router.get(
    "/suggestions/{int:suggestion_id}",
    response={200: SuggestionOut, **ONE_ERRORS},
    summary="One suggestion",
    tags=["suggestions"],
)
def suggestions_get_api(request: HttpRequest, suggestion_id: int) -> dict[str, Any]:
    return _one_suggestion(request_actor(request), suggestion_id)


@router.post(
    "/suggestions/{int:suggestion_id}/accept",
    response={200: SuggestionOut, **WRITE_ERRORS},
    summary="Accept a suggestion: it becomes a draft crediting the suggester",
    description="The draft takes the link's title, description and image when the page can be "
    "fetched. Errors: `409 already_decided`.",
    tags=["suggestions"],
)
def suggestions_accept_api(request: HttpRequest, suggestion_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    suggestion_accept(actor=actor, suggestion_id=suggestion_id)
    return _one_suggestion(actor, suggestion_id)


@router.post(
    "/suggestions/{int:suggestion_id}/decline",
    response={200: SuggestionOut, **WRITE_ERRORS},
    summary="Decline a suggestion with a reason",
    tags=["suggestions"],
)
def suggestions_decline_api(
    request: HttpRequest, suggestion_id: int, payload: DeclineIn
) -> dict[str, Any]:
    actor = request_actor(request)
    suggestion_decline(actor=actor, suggestion_id=suggestion_id, reason=payload.reason)
    return _one_suggestion(actor, suggestion_id)


@router.delete(
    "/suggestions/{int:suggestion_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Withdraw your own suggestion while it is pending",
    tags=["suggestions"],
)
def suggestions_withdraw_api(request: HttpRequest, suggestion_id: int) -> Status[None]:
    suggestion_withdraw(actor=request_actor(request), suggestion_id=suggestion_id)
    return Status(204, None)
