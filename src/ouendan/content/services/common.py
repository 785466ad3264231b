"""Checks every content service shares: texts, links, codes, and rows of the same organization."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ouendan.accounts.permissions import Actor
from ouendan.core.errors import DomainError, NotFound

M = TypeVar("M", bound=models.Model)

URL_MAX = 2048
_URL = URLValidator(schemes=["http", "https"])
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 60


def clean_text(value: str, *, field: str, label: str, limit: int, required: bool = False) -> str:
    """``value`` stripped; refused when required and empty, or longer than ``limit``."""
    value = value.strip()
    if required and not value:
        raise DomainError(
            _("%(field)s cannot be empty.") % {"field": label}, fields={field: [_("Required.")]}
        )
    if len(value) > limit:
        raise DomainError(
            _("%(field)s can be at most %(limit)d characters long.")
            % {"field": label, "limit": limit},
            fields={field: [_("Too long.")]},
        )
    return value


def clean_url(value: str, *, field: str = "url", required: bool = True) -> str:
    """An absolute http(s) URL, at most 2,048 characters; empty only when not required."""
    value = value.strip()
    if not value and not required:
        return ""
    if len(value) > URL_MAX:
        raise DomainError(
            _("The link can be at most %(limit)d characters long.") % {"limit": URL_MAX},
            fields={field: [_("Too long.")]},
        )
    try:
        _URL(value)
    except ValidationError as exc:
        raise DomainError(
            _("Enter a complete web address starting with https:// or http://."),
            fields={field: [_("Enter a valid web address.")]},
        ) from exc
    return value


def url_key(url: str) -> str:
    """A URL folded for "is this link already in the library?": scheme and host lower-cased,
    the default port, the fragment and a lone trailing slash dropped."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
    path = parts.path if parts.path not in ("", "/") else ""
    return urlunsplit((parts.scheme.lower(), netloc, path.rstrip("/") or path, parts.query, ""))


def clean_slug(value: str, *, field: str = "slug") -> str:
    value = value.strip().lower()
    if not _SLUG.match(value) or len(value) > SLUG_MAX:
        raise DomainError(
            _(
                "The code may use lower-case letters a–z, digits and hyphens (at most "
                "%(limit)d), for example shinsotsu-2027."
            )
            % {"limit": SLUG_MAX},
            fields={field: [_("Use a–z, 0–9 and hyphens.")]},
        )
    return value


def unique_slug(
    model: type[models.Model],
    actor: Actor,
    *candidates: str,
    fallback: str = "item",
    exclude_id: int | None = None,
) -> str:
    """The first candidate that slugifies to a word (ASCII letters, 3 characters or more), made
    unique in the organization with a numeric suffix; ``<fallback>-<random>`` when none does
    (Japanese titles, numeric paths)."""
    slugs = (slugify(c)[: SLUG_MAX - 4].strip("-") for c in candidates)
    base = next((s for s in slugs if len(s) >= 3 and re.search("[a-z]", s)), "")
    base = base or f"{fallback}-{secrets.token_hex(3)}"
    taken_rows = model._default_manager.filter(
        organization=actor.organization, slug__startswith=base
    )
    if exclude_id is not None:
        taken_rows = taken_rows.exclude(pk=exclude_id)
    taken = set(taken_rows.values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def rows_in_org(
    model: type[M], actor: Actor, ids: Iterable[int], *, field: str, what: str
) -> list[M]:
    """The organization's rows with these ids, or ``NotFound`` naming ``field``."""
    wanted = set(ids)
    rows = list(model._default_manager.filter(organization=actor.organization, pk__in=wanted))
    if len(rows) != len(wanted):
        raise NotFound(
            _("%(what)s does not exist in this organization.") % {"what": what},
            fields={field: [_("Not found.")]},
        )
    return rows


def row_in_org(model: type[M], actor: Actor, pk: int, *, field: str, what: str) -> M:
    return rows_in_org(model, actor, [pk], field=field, what=what)[0]
