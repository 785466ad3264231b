"""The JSON API at ``/api/v1/``: one NinjaAPI, one error schema, routers from each app."""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.renderers import JSONRenderer

from ouendan.accounts.api import router as accounts_router
from ouendan.accounts.api_auth import SessionAuth, TokenAuth
from ouendan.analytics.api import router as analytics_router
from ouendan.content.api import router as content_router
from ouendan.core.api import error_payload
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.engagement.api import router as engagement_router
from ouendan.governance.api import router as governance_router
from ouendan.integrations.api import router as integrations_router
from ouendan.sharing.api import router as sharing_router
from ouendan.tracking.api import router as tracking_router

logger = logging.getLogger("ouendan.api")


class Utf8JSONRenderer(JSONRenderer):
    """Japanese stays readable in responses (UTF-8) instead of ``\\uXXXX`` escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    title="Ouendan API",
    version="1",
    description=(
        "Ouendan's JSON API. Authenticate with `Authorization: Bearer <token>` (get one from "
        "`POST /api/v1/auth/token`) or the browser session. Every error has the shape "
        '`{"error": {"code", "message", "fields"}}`; list endpoints take `page` and `page_size`.'
    ),
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, code: str, message: str, fields=None) -> HttpResponse:  # type: ignore[no-untyped-def]
    return api.create_response(request, error_payload(code, message, fields), status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        status = 404
    elif isinstance(exc, Conflict):
        status = 409
    else:
        status = {
            "permission_denied": 403,
            "throttled": 429,
            "compliance_blocked": 422,
            "signature_invalid": 401,
            "signature_expired": 401,
        }.get(exc.code, 400)
    payload = error_payload(exc.code, exc.message, exc.fields)
    payload["error"].update(exc.extra)
    return api.create_response(request, payload, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [
            str(part)
            for part in item.get("loc", [])
            if part not in ("body", "query", "path", "payload")
        ]
        fields.setdefault(".".join(loc) or "__all__", []).append(str(item.get("msg", "")))
    return _error(request, 422, "invalid", _("Some fields are not valid."), fields)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "permission_denied", _("You do not have permission to do this."))


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = _error(request, 429, "throttled", _("Too many requests. Try again later."))
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals (CSRF, unreadable body) in our schema and the caller's language."""
    detail = str(exc)
    if exc.status_code == 403 and detail.startswith("CSRF"):
        return _error(
            request,
            403,
            "csrf_failed",
            _(
                "The CSRF check failed: send the X-CSRFToken header with the value of the "
                "csrftoken cookie, or use an API token instead of the session."
            ),
        )
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        return _error(request, 400, "invalid_body", _("The request body is not valid JSON."))
    code = {400: "bad_request", 403: "permission_denied", 404: "not_found"}.get(
        exc.status_code, "error"
    )
    return _error(request, exc.status_code, code, detail)


api.add_router("/", accounts_router)
api.add_router("/", content_router)
api.add_router("/", governance_router)
api.add_router("/", sharing_router)
api.add_router("/", integrations_router)
api.add_router("/", engagement_router)
api.add_router("/", analytics_router)
api.add_router("/", tracking_router)
