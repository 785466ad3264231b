"""The audit log: one function writes it, one function verifies it.

Each organization has its own chain: every event stores the previous event's hash and its own
hash over a canonical JSON of its fields, so changing or removing a row breaks the chain at that
row. ``audit_record`` must be called inside the service's transaction; it serialises writers of
one organization on the chain head row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from ouendan.accounts.models import AuditChainHead, AuditEvent, Organization

if TYPE_CHECKING:
    from ouendan.accounts.permissions import Actor

GENESIS = "0" * 64


def _event_hash(event: AuditEvent) -> str:
    payload = {
        "organization": event.organization_id,
        "seq": event.seq,
        "created_at": event.created_at.astimezone(UTC).isoformat(),
        "actor_user": event.actor_user_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    """One event to append with ``audit_record_many``."""

    action: str
    target: models.Model | None = None
    data: dict[str, Any] | None = None


def _locked_head(organization: Organization) -> AuditChainHead:
    head, _ = AuditChainHead.objects.get_or_create(organization=organization)
    return AuditChainHead.objects.select_for_update().get(pk=head.pk)


def _chained_event(
    *, actor: Actor, organization: Organization, seq: int, prev_hash: str, entry: AuditEntry
) -> AuditEvent:
    target = entry.target
    event = AuditEvent(
        organization=organization,
        seq=seq,
        created_at=timezone.now(),
        actor_user=actor.user,
        actor_label=actor.display[:200],
        action=entry.action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        data=json.loads(json.dumps(entry.data or {}, default=str, ensure_ascii=False)),
        prev_hash=prev_hash,
    )
    event.hash = _event_hash(event)
    return event


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    organization: Organization | None = None,
) -> AuditEvent:
    """Append one event (``action`` like ``"people.invited"``) to the actor's organization chain."""
    org = organization or actor.organization
    with transaction.atomic():
        head = _locked_head(org)
        event = _chained_event(
            actor=actor,
            organization=org,
            seq=head.seq + 1,
            prev_hash=head.hash,
            entry=AuditEntry(action, target, data),
        )
        event.save()
        AuditChainHead.objects.filter(pk=head.pk).update(seq=event.seq, hash=event.hash)
    return event


def audit_record_many(*, actor: Actor, entries: Sequence[AuditEntry]) -> list[AuditEvent]:
    """Append many events in order with one lock of the chain (bulk work such as an import):
    the same events ``audit_record`` would write one by one, in a few statements."""
    if not entries:
        return []
    org = actor.organization
    with transaction.atomic():
        head = _locked_head(org)
        events, prev_hash = [], head.hash
        for offset, entry in enumerate(entries, start=1):
            event = _chained_event(
                actor=actor,
                organization=org,
                seq=head.seq + offset,
                prev_hash=prev_hash,
                entry=entry,
            )
            events.append(event)
            prev_hash = event.hash
        AuditEvent.objects.bulk_create(events, batch_size=500)
        AuditChainHead.objects.filter(pk=head.pk).update(seq=events[-1].seq, hash=prev_hash)
    return events


@dataclass(frozen=True)
class AuditBreak:
    organization: Organization
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.organization.slug}: event #{self.seq}: {self.reason}"


def audit_verify(organization: Organization) -> AuditBreak | None:
    """Recompute the organization's chain; return its first broken link, or None if intact.

    The head is read first and only the events up to it are checked: events appended while
    this runs belong to a later check (the head and its event commit together).
    """
    head = AuditChainHead.objects.filter(organization=organization).first()
    events = AuditEvent.objects.filter(organization=organization).order_by("seq")
    if head is not None:
        events = events.filter(seq__lte=head.seq)
    expected_seq, prev_hash = 1, GENESIS
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return AuditBreak(
                organization,
                expected_seq,
                f"missing: events #{expected_seq}–#{event.seq - 1} were removed",
            )
        if event.prev_hash != prev_hash:
            return AuditBreak(organization, event.seq, "previous-hash link does not match")
        if _event_hash(event) != event.hash:
            return AuditBreak(
                organization, event.seq, f"altered: {event.action} no longer matches its hash"
            )
        expected_seq, prev_hash = expected_seq + 1, event.hash
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        return AuditBreak(
            organization,
            last_seq + 1,
            f"missing: the chain ends at #{last_seq} but its head records #{head.seq}",
        )
    return None


def audit_chain_check(organization: Organization) -> AuditBreak | None:
    """Verify the whole chain and record the outcome on its head, for the audit page.

    Verifying reads every event, so pages show the recorded outcome instead of recomputing it;
    the scheduler runs this every hour (``ouendan/schedule.py``), and so do ``manage.py
    audit_verify`` and the page's "verify now" button.
    """
    last_seq = (
        AuditChainHead.objects.filter(organization=organization)
        .values_list("seq", flat=True)
        .first()
    ) or 0
    problem = audit_verify(organization)
    AuditChainHead.objects.update_or_create(
        organization=organization,
        create_defaults={"seq": 0, "hash": GENESIS},
        defaults={
            "verified_at": timezone.now(),
            "verified_seq": last_seq,
            "broken_seq": problem.seq if problem else None,
            "broken_reason": problem.reason[:200] if problem else "",
        },
    )
    return problem
