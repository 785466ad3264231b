"""Organization settings, the department tree and locations."""

from __future__ import annotations

import zoneinfo

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import LANGUAGE_CHOICES, Department, Location, Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import Conflict, DomainError, NotFound

MAX_DEPARTMENT_DEPTH = 8
LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = {"PNG", "JPEG", "GIF", "WEBP"}


def validate_time_zone(name: str) -> str:
    if name not in zoneinfo.available_timezones():
        raise DomainError(
            _("“%(zone)s” is not a known time zone (for example Asia/Tokyo).") % {"zone": name},
            fields={"time_zone": [_("Unknown time zone.")]},
        )
    return name


def validate_logo(logo: UploadedFile) -> None:
    from PIL import Image, UnidentifiedImageError

    if logo.size is not None and logo.size > LOGO_MAX_BYTES:
        raise DomainError(
            _("The logo must be 1 MB or smaller."), fields={"logo": [_("File too large.")]}
        )
    try:
        with Image.open(logo) as image:
            image.verify()
            image_format = image.format or ""
    except (UnidentifiedImageError, OSError) as exc:
        raise DomainError(
            _("The logo must be a PNG, JPEG, GIF or WebP image."),
            fields={"logo": [_("Not an image.")]},
        ) from exc
    if image_format not in LOGO_TYPES:
        raise DomainError(
            _("The logo must be a PNG, JPEG, GIF or WebP image."),
            fields={"logo": [_("Unsupported image type.")]},
        )
    logo.seek(0)


def organization_update(
    *,
    actor: Actor,
    name: str | None = None,
    locale: str | None = None,
    time_zone: str | None = None,
    require_two_factor: bool | None = None,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> Organization:
    require(actor, Action.ORG_MANAGE)
    org = actor.organization
    changes: dict[str, object] = {}
    if name is not None:
        name = name.strip()
        if not name:
            raise DomainError(_("The name cannot be empty."), fields={"name": [_("Required.")]})
        changes["name"] = name
    if locale is not None:
        if locale not in dict(LANGUAGE_CHOICES):
            raise DomainError(
                _("Unsupported language."), fields={"locale": [_("Choose ja or en.")]}
            )
        changes["locale"] = locale
    if time_zone is not None:
        changes["time_zone"] = validate_time_zone(time_zone)
    if require_two_factor is not None:
        changes["require_two_factor"] = require_two_factor
    if logo is not None:
        validate_logo(logo)
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=org.pk)
        changed = {k: v for k, v in changes.items() if getattr(org, k) != v}
        for key, value in changed.items():
            setattr(org, key, value)
        if remove_logo and org.logo:
            org.logo.delete(save=False)
            changed["logo"] = None
        if logo is not None:
            org.logo.save(logo.name or "logo", logo, save=False)
            changed["logo"] = org.logo.name
        if changed:
            org.save()
            audit_record(actor=actor, action="organization.updated", target=org, data=changed)
    return org


def _department_in_org(actor: Actor, department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    dept = Department.objects.filter(organization=actor.organization, pk=department_id).first()
    if dept is None:
        raise NotFound(
            _("That department does not exist."), fields={"parent_id": [_("Not found.")]}
        )
    return dept


def _depth(dept: Department | None) -> int:
    depth = 0
    while dept is not None:
        depth += 1
        dept = dept.parent
    return depth


def department_create(
    *, actor: Actor, name: str, code: str = "", parent_id: int | None = None
) -> Department:
    require(actor, Action.DEPARTMENTS_MANAGE)
    name, code = name.strip(), code.strip()
    if not name:
        raise DomainError(_("The name cannot be empty."), fields={"name": [_("Required.")]})
    parent = _department_in_org(actor, parent_id)
    if _depth(parent) >= MAX_DEPARTMENT_DEPTH:
        raise DomainError(
            _("Departments can be nested at most %(depth)d levels deep.")
            % {"depth": MAX_DEPARTMENT_DEPTH}
        )
    try:
        with transaction.atomic():
            dept = Department.objects.create(
                organization=actor.organization, parent=parent, name=name, code=code
            )
            audit_record(
                actor=actor,
                action="department.created",
                target=dept,
                data={"name": name, "code": code, "parent_id": parent_id},
            )
    except IntegrityError as exc:
        raise Conflict(
            _("A department with that name or code already exists here."),
            fields={"name": [_("Already exists.")]},
        ) from exc
    return dept


def department_update(
    *,
    actor: Actor,
    department_id: int,
    name: str | None = None,
    code: str | None = None,
    parent_id: int | object | None = ...,
) -> Department:
    """Rename, recode or move a department; a move under its own descendant is refused."""
    require(actor, Action.DEPARTMENTS_MANAGE)
    dept = _department_in_org(actor, department_id)
    assert dept is not None
    changes: dict[str, object] = {}
    if name is not None:
        if not name.strip():
            raise DomainError(_("The name cannot be empty."), fields={"name": [_("Required.")]})
        changes["name"] = name.strip()
    if code is not None:
        changes["code"] = code.strip()
    if parent_id is not ...:
        parent = _department_in_org(actor, parent_id)  # type: ignore[arg-type]
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == dept.pk:
                raise DomainError(
                    _("A department cannot be moved under itself or its own sub-department."),
                    fields={"parent_id": [_("Would create a cycle.")]},
                )
            ancestor = ancestor.parent
        changes["parent_id"] = parent.pk if parent else None
    changed = {k: v for k, v in changes.items() if getattr(dept, k) != v}
    if not changed:
        return dept
    try:
        with transaction.atomic():
            for key, value in changed.items():
                setattr(dept, key, value)
            dept.save()
            audit_record(actor=actor, action="department.updated", target=dept, data=changed)
    except IntegrityError as exc:
        raise Conflict(
            _("A department with that name or code already exists here."),
            fields={"name": [_("Already exists.")]},
        ) from exc
    return dept


def location_create(*, actor: Actor, name: str, code: str = "") -> Location:
    require(actor, Action.DEPARTMENTS_MANAGE)
    name = name.strip()
    if not name:
        raise DomainError(_("The name cannot be empty."), fields={"name": [_("Required.")]})
    try:
        with transaction.atomic():
            location = Location.objects.create(
                organization=actor.organization, name=name, code=code.strip()
            )
            audit_record(actor=actor, action="location.created", target=location)
    except IntegrityError as exc:
        raise Conflict(
            _("A location with that name already exists."),
            fields={"name": [_("Already exists.")]},
        ) from exc
    return location
