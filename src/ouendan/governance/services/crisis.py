"""The crisis pause: one switch that stops all outgoing activity of an organization at once, and
resuming once someone confirms it.

While a pause is on, scheduled content does not go live (it stays scheduled and goes live at the
first run after resuming: held, not lost), and the share flow and connected accounts (issues
"Share and track", "Connected accounts") refuse to post — they ask ``crisis_pause_active``. The
banner on every page says why.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import Conflict, DomainError
from ouendan.governance.models import CrisisPause

REASON_MAX = 500


def crisis_pause_start(*, actor: Actor, reason: str) -> CrisisPause:
    """Stop everything going out, now. The reason is shown to everyone in the banner."""
    require(actor, Action.CRISIS_PAUSE)
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(
            _("Say why: everyone sees the reason while the pause lasts."),
            fields={"reason": [_("Required.")]},
        )
    if len(reason) > REASON_MAX:
        raise DomainError(_("The reason is too long."), fields={"reason": [_("Too long.")]})
    try:
        with transaction.atomic():
            if CrisisPause.objects.filter(
                organization=actor.organization, ended_at__isnull=True
            ).exists():
                raise Conflict(_("Sharing is already paused."), code="already_paused")
            pause = CrisisPause.objects.create(
                organization=actor.organization, reason=reason, started_by=actor.membership
            )
            audit_record(actor=actor, action="crisis.paused", target=pause, data={"reason": reason})
    except IntegrityError as exc:  # two people pressed the switch at once
        raise Conflict(_("Sharing is already paused."), code="already_paused") from exc
    return pause


def crisis_pause_end(*, actor: Actor, confirm: bool, note: str = "") -> CrisisPause:
    """Resume: what was held goes out again. Only with ``confirm`` — a click is not enough."""
    require(actor, Action.CRISIS_PAUSE)
    if not confirm:
        raise DomainError(
            _("Confirm that sharing may resume: what was held will go out."),
            code="confirm_required",
            fields={"confirm": [_("Required.")]},
        )
    note = " ".join(note.split())[:REASON_MAX]
    with transaction.atomic():
        pause = (
            CrisisPause.objects.select_for_update()
            .filter(organization=actor.organization, ended_at__isnull=True)
            .first()
        )
        if pause is None:
            raise Conflict(_("Sharing is not paused."), code="not_paused")
        pause.ended_at = timezone.now()
        pause.ended_by = actor.membership
        pause.end_note = note
        pause.save(update_fields=["ended_at", "ended_by", "end_note"])
        audit_record(
            actor=actor,
            action="crisis.resumed",
            target=pause,
            data={
                "note": note,
                "paused_for_minutes": round(
                    (pause.ended_at - pause.started_at).total_seconds() / 60
                ),
            },
        )
    return pause
