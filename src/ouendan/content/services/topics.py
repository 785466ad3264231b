"""Topics (採用, 製品, 技術ブログ…): curators keep the list, anyone follows the ones they like."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.content.models import Topic, TopicSubscription
from ouendan.content.services.common import clean_text, row_in_org
from ouendan.core.errors import Conflict, DomainError

NAME_MAX = 60
DESCRIPTION_MAX = 300
TOPICS_MAX = 200


def _taken() -> Conflict:
    return Conflict(
        _("A topic with that name already exists."), fields={"name": [_("Already exists.")]}
    )


def topic_create(*, actor: Actor, name: str, description: str = "") -> Topic:
    require(actor, Action.TOPICS_MANAGE)
    name = clean_text(name, field="name", label=_("The name"), limit=NAME_MAX, required=True)
    description = clean_text(
        description, field="description", label=_("The description"), limit=DESCRIPTION_MAX
    )
    try:
        with transaction.atomic():
            if Topic.objects.filter(organization=actor.organization).count() >= TOPICS_MAX:
                raise DomainError(
                    _("At most %(limit)d topics.") % {"limit": TOPICS_MAX}, code="too_many_topics"
                )
            if Topic.objects.filter(organization=actor.organization, name=name).exists():
                raise _taken()
            topic = Topic.objects.create(
                organization=actor.organization, name=name, description=description
            )
            audit_record(actor=actor, action="topic.created", target=topic)
    except IntegrityError as exc:
        raise _taken() from exc
    return topic


def topic_update(
    *, actor: Actor, topic_id: int, name: str | None = None, description: str | None = None
) -> Topic:
    require(actor, Action.TOPICS_MANAGE)
    row_in_org(Topic, actor, topic_id, field="id", what=_("That topic"))  # 404 before 400
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = clean_text(
            name, field="name", label=_("The name"), limit=NAME_MAX, required=True
        )
    if description is not None:
        changes["description"] = clean_text(
            description, field="description", label=_("The description"), limit=DESCRIPTION_MAX
        )
    try:
        with transaction.atomic():
            topic = row_in_org(Topic, actor, topic_id, field="id", what=_("That topic"))
            changed = {k: v for k, v in changes.items() if getattr(topic, k) != v}
            if not changed:
                return topic
            if (
                "name" in changed
                and Topic.objects.filter(organization=actor.organization, name=changed["name"])
                .exclude(pk=topic.pk)
                .exists()
            ):
                raise _taken()
            for key, value in changed.items():
                setattr(topic, key, value)
            topic.save()
            audit_record(actor=actor, action="topic.updated", target=topic, data=changed)
    except IntegrityError as exc:
        raise _taken() from exc
    return topic


def topic_delete(*, actor: Actor, topic_id: int) -> None:
    """Remove a topic: content keeps everything else; followers stop following it."""
    require(actor, Action.TOPICS_MANAGE)
    with transaction.atomic():
        topic = row_in_org(Topic, actor, topic_id, field="id", what=_("That topic"))
        audit_record(
            actor=actor,
            action="topic.deleted",
            target=topic,
            data={"name": topic.name, "content": topic.content_items.count()},
        )
        topic.delete()


def topic_follow(*, actor: Actor, topic_id: int, follow: bool) -> bool:
    """Follow or stop following a topic (the actor's own choice); doing it twice is harmless.
    Returns whether the actor follows it now."""
    require(actor, Action.TOPICS_SUBSCRIBE)
    topic = row_in_org(Topic, actor, topic_id, field="id", what=_("That topic"))
    if actor.membership is None:
        raise DomainError(
            _("Only a person can follow topics, not an organization token."),
            code="person_required",
        )
    if follow:
        TopicSubscription.objects.get_or_create(
            organization=actor.organization, topic=topic, membership=actor.membership
        )
    else:
        TopicSubscription.objects.filter(topic=topic, membership=actor.membership).delete()
    return follow
