"""The file format: its columns and the spellings accepted for them, the limits, and the row
problems (stored as codes, turned into sentences in the reader's language by ``row_message``)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from ouendan.accounts.models import Membership
from ouendan.accounts.roles import Role

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
ACTIONS = ("create", "update", "unchanged", "leave", "error")  # what a row can do
QUERY_CHUNK = 500  # keeps IN (...) lists well under every database's parameter limit


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


def name_key(text: str) -> str:
    """How names are compared: width and case folded, spaces collapsed (ＡＢＣ　１ ≡ abc 1)."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def header_key(text: str) -> str:
    return re.sub(r"[\s_\-.・]", "", name_key(text))


HEADER_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.key, _column.english, _column.japanese, *_column.aliases):
        HEADER_ALIASES[header_key(_name)] = _column.key

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
LANGUAGES = {"ja": "ja", "japanese": "ja", "日本語": "ja", "jp": "ja", "en": "en", "english": "en"}
LANGUAGES["英語"] = "en"
STATUSES = {
    **dict.fromkeys(("active", "在籍", "在職", "在籍中", "有効"), Membership.Status.ACTIVE.value),
    **dict.fromkeys(
        ("left", "退職", "退社", "離職", "退職済", "inactive"), Membership.Status.LEFT.value
    ),
}
ROLE_SEPARATORS = re.compile(r"[;；、,，|]")
PATH_SEPARATORS = re.compile(r"\s*(?:/|／|>|＞|→)\s*")


@cache
def role_lookup() -> dict[str, Role]:
    """Role codes, their labels in every language, and common Japanese names."""
    lookup: dict[str, Role] = {}
    for role in Role:
        names = [role.value, *(_ROLE_SYNONYMS.get(role, ()))]
        for language in ("en", "ja"):
            with translation.override(language):
                names.append(str(role.label))
        for name in names:
            lookup[header_key(name)] = role
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


def problem(row: int, code: str, where: str = "", **params: Any) -> dict[str, Any]:
    """A row problem as stored: ``where`` is the column it is about (empty: the whole row)."""
    return {"row": row, "code": code, "column": where, "params": params}


def row_message(problem: dict[str, Any]) -> str:
    """One stored problem as a sentence in the active language."""
    params = dict(problem.get("params") or {})
    if "column" in params:
        column = COLUMN_BY_KEY.get(params["column"])
        params["column"] = str(column.label) if column else params["column"]
    return str(ROW_MESSAGES[problem["code"]]) % {"row": problem["row"], **params}
