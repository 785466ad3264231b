"""The signed-in person, people, departments, locations, the organization and its audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.models import AuditEvent, Department, Location, Membership, Organization
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import (
    AuditFilter,
    PeopleFilter,
    audit_list,
    department_get,
    department_paths,
    departments_with_counts,
    locations_with_counts,
    organization_get,
    people_list,
    person_find,
)
from ouendan.accounts.services.organizations import (
    UNCHANGED,
    department_create,
    department_delete,
    department_update,
    location_create,
    location_delete,
    location_update,
    organization_update,
)
from ouendan.accounts.services.people import (
    OFFBOARD_REASON_MAX,
    PersonData,
    person_create,
    person_offboard,
    person_reinstate,
    person_update,
)
from ouendan.accounts.services.security import TWO_FACTOR_RESET_REASON_MAX, two_factor_reset
from ouendan.core.api import ErrorOut, Page, error_responses, paginate

router = Router(tags=["people"])

Language = Literal["ja", "en"]
AppearAsChoice = Literal["name", "nickname", "hidden"]
PersonStatus = Literal["active", "left"]

# Every operation may also answer 401 (no or bad credentials) and 422 (malformed input).
READ_ERRORS = error_responses(400, 401, 403)
ONE_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)
DELETE_ERRORS = error_responses(401, 403, 404, 409)


# --- Me ------------------------------------------------------------------------------------------


class MeOut(Schema):
    email: str | None
    full_name: str
    organization: str
    organization_name: str
    roles: list[str]
    time_zone: str


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The signed-in person or token")
def me(request: HttpRequest) -> MeOut:
    actor = request_actor(request)
    return MeOut(
        email=actor.user.email if actor.user else None,
        full_name=actor.display,
        organization=actor.organization.slug,
        organization_name=actor.organization.name,
        roles=sorted(actor.roles),
        time_zone=actor.organization.time_zone,
    )


# --- People --------------------------------------------------------------------------------------


class RefOut(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int = Field(description="The person's id in this organization (a membership).")
    email: str
    full_name: str
    full_name_kana: str = Field(description="The reading; the directory sorts by it.")
    employee_number: str
    title: str
    language: Language | Literal[""] = Field(description="Empty: the organization's language.")
    department: RefOut | None
    department_path: str = Field(description="e.g. `本社 > 製造本部 > 第一製造部`.")
    location: RefOut | None
    roles: list[Role]
    status: PersonStatus
    joined_at: datetime
    left_at: datetime | None


class PersonCreateIn(Schema):
    email: str = Field(max_length=254, examples=["sato.hanako@example.co.jp"])
    full_name: str = Field(max_length=120, examples=["佐藤 花子"])
    full_name_kana: str = Field(default="", max_length=120, examples=["サトウ ハナコ"])
    employee_number: str = Field(default="", max_length=40)
    title: str = Field(default="", max_length=120)
    department_id: int | None = None
    location_id: int | None = None
    language: Language | Literal[""] = ""
    roles: list[Role] = Field(
        default=[Role.ADVOCATE],
        description="Only organization admins may give roles other than `advocate`.",
    )


class PersonUpdateIn(Schema):
    """Only the fields sent change. `department_id: null` / `location_id: null` clear them."""

    full_name: str | None = Field(default=None, max_length=120)
    full_name_kana: str | None = Field(default=None, max_length=120)
    employee_number: str | None = Field(default=None, max_length=40)
    title: str | None = Field(default=None, max_length=120)
    department_id: int | None = None
    location_id: int | None = None
    language: Language | Literal[""] | None = None
    roles: list[Role] | None = Field(
        default=None, description="The complete new set of roles, when sent."
    )


class OffboardIn(Schema):
    reason: str = Field(default="", max_length=OFFBOARD_REASON_MAX, examples=["自己都合退職"])


class TwoFactorResetIn(Schema):
    reason: str = Field(
        default="",
        max_length=TWO_FACTOR_RESET_REASON_MAX,
        description="Kept in the audit log.",
        examples=["スマートフォン紛失"],
    )


class PeopleQuery(Schema):
    q: str = Field(
        default="",
        max_length=100,
        description="Words that must each match the name, reading (hiragana or katakana), "
        "e-mail, employee number (prefix) or job title.",
    )
    department_id: int | None = Field(default=None, description="Includes sub-departments.")
    location_id: int | None = None
    role: Role | None = None
    status: Literal["active", "left", "all"] = "active"


def _person_out(person: Membership, paths: dict[int, str]) -> dict[str, Any]:
    return {
        "id": person.pk,
        "email": person.user.email,
        "full_name": person.full_name,
        "full_name_kana": person.full_name_kana,
        "employee_number": person.employee_number,
        "title": person.title,
        "language": person.user.language,
        "department": (
            {"id": person.department.pk, "name": person.department.name}
            if person.department
            else None
        ),
        "department_path": paths.get(person.department_id or 0, ""),
        "location": (
            {"id": person.location.pk, "name": person.location.name} if person.location else None
        ),
        "roles": sorted(grant.role for grant in person.role_grants.all()),
        "status": person.status,
        "joined_at": person.joined_at,
        "left_at": person.left_at,
    }


def _one_person(actor: Actor, person_id: int) -> dict[str, Any]:
    person = person_find(actor=actor, membership_id=person_id)
    return _person_out(person, department_paths(actor=actor))


@router.get(
    "/people",
    response={200: Page[PersonOut], **READ_ERRORS},
    summary="List people",
    description="The directory, sorted by reading (kana). Org admins, program managers and "
    "managers only.",
)
def people_list_api(request: HttpRequest, filters: Query[PeopleQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    people = people_list(
        actor=actor,
        filters=PeopleFilter(
            query=filters.q,
            department_id=filters.department_id,
            location_id=filters.location_id,
            role=filters.role,
            status="" if filters.status == "all" else filters.status,
        ),
    )
    paths = department_paths(actor=actor)
    return paginate(request, people, serialize=lambda person: _person_out(person, paths))


@router.post(
    "/people",
    response={201: PersonOut, **WRITE_ERRORS},
    summary="Add a person",
    description="Creates the sign-in if the e-mail is new (no password: they use a password "
    "reset or SSO). Errors: `400 invalid` (fields), `403 permission_denied` (roles other than "
    "advocate without being an org admin), `404 not_found` (department or location), "
    "`409 conflict` (already a member, employee number taken).",
)
def people_create_api(request: HttpRequest, payload: PersonCreateIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    person = person_create(
        actor=actor,
        email=payload.email,
        data=PersonData(
            full_name=payload.full_name,
            full_name_kana=payload.full_name_kana,
            employee_number=payload.employee_number,
            title=payload.title,
            department_id=payload.department_id,
            location_id=payload.location_id,
            language=payload.language,
        ),
        roles=[role.value for role in payload.roles],
    )
    return Status(201, _one_person(actor, person.pk))


@router.get(
    "/people/{int:person_id}",
    response={200: PersonOut, **ONE_ERRORS},
    summary="One person",
)
def people_get_api(request: HttpRequest, person_id: int) -> dict[str, Any]:
    return _one_person(request_actor(request), person_id)


@router.patch(
    "/people/{int:person_id}",
    response={200: PersonOut, **WRITE_ERRORS},
    summary="Change a person",
    description="Only the fields sent change; `roles`, when sent, is the complete new set. "
    "Errors: `400 last_admin` (the organization must keep an active admin), "
    "`403 permission_denied`, `404 not_found`, `409 conflict` (employee number taken).",
)
def people_update_api(
    request: HttpRequest, person_id: int, payload: PersonUpdateIn
) -> dict[str, Any]:
    actor = request_actor(request)
    sent = payload.model_fields_set
    person_update(
        actor=actor,
        membership_id=person_id,
        data=PersonData(
            full_name=payload.full_name,
            full_name_kana=payload.full_name_kana,
            employee_number=payload.employee_number,
            title=payload.title,
            department_id=payload.department_id,
            location_id=payload.location_id,
            language=payload.language,
            clear_department="department_id" in sent and payload.department_id is None,
            clear_location="location_id" in sent and payload.location_id is None,
        ),
        roles=[role.value for role in payload.roles] if payload.roles is not None else None,
    )
    return _one_person(actor, person_id)


@router.post(
    "/people/{int:person_id}/offboard",
    response={200: PersonOut, **WRITE_ERRORS},
    summary="Mark a person as having left (退職)",
    description="At once: every session ends, their API tokens are revoked, pending invitations "
    "to their address are revoked; their history stays. Calling it again is harmless. "
    "Errors: `400 last_admin`, `400 self_offboard`, `403 permission_denied` (org admins only).",
)
def people_offboard_api(
    request: HttpRequest, person_id: int, payload: OffboardIn | None = None
) -> dict[str, Any]:
    actor = request_actor(request)
    reason = payload.reason if payload is not None else ""
    person_offboard(actor=actor, membership_id=person_id, reason=reason)
    return _one_person(actor, person_id)


@router.post(
    "/people/{int:person_id}/reinstate",
    response={200: PersonOut, **WRITE_ERRORS},
    summary="Bring back a person marked as left",
    description="They can sign in again; API tokens revoked when they left stay revoked.",
)
def people_reinstate_api(request: HttpRequest, person_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    person_reinstate(actor=actor, membership_id=person_id)
    return _one_person(actor, person_id)


@router.post(
    "/people/{int:person_id}/two-factor/reset",
    response={200: PersonOut, **WRITE_ERRORS},
    summary="Reset a person's two-factor authentication",
    description="For someone who lost their authenticator: their TOTP device and recovery codes "
    "are removed and every session of theirs ends. They sign in with their password and set up "
    "two-factor again where it is required for them. Their sign-in may belong to other "
    "organizations too; the reset applies there as well. Org admins only. Body optional: "
    '`{"reason": "…"}`, kept in the audit log. Errors: `400 self_two_factor_reset` (your own: '
    "use the security page), `400 two_factor_not_enabled` (nothing to reset), "
    "`403 permission_denied`, `404 not_found`, `409 person_left` (they left this organization).",
)
def people_two_factor_reset_api(
    request: HttpRequest, person_id: int, payload: TwoFactorResetIn | None = None
) -> dict[str, Any]:
    actor = request_actor(request)
    reason = payload.reason if payload is not None else ""
    two_factor_reset(actor=actor, membership_id=person_id, reason=reason)
    return _one_person(actor, person_id)


# --- Departments and locations -------------------------------------------------------------------


class DepartmentOut(Schema):
    id: int
    name: str
    code: str
    parent_id: int | None
    path: str = Field(description="Names from the top, e.g. `本社 > 製造本部`.")
    member_count: int = Field(description="Active people placed directly in it.")


class DepartmentIn(Schema):
    name: str = Field(max_length=120, examples=["第一製造部"])
    code: str = Field(default="", max_length=40)
    parent_id: int | None = Field(default=None, description="Empty for a top-level department.")


class DepartmentUpdateIn(Schema):
    """Only the fields sent change; `parent_id: null` moves the department to the top level."""

    name: str | None = Field(default=None, max_length=120)
    code: str | None = Field(default=None, max_length=40)
    parent_id: int | None = None


class LocationOut(Schema):
    id: int
    name: str
    code: str
    member_count: int = Field(description="Active people at this location.")


class LocationIn(Schema):
    name: str = Field(max_length=120, examples=["大阪工場"])
    code: str = Field(default="", max_length=40)


class LocationUpdateIn(Schema):
    name: str | None = Field(default=None, max_length=120)
    code: str | None = Field(default=None, max_length=40)


def _department_out(dept: Department, paths: dict[int, str]) -> dict[str, Any]:
    return {
        "id": dept.pk,
        "name": dept.name,
        "code": dept.code,
        "parent_id": dept.parent_id,
        "path": paths.get(dept.pk, dept.name),
        "member_count": getattr(dept, "member_count", 0),
    }


def _one_department(actor: Actor, department_id: int) -> dict[str, Any]:
    dept = department_get(actor=actor, department_id=department_id)
    return _department_out(dept, department_paths(actor=actor))


@router.get(
    "/departments",
    response={200: Page[DepartmentOut], **READ_ERRORS},
    summary="List departments",
    description="By name; build the tree from `parent_id`. Everyone in the organization.",
    tags=["organization"],
)
def departments_list_api(request: HttpRequest) -> dict[str, Any]:
    actor = request_actor(request)
    paths = department_paths(actor=actor)
    departments = departments_with_counts(actor=actor)
    return paginate(request, departments, serialize=lambda dept: _department_out(dept, paths))


@router.post(
    "/departments",
    response={201: DepartmentOut, **WRITE_ERRORS},
    summary="Add a department",
    description="Errors: `400 invalid` (empty name, nested too deep), `404 not_found` (parent), "
    "`409 conflict` (same name under the same parent, or code in use).",
    tags=["organization"],
)
def departments_create_api(request: HttpRequest, payload: DepartmentIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    dept = department_create(
        actor=actor, name=payload.name, code=payload.code, parent_id=payload.parent_id
    )
    return Status(201, _one_department(actor, dept.pk))


@router.patch(
    "/departments/{int:department_id}",
    response={200: DepartmentOut, **WRITE_ERRORS},
    summary="Rename, recode or move a department",
    description="A move under the department itself or one of its sub-departments is refused "
    "(`400 invalid`, field `parent_id`).",
    tags=["organization"],
)
def departments_update_api(
    request: HttpRequest, department_id: int, payload: DepartmentUpdateIn
) -> dict[str, Any]:
    actor = request_actor(request)
    department_update(
        actor=actor,
        department_id=department_id,
        name=payload.name,
        code=payload.code,
        parent_id=payload.parent_id if "parent_id" in payload.model_fields_set else UNCHANGED,
    )
    return _one_department(actor, department_id)


@router.delete(
    "/departments/{int:department_id}",
    response={204: None, **DELETE_ERRORS},
    summary="Delete an unused department",
    description="Only a department without sub-departments, without people (people who have "
    "left included: their history keeps it) and without pending invitations can be deleted. "
    "Errors: `409 department_not_empty` (the message says what still uses it), "
    "`403 permission_denied`, `404 not_found`.",
    tags=["organization"],
)
def departments_delete_api(request: HttpRequest, department_id: int) -> Status[None]:
    department_delete(actor=request_actor(request), department_id=department_id)
    return Status(204, None)


@router.get(
    "/locations",
    response={200: Page[LocationOut], **READ_ERRORS},
    summary="List locations",
    tags=["organization"],
)
def locations_list_api(request: HttpRequest) -> dict[str, Any]:
    locations = locations_with_counts(actor=request_actor(request))
    return paginate(request, locations, serialize=_location_out)


def _location_out(location: Location) -> dict[str, Any]:
    return {
        "id": location.pk,
        "name": location.name,
        "code": location.code,
        "member_count": getattr(location, "member_count", 0),
    }


def _one_location(actor: Actor, location_id: int) -> dict[str, Any]:
    return _location_out(locations_with_counts(actor=actor).get(pk=location_id))


@router.post(
    "/locations",
    response={201: LocationOut, **WRITE_ERRORS},
    summary="Add a location",
    description="Errors: `400 invalid` (empty name), `409 conflict` (name in use).",
    tags=["organization"],
)
def locations_create_api(request: HttpRequest, payload: LocationIn) -> Status[dict[str, Any]]:
    actor = request_actor(request)
    location = location_create(actor=actor, name=payload.name, code=payload.code)
    return Status(201, _one_location(actor, location.pk))


@router.patch(
    "/locations/{int:location_id}",
    response={200: LocationOut, **WRITE_ERRORS},
    summary="Rename or recode a location",
    tags=["organization"],
)
def locations_update_api(
    request: HttpRequest, location_id: int, payload: LocationUpdateIn
) -> dict[str, Any]:
    actor = request_actor(request)
    location_update(actor=actor, location_id=location_id, name=payload.name, code=payload.code)
    return _one_location(actor, location_id)


@router.delete(
    "/locations/{int:location_id}",
    response={204: None, **DELETE_ERRORS},
    summary="Delete an unused location",
    description="Only a location nobody is placed at (people who have left included) can be "
    "deleted. Errors: `409 location_not_empty`, `403 permission_denied`, `404 not_found`.",
    tags=["organization"],
)
def locations_delete_api(request: HttpRequest, location_id: int) -> Status[None]:
    location_delete(actor=request_actor(request), location_id=location_id)
    return Status(204, None)


# --- Organization --------------------------------------------------------------------------------


class OrganizationOut(Schema):
    slug: str
    name: str
    locale: Language = Field(description="The language of people who have not chosen one.")
    time_zone: str = Field(examples=["Asia/Tokyo"])
    require_two_factor: bool
    default_appear_as: AppearAsChoice = Field(
        description="How people appear on leaderboards until they choose for themselves."
    )
    logo_url: str | None
    created_at: datetime


class OrganizationUpdateIn(Schema):
    """Only the fields sent change. The logo is set on the settings page."""

    name: str | None = Field(default=None, max_length=200)
    locale: Language | None = None
    time_zone: str | None = Field(default=None, max_length=64, examples=["Asia/Tokyo"])
    require_two_factor: bool | None = None
    default_appear_as: AppearAsChoice | None = None


def _organization_out(org: Organization) -> dict[str, Any]:
    return {
        "slug": org.slug,
        "name": org.name,
        "locale": org.locale,
        "time_zone": org.time_zone,
        "require_two_factor": org.require_two_factor,
        "default_appear_as": org.default_appear_as,
        "logo_url": org.logo.url if org.logo else None,
        "created_at": org.created_at,
    }


@router.get(
    "/organization",
    response={200: OrganizationOut, **error_responses(401, 403)},
    summary="The organization's settings",
    tags=["organization"],
)
def organization_get_api(request: HttpRequest) -> dict[str, Any]:
    return _organization_out(organization_get(actor=request_actor(request)))


@router.patch(
    "/organization",
    response={200: OrganizationOut, **error_responses(400, 401, 403, 422)},
    summary="Change the organization's settings",
    description="Org admins only. Errors: `400 invalid` (empty name, unknown time zone).",
    tags=["organization"],
)
def organization_update_api(request: HttpRequest, payload: OrganizationUpdateIn) -> dict[str, Any]:
    org = organization_update(
        actor=request_actor(request),
        name=payload.name,
        locale=payload.locale,
        time_zone=payload.time_zone,
        require_two_factor=payload.require_two_factor,
        default_appear_as=payload.default_appear_as,
    )
    return _organization_out(org)


# --- Audit log -----------------------------------------------------------------------------------


class AuditEventOut(Schema):
    seq: int = Field(description="Position in the organization's hash chain.")
    created_at: datetime
    actor_label: str
    action: str = Field(examples=["person.offboarded"])
    target_type: str = Field(examples=["accounts.membership"])
    target_id: str
    target_label: str
    data: dict[str, Any]
    hash: str


class AuditQuery(Schema):
    action: str = Field(default="", description="Exact action code, e.g. `person.updated`.")
    actor: str = Field(default="", max_length=200, description="Part of the actor's name.")
    target_type: str = ""
    target_id: str = ""
    since: datetime | None = Field(
        default=None, description="Inclusive; without an offset, the organization's time zone."
    )
    until: datetime | None = Field(default=None, description="Exclusive.")


@router.get(
    "/audit",
    response={200: Page[AuditEventOut], **READ_ERRORS},
    summary="The audit log",
    description="Newest first. Org admins only.",
    tags=["organization"],
)
def audit_list_api(request: HttpRequest, filters: Query[AuditQuery]) -> dict[str, Any]:
    events = audit_list(
        actor=request_actor(request),
        filters=AuditFilter(
            action=filters.action,
            actor_label=filters.actor,
            target_type=filters.target_type,
            target_id=filters.target_id,
            since=filters.since,
            until=filters.until,
        ),
    )
    return paginate(request, events, serialize=_audit_out)


def _audit_out(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "created_at": event.created_at,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "data": event.data,
        "hash": event.hash,
    }
