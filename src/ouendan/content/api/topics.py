"""Topics over the API: curators keep the list, anyone follows the ones they like."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.content.models import Topic
from ouendan.content.selectors import (
    topic_get,
    topics_list,
)
from ouendan.content.services.topics import topic_create, topic_delete, topic_follow, topic_update
from ouendan.core.api import Page, error_responses, paginate

router = Router(tags=["topics"])

READ_ERRORS = error_responses(400, 401, 403)
ONE_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


class TopicOut(Schema):
    id: int
    name: str
    description: str
    content_count: int
    follower_count: int
    following: bool = Field(description="Whether the caller follows it.")


class TopicIn(Schema):
    name: str = Field(max_length=60, examples=["採用"])
    description: str = Field(default="", max_length=300)


class TopicUpdateIn(Schema):
    name: str | None = Field(default=None, max_length=60)
    description: str | None = Field(default=None, max_length=300)


def _topic_out(topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.pk,
        "name": topic.name,
        "description": topic.description,
        "content_count": getattr(topic, "content_count", 0),
        "follower_count": getattr(topic, "follower_count", 0),
        "following": bool(getattr(topic, "following", False)),
    }


@router.get(
    "/topics",
    response={200: Page[TopicOut], **READ_ERRORS},
    summary="List topics",
    description="Everyone in the organization; `following` tells the caller's own choices.",
    tags=["topics"],
)
def topics_list_api(request: HttpRequest) -> dict[str, Any]:
    return paginate(request, topics_list(actor=request_actor(request)), serialize=_topic_out)


@router.post(
    "/topics",
    response={201: TopicOut, **WRITE_ERRORS},
    summary="Add a topic",
    tags=["topics"],
)
def topics_create_api(request: HttpRequest, payload: TopicIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    topic = topic_create(actor=actor, name=payload.name, description=payload.description)
    return Status(201, _topic_out(topic_get(actor=actor, topic_id=topic.pk)))


@router.patch(
    "/topics/{int:topic_id}",
    response={200: TopicOut, **WRITE_ERRORS},
    summary="Rename or describe a topic",
    tags=["topics"],
)
def topics_update_api(
    request: HttpRequest, topic_id: int, payload: TopicUpdateIn
) -> dict[str, Any]:
    actor = request_actor(request)
    topic_update(actor=actor, topic_id=topic_id, name=payload.name, description=payload.description)
    return _topic_out(topic_get(actor=actor, topic_id=topic_id))


@router.delete(
    "/topics/{int:topic_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a topic",
    description="Content keeps everything else; followers stop following it.",
    tags=["topics"],
)
def topics_delete_api(request: HttpRequest, topic_id: int) -> Status[None]:
    topic_delete(actor=request_actor(request), topic_id=topic_id)
    return Status(204, None)


@router.put(
    "/topics/{int:topic_id}/follow",
    response={200: TopicOut, **WRITE_ERRORS},
    summary="Follow a topic",
    description="Its content comes first in your feed. Following twice is harmless.",
    tags=["topics"],
)
def topics_follow_api(request: HttpRequest, topic_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    topic_follow(actor=actor, topic_id=topic_id, follow=True)
    return _topic_out(topic_get(actor=actor, topic_id=topic_id))


@router.delete(
    "/topics/{int:topic_id}/follow",
    response={200: TopicOut, **WRITE_ERRORS},
    summary="Stop following a topic",
    tags=["topics"],
)
def topics_unfollow_api(request: HttpRequest, topic_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    topic_follow(actor=actor, topic_id=topic_id, follow=False)
    return _topic_out(topic_get(actor=actor, topic_id=topic_id))
