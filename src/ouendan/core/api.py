"""The API's shared conventions: one error schema and page-number pagination."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from ouendan.core.errors import DomainError

T = TypeVar("T")

MAX_PAGE_SIZE = 200


class ErrorBody(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. `not_found`.")
    message: str = Field(description="A sentence in the caller's language.")
    fields: dict[str, list[str]] = Field(default_factory=dict)


class ErrorOut(Schema):
    """Every non-2xx response of the API has this shape."""

    error: ErrorBody


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error statuses an operation documents, for its ``response={...}``."""
    return dict.fromkeys(statuses, ErrorOut)


def error_payload(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


class Page(Schema, Generic[T]):
    items: list[T]
    count: int = Field(description="Items across all pages.")
    page: int
    pages: int
    page_size: int


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any] | Sequence[Any],
    *,
    default_size: int = 50,
    serialize: Callable[[Any], Any] | None = None,
) -> dict:
    """Slice a queryset (or a list) by ``?page=`` and ``?page_size=`` (at most 200), returning
    a ``Page``.

    ``serialize``, when given, turns each item of the page into what the response holds.
    """
    try:
        page = int(request.GET.get("page", "1"))
        size = int(request.GET.get("page_size", str(default_size)))
    except ValueError:
        page = size = 0
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise DomainError(
            _("page must be a whole number from 1, and page_size from 1 to %(max)d.")
            % {"max": MAX_PAGE_SIZE},
            code="invalid_page",
            fields={"page_size" if page >= 1 else "page": [_("Out of range.")]},
        )
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    start = (page - 1) * size
    items = list(queryset[start : start + size])
    return {
        "items": [serialize(item) for item in items] if serialize else items,
        "count": count,
        "page": page,
        "pages": max(1, math.ceil(count / size)),
        "page_size": size,
    }
