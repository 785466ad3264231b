"""Invitations and the CSV import of employees over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone, translation
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.models import ImportBatch, Invitation
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import INVITATION_FILTERS, import_batch_get, invitation_list
from ouendan.accounts.services.imports import (
    ACTIONS,
    import_batch_apply,
    import_batch_create,
    import_batch_report,
)
from ouendan.accounts.services.invitations import (
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from ouendan.core.api import Page, error_responses, paginate
from ouendan.core.errors import DomainError

router = Router(tags=["invitations"])

InvitationStatus = Literal["pending", "accepted", "revoked", "expired"]
RowAction = Literal["create", "update", "unchanged", "leave", "error"]

# What an operation on one invitation or import batch may answer besides success.
_ACTION_ERRORS = error_responses(400, 401, 403, 404, 409)


# --- Schemas -------------------------------------------------------------------------------------


class InvitationIn(Schema):
    email: str = Field(max_length=254, examples=["sato.ken@example.co.jp"])
    full_name: str = Field(default="", max_length=120, description="Used in the e-mail.")
    roles: list[Role] = Field(
        default=[Role.ADVOCATE],
        description="Roles the person gets on accepting. Only organization admins may give roles "
        "other than `advocate`.",
    )
    department_id: int | None = None


class InvitationOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[str]
    department_id: int | None
    status: InvitationStatus = Field(
        description="As people see it: a pending invitation past its expiry is `expired`."
    )
    invited_by: str | None = Field(description="The inviter's name.")
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None


class ImportChangeOut(Schema):
    field: str = Field(description="What changes, in the caller's language.")
    old: str
    new: str


class ImportRowOut(Schema):
    row: int = Field(description="The row number in the file (the header is row 1).")
    action: RowAction
    email: str
    employee_number: str
    full_name: str
    changes: list[ImportChangeOut]
    notes: list[str]
    errors: list[str] = Field(description="This row's problems, in the caller's language.")


class ImportErrorOut(Schema):
    row: int
    code: str = Field(description="Stable code, e.g. `email_invalid`, `department_unknown`.")
    column: str = Field(description="The column it is about (`email`, …), or empty.")
    message: str = Field(description="A sentence in the caller's language, with the row number.")


class ImportCountsOut(Schema):
    rows: int
    create: int
    update: int
    unchanged: int
    leave: int
    error: int = Field(description="Rows with at least one problem.")


class ImportPreviewOut(Schema):
    id: int = Field(description="The batch id, for `POST /people/import/{batch_id}/apply`.")
    file_name: str
    encoding: str = Field(description="How the file was read: `utf-8`, `utf-8-sig`, `cp932`…")
    status: Literal["uploaded", "applied", "cancelled"]
    create_missing: bool
    can_apply: bool = Field(description="True when the file has no problems and is not applied.")
    counts: ImportCountsOut
    new_departments: list[str]
    new_locations: list[str]
    ignored_columns: list[str] = Field(description="Header cells that name no known column.")
    errors: list[ImportErrorOut]
    rows: list[ImportRowOut]


# --- Helpers -------------------------------------------------------------------------------------


def _language() -> str:
    """The caller's language (``Accept-Language``, or their own setting for a browser session)."""
    return translation.get_language() or "ja"


def _invitation_out(invitation: Invitation) -> dict[str, object]:
    status = invitation.status
    if status == Invitation.Status.PENDING and invitation.expires_at <= timezone.now():
        status = Invitation.Status.EXPIRED
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "full_name": invitation.full_name,
        "roles": list(invitation.roles),
        "department_id": invitation.department_id,
        "status": status,
        "invited_by": invitation.invited_by.full_name if invitation.invited_by else None,
        "created_at": invitation.created_at,
        "expires_at": invitation.expires_at,
        "accepted_at": invitation.accepted_at,
    }


def _preview_out(batch: ImportBatch) -> dict[str, object]:
    rows, problems = import_batch_report(batch, language=_language())
    summary = batch.summary
    return {
        "id": batch.pk,
        "file_name": batch.file_name,
        "encoding": batch.encoding,
        "status": batch.status,
        "create_missing": batch.create_missing,
        "can_apply": batch.status == ImportBatch.Status.UPLOADED and not batch.errors,
        "counts": {"rows": summary.get("rows", 0), **{a: summary.get(a, 0) for a in ACTIONS}},
        "new_departments": summary.get("new_departments", []),
        "new_locations": summary.get("new_locations", []),
        "ignored_columns": summary.get("ignored_columns", []),
        "errors": [
            {"row": p["row"], "code": p["code"], "column": p["column"], "message": p["message"]}
            for p in problems
        ],
        "rows": [
            {
                "row": row.row,
                "action": row.action,
                "email": row.email,
                "employee_number": row.employee_number,
                "full_name": row.full_name,
                "changes": [{"field": f, "old": old, "new": new} for f, old, new in row.changes],
                "notes": row.notes,
                "errors": row.errors,
            }
            for row in rows
        ],
    }


# --- Invitations ---------------------------------------------------------------------------------


@router.get(
    "/invitations",
    response={200: Page[InvitationOut], **error_responses(400, 401, 403)},
    summary="List invitations",
    description="Newest first. `status` keeps only `pending`, `accepted`, `revoked` or `expired` "
    "ones. People admins (org admin, program manager) only.",
)
def invitations_list(request: HttpRequest, status: InvitationStatus | None = None) -> dict:
    invitations = invitation_list(
        actor=request_actor(request), status=status if status in INVITATION_FILTERS else ""
    )
    return paginate(request, invitations, serialize=_invitation_out)


@router.post(
    "/invitations",
    response={201: InvitationOut, **_ACTION_ERRORS},
    summary="Invite someone by e-mail",
    description="Sends the invitation e-mail (in the organization's language) with a single-use "
    "link valid for `OUENDAN_INVITATION_TTL_DAYS` days. Inviting an address that already has a "
    "pending invitation replaces it and sends it again.\n\n"
    "Errors: `400 invalid` (e-mail, role), `409 already_member`, `409 person_left` (reinstate "
    "them instead), `409 invitation_pending` (someone invited the address at the same moment), "
    "`403 permission_denied` (roles other than advocate without being an org admin), "
    "`404 not_found` (department).",
)
def invitations_create(request: HttpRequest, payload: InvitationIn) -> Status[dict]:
    invitation, _token = invitation_create(
        actor=request_actor(request),
        email=payload.email,
        full_name=payload.full_name,
        roles=[role.value for role in payload.roles],
        department_id=payload.department_id,
    )
    return Status(201, _invitation_out(invitation))


@router.post(
    "/invitations/{invitation_id}/revoke",
    response={200: InvitationOut, **_ACTION_ERRORS},
    summary="Revoke an invitation",
    description="Its link stops working at once. Revoking twice is harmless; an accepted or "
    "expired invitation answers `409 invitation_not_pending`.",
)
def invitations_revoke(request: HttpRequest, invitation_id: int) -> dict:
    invitation = invitation_revoke(actor=request_actor(request), invitation_id=invitation_id)
    return _invitation_out(invitation)


@router.post(
    "/invitations/{invitation_id}/resend",
    response={200: InvitationOut, **_ACTION_ERRORS},
    summary="Send an invitation again",
    description="A pending or expired invitation gets a new link and a new expiry and is e-mailed "
    "again; the earlier link stops working. Accepted or revoked ones answer "
    "`409 invitation_not_pending`; `409 already_member` when the address joined meanwhile.",
)
def invitations_resend(request: HttpRequest, invitation_id: int) -> dict:
    actor = request_actor(request)
    invitation, _token = invitation_resend(actor=actor, invitation_id=invitation_id)
    return _invitation_out(invitation)


# --- CSV import ----------------------------------------------------------------------------------


@router.post(
    "/people/import",
    response={201: ImportPreviewOut, **error_responses(400, 401, 403)},
    summary="Upload a CSV of employees for preview",
    description="Multipart upload (`file`, and `create_missing` to create unknown departments and "
    "locations). Nothing about people changes yet: the answer is the preview — what each row "
    "would do and every row's problems, in the caller's language — and the batch `id` to apply. "
    "A file with row problems is still answered with 201 (`can_apply` false).\n\n"
    "Errors about the file as a whole: `400 import_too_large` (over 5 MB), "
    "`400 import_too_many_rows` (over 10,000), `400 import_encoding`, `400 import_not_csv`, "
    "`400 import_header`, `400 import_empty`.",
)
def people_import_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    create_missing: Form[bool] = False,
) -> Status[dict]:
    batch = import_batch_create(
        actor=request_actor(request),
        file=file,
        file_name=file.name or "import.csv",
        create_missing=create_missing,
    )
    return Status(201, _preview_out(batch))


@router.get(
    "/people/import/{batch_id}",
    response={200: ImportPreviewOut, **error_responses(403, 404)},
    summary="Read an uploaded CSV's preview",
    description="The same preview `POST /people/import` answered, as it is now.",
)
def people_import_get(request: HttpRequest, batch_id: int) -> dict:
    return _preview_out(import_batch_get(actor=request_actor(request), batch_id=batch_id))


@router.post(
    "/people/import/{batch_id}/apply",
    response={200: ImportPreviewOut, **_ACTION_ERRORS},
    summary="Apply an uploaded CSV",
    description="Writes every row in one transaction. The rows are checked again against the "
    "directory as it is now; with any problem nothing is written and the answer is "
    "`400 import_has_errors`, its `fields.rows` listing the problems (the batch keeps them too). "
    "Applying twice changes nothing the second time. With `?notify_new_people=true` each new "
    "person is e-mailed, in their language, how to sign in.\n\n"
    "Errors: `400 import_has_errors`, `400 import_changed` (people changed since the preview "
    "so some rows would do something else: read the updated preview and apply again), "
    "`409 import_cancelled`, "
    "`409 import_conflict` (someone changed the same people meanwhile; upload again).",
)
def people_import_apply(
    request: HttpRequest, batch_id: int, notify_new_people: bool = False
) -> dict:
    actor = request_actor(request)
    try:
        batch = import_batch_apply(actor=actor, batch_id=batch_id, welcome=notify_new_people)
    except DomainError as exc:
        if exc.code == "import_has_errors":
            batch = import_batch_get(actor=actor, batch_id=batch_id)
            _rows, problems = import_batch_report(batch, language=_language())
            exc.fields = {"rows": [problem["message"] for problem in problems]}
        raise
    return _preview_out(batch)
