"""Content items: create, edit, and move through the lifecycle.

draft → (submit) in review → (approve) approved / scheduled / published → expired, or archived
from anywhere and restored as a draft. ``publish_at`` and ``expire_at`` are honoured by the
scheduler (``content_lifecycle_advance``). Every change of what an item says makes a new version;
a change of what advocates post (text, link, images) sends approved content back to review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import LANGUAGE_CHOICES, Department, Location
from ouendan.accounts.permissions import Action, Actor, require, system_actor
from ouendan.accounts.roles import Role
from ouendan.content.composing import share_text_measure
from ouendan.content.models import Campaign, ContentItem, Topic
from ouendan.content.services.common import (
    clean_slug,
    clean_text,
    clean_url,
    row_in_org,
    rows_in_org,
    unique_slug,
    url_key,
)
from ouendan.content.services.recording import (
    APPROVED_FAMILY,
    approved_state,
    content_of,
    content_record_version,
    publishing_held,
    status_move,
)
from ouendan.content.services.variants import VariantData, variants_write
from ouendan.core.errors import Conflict, DomainError
from ouendan.networks import RULES, Network

Status = ContentItem.Status
TITLE_MAX = 300
SUMMARY_MAX = 2000
NOTE_MAX = 2000
COMMENT_MAX = 2000
LANGUAGES = {code for code, _label in LANGUAGE_CHOICES}


@dataclass(frozen=True)
class ContentData:
    """What can be set on a content item; ``None`` leaves a field unchanged on update, and a
    name in ``clear`` empties it (``campaign``, ``publish_at``, ``expire_at``)."""

    title: str | None = None
    url: str | None = None
    summary: str | None = None
    advocate_note: str | None = None
    language: str | None = None
    site_name: str | None = None
    slug: str | None = None
    topic_ids: list[int] | None = None
    department_ids: list[int] | None = None
    location_ids: list[int] | None = None
    audience_languages: list[str] | None = None
    audience_roles: list[str] | None = None
    campaign_id: int | None = None
    promotional: bool | None = None
    featured: bool | None = None
    pinned: bool | None = None
    publish_at: datetime | None = None
    expire_at: datetime | None = None
    clear: frozenset[str] = field(default_factory=frozenset)


def _fields(actor: Actor, data: ContentData, item: ContentItem | None) -> dict[str, Any]:
    """The plain columns ``data`` sets, checked."""
    found: dict[str, Any] = {}
    if data.title is not None:
        found["title"] = clean_text(
            data.title, field="title", label=_("The title"), limit=TITLE_MAX, required=True
        )
    if data.url is not None:
        found["url"] = clean_url(data.url, required=False)
        found["url_key"] = url_key(found["url"])
    for name, label, limit in (
        ("summary", _("The summary"), SUMMARY_MAX),
        ("advocate_note", _("The note for advocates"), NOTE_MAX),
        ("site_name", _("The site name"), 200),
    ):
        value = getattr(data, name)
        if value is not None:
            found[name] = clean_text(value, field=name, label=str(label), limit=limit)
    if data.language is not None:
        if data.language and data.language not in LANGUAGES:
            raise DomainError(
                _("Unsupported language."), fields={"language": [_("Choose ja or en.")]}
            )
        found["language"] = data.language
    if data.slug is not None and data.slug.strip():
        found["slug"] = clean_slug(data.slug)
    for name in ("promotional", "featured", "pinned"):
        value = getattr(data, name)
        if value is not None:
            found[name] = value
    if data.audience_languages is not None:
        unknown = set(data.audience_languages) - LANGUAGES
        if unknown:
            raise DomainError(
                _("Unsupported language."),
                fields={"audience_languages": [_("Choose ja or en.")]},
            )
        found["audience_languages"] = sorted(set(data.audience_languages))
    if data.audience_roles is not None:
        roles = {role.value for role in Role}
        if set(data.audience_roles) - roles:
            raise DomainError(_("Unknown role."), fields={"audience_roles": [_("Unknown role.")]})
        found["audience_roles"] = sorted(set(data.audience_roles))
    if "campaign" in data.clear:
        found["campaign"] = None
    elif data.campaign_id is not None:
        campaign = row_in_org(
            Campaign, actor, data.campaign_id, field="campaign_id", what=_("That campaign")
        )
        if campaign.archived_at is not None and (item is None or item.campaign_id != campaign.pk):
            raise DomainError(
                _("That campaign is archived: content can no longer be added to it."),
                fields={"campaign_id": [_("Archived.")]},
            )
        found["campaign"] = campaign
    for name in ("publish_at", "expire_at"):
        if name in data.clear:
            found[name] = None
        elif getattr(data, name) is not None:
            moment: datetime = getattr(data, name)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_current_timezone())
            found[name] = moment
    publish_at = found.get("publish_at", item.publish_at if item else None)
    expire_at = found.get("expire_at", item.expire_at if item else None)
    if publish_at and expire_at and expire_at <= publish_at:
        raise DomainError(
            _("The expiry must come after the time the content goes live."),
            fields={"expire_at": [_("Must be after the start.")]},
        )
    return found


def _relations(actor: Actor, data: ContentData) -> dict[str, list[Any]]:
    relations: dict[str, list[Any]] = {}
    if data.topic_ids is not None:
        relations["topics"] = rows_in_org(
            Topic, actor, data.topic_ids, field="topic_ids", what=_("That topic")
        )
    if data.department_ids is not None:
        relations["audience_departments"] = rows_in_org(
            Department,
            actor,
            data.department_ids,
            field="department_ids",
            what=_("That department"),
        )
    if data.location_ids is not None:
        relations["audience_locations"] = rows_in_org(
            Location, actor, data.location_ids, field="location_ids", what=_("That location")
        )
    return relations


def content_create(
    *,
    actor: Actor,
    data: ContentData,
    variants: Sequence[VariantData] = (),
    image_url: str = "",
    source_id: int | None = None,
    suggested_by_id: int | None = None,
) -> ContentItem:
    """A new draft with its suggested texts. ``image_url`` (the link's Open Graph image) is
    fetched after commit."""
    require(actor, Action.CONTENT_MANAGE)
    if data.title is None:
        raise DomainError(_("The title cannot be empty."), fields={"title": [_("Required.")]})
    fields = _fields(actor, data, None)
    relations = _relations(actor, data)
    image_url = clean_url(image_url, field="image_url", required=False)
    now = timezone.now()
    try:
        with transaction.atomic():
            slug = fields.pop("slug", None) or unique_slug(
                ContentItem, actor, fields.get("url", "").rsplit("/", 1)[-1], fields["title"]
            )
            item = ContentItem.objects.create(
                organization=actor.organization,
                slug=slug,
                source_id=source_id,
                suggested_by_id=suggested_by_id,
                created_by=actor.membership,
                updated_by=actor.membership,
                **fields,
            )
            for name, rows in relations.items():
                getattr(item, name).set(rows)
            variants_write(actor=actor, item=item, variants=variants)
            content_record_version(actor=actor, item=item, now=now)
            audit_record(
                actor=actor,
                action="content.created",
                target=item,
                data={"url": item.url, "source": source_id},
            )
            if image_url:
                _fetch_image_after_commit(item.pk, image_url)
    except IntegrityError as exc:
        raise Conflict(
            _("Another content item already uses that code."), fields={"slug": [_("Already used.")]}
        ) from exc
    return item


def _fetch_image_after_commit(content_id: int, image_url: str) -> None:
    from ouendan.content.tasks import content_image_fetch_task

    transaction.on_commit(lambda: content_image_fetch_task.enqueue(content_id, image_url))


def content_update(
    *,
    actor: Actor,
    content_id: int,
    data: ContentData,
    variants: Sequence[VariantData] | None = None,
) -> ContentItem:
    """Change an item (and, when ``variants`` is given, make its suggested texts exactly
    those). Archived content must be restored first. Dates of approved content move it between
    approved, scheduled, published and expired; a change of what advocates post sends it back
    to review. One version for the whole change."""
    require(actor, Action.CONTENT_MANAGE)
    now = timezone.now()
    try:
        with transaction.atomic():
            item = content_of(actor, content_id, lock=True)
            if item.status == Status.ARCHIVED:
                raise Conflict(
                    _("Archived content cannot be edited: restore it first."), code="archived"
                )
            fields = _fields(actor, data, item)
            relations = _relations(actor, data)
            changed = [name for name, value in fields.items() if getattr(item, name) != value]
            for name in changed:
                setattr(item, name, fields[name])
            item.save()
            for name, rows in relations.items():
                getattr(item, name).set(rows)
            if variants is not None and variants_write(actor=actor, item=item, variants=variants):
                changed.append("variants")
            if item.status in APPROVED_FAMILY and {"publish_at", "expire_at"} & set(changed):
                state = approved_state(item, now)
                if state != item.status:
                    status_move(actor, item, state, now, reason="dates changed")
                    item.save(update_fields=["status", "published_at"])
            if content_record_version(actor=actor, item=item, now=now):
                audit_record(
                    actor=actor,
                    action="content.updated",
                    target=item,
                    data={"fields": sorted({*changed, *relations}), "version": item.version},
                )
    except IntegrityError as exc:
        raise Conflict(
            _("Another content item already uses that code."), fields={"slug": [_("Already used.")]}
        ) from exc
    return item


def _submit_problems(item: ContentItem) -> dict[str, list[str]]:
    """What stops an item from going to review: no suggested text, or a text too long."""
    problems: dict[str, list[str]] = {}
    variants = list(item.variants.all())
    if not variants:
        problems["variants"] = [_("Write at least one suggested text.")]
    for variant in variants:
        networks = [Network(variant.network)] if variant.network else []
        for network in networks:
            measured = share_text_measure(
                text=variant.composed, network=network, with_link=bool(item.url)
            )
            if not measured.ok:
                problems.setdefault("variants", []).append(
                    _("A suggested text for %(network)s does not fit: %(length)d of %(limit)d.")
                    % {
                        "network": str(RULES[network].label),
                        "length": measured.length,
                        "limit": measured.limit or 0,
                    }
                )
    return problems


def content_submit(*, actor: Actor, content_id: int) -> ContentItem:
    """Send a draft for review."""
    require(actor, Action.CONTENT_MANAGE)
    now = timezone.now()
    with transaction.atomic():
        item = content_of(actor, content_id, lock=True)
        if item.status != Status.DRAFT:
            raise Conflict(
                _("Only a draft can be sent for review; this content is “%(status)s”.")
                % {"status": item.get_status_display()},
                code="invalid_status",
            )
        problems = _submit_problems(item)
        for check in settings.CONTENT_SUBMIT_CHECKS:
            for field_name, notes in import_string(check)(item).items():
                problems.setdefault(field_name, []).extend(notes)
        if problems:
            raise DomainError(
                _("This content is not ready for review yet."),
                code="not_ready",
                fields=problems,
            )
        status_move(actor, item, Status.IN_REVIEW, now, version=item.version)
        item.submitted_at = now
        item.review_comment = ""
        item.save(update_fields=["status", "submitted_at", "review_comment", "updated_at"])
    return item


def content_withdraw(*, actor: Actor, content_id: int) -> ContentItem:
    """Take content out of review, back to draft (to keep editing it first)."""
    require(actor, Action.CONTENT_MANAGE)
    with transaction.atomic():
        item = content_of(actor, content_id, lock=True)
        if item.status != Status.IN_REVIEW:
            raise Conflict(_("Only content in review can be withdrawn."), code="invalid_status")
        status_move(actor, item, Status.DRAFT, timezone.now(), reason="withdrawn")
        item.save(update_fields=["status", "updated_at"])
    return item


def content_decide(
    *, actor: Actor, content_id: int, decision: str, comment: str = "", version: int | None = None
) -> ContentItem:
    """The end of a review: ``approve`` (it goes live by its dates), ``changes`` (back to draft
    with the comment) or ``reject`` (archived with the reason). Who may decide, and at which
    stage, is governance's business (``governance.services.reviews.review_decide`` checks it
    before calling this); this function only moves the content. ``version``, when given, must be
    the version decided on: a decision on something that changed meanwhile is refused."""
    if decision not in ("approve", "changes", "reject"):
        raise DomainError(_("Unknown decision."), fields={"decision": [_("Unknown decision.")]})
    comment = clean_text(
        comment,
        field="comment",
        label=_("The comment"),
        limit=COMMENT_MAX,
        required=decision != "approve",
    )
    now = timezone.now()
    with transaction.atomic():
        item = content_of(actor, content_id, lock=True)
        if item.status != Status.IN_REVIEW:
            raise Conflict(_("This content is not waiting for review."), code="invalid_status")
        if version is not None and version != item.version:
            raise Conflict(
                _("This content changed while you were reading it: review the new version."),
                code="version_changed",
            )
        item.review_comment = comment
        if decision == "approve":
            item.approved_version = item.version
            item.approved_at = now
            item.approved_by = actor.membership
            status_move(
                actor, item, approved_state(item, now), now, version=item.version, comment=comment
            )
        elif decision == "changes":
            status_move(actor, item, Status.DRAFT, now, reason="changes requested", comment=comment)
        else:
            item.archived_at = now
            status_move(actor, item, Status.ARCHIVED, now, reason="rejected", comment=comment)
        item.save()
    return item


def content_publish_now(*, actor: Actor, content_id: int) -> ContentItem:
    """Approved or scheduled content goes live now."""
    require(actor, Action.CONTENT_MANAGE)
    now = timezone.now()
    with transaction.atomic():
        item = content_of(actor, content_id, lock=True)
        if item.status not in (Status.APPROVED, Status.SCHEDULED):
            raise Conflict(
                _("Only approved or scheduled content can be published."), code="invalid_status"
            )
        if item.organization_id in publishing_held():
            raise Conflict(
                _("Sharing is paused for the whole organization: nothing can go live now."),
                code="paused",
            )
        if item.expire_at is not None and item.expire_at <= now:
            raise DomainError(
                _("The expiry has already passed: change it first."),
                code="expired",
                fields={"expire_at": [_("In the past.")]},
            )
        item.publish_at = now
        status_move(actor, item, Status.PUBLISHED, now)
        item.save()
        content_record_version(actor=actor, item=item, now=now)
    return item


def content_archive(*, actor: Actor, content_id: int, reason: str = "") -> ContentItem:
    """Take content out of the library and the feed; links already shared keep working."""
    require(actor, Action.CONTENT_MANAGE)
    reason = clean_text(reason, field="reason", label=_("The reason"), limit=500)
    now = timezone.now()
    with transaction.atomic():
        item = content_of(actor, content_id, lock=True)
        if item.status == Status.ARCHIVED:
            return item
        item.archived_at = now
        status_move(actor, item, Status.ARCHIVED, now, reason=reason)
        item.save(update_fields=["status", "archived_at", "updated_at"])
    return item


def content_restore(*, actor: Actor, content_id: int) -> ContentItem:
    """Bring archived content back as a draft (it is reviewed again before it goes live)."""
    require(actor, Action.CONTENT_MANAGE)
    with transaction.atomic():
        item = content_of(actor, content_id, lock=True)
        if item.status != Status.ARCHIVED:
            raise Conflict(_("Only archived content can be restored."), code="invalid_status")
        item.archived_at = None
        status_move(actor, item, Status.DRAFT, timezone.now(), reason="restored")
        item.save(update_fields=["status", "archived_at", "updated_at"])
    return item


def content_lifecycle_advance(*, now: datetime) -> dict[str, int]:
    """Periodic: scheduled content whose time has come goes live, live content past its expiry
    expires. Each move is audited by the system in the item's organization."""
    moved = {"published": 0, "expired": 0}
    held = publishing_held()
    due = ContentItem.objects.filter(
        Q(status=Status.SCHEDULED, publish_at__lte=now)
        | Q(status__in=[Status.APPROVED, Status.SCHEDULED, Status.PUBLISHED], expire_at__lte=now)
    )
    for item_id in due.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            item = (
                ContentItem.objects.select_for_update(of=("self",))
                .select_related("organization")
                .filter(pk=item_id)
                .first()
            )
            if item is None or item.status not in APPROVED_FAMILY:
                continue
            state = approved_state(item, now, held=held)
            if state == item.status or state == Status.APPROVED:
                continue
            actor = system_actor(item.organization, label="scheduler")
            status_move(actor, item, state, now, reason="schedule")
            item.save(update_fields=["status", "published_at", "updated_at"])
            moved["published" if state == Status.PUBLISHED else "expired"] += 1
    return moved
