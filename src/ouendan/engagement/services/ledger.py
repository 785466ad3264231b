"""Writes to the points ledger: adding entries (never twice), the review of held entries
(confirm or reverse, with a reason), and the program's corrections. All audited but the
awarding job's own entries, which are their own record."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.engagement.models import PointEntry

Status = PointEntry.Status
ADJUST_MAX = 100_000
NOTE_MAX = 500


def entries_add(entries: Iterable[PointEntry]) -> list[PointEntry]:
    """Insert entries whose source is new; an entry whose ``source_key`` the organization
    already has is skipped (the unique constraint is the last guard against awarding twice,
    should a concurrent writer add the same one meanwhile). Returns the entries given to the
    database."""
    entries = list(entries)
    if not entries:
        return []
    keys = {e.source_key for e in entries}
    existing = set(
        PointEntry.objects.filter(source_key__in=keys).values_list("organization_id", "source_key")
    )
    fresh = [e for e in entries if (e.organization_id, e.source_key) not in existing]
    PointEntry.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
    return fresh


def _entry_for_review(actor: Actor, entry_id: int) -> PointEntry:
    entry = (
        PointEntry.objects.select_for_update()
        .filter(organization=actor.organization, pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound(_("That entry does not exist."))
    if actor.membership is not None and entry.membership_id == actor.membership.pk:
        raise DomainError(
            _("Someone else in the program must review your own points."),
            code="own_points",
        )
    return entry


def _note(note: str, *, required: bool) -> str:
    note = " ".join(note.split())
    if required and not note:
        raise DomainError(
            _("Say why: the person sees it with their points."),
            fields={"reason": [_("Required.")]},
        )
    if len(note) > NOTE_MAX:
        raise DomainError(
            _("At most %(max)d characters.") % {"max": NOTE_MAX},
            fields={"reason": [_("Too long.")]},
        )
    return note


def point_entry_confirm(*, actor: Actor, entry_id: int, note: str = "") -> PointEntry:
    """A reviewer lets held points count (a flagged pattern turned out to be real interest)."""
    require(actor, Action.ENGAGEMENT_MANAGE)
    with transaction.atomic():
        entry = _entry_for_review(actor, entry_id)
        note = _note(note, required=False)
        if entry.status != Status.PENDING:
            raise Conflict(_("These points were already decided."), code="already_decided")
        entry.status = Status.CONFIRMED
        entry.reviewer, entry.reviewed_at, entry.review_note = (
            actor.membership,
            timezone.now(),
            note,
        )
        entry.save(update_fields=["status", "reviewer", "reviewed_at", "review_note"])
        audit_record(
            actor=actor,
            action="points.confirmed",
            target=entry,
            data={"points": entry.points, "flag": entry.flag, "note": note},
        )
    return entry


def point_entry_reverse(*, actor: Actor, entry_id: int, reason: str) -> PointEntry:
    """Undo points, with a reason the person sees. Held points simply never count (their
    status becomes ``reversed``); points that already count are cancelled by a new, negative
    entry, so the history stays as it was. Returns the entry that records the reversal."""
    require(actor, Action.ENGAGEMENT_MANAGE)
    now = timezone.now()
    with transaction.atomic():
        entry = _entry_for_review(actor, entry_id)
        note = _note(reason, required=True)
        if entry.reason == PointEntry.Reason.REVERSAL:
            raise Conflict(_("A reversal cannot be reversed."), code="already_decided")
        if entry.status == Status.REVERSED or PointEntry.objects.filter(reverses=entry).exists():
            raise Conflict(_("These points were already reversed."), code="already_decided")
        was = entry.status
        if entry.status == Status.PENDING:
            entry.status = Status.REVERSED
            entry.reviewer, entry.reviewed_at, entry.review_note = actor.membership, now, note
            entry.save(update_fields=["status", "reviewer", "reviewed_at", "review_note"])
            record = entry
        else:
            record = PointEntry.objects.create(
                organization=entry.organization,
                membership=entry.membership,
                points=-entry.points,
                reason=PointEntry.Reason.REVERSAL,
                params={"reason": entry.reason, "original": entry.params, "note": note},
                source_key=f"reversal:{entry.pk}",
                status=Status.CONFIRMED,
                reviewer=actor.membership,
                reviewed_at=now,
                review_note=note,
                reverses=entry,
                occurred_at=entry.occurred_at,  # the period the points were counted in
            )
        audit_record(
            actor=actor,
            action="points.reversed",
            target=entry,
            data={"points": entry.points, "was": was, "reason": note,
                  "reversal": record.pk},
        )  # fmt: skip
    return record


def points_adjust(
    *, actor: Actor, membership_id: int, points: int, reason: str, at: datetime | None = None
) -> PointEntry:
    """A correction by the program (a missed event, a mistake): counts at once, with a reason
    the person sees; not for one's own points."""
    require(actor, Action.ENGAGEMENT_MANAGE)
    note = _note(reason, required=True)
    if not isinstance(points, int) or points == 0 or abs(points) > ADJUST_MAX:
        raise DomainError(
            _("Enter points from -%(max)d to %(max)d, not 0.") % {"max": ADJUST_MAX},
            fields={"points": [_("Out of range.")]},
        )
    person = Membership.objects.filter(organization=actor.organization, pk=membership_id).first()
    if person is None:
        raise NotFound(
            _("That person does not exist."), fields={"membership_id": [_("Not found.")]}
        )
    if actor.membership is not None and person.pk == actor.membership.pk:
        raise DomainError(
            _("Someone else in the program must correct your own points."), code="own_points"
        )
    now = at or timezone.now()
    try:
        with transaction.atomic():
            entry = PointEntry.objects.create(
                organization=actor.organization,
                membership=person,
                points=points,
                reason=PointEntry.Reason.ADJUSTMENT,
                params={"note": note},
                source_key=f"adjustment:{uuid.uuid4().hex}",
                status=Status.CONFIRMED,
                reviewer=actor.membership,
                reviewed_at=now,
                review_note=note,
                occurred_at=now,
            )
            audit_record(
                actor=actor,
                action="points.adjusted",
                target=entry,
                data={"membership": person.pk, "points": points, "reason": note},
            )
    except IntegrityError as exc:  # pragma: no cover - a uuid4 collision
        raise Conflict(_("Try again."), code="conflict") from exc
    return entry
