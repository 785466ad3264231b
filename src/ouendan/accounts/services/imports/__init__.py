"""CSV import of employees: decode, parse, plan against the directory, preview, then apply.

A file is read whole (UTF-8 with or without BOM, or Shift_JIS/CP932 as Excel in Japan saves it),
every row is checked, and the plan — create, update, unchanged, leave — is stored in an
``ImportBatch`` for the admin to review. Applying re-plans against the directory as it is then,
and writes everything in one transaction, or nothing if any row has a problem.

Row problems are stored as codes with parameters and turned into sentences in the reader's
language (``import_batch_report``), so a Japanese admin reads 「3行目: …」 and an English one
"Row 3: …" from the same batch.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import ImportBatch, Membership
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.accounts.roles import Role
from ouendan.accounts.services.imports.applying import execute
from ouendan.accounts.services.imports.format import (
    ACTIONS,
    CHANGE_LABELS,
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    NOTE_MESSAGES,
    row_message,
)
from ouendan.accounts.services.imports.planning import Plan, plan_rows
from ouendan.accounts.services.imports.reading import RowInput, decode, parse
from ouendan.core.errors import Conflict, DomainError, NotFound

__all__ = [
    "ACTIONS",
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ReportRow",
    "import_batch_apply",
    "import_batch_cancel",
    "import_batch_create",
    "import_batch_report",
    "import_batches_prune",
    "import_template_csv",
    "import_welcome_send",
    "row_message",
]


def _check_permissions(actor: Actor, create_missing: bool) -> None:
    require(actor, Action.PEOPLE_IMPORT)
    if create_missing:
        require(actor, Action.DEPARTMENTS_MANAGE)


def import_batch_create(
    *, actor: Actor, file: IO[bytes], file_name: str, create_missing: bool = False
) -> ImportBatch:
    """Read an uploaded CSV and store its preview: every row's plan and every row's problem.

    Problems with the file as a whole (too large, not CSV, no usable header) raise
    ``DomainError``; problems with rows are part of the preview.
    """
    _check_permissions(actor, create_missing)
    raw = file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise DomainError(
            _("The file is larger than %(size)d MB. Split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)},
            code="import_too_large",
            fields={"file": [_("File too large.")]},
        )
    text, encoding = decode(raw)
    parsed = parse(text)
    plan = plan_rows(actor, parsed.rows, parsed.problems, create_missing)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            organization=actor.organization,
            created_by=actor.membership,
            file_name=(file_name or "import.csv")[:255],
            encoding=encoding,
            create_missing=create_missing,
            rows=[row.stored() for row in plan.rows],
            errors=plan.problems,
            summary=plan.summary(parsed.ignored_columns),
        )
    return batch


def _batch(actor: Actor, batch_id: int) -> ImportBatch:
    batch = (
        ImportBatch.objects.select_for_update(of=("self",))
        .filter(organization=actor.organization, pk=batch_id)
        .first()
    )
    if batch is None:
        raise NotFound(_("That import does not exist."))
    return batch


class _Rejected(Exception):
    def __init__(self, plan: Plan) -> None:
        self.plan = plan


def import_batch_apply(*, actor: Actor, batch_id: int, welcome: bool = False) -> ImportBatch:
    """Apply a previewed file in one transaction: all rows or none.

    The plan is made again against the directory as it is now; if anything changed so that a row
    no longer fits, nothing is written and the batch shows the new problems. Applying a batch
    twice does nothing the second time. ``welcome`` e-mails each new person how to sign in,
    after the commit.
    """
    require(actor, Action.PEOPLE_IMPORT)
    try:
        with transaction.atomic():
            batch = _batch(actor, batch_id)
            if batch.status == ImportBatch.Status.APPLIED:
                return batch
            if batch.status != ImportBatch.Status.UPLOADED:
                raise Conflict(
                    _("This import was cancelled; upload the file again."),
                    code="import_cancelled",
                )
            if batch.errors:
                raise _has_errors(batch)
            _check_permissions(actor, batch.create_missing)
            inputs = [_row_input(data) for data in batch.rows]
            plan = plan_rows(actor, inputs, [], batch.create_missing)
            if plan.problems or _differs(batch, plan):
                raise _Rejected(plan)
            counts = execute(actor, batch, plan)
            batch.status = ImportBatch.Status.APPLIED
            batch.applied_at = timezone.now()
            batch.applied_by = actor.membership
            batch.rows = [row.stored() for row in plan.rows]
            batch.summary = {**plan.summary(batch.summary.get("ignored_columns", [])), **counts}
            if welcome and batch.summary["create"]:
                batch.summary["welcome"] = WELCOME_QUEUED
                _welcome_after_commit(batch.pk)
            batch.save(update_fields=["status", "applied_at", "applied_by", "rows", "summary"])
            audit_record(
                actor=actor,
                action="people.imported",
                target=batch,
                data={
                    "file_name": batch.file_name,
                    **{key: batch.summary.get(key, 0) for key in ACTIONS[:4]},
                    "departments_created": len(plan.new_departments),
                    "locations_created": len(plan.new_locations),
                },
            )
    except _Rejected as rejected:
        # Written outside the rolled-back transaction: the batch now shows what changed.
        ImportBatch.objects.filter(pk=batch_id, organization=actor.organization).update(
            rows=[row.stored() for row in rejected.plan.rows],
            errors=rejected.plan.problems,
            summary={
                **batch.summary,
                **rejected.plan.summary(batch.summary.get("ignored_columns", [])),
            },
        )
        batch.refresh_from_db()
        if batch.errors:
            raise _has_errors(batch) from None
        raise DomainError(
            _(
                "People changed since this file was checked, so some rows would now do something "
                "else. Nothing was changed: review the updated preview and apply again."
            ),
            code="import_changed",
        ) from None
    except IntegrityError as exc:
        raise Conflict(
            _("Someone changed the same people while the import ran. Upload the file again."),
            code="import_conflict",
        ) from exc
    return batch


def _welcome_after_commit(batch_id: int) -> None:
    from ouendan.accounts.tasks import import_welcome_emails_task

    transaction.on_commit(lambda: import_welcome_emails_task.enqueue(batch_id))


WELCOME_QUEUED, WELCOME_SENDING, WELCOME_SENT = "queued", "sending", "sent"


def import_welcome_send(*, batch_id: int) -> int:
    """E-mail the people an applied import added how to sign in, each in their language.

    At most once per batch: the batch is marked before the mails go out, so a retried task
    sends nothing twice (a failure halfway is logged, not repeated).
    """
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("organization")
            .filter(pk=batch_id, status=ImportBatch.Status.APPLIED)
            .first()
        )
        if batch is None or batch.summary.get("welcome") != WELCOME_QUEUED:
            return 0
        batch.summary["welcome"] = WELCOME_SENDING
        batch.save(update_fields=["summary"])
    org = batch.organization
    ids = [row["membership_id"] for row in batch.rows if row["action"] == "create"]
    people = Membership.objects.filter(
        pk__in=[pk for pk in ids if pk], organization=org, status=Membership.Status.ACTIVE
    ).select_related("user")
    messages = []
    for person in people:
        with translation.override(person.user.language or org.locale):
            context = {
                "person": person,
                "organization": org,
                "needs_password": not person.user.has_usable_password(),
                "password_url": settings.BASE_URL + reverse("accounts:password_reset"),
                "login_url": settings.BASE_URL + reverse("accounts:login"),
            }
            subject = " ".join(
                render_to_string("accounts/emails/welcome_subject.txt", context).split()
            )
            body = render_to_string("accounts/emails/welcome.txt", context)
        messages.append(EmailMessage(subject, body, to=[person.user.email]))
    sent = get_connection().send_messages(messages) or 0
    ImportBatch.objects.filter(pk=batch.pk).update(
        summary={**batch.summary, "welcome": WELCOME_SENT, "welcomed": sent}
    )
    return sent


def _differs(batch: ImportBatch, plan: Plan) -> bool:
    """Whether applying now would do something other than what the admin reviewed."""
    reviewed = [(row["action"], row.get("changes"), row.get("membership_id")) for row in batch.rows]
    now = [
        (row.action, row.changes, row.membership.pk if row.membership else None)
        for row in plan.rows
    ]
    return reviewed != now


def _has_errors(batch: ImportBatch) -> DomainError:
    return DomainError(
        _("The file has %(count)d problem(s); fix them and upload it again. Nothing was changed.")
        % {"count": len(batch.errors)},
        code="import_has_errors",
    )


def import_batch_cancel(*, actor: Actor, batch_id: int) -> ImportBatch:
    require(actor, Action.PEOPLE_IMPORT)
    with transaction.atomic():
        batch = _batch(actor, batch_id)
        if batch.status == ImportBatch.Status.APPLIED:
            raise Conflict(_("This import was already applied."), code="import_applied")
        if batch.status != ImportBatch.Status.CANCELLED:
            batch.status = ImportBatch.Status.CANCELLED
            batch.save(update_fields=["status"])
    return batch


def _row_input(data: dict[str, Any]) -> RowInput:
    names = RowInput.__dataclass_fields__
    return RowInput(**{key: value for key, value in data.items() if key in names})


# --- Presenting a batch ---------------------------------------------------------------------------


@dataclass
class ReportRow:
    row: int
    action: str
    email: str
    employee_number: str
    full_name: str
    changes: list[tuple[str, str, str]]
    notes: list[str]
    errors: list[str]


def _change_value(name: str, value: str) -> str:
    if name == "roles" and value:
        separator = "、" if (translation.get_language() or "").startswith("ja") else ", "
        return separator.join(str(Role(code).label) for code in value.split(",") if code)
    if name == "status" and value:
        return str(Membership.Status(value).label)
    if name == "language" and value:
        return {"ja": "日本語", "en": "English"}.get(value, value)
    return value


def import_batch_report(
    batch: ImportBatch, *, language: str, action: str = ""
) -> tuple[list[ReportRow], list[dict[str, Any]]]:
    """The batch's rows and problems as sentences in ``language`` (the reader's, not the server's):
    (rows, problems with ``message``). ``action`` keeps only rows planned that way."""
    by_row: dict[int, list[str]] = defaultdict(list)
    problems: list[dict[str, Any]] = []
    with translation.override(language):
        for problem in batch.errors:
            message = row_message(problem)
            by_row[problem["row"]].append(message)
            problems.append({**problem, "message": message})
        rows = [
            ReportRow(
                row=data["row"],
                action=data["action"],
                email=data.get("email", ""),
                employee_number=data.get("employee_number", ""),
                full_name=data.get("full_name", ""),
                changes=[
                    (
                        str(CHANGE_LABELS.get(name, name)),
                        _change_value(name, old),
                        _change_value(name, new),
                    )
                    for name, (old, new) in data.get("changes", {}).items()
                ],
                notes=[
                    str(NOTE_MESSAGES[note["code"]]) % note.get("params", {})
                    for note in data.get("notes", [])
                ],
                errors=by_row.get(data["row"], []),
            )
            for data in batch.rows
            if not action or data["action"] == action
        ]
    return rows, problems


def import_template_csv(*, language: str) -> bytes:
    """The template: UTF-8 with BOM (Excel opens it correctly), header and two example rows."""
    japanese = language == "ja"
    header = [column.japanese if japanese else column.english for column in COLUMNS]
    examples = [
        [
            "yamada.taro@example.co.jp",
            "10001",
            "山田 太郎",
            "ヤマダ タロウ",
            "開発本部/第一開発部",
            "本社",
            "課長",
            "advocate;manager",
            "ja",
            "在籍" if japanese else "active",
        ],
        [
            "suzuki.hanako@example.co.jp",
            "10002",
            "鈴木 花子",
            "スズキ ハナコ",
            "広報部",
            "大阪支社",
            "",
            "advocate",
            "ja",
            "在籍" if japanese else "active",
        ],
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(examples)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def import_batches_prune(*, now: datetime) -> int:
    """Delete uploaded files' parsed rows (names, e-mails) once they are older than the retention
    period; the audit log keeps what each applied import changed."""
    cutoff = now - timedelta(days=settings.IMPORT_RETENTION_DAYS)
    deleted, _ = ImportBatch.objects.filter(created_at__lt=cutoff).delete()
    return deleted
