"""People in an organization: create, update, roles, and leavers (退職)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import (
    LANGUAGE_CHOICES,
    ApiToken,
    Department,
    Invitation,
    Location,
    Membership,
    Organization,
    RoleGrant,
    User,
)
from ouendan.accounts.permissions import Action, Actor, can, require
from ouendan.accounts.roles import Role
from ouendan.core.errors import Conflict, DomainError, NotFound


def normalize_email(raw: str) -> str:
    email = raw.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(
            _("“%(email)s” is not a valid e-mail address.") % {"email": raw.strip()},
            fields={"email": [_("Enter a valid e-mail address.")]},
        ) from exc
    return email


def parse_roles(values: Iterable[str], *, code: str | None = None) -> set[Role]:
    """The roles named by ``values``; an unknown one is a ``DomainError`` (``code``, if given)."""
    roles: set[Role] = set()
    for value in values:
        try:
            roles.add(Role(value))
        except ValueError as exc:
            raise DomainError(
                _("“%(role)s” is not a role.") % {"role": value},
                code=code,
                fields={"roles": [_("Unknown role.")]},
            ) from exc
    return roles


@dataclass(frozen=True)
class PersonData:
    """What can be set on a person; ``None`` means "leave unchanged" on update."""

    full_name: str | None = None
    full_name_kana: str | None = None
    employee_number: str | None = None
    department_id: int | None = None
    location_id: int | None = None
    title: str | None = None
    language: str | None = None
    clear_department: bool = False
    clear_location: bool = False


def _resolve_placement(actor: Actor, data: PersonData) -> dict[str, object]:
    fields: dict[str, object] = {}
    if data.clear_department:
        fields["department"] = None
    elif data.department_id is not None:
        dept = Department.objects.filter(
            organization=actor.organization, pk=data.department_id
        ).first()
        if dept is None:
            raise NotFound(
                _("That department does not exist."),
                fields={"department_id": [_("Not found.")]},
            )
        fields["department"] = dept
    if data.clear_location:
        fields["location"] = None
    elif data.location_id is not None:
        loc = Location.objects.filter(organization=actor.organization, pk=data.location_id).first()
        if loc is None:
            raise NotFound(
                _("That location does not exist."), fields={"location_id": [_("Not found.")]}
            )
        fields["location"] = loc
    for name in ("full_name", "full_name_kana", "employee_number", "title"):
        value = getattr(data, name)
        if value is not None:
            fields[name] = value.strip()
            model_field = Membership._meta.get_field(name)
            limit = getattr(model_field, "max_length", None) or 0
            if len(str(fields[name])) > limit:
                raise DomainError(
                    _("%(field)s can be at most %(limit)d characters long.")
                    % {"field": getattr(model_field, "verbose_name", name), "limit": limit},
                    fields={name: [_("Too long.")]},
                )
    if "full_name" in fields and not fields["full_name"]:
        raise DomainError(
            _("The full name cannot be empty."), fields={"full_name": [_("Required.")]}
        )
    if data.language and data.language not in dict(LANGUAGE_CHOICES):
        raise DomainError(_("Unsupported language."), fields={"language": [_("Choose ja or en.")]})
    return fields


def _ensure_employee_number_free(
    actor: Actor, employee_number: object, exclude_id: int | None = None
) -> None:
    if not employee_number:
        return
    taken = Membership.objects.filter(
        organization=actor.organization, employee_number=employee_number
    )
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise Conflict(
            _("Employee number %(number)s is already used by someone else.")
            % {"number": employee_number},
            fields={"employee_number": [_("Already used.")]},
        )


def _lock_organization(actor: Actor) -> None:
    """Serialise changes that must keep an admin: two admins demoting each other both check
    "is there another admin?" — the second waits here and then sees the first one's change."""
    Organization.objects.select_for_update().filter(pk=actor.organization.pk).first()


def roles_check_grantable(actor: Actor, roles: set[Role]) -> None:
    if roles and roles != {Role.ADVOCATE} and not can(actor, Action.ROLES_ASSIGN):
        raise DomainError(
            _("Only an organization admin can give roles other than advocate."),
            code="permission_denied",
            fields={"roles": [_("Not allowed.")]},
        )


def person_create(
    *,
    actor: Actor,
    email: str,
    data: PersonData,
    roles: Iterable[str] = (Role.ADVOCATE,),
    password: str | None = None,
    audit: bool = True,
) -> Membership:
    """Add a person: reuse the sign-in if the e-mail already exists elsewhere, else create it."""
    require(actor, Action.PEOPLE_MANAGE)
    email = normalize_email(email)
    role_set = parse_roles(roles)
    roles_check_grantable(actor, role_set)
    fields = _resolve_placement(actor, data)
    if not fields.get("full_name"):
        raise DomainError(
            _("The full name cannot be empty."), fields={"full_name": [_("Required.")]}
        )
    try:
        with transaction.atomic():
            _ensure_employee_number_free(actor, fields.get("employee_number"))
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(email, password, language=data.language or "")
            elif Membership.objects.filter(organization=actor.organization, user=user).exists():
                raise Conflict(
                    _("%(email)s is already a member of this organization.") % {"email": email},
                    fields={"email": [_("Already a member.")]},
                )
            elif not user.is_active:
                # They left every other organization; joining this one lets them sign in again.
                user.is_active = True
                user.save(update_fields=["is_active"])
            membership = Membership.objects.create(
                organization=actor.organization, user=user, **fields
            )
            RoleGrant.objects.bulk_create(
                RoleGrant(membership=membership, role=role) for role in sorted(role_set)
            )
            if audit:
                audit_record(
                    actor=actor,
                    action="person.created",
                    target=membership,
                    data={"email": email, "roles": sorted(role_set)},
                )
    except IntegrityError as exc:
        raise Conflict(
            _("That employee number is already used by someone else."),
            fields={"employee_number": [_("Already used.")]},
        ) from exc
    return membership


def _membership(actor: Actor, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("user", "department", "location")
        .filter(organization=actor.organization, pk=membership_id)
        .first()
    )
    if membership is None:
        raise NotFound(_("That person does not exist."))
    return membership


def person_update(
    *,
    actor: Actor,
    membership_id: int,
    data: PersonData,
    roles: Iterable[str] | None = None,
    audit: bool = True,
) -> Membership:
    require(actor, Action.PEOPLE_MANAGE)
    membership = _membership(actor, membership_id)
    fields = _resolve_placement(actor, data)
    changed = {k: v for k, v in fields.items() if getattr(membership, k) != v}
    try:
        with transaction.atomic():
            if "employee_number" in changed:
                _ensure_employee_number_free(actor, changed["employee_number"], membership.pk)
            if roles is not None:
                _lock_organization(actor)
            if changed:
                for key, value in changed.items():
                    setattr(membership, key, value)
                membership.save()
            if data.language is not None and membership.user.language != data.language:
                membership.user.language = data.language
                membership.user.save(update_fields=["language"])
                changed["language"] = data.language
            if roles is not None:
                role_change = _roles_set(actor, membership, parse_roles(roles))
                if role_change:
                    changed["roles"] = role_change
            if changed and audit:
                audit_record(
                    actor=actor,
                    action="person.updated",
                    target=membership,
                    data={
                        k: (str(v) if isinstance(v, Department | Location) else v)
                        for k, v in changed.items()
                    },
                )
    except IntegrityError as exc:
        raise Conflict(
            _("That employee number is already used by someone else."),
            fields={"employee_number": [_("Already used.")]},
        ) from exc
    return membership


def _roles_set(actor: Actor, membership: Membership, roles: set[Role]) -> list[str] | None:
    current = {Role(role) for role in membership.role_grants.values_list("role", flat=True)}
    if current == roles:
        return None
    added, removed = roles - current, current - roles
    if (added | removed) - {Role.ADVOCATE} and not can(actor, Action.ROLES_ASSIGN):
        raise DomainError(
            _("Only an organization admin can change roles other than advocate."),
            code="permission_denied",
            fields={"roles": [_("Not allowed.")]},
        )
    if Role.ORG_ADMIN in removed:
        _ensure_another_admin(actor, membership)
    RoleGrant.objects.filter(membership=membership, role__in=removed).delete()
    RoleGrant.objects.bulk_create(RoleGrant(membership=membership, role=r) for r in sorted(added))
    return sorted(roles)


def _ensure_another_admin(actor: Actor, membership: Membership) -> None:
    others = (
        RoleGrant.objects.filter(
            role=Role.ORG_ADMIN,
            membership__organization=actor.organization,
            membership__status=Membership.Status.ACTIVE,
        )
        .exclude(membership=membership)
        .exists()
    )
    if not others:
        raise DomainError(
            _("The organization must keep at least one active organization admin."),
            code="last_admin",
        )


OFFBOARD_REASON_MAX = 500


def person_offboard(*, actor: Actor, membership_id: int, reason: str = "") -> Membership:
    """A leaver (退職): access ends at once — sessions, tokens, invitations — history stays."""
    require(actor, Action.PEOPLE_OFFBOARD)
    membership = _membership(actor, membership_id)
    if not membership.is_active:
        return membership
    if actor.membership is not None and actor.membership.pk == membership.pk:
        raise DomainError(_("You cannot mark yourself as a leaver."), code="self_offboard")
    reason = reason.strip()
    if len(reason) > OFFBOARD_REASON_MAX:
        raise DomainError(
            _("The reason can be at most %(limit)d characters long.")
            % {"limit": OFFBOARD_REASON_MAX},
            fields={"reason": [_("Too long.")]},
        )
    now = timezone.now()
    with transaction.atomic():
        _lock_organization(actor)
        if membership.role_grants.filter(role=Role.ORG_ADMIN).exists():
            _ensure_another_admin(actor, membership)
        membership.status = Membership.Status.LEFT
        membership.left_at = now
        membership.save(update_fields=["status", "left_at"])
        revoked = ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).update(
            revoked_at=now
        )
        user = membership.user
        # Rotating the stamp invalidates every session of this person, whatever the store.
        user.security_stamp = uuid.uuid4()
        still_employed = user.memberships.filter(status=Membership.Status.ACTIVE).exists()
        if not still_employed:
            user.is_active = False
        user.save(update_fields=["security_stamp", "is_active"])
        # A pending invitation to the same address would let them straight back in.
        invitations_revoked = Invitation.objects.filter(
            organization=actor.organization,
            email__iexact=user.email,
            status=Invitation.Status.PENDING,
        ).update(status=Invitation.Status.REVOKED)
        audit_record(
            actor=actor,
            action="person.offboarded",
            target=membership,
            data={
                "reason": reason,
                "tokens_revoked": revoked,
                "invitations_revoked": invitations_revoked,
            },
        )
    return membership


def person_reinstate(*, actor: Actor, membership_id: int) -> Membership:
    """Undo a leaver by mistake: the membership becomes active again (without tokens)."""
    require(actor, Action.PEOPLE_OFFBOARD)
    membership = _membership(actor, membership_id)
    if membership.is_active:
        return membership
    with transaction.atomic():
        membership.status = Membership.Status.ACTIVE
        membership.left_at = None
        membership.save(update_fields=["status", "left_at"])
        User.objects.filter(pk=membership.user_id).update(is_active=True)
        audit_record(actor=actor, action="person.reinstated", target=membership)
    return membership
