"""Reading an uploaded file: its encoding, its header row, and each row's cleaned values."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from ouendan.accounts.services.imports.format import (
    COLUMN_BY_KEY,
    HEADER_ALIASES,
    LANGUAGES,
    MAX_ROWS,
    ROLE_SEPARATORS,
    STATUSES,
    header_key,
    name_key,
    problem,
    role_lookup,
)
from ouendan.core.errors import DomainError


def decode(raw: bytes) -> tuple[str, str]:
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
        key = HEADER_ALIASES.get(header_key(cell))
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
            problems.append(problem(number, "too_long", key, column=key, max=column.max_length))
        return value

    row = RowInput(row=number)
    email = unicodedata.normalize("NFKC", text("email")).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(problem(number, "email_invalid", "email", value=email))
    row.email = email
    row.employee_number = unicodedata.normalize("NFKC", text("employee_number"))
    if not row.email and not row.employee_number:
        problems.append(problem(number, "email_or_number_required", "email"))
    # Names keep their characters (NFKC would change some kanji); readings become full-width kana.
    row.full_name = " ".join(text("full_name").split())
    row.full_name_kana = " ".join(unicodedata.normalize("NFKC", text("full_name_kana")).split())
    row.department = " ".join(text("department").split())
    row.location = " ".join(text("location").split())
    row.title = " ".join(text("title").split())
    roles_text = text("roles")
    if roles_text:
        lookup = role_lookup()
        roles: set[str] = set()
        for token in ROLE_SEPARATORS.split(roles_text):
            if not token.strip():
                continue
            role = lookup.get(header_key(token))
            if role is None:
                problems.append(problem(number, "role_unknown", "roles", value=token.strip()))
            else:
                roles.add(role.value)
        row.roles = sorted(roles)
    language = text("language")
    if language:
        row.language = LANGUAGES.get(name_key(language), "")
        if not row.language:
            problems.append(problem(number, "language_invalid", "language", value=language))
    status = text("status")
    if status:
        row.status = STATUSES.get(name_key(status), "")
        if not row.status:
            problems.append(problem(number, "status_invalid", "status", value=status))
    return row


def parse(text: str) -> ParsedFile:
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
                problems.append(problem(number, "too_many_values"))
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
