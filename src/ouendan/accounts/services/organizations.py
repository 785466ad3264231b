"""Organizations (creation, settings), the department tree and locations."""

from __future__ import annotations

import re
import zoneinfo

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import (
    LANGUAGE_CHOICES,
    AppearAs,
    Department,
    Invitation,
    Location,
    Organization,
)
from ouendan.accounts.permissions import Action, Actor, require, system_actor
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import UnitUsage, department_paths, department_usage, location_usage
from ouendan.core.errors import Conflict, DomainError, NotFound

# The department pages indent eight levels (indent-0 … indent-7).
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


def _text(model: type[models.Model], field: str, value: str, *, required: bool = True) -> str:
    """Strip a text field and check it against the column: empty or too long is refused."""
    value = value.strip()
    if required and not value:
        raise DomainError(_("The name cannot be empty."), fields={field: [_("Required.")]})
    limit = getattr(model._meta.get_field(field), "max_length", None) or 0
    if limit and len(value) > limit:
        raise DomainError(
            _("This can be at most %(limit)d characters long.") % {"limit": limit},
            fields={field: [_("Too long.")]},
        )
    return value


def organization_update(
    *,
    actor: Actor,
    name: str | None = None,
    locale: str | None = None,
    time_zone: str | None = None,
    require_two_factor: bool | None = None,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
    default_appear_as: str | None = None,
) -> Organization:
    """Change the organization's settings; only what differs is saved and audited."""
    require(actor, Action.ORG_MANAGE)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = _text(Organization, "name", name)
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
    if default_appear_as is not None:
        if default_appear_as not in AppearAs.values:
            raise DomainError(
                _("Choose by name, by nickname or not at all."),
                fields={"default_appear_as": [_("Unknown choice.")]},
            )
        changes["default_appear_as"] = default_appear_as
    if logo is not None:
        validate_logo(logo)
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=actor.organization.pk)
        changed = {k: v for k, v in changes.items() if getattr(org, k) != v}
        for key, value in changed.items():
            setattr(org, key, value)
        old_logo = org.logo.name if org.logo else ""
        if remove_logo and old_logo and logo is None:
            org.logo = None
            changed["logo"] = None
        if logo is not None:
            org.logo.save(logo.name or "logo", logo, save=False)
            changed["logo"] = org.logo.name
        if changed:
            org.save()
            audit_record(actor=actor, action="organization.updated", target=org, data=changed)
        if "logo" in changed and old_logo:
            storage = org.logo.storage
            # The old file goes only once the new settings are committed.
            transaction.on_commit(lambda: storage.delete(old_logo))
    return org


def _department_in_org(
    actor: Actor, department_id: int | None, *, field: str = "parent_id"
) -> Department | None:
    if department_id is None:
        return None
    dept = Department.objects.filter(organization=actor.organization, pk=department_id).first()
    if dept is None:
        raise NotFound(_("That department does not exist."), fields={field: [_("Not found.")]})
    return dept


def _parent_map(actor: Actor) -> dict[int, int | None]:
    return dict(
        Department.objects.filter(organization=actor.organization).values_list("id", "parent_id")
    )


def _depth_of(parents: dict[int, int | None], department_id: int | None) -> int:
    """How many levels a department sits at (a root is 1; no department is 0)."""
    depth, seen = 0, set()
    while department_id is not None and department_id not in seen:
        seen.add(department_id)
        depth += 1
        department_id = parents.get(department_id)
    return depth


def _subtree_height(parents: dict[int, int | None], department_id: int) -> int:
    """Levels from this department down to its deepest sub-department (itself alone is 1)."""
    children: dict[int | None, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)

    def height(node: int, seen: frozenset[int]) -> int:
        below = [height(c, seen | {node}) for c in children.get(node, []) if c not in seen]
        return 1 + max(below, default=0)

    return height(department_id, frozenset())


def _too_deep() -> DomainError:
    return DomainError(
        _("Departments can be nested at most %(depth)d levels deep.")
        % {"depth": MAX_DEPARTMENT_DEPTH},
        fields={"parent_id": [_("Too deep.")]},
    )


def _ensure_department_unique(
    actor: Actor, *, name: str, code: str, parent_id: int | None, exclude_id: int | None = None
) -> None:
    """Checked here as well as by the constraints: SQL treats two top-level rows (parent NULL)
    as distinct, so the database alone would allow two top-level departments of one name."""
    departments = Department.objects.filter(organization=actor.organization)
    if exclude_id is not None:
        departments = departments.exclude(pk=exclude_id)
    if departments.filter(parent_id=parent_id, name=name).exists():
        raise Conflict(
            _("There is already a department called “%(name)s” here.") % {"name": name},
            fields={"name": [_("Already exists.")]},
        )
    if code and departments.filter(code=code).exists():
        raise Conflict(
            _("The code %(code)s is already used by another department.") % {"code": code},
            fields={"code": [_("Already used.")]},
        )


def department_create(
    *, actor: Actor, name: str, code: str = "", parent_id: int | None = None
) -> Department:
    require(actor, Action.DEPARTMENTS_MANAGE)
    name = _text(Department, "name", name)
    code = _text(Department, "code", code, required=False)
    parent = _department_in_org(actor, parent_id)
    if parent is not None and _depth_of(_parent_map(actor), parent.pk) >= MAX_DEPARTMENT_DEPTH:
        raise _too_deep()
    try:
        with transaction.atomic():
            _ensure_department_unique(
                actor, name=name, code=code, parent_id=parent.pk if parent else None
            )
            dept = Department.objects.create(
                organization=actor.organization, parent=parent, name=name, code=code
            )
            audit_record(
                actor=actor,
                action="department.created",
                target=dept,
                data={
                    "name": name,
                    "code": code,
                    "parent": str(parent) if parent else None,
                },
            )
    except IntegrityError as exc:
        raise Conflict(
            _("A department with that name or code already exists here."),
            fields={"name": [_("Already exists.")]},
        ) from exc
    return dept


class _Unchanged:
    """The default of ``department_update(parent_id=...)``: leave the parent alone."""


UNCHANGED = _Unchanged()


def department_update(
    *,
    actor: Actor,
    department_id: int,
    name: str | None = None,
    code: str | None = None,
    parent_id: int | _Unchanged | None = UNCHANGED,
) -> Department:
    """Rename, recode or move a department (``parent_id=None`` moves it to the top level).

    A move under itself or one of its own sub-departments is refused, and so is a move that
    would nest the moved branch deeper than ``MAX_DEPARTMENT_DEPTH``.
    """
    require(actor, Action.DEPARTMENTS_MANAGE)
    dept = _department_in_org(actor, department_id, field="id")
    assert dept is not None
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = _text(Department, "name", name)
    if code is not None:
        changes["code"] = _text(Department, "code", code, required=False)
    if not isinstance(parent_id, _Unchanged):
        parent = _department_in_org(actor, parent_id)
        parents = _parent_map(actor)
        ancestor = parent.pk if parent else None
        seen: set[int] = set()
        while ancestor is not None and ancestor not in seen:
            if ancestor == dept.pk:
                raise DomainError(
                    _("A department cannot be moved under itself or its own sub-department."),
                    fields={"parent_id": [_("Would create a cycle.")]},
                )
            seen.add(ancestor)
            ancestor = parents.get(ancestor)
        new_parent_id = parent.pk if parent else None
        if new_parent_id != dept.parent_id and (
            _depth_of(parents, new_parent_id) + _subtree_height(parents, dept.pk)
            > MAX_DEPARTMENT_DEPTH
        ):
            raise _too_deep()
        changes["parent_id"] = new_parent_id
    changed = {k: v for k, v in changes.items() if getattr(dept, k) != v}
    if not changed:
        return dept
    try:
        with transaction.atomic():
            _ensure_department_unique(
                actor,
                name=str(changes.get("name", dept.name)),
                code=str(changes.get("code", dept.code)),
                parent_id=changes.get("parent_id", dept.parent_id),  # type: ignore[arg-type]
                exclude_id=dept.pk,
            )
            for key, value in changed.items():
                setattr(dept, key, value)
            dept.save()
            data = dict(changed)
            if "parent_id" in changed:
                data["parent"] = str(dept.parent) if dept.parent_id else None
            audit_record(actor=actor, action="department.updated", target=dept, data=data)
    except IntegrityError as exc:
        raise Conflict(
            _("A department with that name or code already exists here."),
            fields={"name": [_("Already exists.")]},
        ) from exc
    return dept


def _in_use(name: str, usage: UnitUsage, code: str) -> Conflict:
    return Conflict(
        " ".join([_("%(name)s cannot be deleted yet.") % {"name": name}, *usage.reasons()]),
        code=code,
    )


def department_delete(*, actor: Actor, department_id: int) -> Department:
    """Delete a department nothing uses any more; returns it (without a primary key now).

    Refused (``Conflict``, code ``department_not_empty``) while it has sub-departments, people
    placed in it — people who have left included, since their history keeps it — or pending
    invitations that would place someone in it.
    """
    require(actor, Action.DEPARTMENTS_MANAGE)
    with transaction.atomic():
        # Locked first: on PostgreSQL a concurrent move into it now waits for this transaction
        # and then fails, instead of slipping in between the count and the delete.
        dept = (
            Department.objects.select_for_update()
            .filter(organization=actor.organization, pk=department_id)
            .first()
        )
        if dept is None:
            raise NotFound(_("That department does not exist."))
        usage = department_usage(actor=actor, department_id=dept.pk)
        if not usage.empty:
            raise _in_use(dept.name, usage, "department_not_empty")
        audit_record(
            actor=actor,
            action="department.deleted",
            target=dept,
            data={
                "name": dept.name,
                "code": dept.code,
                "path": department_paths(actor=actor).get(dept.pk, dept.name),
            },
        )
        dept.delete()
    return dept


def location_delete(*, actor: Actor, location_id: int) -> Location:
    """Delete a location nobody is placed at (people who have left included); returns it
    (without a primary key now).

    Refused with ``Conflict`` (code ``location_not_empty``) otherwise.
    """
    require(actor, Action.DEPARTMENTS_MANAGE)
    with transaction.atomic():
        location = (
            Location.objects.select_for_update()
            .filter(organization=actor.organization, pk=location_id)
            .first()
        )
        if location is None:
            raise NotFound(_("That location does not exist."))
        usage = location_usage(actor=actor, location_id=location.pk)
        if not usage.empty:
            raise _in_use(location.name, usage, "location_not_empty")
        audit_record(
            actor=actor,
            action="location.deleted",
            target=location,
            data={"name": location.name, "code": location.code},
        )
        location.delete()
    return location


def _ensure_location_unique(actor: Actor, name: str, exclude_id: int | None = None) -> None:
    taken = Location.objects.filter(organization=actor.organization, name=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise Conflict(
            _("There is already a location called “%(name)s”.") % {"name": name},
            fields={"name": [_("Already exists.")]},
        )


def location_create(*, actor: Actor, name: str, code: str = "") -> Location:
    require(actor, Action.DEPARTMENTS_MANAGE)
    name = _text(Location, "name", name)
    code = _text(Location, "code", code, required=False)
    try:
        with transaction.atomic():
            _ensure_location_unique(actor, name)
            location = Location.objects.create(
                organization=actor.organization, name=name, code=code
            )
            audit_record(
                actor=actor,
                action="location.created",
                target=location,
                data={"name": name, "code": code},
            )
    except IntegrityError as exc:
        raise Conflict(
            _("A location with that name already exists."),
            fields={"name": [_("Already exists.")]},
        ) from exc
    return location


def location_update(
    *, actor: Actor, location_id: int, name: str | None = None, code: str | None = None
) -> Location:
    """Rename or recode a location; its members stay where they are."""
    require(actor, Action.DEPARTMENTS_MANAGE)
    location = Location.objects.filter(organization=actor.organization, pk=location_id).first()
    if location is None:
        raise NotFound(_("That location does not exist."))
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = _text(Location, "name", name)
    if code is not None:
        changes["code"] = _text(Location, "code", code, required=False)
    changed = {k: v for k, v in changes.items() if getattr(location, k) != v}
    if not changed:
        return location
    try:
        with transaction.atomic():
            if "name" in changed:
                _ensure_location_unique(actor, changed["name"], location.pk)
            for key, value in changed.items():
                setattr(location, key, value)
            location.save()
            audit_record(actor=actor, action="location.updated", target=location, data=changed)
    except IntegrityError as exc:
        raise Conflict(
            _("A location with that name already exists."),
            fields={"name": [_("Already exists.")]},
        ) from exc
    return location


def organization_create(
    *,
    name: str,
    slug: str,
    admin_email: str,
    admin_name: str = "",
    locale: str = "ja",
    time_zone: str = "Asia/Tokyo",
    operator: str = "operator",
) -> tuple[Organization, Invitation, str]:
    """A new tenant and an invitation for its first organization admin (link returned once).

    Run by whoever operates the installation (``manage.py organization_create``); the admin sets
    their own password (and two-factor) by accepting the invitation.
    """
    from ouendan.accounts.services.invitations import invitation_create

    name, slug = name.strip(), slug.strip().lower()
    if not name:
        raise DomainError(_("The name cannot be empty."), fields={"name": [_("Required.")]})
    if not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?", slug):
        raise DomainError(
            _("The slug may use lower-case letters, digits and hyphens (for example mirai)."),
            fields={"slug": [_("Invalid slug.")]},
        )
    if locale not in dict(LANGUAGE_CHOICES):
        raise DomainError(_("Unsupported language."), fields={"locale": [_("Choose ja or en.")]})
    validate_time_zone(time_zone)
    try:
        with transaction.atomic():
            org = Organization.objects.create(
                name=name, slug=slug, locale=locale, time_zone=time_zone
            )
            actor = system_actor(org, label=operator)
            audit_record(
                actor=actor,
                action="organization.created",
                target=org,
                data={"slug": slug, "locale": locale, "time_zone": time_zone},
            )
            invitation, token = invitation_create(
                actor=actor, email=admin_email, full_name=admin_name, roles=[Role.ORG_ADMIN]
            )
    except IntegrityError as exc:
        raise Conflict(
            _("An organization with the slug “%(slug)s” already exists.") % {"slug": slug},
            fields={"slug": [_("Already exists.")]},
        ) from exc
    return org, invitation, token
