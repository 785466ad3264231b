"""The snippet the company's site loads (``GET /t.js``) and the endpoint it reports
conversions to (``POST /t/c``). Both are public: the site's visitors call them.

The collection endpoint takes a ``text/plain`` body (so browsers send it without a CORS
preflight), holding JSON::

    {"organization": "mirai", "click_ids": ["<oldest>", …, "<newest>"], "type": "application",
     "value": 0, "currency": "JPY", "idempotency_key": "<made by the browser>",
     "origin": "https://careers.example.co.jp"}

The newest click id is the converting click, the others earlier touches. When the organization
lists allowed origins, the request's ``Origin`` (or, without that header, the body's) must be
one of them. Answers: ``204`` (recorded, already recorded, or waiting for its click), else the
API's error body and status.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, cache_page
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from ouendan.accounts.models import Organization
from ouendan.core.api import error_payload
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.tracking.models import Click, Conversion, TrackingSettings
from ouendan.tracking.services.conversions import (
    MAX_TOUCHES,
    ConversionReport,
    conversion_reporter,
    conversion_submit,
)
from ouendan.tracking.services.settings import origin_normalize
from ouendan.tracking.snippet import snippet_source

BODY_MAX = 8 * 1024
DEFAULT_WINDOW_DAYS = TrackingSettings._meta.get_field("attribution_window_days").default
_STATUS = {"permission_denied": 403, "throttled": 429, "origin_not_allowed": 403}


@require_safe
@cache_control(public=True)
@cache_page(300)
def snippet_js(request: HttpRequest) -> HttpResponse:
    """The script, with the organization's attribution window when ``?o=<slug>`` names it
    (an unknown slug gets the script without it: the click then names the organization)."""
    slug = request.GET.get("o", "")[:60]
    row = (
        TrackingSettings.objects.filter(organization__slug=slug)
        .values_list("organization__slug", "attribution_window_days")
        .first()
        if slug
        else None
    )
    if row is None and slug and Organization.objects.filter(slug=slug).exists():
        row = (slug, DEFAULT_WINDOW_DAYS)
    source = snippet_source(
        endpoint=request.build_absolute_uri(reverse("conversions:collect")),
        organization=row[0] if row else "",
        window_days=row[1] if row else DEFAULT_WINDOW_DAYS,
    )
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Cross-Origin-Resource-Policy"] = "cross-origin"  # loaded by the company's pages
    return response


def _error(error: DomainError) -> JsonResponse:
    if isinstance(error, NotFound):
        status = 404
    elif isinstance(error, Conflict):
        status = 409
    else:
        status = _STATUS.get(error.code, 400)
    response = JsonResponse(
        error_payload(error.code, error.message, error.fields),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-store"
    return response


def _bad_body(message: str, field: str = "__all__") -> DomainError:
    return DomainError(
        _("The report is not valid: %(problem)s") % {"problem": message},
        code="invalid_body",
        fields={field: [message]},
    )


def _parsed(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > BODY_MAX:
        raise _bad_body(_("it is too large."))
    try:
        body = json.loads(request.body.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _bad_body(_("it is not JSON.")) from exc
    if not isinstance(body, dict):
        raise _bad_body(_("it is not a JSON object."))
    click_ids = body.get("click_ids")
    if (
        not isinstance(click_ids, list)
        or not 1 <= len(click_ids) <= MAX_TOUCHES + 1
        or not all(isinstance(c, str) for c in click_ids)
    ):
        raise _bad_body(_("click_ids must list 1 to 21 click ids."), "click_ids")
    for name in ("type", "idempotency_key"):
        if not isinstance(body.get(name), str):
            raise _bad_body(_("%(field)s is missing.") % {"field": name}, name)
    for name in ("organization", "currency", "origin"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise _bad_body(_("%(field)s must be text.") % {"field": name}, name)
    value = body.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | Decimal)):
        raise _bad_body(_("value must be a number."), "value")
    return body


def _organization(body: dict[str, Any]) -> Organization:
    slug = body.get("organization") or ""
    if slug:
        found = Organization.objects.filter(slug=slug).first()
    else:
        organization_id = (
            Click.objects.filter(click_id=body["click_ids"][-1])
            .values_list("organization_id", flat=True)
            .first()
        )
        found = Organization.objects.filter(pk=organization_id).first() if organization_id else None
    if found is None:
        raise NotFound(
            _("No click with this id was made on your organization's links."), code="click_unknown"
        )
    return found


def _check_origin(request: HttpRequest, body: dict[str, Any], organization: Organization) -> None:
    allowed = (
        TrackingSettings.objects.filter(organization=organization)
        .values_list("allowed_origins", flat=True)
        .first()
    )
    if not allowed:
        return
    origin = origin_normalize(request.headers.get("Origin") or body.get("origin") or "")
    if origin not in allowed:
        raise DomainError(
            _("This site is not one your organization allows to report conversions."),
            code="origin_not_allowed",
        )


@csrf_exempt  # no cookie is read: a visitor's browser on the company's site calls it
@require_POST
def conversion_collect(request: HttpRequest) -> HttpResponse:
    try:
        body = _parsed(request)
        organization = _organization(body)
        _check_origin(request, body, organization)
        *touches, click_id = body["click_ids"]
        conversion_submit(
            actor=conversion_reporter(organization, "conversion snippet"),
            report=ConversionReport(
                click_id=click_id,
                type_key=body["type"],
                idempotency_key=body["idempotency_key"],
                value=body.get("value"),
                currency=body.get("currency"),
                touches=tuple(touches),
                source=Conversion.Source.SNIPPET,
            ),
        )
    except DomainError as error:
        return _error(error)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
