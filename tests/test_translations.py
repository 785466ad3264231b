"""The Japanese catalog: complete, placeholder-safe, in step with the source, and served.

The compiled ``django.mo`` is not committed (``make messages`` builds it before the tests); the
``compiled_catalog`` fixture builds it here too when it is missing or older than the ``.po``, so
this file also works when run alone.
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.test import Client
from django.utils.translation.template import templatize

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "ouendan"
PO_PATH = PACKAGE / "locale" / "ja" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# Left out of the catalog on purpose (`makemessages --ignore "demo/*"`), or not source at all.
SKIPPED_DIRS = {"demo", "locale", "__pycache__", "migrations", "static"}

# A %-format directive as Python (and gettext's python-format) reads it: flags, width,
# precision and length modifier are spelling only, so a placeholder is its name (or position)
# and its conversion.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?"  # %(name)
    r"[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"  # flags, width, precision, length
    r"(?P<conv>[diouxXeEfFgGcrs%])"
)
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
CONVERSION_KIND = {**dict.fromkeys("diouxX", "int"), **dict.fromkeys("eEfFgG", "float")}


def load_catalog() -> Catalog:
    with PO_PATH.open("rb") as po_file:
        return read_po(po_file, locale="ja", abort_invalid=True)


def placeholders(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for match in PLACEHOLDER.finditer(text):
        conv = match["conv"]
        if conv == "%":
            continue
        kind = CONVERSION_KIND.get(conv, conv)
        found["%(" + match["name"] + ")" + kind if match["name"] is not None else "%" + kind] += 1
    return found


def entries(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, list | tuple) else (message.id,)


def strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, list | tuple):
        return tuple(message.string)
    return (message.string,)


@pytest.fixture(scope="session")
def compiled_catalog() -> Path:
    """Compile the .po like `make messages` does, unless an up-to-date .mo is already there."""
    if not MO_PATH.exists() or MO_PATH.stat().st_mtime < PO_PATH.stat().st_mtime:
        catalog = load_catalog()
        # Written aside then renamed: parallel test workers may compile at the same time.
        fd, tmp_name = tempfile.mkstemp(dir=MO_PATH.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=True)
            Path(tmp_name).chmod(0o644)
            Path(tmp_name).replace(MO_PATH)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    return MO_PATH


# --- (1) Complete and safe -------------------------------------------------------------------


def test_header_is_japanese_with_one_plural_form() -> None:
    catalog = load_catalog()
    assert not catalog.fuzzy, "the header is still marked fuzzy"
    assert str(catalog.locale) == "ja"
    assert catalog.mime_headers and dict(catalog.mime_headers)["Language"] == "ja"
    assert catalog.charset.lower() == "utf-8"
    assert catalog.plural_forms == "nplurals=1; plural=0;"


def test_every_entry_is_translated_and_not_fuzzy() -> None:
    catalog = load_catalog()
    untranslated = [message.id for message in entries(catalog) if not all(strings(message))]
    fuzzy = [message.id for message in entries(catalog) if message.fuzzy]
    plural_forms = [
        message.id
        for message in entries(catalog)
        if message.pluralizable and len(strings(message)) != 1
    ]
    assert len(list(entries(catalog))) > 500
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not plural_forms, f"Japanese has one form, only msgstr[0]: {plural_forms}"


def test_translations_keep_placeholders_and_html_tags() -> None:
    problems = []
    for message in entries(load_catalog()):
        # Japanese has one form, used for every count: it must work with the singular's and
        # the plural's placeholders alike.
        expected: Counter[str] = Counter()
        for msgid in ids(message):
            expected |= placeholders(msgid)
        tags = sorted(HTML_TAG.findall(ids(message)[0]))
        for msgstr in strings(message):
            if placeholders(msgstr) != expected:
                problems.append((message.id, msgstr, dict(expected), dict(placeholders(msgstr))))
            if sorted(HTML_TAG.findall(msgstr)) != tags:
                problems.append((message.id, msgstr, tags))
            if ids(message)[0].count("\n") != msgstr.count("\n"):
                problems.append((message.id, msgstr, "line breaks differ"))
    assert not problems, "\n".join(map(repr, problems))


# --- (2) Fresh: every string the source marks is in the catalog ------------------------------

PYTHON_KEYWORDS = {  # name: (context argument, singular, plural), as makemessages passes them
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
# What Django's templatize() (makemessages' template step) turns translation tags into.
LITERAL = r"""u?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
TEMPLATE_CALL = re.compile(
    rf"\b(?P<func>n?p?gettext)\((?P<a>{LITERAL})(?:, (?P<b>{LITERAL}))?(?:, (?P<c>{LITERAL}))?"
)

Marked = tuple[str | None, str, str | None]  # context, msgid, msgid_plural


def source_files(*suffixes: str) -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*")
        if path.suffix in suffixes
        and not SKIPPED_DIRS.intersection(path.relative_to(PACKAGE).parts[:-1])
    )


def python_strings(path: Path) -> Iterator[Marked]:
    """Calls whose arguments are literals (implicit concatenation included); others skipped."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in PYTHON_KEYWORDS:
            continue
        positions = PYTHON_KEYWORDS[name]
        args = node.args
        used = [index for index in positions if index is not None]
        if len(args) <= max(used) or not all(
            isinstance(args[index], ast.Constant) and isinstance(args[index].value, str)
            for index in used
        ):
            continue
        context, singular, plural = (
            None if index is None else args[index].value  # type: ignore[attr-defined]
            for index in positions
        )
        yield context, singular, plural


def template_strings(path: Path) -> Iterator[Marked]:
    for match in TEMPLATE_CALL.finditer(templatize(path.read_text(encoding="utf-8"))):
        values = [ast.literal_eval(match[group]) if match[group] else None for group in "abc"]
        func = match["func"]
        if func == "gettext":
            yield None, values[0], None
        elif func == "ngettext":
            yield None, values[0], values[1]
        elif func == "pgettext":
            yield values[0], values[1], None
        else:
            yield values[0], values[1], values[2]


def test_catalog_has_every_marked_string(record_property: pytest.RecordProperty) -> None:
    catalog = load_catalog()
    marked: dict[Marked, Path] = {}
    for path in source_files(".py"):
        for item in python_strings(path):
            marked.setdefault(item, path)
    python_count = len(marked)
    for path in source_files(".html", ".txt"):
        for item in template_strings(path):
            marked.setdefault(item, path)
    record_property("python_strings_checked", python_count)
    record_property("template_strings_checked", len(marked) - python_count)

    missing = []
    for (context, msgid, plural), path in marked.items():
        message = catalog.get(msgid, context)
        if message is None or (plural is not None and ids(message)[1:] != (plural,)):
            missing.append(f"{path.relative_to(PACKAGE)}: {msgid!r}")
    # Guards against an extractor that silently finds nothing.
    assert python_count > 250, python_count
    assert len(marked) - python_count > 250, len(marked) - python_count
    assert not missing, (
        f"{len(missing)} of {len(marked)} marked strings are not in {PO_PATH.name}; run "
        "`make makemessages` and translate them:\n" + "\n".join(missing)
    )


# --- (3) Served ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [("ja", "ログイン", "Sign in"), ("en", "Sign in", "ログイン")],
)
def test_sign_in_page_speaks_the_browser_language(
    compiled_catalog: Path, settings: object, language: str, expected: str, absent: str
) -> None:
    # Re-setting LOCALE_PATHS makes Django drop translations it cached before the .mo existed.
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)  # type: ignore[attr-defined]
    response = Client(headers={"Accept-Language": language}).get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert expected in html
    assert absent not in html
