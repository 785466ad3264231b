"""Shout-outs: the program and managers thank someone, optionally for a share or a content
item. The recipient always sees it; colleagues only as the recipient chose to appear."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.content.models import ContentItem
from ouendan.core.errors import DomainError, NotFound
from ouendan.engagement.models import ShoutOut
from ouendan.sharing.models import Share

MESSAGE_MAX = 500


def shout_out_send(
    *,
    actor: Actor,
    recipient_id: int,
    message: str,
    share_id: int | None = None,
    content_id: int | None = None,
) -> ShoutOut:
    """Thank a colleague (not oneself). A share must be the recipient's own; a content item
    is the organization's (a share names its content by itself)."""
    require(actor, Action.SHOUT_OUTS_SEND)
    if actor.membership is None:
        raise DomainError(
            _("Shout-outs come from people: sign in as a person, or use a personal token."),
            code="not_a_person",
        )
    message = " ".join((message or "").split())
    errors: dict[str, list[str]] = {}
    if not message:
        errors["message"] = [_("Say what you are thanking them for.")]
    elif len(message) > MESSAGE_MAX:
        errors["message"] = [_("At most %(max)d characters.") % {"max": MESSAGE_MAX}]
    if errors:
        raise DomainError(_("The shout-out was not sent: see the marked fields."), fields=errors)
    recipient = Membership.objects.filter(
        organization=actor.organization, pk=recipient_id, status=Membership.Status.ACTIVE
    ).first()
    if recipient is None:
        raise NotFound(_("That person does not exist."), fields={"recipient_id": [_("Not found.")]})
    if recipient.pk == actor.membership.pk:
        raise DomainError(
            _("A shout-out is for someone else."),
            code="own_shout_out",
            fields={"recipient_id": [_("Choose a colleague.")]},
        )
    share = None
    if share_id is not None:
        share = Share.objects.filter(
            organization=actor.organization, pk=share_id, membership=recipient
        ).first()
        if share is None:
            raise NotFound(
                _("That share does not exist, or is not theirs."),
                fields={"share_id": [_("Not found.")]},
            )
    content = None
    if share is not None:
        content = ContentItem.objects.filter(pk=share.content_id).first()
    elif content_id is not None:
        content = ContentItem.objects.filter(organization=actor.organization, pk=content_id).first()
        if content is None:
            raise NotFound(
                _("That content does not exist."), fields={"content_id": [_("Not found.")]}
            )
    with transaction.atomic():
        shout_out = ShoutOut.objects.create(
            organization=actor.organization,
            sender=actor.membership,
            recipient=recipient,
            message=message,
            share=share,
            content=content,
        )
        audit_record(
            actor=actor,
            action="shout_out.sent",
            target=shout_out,
            data={"recipient": recipient.pk, "share": share_id, "content": content_id},
        )
    return shout_out
