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
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import IO, Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import (
    Department,
    ImportBatch,
    Location,
    Membership,
    RoleGrant,
    User,
)
from ouendan.accounts.permissions import Action, Actor, can, require
from ouendan.accounts.roles import Role
from ouendan.accounts.services.organizations import (
    MAX_DEPARTMENT_DEPTH,
    department_create,
    location_create,
)
from ouendan.accounts.services.people import person_offboard, person_reinstate
from ouendan.core.errors import Conflict, DomainError, NotFound

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
_QUERY_CHUNK = 500  # keeps IN (...) lists well under every database's parameter limit


# --- Columns --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    english: str
    japanese: str
    aliases: tuple[str, ...]
    max_length: int | None = None


COLUMNS: tuple[Column, ...] = (
    Column(
        "email",
        gettext_lazy("e-mail address"),
        "email",
        "メールアドレス",
        ("email", "emailaddress", "mail", "mailaddress", "メール", "eメール", "eメールアドレス"),
        254,
    ),
    Column(
        "employee_number",
        gettext_lazy("employee number"),
        "employee_number",
        "社員番号",
        ("employeenumber", "employeeno", "employeeid", "employeecode", "従業員番号", "社員コード"),
        40,
    ),
    Column(
        "full_name",
        gettext_lazy("full name"),
        "full_name",
        "氏名",
        ("fullname", "name", "名前", "社員名", "氏名(漢字)"),
        120,
    ),
    Column(
        "full_name_kana",
        gettext_lazy("name reading (kana)"),
        "full_name_kana",
        "フリガナ",
        (
            "fullnamekana",
            "kana",
            "namekana",
            "ふりがな",
            "氏名カナ",
            "カナ",
            "氏名(カナ)",
            "よみがな",
        ),
        120,
    ),
    Column(
        "department",
        gettext_lazy("department"),
        "department",
        "部署",
        ("dept", "所属", "部門", "所属部署", "部署名", "部署コード"),
        500,
    ),
    Column(
        "location",
        gettext_lazy("location"),
        "location",
        "拠点",
        ("office", "site", "勤務地", "事業所"),
        120,
    ),
    Column(
        "title", gettext_lazy("job title"), "title", "役職", ("jobtitle", "position", "職位"), 120
    ),
    Column("roles", gettext_lazy("roles"), "roles", "ロール", ("role", "権限", "役割"), 500),
    Column("language", gettext_lazy("language"), "language", "言語", ("lang", "表示言語"), 20),
    Column(
        "status",
        gettext_lazy("status"),
        "status",
        "状態",
        ("在籍状況", "在籍区分", "ステータス"),
        20,
    ),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


def _key(text: str) -> str:
    """How names are compared: width and case folded, spaces collapsed (ＡＢＣ　１ ≡ abc 1)."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-.・]", "", _key(text))


_HEADER_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.key, _column.english, _column.japanese, *_column.aliases):
        _HEADER_ALIASES[_header_key(_name)] = _column.key

_ROLE_SYNONYMS: dict[Role, tuple[str, ...]] = {
    Role.ORG_ADMIN: ("admin", "administrator", "組織管理者", "管理者", "システム管理者"),
    Role.PROGRAM_MANAGER: (
        "pm",
        "プログラムマネージャー",
        "プログラムマネージャ",
        "運営担当",
        "事務局",
    ),
    Role.CURATOR: ("キュレーター", "キュレータ", "コンテンツ担当"),
    Role.REVIEWER: ("レビュアー", "レビュワー", "承認者", "審査担当"),
    Role.MANAGER: ("マネージャー", "マネージャ", "管理職", "上長"),
    Role.ADVOCATE: ("アドボケイト", "アドボケーター", "アンバサダー", "社員"),
    Role.EXECUTIVE_VIEWER: ("executive", "経営層", "役員", "経営陣"),
}
_LANGUAGES = {"ja": "ja", "japanese": "ja", "日本語": "ja", "jp": "ja", "en": "en", "english": "en"}
_LANGUAGES["英語"] = "en"
_STATUSES = {
    **dict.fromkeys(("active", "在籍", "在職", "在籍中", "有効"), Membership.Status.ACTIVE.value),
    **dict.fromkeys(
        ("left", "退職", "退社", "離職", "退職済", "inactive"), Membership.Status.LEFT.value
    ),
}
_ROLE_SEPARATORS = re.compile(r"[;；、,，|]")
_PATH_SEPARATORS = re.compile(r"\s*(?:/|／|>|＞|→)\s*")


@cache
def _role_lookup() -> dict[str, Role]:
    """Role codes, their labels in every language, and common Japanese names."""
    lookup: dict[str, Role] = {}
    for role in Role:
        names = [role.value, *(_ROLE_SYNONYMS.get(role, ()))]
        for language in ("en", "ja"):
            with translation.override(language):
                names.append(str(role.label))
        for name in names:
            lookup[_header_key(name)] = role
    return lookup


# --- Row problems: codes stored in the batch, sentences made in the reader's language -------------

ROW_MESSAGES: dict[str, str | Promise] = {
    "too_many_values": gettext_lazy("Row %(row)d: the row has more values than the header row."),
    "too_long": gettext_lazy("Row %(row)d: the %(column)s is longer than %(max)d characters."),
    "email_invalid": gettext_lazy("Row %(row)d: the e-mail address is not valid (“%(value)s”)."),
    "email_or_number_required": gettext_lazy(
        "Row %(row)d: an e-mail address or an employee number is required."
    ),
    "email_required_new": gettext_lazy(
        "Row %(row)d: nobody has the employee number %(value)s yet; an e-mail address is "
        "needed to add a new person."
    ),
    "full_name_required": gettext_lazy("Row %(row)d: the full name is required for a new person."),
    "email_duplicate": gettext_lazy(
        "Row %(row)d: the e-mail address %(value)s is also on row %(other)d."
    ),
    "employee_number_duplicate": gettext_lazy(
        "Row %(row)d: the employee number %(value)s is also on row %(other)d."
    ),
    "same_person_twice": gettext_lazy(
        "Row %(row)d: this row and row %(other)d are the same person (%(name)s)."
    ),
    "employee_number_taken": gettext_lazy(
        "Row %(row)d: the employee number %(value)s already belongs to %(name)s."
    ),
    "email_in_use": gettext_lazy(
        "Row %(row)d: %(name)s cannot change to the e-mail address %(value)s because another "
        "sign-in already uses it."
    ),
    "email_change_not_allowed": gettext_lazy(
        "Row %(row)d: the e-mail address of %(name)s cannot be changed here because they also "
        "belong to another organization."
    ),
    "department_unknown": gettext_lazy(
        "Row %(row)d: there is no department “%(value)s”. Tick “Create missing departments and "
        "locations” to create it."
    ),
    "department_ambiguous": gettext_lazy(
        "Row %(row)d: “%(value)s” matches several departments; write its full path, for "
        "example “Head office/Sales”, or its code."
    ),
    "department_too_deep": gettext_lazy(
        "Row %(row)d: “%(value)s” would be nested more than %(max)d levels deep."
    ),
    "location_unknown": gettext_lazy(
        "Row %(row)d: there is no location “%(value)s”. Tick “Create missing departments and "
        "locations” to create it."
    ),
    "role_unknown": gettext_lazy("Row %(row)d: “%(value)s” is not a role."),
    "roles_not_allowed": gettext_lazy(
        "Row %(row)d: only an organization admin can give or take away roles other than advocate."
    ),
    "language_invalid": gettext_lazy(
        "Row %(row)d: the language must be ja or en, not “%(value)s”."
    ),
    "status_invalid": gettext_lazy(
        "Row %(row)d: the status must be active or left (在籍 or 退職), not “%(value)s”."
    ),
    "offboard_not_allowed": gettext_lazy(
        "Row %(row)d: only an organization admin can mark people as having left or bring them back."
    ),
    "self_offboard": gettext_lazy("Row %(row)d: you cannot mark yourself as having left."),
    "last_admin": gettext_lazy(
        "Row %(row)d: the organization must keep at least one active organization admin."
    ),
}
NOTE_MESSAGES: dict[str, str | Promise] = {
    "left_not_member": gettext_lazy("Marked as left and not in Ouendan: nothing to do."),
    "existing_sign_in": gettext_lazy("Already has a sign-in (another organization): it is reused."),
    "new_department": gettext_lazy("Creates the department %(value)s."),
    "new_location": gettext_lazy("Creates the location %(value)s."),
}
CHANGE_LABELS: dict[str, str | Promise] = {
    "email": gettext_lazy("e-mail address"),
    "employee_number": gettext_lazy("employee number"),
    "full_name": gettext_lazy("full name"),
    "full_name_kana": gettext_lazy("name reading (kana)"),
    "department": gettext_lazy("department"),
    "location": gettext_lazy("location"),
    "title": gettext_lazy("job title"),
    "roles": gettext_lazy("roles"),
    "language": gettext_lazy("language"),
    "status": gettext_lazy("status"),
}


def _problem(row: int, code: str, where: str = "", **params: Any) -> dict[str, Any]:
    """A row problem as stored: ``where`` is the column it is about (empty: the whole row)."""
    return {"row": row, "code": code, "column": where, "params": params}


def row_message(problem: dict[str, Any]) -> str:
    """One stored problem as a sentence in the active language."""
    params = dict(problem.get("params") or {})
    if "column" in params:
        column = COLUMN_BY_KEY.get(params["column"])
        params["column"] = str(column.label) if column else params["column"]
    return str(ROW_MESSAGES[problem["code"]]) % {"row": problem["row"], **params}


# --- Reading the file -----------------------------------------------------------------------------


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise DomainError(
            _("This is an Excel workbook, not a CSV file. In Excel, save it as “CSV UTF-8”."),
            code="import_not_csv",
            fields={"file": [_("Not a CSV file.")]},
        )
    candidates: list[tuple[str, bytes]] = []
    if raw.startswith(codecs.BOM_UTF8):
        candidates.append(("utf-8-sig", raw))
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates.append(("utf-16", raw))
    else:
        # Strict UTF-8 almost never accepts Shift_JIS bytes, so the order decides correctly.
        candidates += [("utf-8", raw), ("cp932", raw)]
    for encoding, data in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text, encoding
    guess = _guess_encoding(raw)
    if guess is not None:
        return guess
    raise DomainError(
        _(
            "The file's character encoding could not be recognised. Save it as UTF-8 "
            "(“CSV UTF-8” in Excel) or Shift_JIS."
        ),
        code="import_encoding",
        fields={"file": [_("Unknown character encoding.")]},
    )


def _guess_encoding(raw: bytes) -> tuple[str, str] | None:
    """Last resort for the other Japanese encodings; a wrong guess must not pass for text."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=["euc_jp", "iso2022_jp", "utf_16", "utf_32"]).best()
    if best is None or best.encoding not in {"euc_jp", "iso2022_jp", "utf_16", "utf_32"}:
        return None
    return str(best), best.encoding


@dataclass
class RowInput:
    """One row as written in the file, cleaned (``roles`` None: the column was empty)."""

    row: int
    email: str = ""
    employee_number: str = ""
    full_name: str = ""
    full_name_kana: str = ""
    department: str = ""
    location: str = ""
    title: str = ""
    roles: list[str] | None = None
    language: str = ""
    status: str = ""


@dataclass
class ParsedFile:
    rows: list[RowInput]
    problems: list[dict[str, Any]]
    columns: list[str]
    ignored_columns: list[str]


def _read_header(header: list[str]) -> tuple[list[str | None], list[str]]:
    columns: list[str | None] = []
    ignored: list[str] = []
    seen: set[str] = set()
    for cell in header:
        key = _HEADER_ALIASES.get(_header_key(cell))
        if key in seen:
            raise DomainError(
                _("The column “%(column)s” appears twice in the header row.") % {"column": cell},
                code="import_header",
                fields={"file": [_("Duplicate column.")]},
            )
        if key is None and cell.strip():
            ignored.append(cell.strip())
        if key:
            seen.add(key)
        columns.append(key)
    if "email" not in seen and "employee_number" not in seen:
        raise DomainError(
            _(
                "The first row must name the columns, and include メールアドレス (email) or "
                "社員番号 (employee_number). Download the template to see the format."
            ),
            code="import_header",
            fields={"file": [_("Missing columns.")]},
        )
    return columns, ignored


def _clean_row(number: int, values: dict[str, str], problems: list[dict[str, Any]]) -> RowInput:
    def text(key: str) -> str:
        value = values.get(key, "").strip()
        column = COLUMN_BY_KEY[key]
        if column.max_length and len(value) > column.max_length:
            problems.append(_problem(number, "too_long", key, column=key, max=column.max_length))
        return value

    row = RowInput(row=number)
    email = unicodedata.normalize("NFKC", text("email")).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_problem(number, "email_invalid", "email", value=email))
    row.email = email
    row.employee_number = unicodedata.normalize("NFKC", text("employee_number"))
    if not row.email and not row.employee_number:
        problems.append(_problem(number, "email_or_number_required", "email"))
    # Names keep their characters (NFKC would change some kanji); readings become full-width kana.
    row.full_name = " ".join(text("full_name").split())
    row.full_name_kana = " ".join(unicodedata.normalize("NFKC", text("full_name_kana")).split())
    row.department = " ".join(text("department").split())
    row.location = " ".join(text("location").split())
    row.title = " ".join(text("title").split())
    roles_text = text("roles")
    if roles_text:
        lookup = _role_lookup()
        roles: set[str] = set()
        for token in _ROLE_SEPARATORS.split(roles_text):
            if not token.strip():
                continue
            role = lookup.get(_header_key(token))
            if role is None:
                problems.append(_problem(number, "role_unknown", "roles", value=token.strip()))
            else:
                roles.add(role.value)
        row.roles = sorted(roles)
    language = text("language")
    if language:
        row.language = _LANGUAGES.get(_key(language), "")
        if not row.language:
            problems.append(_problem(number, "language_invalid", "language", value=language))
    status = text("status")
    if status:
        row.status = _STATUSES.get(_key(status), "")
        if not row.status:
            problems.append(_problem(number, "status_invalid", "status", value=status))
    return row


def _parse(text: str) -> ParsedFile:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[dict[str, Any]] = []
    rows: list[RowInput] = []
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise DomainError(
                _("The file is empty."), code="import_empty", fields={"file": [_("Empty file.")]}
            )
        columns, ignored = _read_header(header)
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are common at the end of Excel exports
            if len(rows) >= MAX_ROWS:
                raise DomainError(
                    _("The file has more than %(max)d rows. Split it into smaller files.")
                    % {"max": MAX_ROWS},
                    code="import_too_many_rows",
                    fields={"file": [_("Too many rows.")]},
                )
            if any(cell.strip() for cell in cells[len(columns) :]):
                problems.append(_problem(number, "too_many_values"))
            values = {
                key: cell for key, cell in zip(columns, cells, strict=False) if key is not None
            }
            rows.append(_clean_row(number, values, problems))
    except csv.Error as exc:
        raise DomainError(
            _("The file could not be read as CSV (near line %(line)d).")
            % {"line": reader.line_num},
            code="import_not_csv",
            fields={"file": [_("Not a CSV file.")]},
        ) from exc
    if not rows:
        raise DomainError(
            _("The file has a header row but no people."),
            code="import_empty",
            fields={"file": [_("Empty file.")]},
        )
    return ParsedFile(rows, problems, [c for c in columns if c], ignored)


# --- The directory as it is now, loaded in a handful of queries ----------------------------------


class DepartmentIndex:
    """Finds a department by code, by name, or by path (``開発本部/第一開発部``, ``A > B``)."""

    def __init__(self, departments: Iterable[Department]) -> None:
        self.by_id = {dept.pk: dept for dept in departments}
        self.paths: dict[int, tuple[str, ...]] = {}
        self.by_code: dict[str, int] = {}
        self.by_full_path: dict[tuple[str, ...], int] = {}
        self.by_suffix: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for dept in self.by_id.values():
            path = self._path(dept)
            self.paths[dept.pk] = path
            keys = tuple(_key(name) for name in path)
            self.by_full_path[keys] = dept.pk
            for start in range(len(keys)):
                self.by_suffix[keys[start:]].append(dept.pk)
            if dept.code:
                self.by_code[_key(dept.code)] = dept.pk

    def _path(self, dept: Department) -> tuple[str, ...]:
        names: list[str] = []
        seen: set[int] = set()
        current: Department | None = dept
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            names.append(current.name)
            current = self.by_id.get(current.parent_id) if current.parent_id else None
        return tuple(reversed(names))

    def display(self, dept_id: int | None) -> str:
        return " / ".join(self.paths[dept_id]) if dept_id in self.paths else ""

    def find(self, segments: list[str]) -> tuple[int | None, bool]:
        """(department id, ambiguous) for a path written from the root or a unique tail of it."""
        keys = tuple(_key(s) for s in segments)
        if keys in self.by_full_path:
            return self.by_full_path[keys], False
        matches = self.by_suffix.get(keys, [])
        if len(matches) == 1:
            return matches[0], False
        return None, len(matches) > 1

    def resolve(self, text: str) -> tuple[str, int | None, tuple[str, ...]]:
        """("found", id, ()), ("ambiguous", None, ()) or ("missing", parent id, new names)."""
        if _key(text) in self.by_code:
            return "found", self.by_code[_key(text)], ()
        whole, ambiguous = self.find([text])
        if whole is not None:
            return "found", whole, ()
        segments = [s for s in _PATH_SEPARATORS.split(text) if s]
        if len(segments) > 1:
            found, ambiguous = self.find(segments)
            if found is not None:
                return "found", found, ()
        if ambiguous:
            return "ambiguous", None, ()
        segments = segments or [text]
        for cut in range(len(segments) - 1, 0, -1):
            parent, _ambiguous = self.find(segments[:cut])
            if parent is not None:
                return "missing", parent, tuple(segments[cut:])
        return "missing", None, tuple(segments)


@dataclass
class Directory:
    members_by_email: dict[str, Membership]
    members_by_number: dict[str, Membership]
    other_users: dict[str, User]  # sign-ins of addresses in the file that are not members here
    shared_user_ids: set[int]  # members' sign-ins that also belong to another organization
    departments: DepartmentIndex
    locations: dict[str, Location]
    admin_ids: set[int]


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _QUERY_CHUNK):
        yield values[start : start + _QUERY_CHUNK]


def _load_directory(actor: Actor, rows: list[RowInput]) -> Directory:
    org = actor.organization
    members = list(
        Membership.objects.filter(organization=org)
        .select_related("user", "department", "location")
        .prefetch_related("role_grants")
    )
    by_email = {m.user.email.lower(): m for m in members}
    by_number = {m.employee_number: m for m in members if m.employee_number}
    wanted = sorted({r.email for r in rows if r.email and r.email not in by_email})
    other_users: dict[str, User] = {}
    for chunk in _chunks(wanted):
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk):
            other_users[user.email.lower()] = user
    shared = set(
        Membership.objects.filter(user__memberships__organization=org)
        .exclude(organization=org)
        .values_list("user_id", flat=True)
    )
    locations: dict[str, Location] = {}
    for location in Location.objects.filter(organization=org):
        locations[_key(location.name)] = location
        if location.code:
            locations.setdefault(_key(location.code), location)
    admin_ids = {
        m.pk
        for m in members
        if m.is_active and any(g.role == Role.ORG_ADMIN for g in m.role_grants.all())
    }
    return Directory(
        members_by_email=by_email,
        members_by_number=by_number,
        other_users=other_users,
        shared_user_ids=shared,
        departments=DepartmentIndex(Department.objects.filter(organization=org)),
        locations=locations,
        admin_ids=admin_ids,
    )


# --- Planning: what each row would do ------------------------------------------------------------


@dataclass
class RowPlan:
    input: RowInput
    action: str = ""  # create, update, unchanged, leave, error
    membership: Membership | None = None
    changes: dict[str, list[str]] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # membership fields to set
    department_id: int | None = None
    new_department: tuple[int | None, tuple[str, ...]] | None = None
    new_location: str = ""
    roles: set[str] | None = None
    user: User | None = None
    reinstate: bool = False

    def stored(self) -> dict[str, Any]:
        data = asdict(self.input)
        data.update(
            action=self.action,
            membership_id=self.membership.pk if self.membership else None,
            changes=self.changes,
            notes=self.notes,
        )
        return data


@dataclass
class Plan:
    rows: list[RowPlan]
    problems: list[dict[str, Any]]
    new_departments: list[str]
    new_locations: list[str]
    directory: Directory

    def summary(self, ignored_columns: list[str]) -> dict[str, Any]:
        counts = Counter(row.action for row in self.rows)
        return {
            "rows": len(self.rows),
            **{action: counts.get(action, 0) for action in ACTIONS},
            "errors": len(self.problems),
            "new_departments": self.new_departments,
            "new_locations": self.new_locations,
            "ignored_columns": ignored_columns,
        }


ACTIONS = ("create", "update", "unchanged", "leave", "error")


class _Planner:
    def __init__(self, actor: Actor, directory: Directory, create_missing: bool) -> None:
        self.actor = actor
        self.dir = directory
        self.create_missing = create_missing
        self.may_assign_roles = can(actor, Action.ROLES_ASSIGN)
        self.may_offboard = can(actor, Action.PEOPLE_OFFBOARD)
        self.problems: list[dict[str, Any]] = []
        self.new_departments: dict[tuple[str, ...], str] = {}
        self.new_locations: dict[str, str] = {}

    def fail(self, plan: RowPlan, code: str, where: str = "", **params: Any) -> None:
        plan.action = "error"
        self.problems.append(_problem(plan.input.row, code, where, **params))

    def plan(self, rows: list[RowInput], problems: list[dict[str, Any]]) -> Plan:
        failed_rows = {p["row"] for p in problems}
        self.problems.extend(problems)
        self._duplicates(rows)
        failed_rows |= {p["row"] for p in self.problems}
        plans: list[RowPlan] = []
        claimed: dict[int, RowPlan] = {}
        for row in rows:
            plan = RowPlan(input=row)
            plans.append(plan)
            if row.row in failed_rows:
                continue
            self._plan_row(plan)
            member = plan.membership
            if member is not None and plan.action != "error":
                if member.pk in claimed:
                    self.fail(
                        plan,
                        "same_person_twice",
                        other=claimed[member.pk].input.row,
                        name=member.full_name,
                    )
                else:
                    claimed[member.pk] = plan
        self._keep_an_admin(plans)
        failed_rows = {p["row"] for p in self.problems}
        for plan in plans:
            if plan.input.row in failed_rows:
                plan.action = "error"
        return Plan(
            plans,
            sorted(self.problems, key=lambda p: p["row"]),
            sorted(self.new_departments.values()),
            sorted(self.new_locations.values()),
            self.dir,
        )

    def _duplicates(self, rows: list[RowInput]) -> None:
        first_email: dict[str, int] = {}
        first_number: dict[str, int] = {}
        for row in rows:
            if row.email:
                if row.email in first_email:
                    self.problems.append(
                        _problem(
                            row.row,
                            "email_duplicate",
                            "email",
                            value=row.email,
                            other=first_email[row.email],
                        )
                    )
                else:
                    first_email[row.email] = row.row
            if row.employee_number:
                if row.employee_number in first_number:
                    self.problems.append(
                        _problem(
                            row.row,
                            "employee_number_duplicate",
                            "employee_number",
                            value=row.employee_number,
                            other=first_number[row.employee_number],
                        )
                    )
                else:
                    first_number[row.employee_number] = row.row

    def _plan_row(self, plan: RowPlan) -> None:
        row = plan.input
        member = self.dir.members_by_email.get(row.email) if row.email else None
        number_owner = (
            self.dir.members_by_number.get(row.employee_number) if row.employee_number else None
        )
        if member is None:
            member = number_owner
        elif number_owner is not None and number_owner.pk != member.pk:
            self.fail(
                plan,
                "employee_number_taken",
                "employee_number",
                value=row.employee_number,
                name=number_owner.full_name,
            )
            return
        if member is None:
            self._plan_new(plan)
        else:
            plan.membership = member
            self._plan_existing(plan, member)

    def _placement(self, plan: RowPlan) -> bool:
        """Find (or plan to create) the row's department and location; False on a problem."""
        row, ok = plan.input, True
        if row.department:
            outcome, dept_id, names = self.dir.departments.resolve(row.department)
            if outcome == "found":
                plan.department_id = dept_id
            elif outcome == "ambiguous":
                self.fail(plan, "department_ambiguous", "department", value=row.department)
                ok = False
            elif not self.create_missing:
                self.fail(plan, "department_unknown", "department", value=row.department)
                ok = False
            else:
                parent_path = self.dir.departments.paths.get(dept_id, ()) if dept_id else ()
                full = (*parent_path, *names)
                if len(full) > MAX_DEPARTMENT_DEPTH:
                    self.fail(
                        plan,
                        "department_too_deep",
                        "department",
                        value=row.department,
                        max=MAX_DEPARTMENT_DEPTH,
                    )
                    ok = False
                else:
                    plan.new_department = (dept_id, names)
                    display = " / ".join(full)
                    self.new_departments[tuple(_key(n) for n in full)] = display
                    plan.notes.append({"code": "new_department", "params": {"value": display}})
        if row.location:
            location = self.dir.locations.get(_key(row.location))
            if location is None and not self.create_missing:
                self.fail(plan, "location_unknown", "location", value=row.location)
                ok = False
            elif location is None:
                plan.new_location = row.location
                self.new_locations[_key(row.location)] = row.location
                plan.notes.append({"code": "new_location", "params": {"value": row.location}})
        return ok

    def _department_display(self, plan: RowPlan) -> str:
        if plan.new_department is not None:
            parent_id, names = plan.new_department
            return " / ".join((*self.dir.departments.paths.get(parent_id or 0, ()), *names))
        return self.dir.departments.display(plan.department_id)

    def _plan_new(self, plan: RowPlan) -> None:
        row = plan.input
        if row.status == Membership.Status.LEFT:
            plan.action = "unchanged"
            plan.notes.append({"code": "left_not_member", "params": {}})
            return
        if not row.email:
            self.fail(plan, "email_required_new", "email", value=row.employee_number)
            return
        if not row.full_name:
            self.fail(plan, "full_name_required", "full_name")
            return
        roles = set(row.roles or [Role.ADVOCATE.value])
        if roles != {Role.ADVOCATE.value} and not self.may_assign_roles:
            self.fail(plan, "roles_not_allowed", "roles")
            return
        if not self._placement(plan):
            return
        plan.action = "create"
        plan.roles = roles
        plan.user = self.dir.other_users.get(row.email)
        if plan.user is not None:
            plan.notes.append({"code": "existing_sign_in", "params": {}})
        plan.fields = {
            "full_name": row.full_name,
            "full_name_kana": row.full_name_kana,
            "employee_number": row.employee_number,
            "title": row.title,
        }
        for name in ("email", "employee_number", "full_name", "full_name_kana", "title"):
            value = getattr(row, name)
            if value:
                plan.changes[name] = ["", value]
        if row.department:
            plan.changes["department"] = ["", self._department_display(plan)]
        if row.location:
            plan.changes["location"] = ["", row.location]
        plan.changes["roles"] = ["", ",".join(sorted(roles))]
        if row.language:
            plan.changes["language"] = ["", row.language]

    def _plan_existing(self, plan: RowPlan, member: Membership) -> None:
        row = plan.input
        user = member.user
        if row.email and row.email != user.email.lower():
            if row.email in self.dir.other_users:
                self.fail(plan, "email_in_use", "email", value=row.email, name=member.full_name)
                return
            if user.pk in self.dir.shared_user_ids:
                self.fail(plan, "email_change_not_allowed", "email", name=member.full_name)
                return
            plan.changes["email"] = [user.email, row.email]
        for name in ("employee_number", "full_name", "full_name_kana", "title"):
            value = getattr(row, name)
            if value and value != getattr(member, name):
                plan.changes[name] = [getattr(member, name), value]
                plan.fields[name] = value
        if not self._placement(plan):
            return
        if row.department and (
            plan.new_department is not None or plan.department_id != member.department_id
        ):
            plan.changes["department"] = [
                self.dir.departments.display(member.department_id),
                self._department_display(plan),
            ]
        if row.location:
            location = self.dir.locations.get(_key(row.location))
            if location is None or location.pk != member.location_id:
                plan.changes["location"] = [
                    member.location.name if member.location else "",
                    location.name if location else row.location,
                ]
        if row.language and row.language != user.language:
            plan.changes["language"] = [user.language, row.language]
        if row.roles:
            current = {g.role for g in member.role_grants.all()}
            wanted = set(row.roles)
            if wanted != current:
                if (wanted ^ current) - {Role.ADVOCATE.value} and not self.may_assign_roles:
                    self.fail(plan, "roles_not_allowed", "roles")
                    return
                plan.roles = wanted
                plan.changes["roles"] = [",".join(sorted(current)), ",".join(sorted(wanted))]
        leaving = row.status == Membership.Status.LEFT and member.is_active
        returning = row.status == Membership.Status.ACTIVE and not member.is_active
        if leaving or returning:
            if not self.may_offboard:
                self.fail(plan, "offboard_not_allowed", "status")
                return
            if leaving and self.actor.membership and self.actor.membership.pk == member.pk:
                self.fail(plan, "self_offboard", "status")
                return
            plan.changes["status"] = [member.status, row.status]
            plan.reinstate = returning
        if leaving:
            plan.action = "leave"
        else:
            plan.action = "update" if plan.changes else "unchanged"

    def _keep_an_admin(self, plans: list[RowPlan]) -> None:
        admins = set(self.dir.admin_ids)
        removing: list[RowPlan] = []
        adds_admin = False
        for plan in plans:
            if plan.action == "error":
                continue
            member = plan.membership
            if plan.action == "create":
                adds_admin |= Role.ORG_ADMIN.value in (plan.roles or set())
                continue
            if member is None:
                continue
            will_be_active = (member.is_active or plan.reinstate) and plan.action != "leave"
            roles = (
                plan.roles if plan.roles is not None else {g.role for g in member.role_grants.all()}
            )
            is_admin_after = will_be_active and Role.ORG_ADMIN.value in roles
            if is_admin_after:
                admins.add(member.pk)
            elif member.pk in admins:
                admins.discard(member.pk)
                removing.append(plan)
        if removing and not admins and not adds_admin:
            for plan in removing:
                self.fail(plan, "last_admin", "roles")


def _plan(
    actor: Actor, rows: list[RowInput], problems: list[dict[str, Any]], create_missing: bool
) -> Plan:
    return _Planner(actor, _load_directory(actor, rows), create_missing).plan(rows, problems)


# --- Services -------------------------------------------------------------------------------------


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
    text, encoding = _decode(raw)
    parsed = _parse(text)
    plan = _plan(actor, parsed.rows, parsed.problems, create_missing)
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
        ImportBatch.objects.select_for_update()
        .filter(organization=actor.organization, pk=batch_id)
        .first()
    )
    if batch is None:
        raise NotFound(_("That import does not exist."))
    return batch


class _Rejected(Exception):
    def __init__(self, plan: Plan) -> None:
        self.plan = plan


def import_batch_apply(*, actor: Actor, batch_id: int) -> ImportBatch:
    """Apply a previewed file in one transaction: all rows or none.

    The plan is made again against the directory as it is now; if anything changed so that a row
    no longer fits, nothing is written and the batch shows the new problems. Applying a batch
    twice does nothing the second time.
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
            plan = _plan(actor, inputs, [], batch.create_missing)
            if plan.problems or _differs(batch, plan):
                raise _Rejected(plan)
            counts = _execute(actor, batch, plan)
            batch.status = ImportBatch.Status.APPLIED
            batch.applied_at = timezone.now()
            batch.applied_by = actor.membership
            batch.rows = [row.stored() for row in plan.rows]
            batch.summary = {**plan.summary(batch.summary.get("ignored_columns", [])), **counts}
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


# --- Applying a plan ------------------------------------------------------------------------------


def _ensure_departments(actor: Actor, plan: Plan, index: DepartmentIndex) -> dict[int, int]:
    """Create the planned departments (parents first); map row number → department id."""
    created: dict[tuple[str, ...], int] = {}
    placed: dict[int, int] = {}
    for row in plan.rows:
        if row.new_department is None or row.action == "error":
            continue
        parent_id, names = row.new_department
        path = tuple(_key(n) for n in index.paths.get(parent_id or 0, ()))
        for name in names:
            path = (*path, _key(name))
            existing = created.get(path) or index.by_full_path.get(path)
            if existing is None:
                existing = department_create(actor=actor, name=name, parent_id=parent_id).pk
                created[path] = existing
            parent_id = existing
        assert parent_id is not None
        placed[row.input.row] = parent_id
    return placed


def _ensure_locations(actor: Actor, plan: Plan, locations: dict[str, Location]) -> dict[str, int]:
    ids = {key: location.pk for key, location in locations.items()}
    for row in plan.rows:
        if row.new_location and _key(row.new_location) not in ids:
            ids[_key(row.new_location)] = location_create(actor=actor, name=row.new_location).pk
    return ids


def _execute(actor: Actor, batch: ImportBatch, plan: Plan) -> dict[str, int]:
    new_departments = _ensure_departments(actor, plan, plan.directory.departments)
    location_ids = _ensure_locations(actor, plan, plan.directory.locations)

    def placement(row: RowPlan) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if row.input.department:
            fields["department_id"] = new_departments.get(row.input.row, row.department_id)
        if row.input.location:
            fields["location_id"] = location_ids[_key(row.input.location)]
        return fields

    creates = [row for row in plan.rows if row.action == "create"]
    changes = [row for row in plan.rows if row.action in ("update", "leave")]
    source = {"source": "import", "batch": batch.pk}

    # New sign-ins, in bulk; they choose a password through the password reset or SSO.
    new_users = [
        User(email=row.input.email, language=row.input.language, password=make_password(None))
        for row in creates
        if row.user is None
    ]
    User.objects.bulk_create(new_users, batch_size=_QUERY_CHUNK)
    users = {user.email: user for user in new_users}
    returning = [row.user for row in creates if row.user is not None and not row.user.is_active]
    if returning:
        User.objects.filter(pk__in=[u.pk for u in returning]).update(is_active=True)
    memberships = [
        Membership(
            organization=actor.organization,
            user=row.user or users[row.input.email],
            **row.fields,
            **placement(row),
        )
        for row in creates
    ]
    Membership.objects.bulk_create(memberships, batch_size=_QUERY_CHUNK)
    RoleGrant.objects.bulk_create(
        (
            RoleGrant(membership=membership, role=role)
            for row, membership in zip(creates, memberships, strict=True)
            for role in sorted(row.roles or ())
        ),
        batch_size=_QUERY_CHUNK,
    )
    for row, membership in zip(creates, memberships, strict=True):
        row.membership = membership
        audit_record(
            actor=actor,
            action="person.created",
            target=membership,
            data={"email": row.input.email, "roles": sorted(row.roles or ()), **source},
        )

    # Updates: fields in bulk, sign-in changes in bulk, roles per role.
    changed_members: list[Membership] = []
    member_fields: set[str] = set()
    changed_users: list[User] = []
    user_fields: set[str] = set()
    for row in changes:
        member = row.membership
        assert member is not None
        values = {**row.fields, **placement(row)}
        values = {k: v for k, v in values.items() if getattr(member, k) != v}
        if values:
            for key, value in values.items():
                setattr(member, key, value)
            changed_members.append(member)
            member_fields |= set(values)
        user_values = {}
        if "email" in row.changes:
            user_values["email"] = row.input.email
        if "language" in row.changes:
            user_values["language"] = row.input.language
        if user_values:
            for key, value in user_values.items():
                setattr(member.user, key, value)
            changed_users.append(member.user)
            user_fields |= set(user_values)
    if changed_members:
        Membership.objects.bulk_update(
            changed_members, sorted(member_fields), batch_size=_QUERY_CHUNK
        )
    if changed_users:
        User.objects.bulk_update(changed_users, sorted(user_fields), batch_size=_QUERY_CHUNK)
    _apply_roles(changes)
    reason = _("CSV import #%(id)d (%(file)s)") % {"id": batch.pk, "file": batch.file_name}
    for row in changes:
        assert row.membership is not None
        other = {k: v for k, v in row.changes.items() if k != "status"}
        if other:
            audit_record(
                actor=actor,
                action="person.updated",
                target=row.membership,
                data={**{k: v[1] for k, v in other.items()}, **source},
            )
        if row.action == "leave":
            person_offboard(actor=actor, membership_id=row.membership.pk, reason=reason)
        elif row.reinstate:
            person_reinstate(actor=actor, membership_id=row.membership.pk)
    return {
        "departments_created": len(plan.new_departments),
        "locations_created": len(plan.new_locations),
    }


def _apply_roles(rows: list[RowPlan]) -> None:
    removals: dict[str, list[int]] = defaultdict(list)
    additions: list[RoleGrant] = []
    for row in rows:
        if row.roles is None or row.membership is None:
            continue
        current = {g.role for g in row.membership.role_grants.all()}
        for role in current - row.roles:
            removals[role].append(row.membership.pk)
        additions += [
            RoleGrant(membership=row.membership, role=r) for r in sorted(row.roles - current)
        ]
    for role, ids in removals.items():
        RoleGrant.objects.filter(role=role, membership_id__in=ids).delete()
    RoleGrant.objects.bulk_create(additions, batch_size=_QUERY_CHUNK)


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
        return "、".join(str(Role(code).label) for code in value.split(",") if code)
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
