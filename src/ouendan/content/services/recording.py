"""Recording what happened to a content item: its status moves (audited) and its versions.

Shared by every content service: a move sets the status and the dates that go with it and
writes the audit event; ``content_record_version`` snapshots the item after a change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem, ContentVersion
from ouendan.content.versions import content_snapshot, shared_part
from ouendan.core.errors import NotFound
from ouendan.core.text import fold

Status = ContentItem.Status
# Statuses of content a reviewer has approved (it may be live, waiting, or past its date).
APPROVED_FAMILY = frozenset({Status.APPROVED, Status.SCHEDULED, Status.PUBLISHED, Status.EXPIRED})


def content_of(actor: Actor, content_id: int, *, lock: bool = False) -> ContentItem:
    items = ContentItem.objects.filter(organization=actor.organization, pk=content_id)
    if lock:
        items = items.select_for_update(of=("self",))
    item = items.first()
    if item is None:
        raise NotFound(_("That content does not exist."))
    return item


def publishing_held() -> set[int]:
    """Organizations whose content must not go live now (a crisis pause), from the hooks in
    ``CONTENT_PUBLISH_HOLDS`` (governance sits above content, so it is asked, not imported)."""
    held: set[int] = set()
    for hook in settings.CONTENT_PUBLISH_HOLDS:
        held |= set(import_string(hook)())
    return held


def approved_state(item: ContentItem, now: datetime, *, held: set[int] | None = None) -> str:
    """Where approved content stands by its dates: waiting, scheduled, live or past. Content
    that would go live while its organization is paused stays scheduled (held, not lost)."""
    if item.expire_at is not None and item.expire_at <= now:
        return Status.EXPIRED
    if item.publish_at is not None and item.publish_at > now:
        return Status.SCHEDULED
    if item.publish_at is None and item.published_at is None:
        return Status.APPROVED
    if item.organization_id in (publishing_held() if held is None else held):
        return Status.SCHEDULED if item.status != Status.PUBLISHED else Status.PUBLISHED
    return Status.PUBLISHED


def status_move(actor: Actor, item: ContentItem, status: str, now: datetime, **data: Any) -> None:
    """Set the status (and the dates that go with it) and audit the move."""
    previous = item.status
    item.status = status
    if status == Status.PUBLISHED and item.published_at is None:
        item.published_at = now
    action = {
        Status.IN_REVIEW: "content.submitted",
        Status.APPROVED: "content.approved",
        Status.SCHEDULED: "content.scheduled",
        Status.PUBLISHED: "content.published",
        Status.EXPIRED: "content.expired",
        Status.ARCHIVED: "content.archived",
        Status.DRAFT: "content.returned_to_draft",
    }[Status(status)]
    audit_record(
        actor=actor, action=action, target=item, data={"from": previous, "to": status, **data}
    )
    content_status_hooks(item, previous=previous, status=status, actor=actor)


def content_status_hooks(item: ContentItem, *, previous: str, status: str, actor: Actor) -> None:
    """Tell the apps above content (``CONTENT_STATUS_HOOKS``) that an item moved, inside the
    mover's transaction: governance opens and closes review rounds on it. ``previous ==
    status == "in_review"`` means the item changed while in review."""
    for hook in settings.CONTENT_STATUS_HOOKS:
        import_string(hook)(item, previous=previous, status=status, actor=actor)


def content_record_version(*, actor: Actor, item: ContentItem, now: datetime) -> bool:
    """Snapshot the item (call after saving it and its related rows, in the same transaction);
    a new version only when something changed. Approved content whose shared part changed goes
    back to review. Returns whether a new version was made."""
    snapshot = content_snapshot(item)
    latest = item.versions.order_by("-number").first()
    if latest is not None and latest.snapshot == snapshot:
        return False
    number = latest.number + 1 if latest else 1
    ContentVersion.objects.create(
        organization=item.organization,
        content=item,
        number=number,
        snapshot=snapshot,
        created_by=actor.membership,
    )
    item.version = number
    item.search_text = fold(
        "\n".join(
            [item.title, item.summary, item.advocate_note, item.url]
            + [v.composed for v in item.variants.all()]
        )
    )
    fields = ["version", "search_text", "updated_at", "updated_by"]
    item.updated_by = actor.membership
    shared_changed = latest is not None and shared_part(latest.snapshot) != shared_part(snapshot)
    if item.status == Status.IN_REVIEW and latest is not None:
        content_status_hooks(item, previous=Status.IN_REVIEW, status=Status.IN_REVIEW, actor=actor)
    if shared_changed and item.status in APPROVED_FAMILY:
        status_move(
            actor,
            item,
            Status.IN_REVIEW,
            now,
            reason="edited after approval",
            approved_version=item.approved_version,
        )
        item.submitted_at = now
        fields += ["status", "submitted_at"]
    item.save(update_fields=fields)
    return True
