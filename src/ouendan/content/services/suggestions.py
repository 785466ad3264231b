"""Employees' suggestions: anyone in the program proposes a link with a comment; a curator
accepts it (a draft that credits the suggester) or declines it with a reason."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.content.fetching import FetchError
from ouendan.content.link_preview import LinkPreview, link_preview_fetch
from ouendan.content.models import ContentItem, Suggestion
from ouendan.content.services.common import clean_text, clean_url, url_key
from ouendan.content.services.items import ContentData, content_create
from ouendan.core.errors import Conflict, DomainError, NotFound

COMMENT_MAX = 1000
REASON_MAX = 500
PENDING_MAX = 20  # per person: a suggestion box, not a firehose

Status = Suggestion.Status


def suggestion_create(*, actor: Actor, url: str, comment: str = "") -> Suggestion:
    """Propose a link. Refused when the person already has it pending, when it is already in
    the library, or when they have too many suggestions waiting."""
    require(actor, Action.SUGGESTIONS_CREATE)
    if actor.membership is None:
        raise DomainError(
            _("Only a person can suggest content, not an organization token."),
            code="person_required",
        )
    url = clean_url(url)
    comment = clean_text(comment, field="comment", label=_("The comment"), limit=COMMENT_MAX)
    key = url_key(url)
    with transaction.atomic():
        mine = Suggestion.objects.filter(
            organization=actor.organization, suggested_by=actor.membership, status=Status.PENDING
        )
        if any(url_key(other) == key for other in mine.values_list("url", flat=True)):
            raise Conflict(
                _("You have already suggested this link; a curator will look at it."),
                code="already_suggested",
                fields={"url": [_("Already suggested.")]},
            )
        if mine.count() >= PENDING_MAX:
            raise DomainError(
                _("You have %(count)d suggestions waiting: wait for a curator first.")
                % {"count": PENDING_MAX},
                code="too_many_pending",
            )
        if ContentItem.objects.filter(organization=actor.organization, url_key=key).exists():
            raise Conflict(
                _("This link is already in the content library."),
                code="already_in_library",
                fields={"url": [_("Already in the library.")]},
            )
        suggestion = Suggestion.objects.create(
            organization=actor.organization,
            suggested_by=actor.membership,
            url=url,
            comment=comment,
        )
        audit_record(actor=actor, action="suggestion.created", target=suggestion)
    return suggestion


def _pending(actor: Actor, suggestion_id: int, *, mine: bool = False) -> Suggestion:
    suggestions = Suggestion.objects.select_for_update(of=("self",)).filter(
        organization=actor.organization, pk=suggestion_id
    )
    if mine:
        suggestions = suggestions.filter(suggested_by=actor.membership)
    suggestion = suggestions.first() if not mine or actor.membership else None
    if suggestion is None:
        raise NotFound(_("That suggestion does not exist."))
    if suggestion.status != Status.PENDING:
        raise Conflict(
            _("This suggestion was already decided: %(status)s.")
            % {"status": suggestion.get_status_display()},
            code="already_decided",
        )
    return suggestion


def suggestion_accept(*, actor: Actor, suggestion_id: int) -> ContentItem:
    """Turn a suggestion into a draft (title, summary and image from the link's preview when it
    can be fetched) that credits the suggester."""
    require(actor, Action.SUGGESTIONS_REVIEW)
    require(actor, Action.CONTENT_MANAGE)
    found = Suggestion.objects.filter(organization=actor.organization, pk=suggestion_id).first()
    if found is None:
        raise NotFound(_("That suggestion does not exist."))
    try:  # outside the transaction: a slow site must not hold locks
        preview: LinkPreview | None = link_preview_fetch(url=found.url)
    except FetchError:
        preview = None
    language = preview.language[:2] if preview else ""
    with transaction.atomic():
        suggestion = _pending(actor, suggestion_id)
        title = (preview.title if preview else "") or suggestion.url
        item = content_create(
            actor=actor,
            data=ContentData(
                title=title[:300],
                url=preview.url if preview else suggestion.url,
                summary=preview.description if preview else "",
                site_name=preview.site_name if preview else "",
                language=language if language in ("ja", "en") else "",
                advocate_note=suggestion.comment,
            ),
            image_url=preview.image_url if preview else "",
            suggested_by_id=suggestion.suggested_by_id,
        )
        suggestion.status = Status.ACCEPTED
        suggestion.title = item.title
        suggestion.content = item
        suggestion.decided_by = actor.membership
        suggestion.decided_at = timezone.now()
        suggestion.save()
        audit_record(
            actor=actor,
            action="suggestion.accepted",
            target=suggestion,
            data={"content": item.pk, "suggested_by": suggestion.suggested_by_id},
        )
    return item


def suggestion_decline(*, actor: Actor, suggestion_id: int, reason: str) -> Suggestion:
    """Decline with a reason the suggester will read."""
    require(actor, Action.SUGGESTIONS_REVIEW)
    reason = clean_text(
        reason, field="reason", label=_("The reason"), limit=REASON_MAX, required=True
    )
    with transaction.atomic():
        suggestion = _pending(actor, suggestion_id)
        suggestion.status = Status.DECLINED
        suggestion.decline_reason = reason
        suggestion.decided_by = actor.membership
        suggestion.decided_at = timezone.now()
        suggestion.save()
        audit_record(
            actor=actor, action="suggestion.declined", target=suggestion, data={"reason": reason}
        )
    return suggestion


def suggestion_withdraw(*, actor: Actor, suggestion_id: int) -> None:
    """The suggester takes back a suggestion nobody has decided on yet."""
    require(actor, Action.SUGGESTIONS_CREATE)
    with transaction.atomic():
        suggestion = _pending(actor, suggestion_id, mine=True)
        audit_record(actor=actor, action="suggestion.withdrawn", target=suggestion)
        suggestion.delete()
