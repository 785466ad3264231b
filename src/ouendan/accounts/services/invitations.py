"""Invitations by e-mail: invite, revoke, resend, accept, and expire the ones nobody used.

The token is shown only in the e-mail (and returned once to the caller); the database keeps its
SHA-256 (``crypto.secret_hash``). The e-mail goes out from a task after the transaction commits;
the task receives the token Fernet-encrypted so the task queue never holds it in clear.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ouendan.accounts import crypto
from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Department, Invitation, Membership, Organization, User
from ouendan.accounts.permissions import Action, Actor, require, system_actor
from ouendan.accounts.roles import Role
from ouendan.accounts.services.people import (
    PersonData,
    normalize_email,
    parse_roles,
    person_create,
    roles_check_grantable,
)
from ouendan.core.errors import Conflict, DomainError, NotFound

FULL_NAME_MAX = Invitation._meta.get_field("full_name").max_length or 120


def invitation_accept_url(token: str) -> str:
    return settings.BASE_URL + reverse("accounts:invitation_accept", args=[token])


def _expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.INVITATION_TTL_DAYS)


def _send_after_commit(invitation: Invitation, token: str) -> None:
    from ouendan.accounts.tasks import invitation_email_send_task

    invitation_id, sealed = invitation.pk, crypto.encrypt(token)
    transaction.on_commit(lambda: invitation_email_send_task.enqueue(invitation_id, sealed))


def _invitation(actor: Actor, invitation_id: int, *, lock: bool = False) -> Invitation:
    invitations = Invitation.objects.filter(organization=actor.organization, pk=invitation_id)
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.first()
    if invitation is None:
        raise NotFound(_("That invitation does not exist."))
    return invitation


def _refuse_members(actor: Actor, email: str) -> None:
    membership = (
        Membership.objects.filter(organization=actor.organization, user__email__iexact=email)
        .only("status")
        .first()
    )
    if membership is None:
        return
    if membership.status == Membership.Status.ACTIVE:
        raise Conflict(
            _("%(email)s is already a member of this organization.") % {"email": email},
            code="already_member",
            fields={"email": [_("Already a member.")]},
        )
    raise Conflict(
        _(
            "%(email)s has left this organization. Reinstate them from their page in People "
            "instead of inviting them again."
        )
        % {"email": email},
        code="person_left",
        fields={"email": [_("Left the organization.")]},
    )


def invitation_create(
    *,
    actor: Actor,
    email: str,
    full_name: str = "",
    roles: Iterable[str] = (Role.ADVOCATE,),
    department_id: int | None = None,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail; inviting an address that already has a pending invitation
    replaces that invitation (new token, new expiry, the new details) and sends it again."""
    require(actor, Action.INVITATIONS_MANAGE)
    email = normalize_email(email)
    full_name = " ".join(full_name.split())
    if len(full_name) > FULL_NAME_MAX:
        raise DomainError(
            _("The name can be at most %(limit)d characters long.") % {"limit": FULL_NAME_MAX},
            fields={"full_name": [_("Too long.")]},
        )
    role_set = parse_roles(roles) or {Role.ADVOCATE}
    roles_check_grantable(actor, role_set)
    department = None
    if department_id is not None:
        department = Department.objects.filter(
            organization=actor.organization, pk=department_id
        ).first()
        if department is None:
            raise NotFound(
                _("That department does not exist."),
                fields={"department_id": [_("Not found.")]},
            )
    token = crypto.new_secret()
    now = timezone.now()
    details = {
        "full_name": full_name,
        "roles": sorted(role_set),
        "department": department,
        "token_hash": crypto.secret_hash(token),
        "invited_by": actor.membership,
        "expires_at": _expiry(now),
    }
    try:
        with transaction.atomic():
            _refuse_members(actor, email)
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .filter(
                    organization=actor.organization,
                    email__iexact=email,
                    status=Invitation.Status.PENDING,
                )
                .first()
            )
            replaced = invitation is not None
            if invitation is None:
                invitation = Invitation.objects.create(
                    organization=actor.organization, email=email, **details
                )
            else:
                for key, value in details.items():
                    setattr(invitation, key, value)
                invitation.save()
            audit_record(
                actor=actor,
                action="invitation.resent" if replaced else "invitation.created",
                target=invitation,
                data={
                    "email": email,
                    "roles": details["roles"],
                    "department": str(department) if department else None,
                    "replaced": replaced,
                },
            )
            _send_after_commit(invitation, token)
    except IntegrityError as exc:
        # Two people invited the same address at the same moment; the other one won.
        raise Conflict(
            _("An invitation to %(email)s was just sent by someone else.") % {"email": email},
            code="invitation_pending",
            fields={"email": [_("Already invited.")]},
        ) from exc
    return invitation, token


def invitation_revoke(*, actor: Actor, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation; its link stops working at once. Revoking twice is a no-op."""
    require(actor, Action.INVITATIONS_MANAGE)
    with transaction.atomic():
        invitation = _invitation(actor, invitation_id, lock=True)
        if invitation.status == Invitation.Status.REVOKED:
            return invitation
        if invitation.status != Invitation.Status.PENDING:
            raise Conflict(
                _("Only a pending invitation can be revoked; this one is %(status)s.")
                % {"status": invitation.get_status_display()},
                code="invitation_not_pending",
            )
        invitation.status = Invitation.Status.REVOKED
        invitation.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="invitation.revoked",
            target=invitation,
            data={"email": invitation.email},
        )
    return invitation


def invitation_resend(*, actor: Actor, invitation_id: int) -> tuple[Invitation, str]:
    """Send a pending or expired invitation again with a new token and a new expiry;
    the link in the earlier e-mail stops working."""
    require(actor, Action.INVITATIONS_MANAGE)
    token = crypto.new_secret()
    try:
        with transaction.atomic():
            invitation = _invitation(actor, invitation_id, lock=True)
            if invitation.status not in (Invitation.Status.PENDING, Invitation.Status.EXPIRED):
                raise Conflict(
                    _(
                        "Only a pending or expired invitation can be sent again; "
                        "this one is %(status)s."
                    )
                    % {"status": invitation.get_status_display()},
                    code="invitation_not_pending",
                )
            _refuse_members(actor, invitation.email)
            was = invitation.status
            invitation.status = Invitation.Status.PENDING
            invitation.token_hash = crypto.secret_hash(token)
            invitation.expires_at = _expiry(timezone.now())
            invitation.save(update_fields=["status", "token_hash", "expires_at"])
            audit_record(
                actor=actor,
                action="invitation.resent",
                target=invitation,
                data={"email": invitation.email, "was": was},
            )
            _send_after_commit(invitation, token)
    except IntegrityError as exc:
        raise Conflict(
            _("There is already a newer pending invitation to %(email)s.")
            % {"email": invitation.email},
            code="invitation_pending",
        ) from exc
    return invitation, token


class InvitationUnusable(DomainError):
    """The link cannot be used: unknown, already used, revoked or expired (see ``code``)."""


def invitation_check(invitation: Invitation | None, *, now: datetime | None = None) -> Invitation:
    """Raise ``InvitationUnusable`` with a clear reason unless the invitation can be accepted."""
    now = now or timezone.now()
    if invitation is None:
        raise InvitationUnusable(
            _("This invitation link is not valid. Check that you copied the whole link."),
            code="invitation_invalid",
        )
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationUnusable(
            _("This invitation has already been used. Sign in with the account you created."),
            code="invitation_used",
        )
    if invitation.status == Invitation.Status.REVOKED:
        raise InvitationUnusable(
            _("This invitation was withdrawn. Ask your administrator for a new one."),
            code="invitation_revoked",
        )
    if invitation.status == Invitation.Status.EXPIRED or invitation.expires_at <= now:
        raise InvitationUnusable(
            _("This invitation has expired. Ask your administrator to send it again."),
            code="invitation_expired",
        )
    return invitation


def invitation_accept(
    *,
    token: str,
    full_name: str = "",
    password: str = "",
    user: User | None = None,
) -> Membership:
    """Join the organization through an invitation (single use).

    A new address gets a sign-in with ``password``. An address that already has a sign-in must
    be accepted by that user (``user``, signed in) and sets no password here.
    """
    with transaction.atomic():
        invitation = invitation_check(
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organization", "invited_by")
            .filter(token_hash=crypto.secret_hash(token))
            .first()
        )
        org = invitation.organization
        existing = User.objects.filter(email__iexact=invitation.email).first()
        full_name = " ".join((full_name or invitation.full_name).split())
        if not full_name:
            raise DomainError(_("Enter your full name."), fields={"full_name": [_("Required.")]})
        if existing is not None:
            if user is None or user.pk != existing.pk:
                raise DomainError(
                    _(
                        "%(email)s already has an Ouendan sign-in. Sign in as %(email)s, "
                        "then open the invitation link again."
                    )
                    % {"email": invitation.email},
                    code="sign_in_required",
                )
            password = ""
        else:
            try:
                validate_password(password, user=User(email=invitation.email))
            except ValidationError as exc:
                raise DomainError(
                    _("Choose a different password."),
                    code="invalid_password",
                    fields={"password": list(exc.messages)},
                ) from exc
        # The inviter's right to grant these roles was checked when they invited.
        membership = person_create(
            actor=system_actor(org, label=_("Invitation")),
            email=invitation.email,
            data=PersonData(full_name=full_name, department_id=invitation.department_id),
            roles=invitation.roles or [Role.ADVOCATE],
            password=password or None,
            audit=False,
        )
        invitation.status = Invitation.Status.ACCEPTED
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["status", "accepted_at"])
        invitee = Actor(
            organization=org,
            roles=frozenset(),
            user=membership.user,
            membership=membership,
            label=full_name,
        )
        audit_record(
            actor=invitee,
            action="invitation.accepted",
            target=invitation,
            data={
                "email": invitation.email,
                "membership_id": membership.pk,
                "roles": invitation.roles,
                "invited_by": str(invitation.invited_by) if invitation.invited_by else None,
                "new_sign_in": existing is None,
            },
        )
    return membership


def invitations_expire(*, now: datetime) -> int:
    """Mark pending invitations past their expiry as expired: one audit event per organization
    with the count. Running it again finds nothing to do."""
    due = Invitation.objects.filter(
        status=Invitation.Status.PENDING, expires_at__lte=now
    ).values_list("organization_id", "pk")
    by_org: dict[int, list[int]] = defaultdict(list)
    for org_id, pk in due:
        by_org[org_id].append(pk)
    total = 0
    for org_id, ids in by_org.items():
        with transaction.atomic():
            expired = Invitation.objects.filter(
                pk__in=ids, status=Invitation.Status.PENDING, expires_at__lte=now
            ).update(status=Invitation.Status.EXPIRED)
            if expired:
                org = Organization.objects.get(pk=org_id)
                audit_record(
                    actor=system_actor(org),
                    action="invitations.expired",
                    data={"count": expired},
                )
            total += expired
    return total


def invitation_email_send(*, invitation_id: int, token: str) -> bool:
    """E-mail the invitation in the organization's language; False when it no longer applies
    (accepted, revoked, expired or sent again with a newer token)."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if (
        invitation is None
        or invitation.status != Invitation.Status.PENDING
        or invitation.token_hash != crypto.secret_hash(token)
        or invitation.expires_at <= timezone.now()
    ):
        return False
    org = invitation.organization
    with translation.override(org.locale), timezone.override(org.time_zone):
        context = {
            "invitation": invitation,
            "organization": org,
            "inviter": invitation.invited_by.full_name if invitation.invited_by else "",
            "accept_url": invitation_accept_url(token),
            "expires_at": invitation.expires_at,
            "ttl_days": settings.INVITATION_TTL_DAYS,
        }
        subject = " ".join(
            render_to_string("accounts/emails/invitation_subject.txt", context).split()
        )
        text = render_to_string("accounts/emails/invitation.txt", context)
        html = render_to_string("accounts/emails/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True
