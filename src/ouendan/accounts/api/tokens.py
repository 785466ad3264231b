"""API tokens over the API: sign in for a token, and manage personal and organization tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema, Status
from pydantic import AwareDatetime, Field, model_validator

from ouendan.accounts.api_auth import request_actor
from ouendan.accounts.models import ApiToken
from ouendan.accounts.roles import Role
from ouendan.accounts.services import security as security_service
from ouendan.accounts.services import tokens as token_service
from ouendan.core.api import ErrorOut, Page, error_payload, error_responses, paginate
from ouendan.core.errors import DomainError

router = Router(tags=["tokens"])

# The HTTP status of each error ``POST /auth/token`` can answer with.
_SIGN_IN_STATUS = {
    "invalid_credentials": 401,
    "otp_required": 401,
    "invalid_otp": 401,
    "no_membership": 403,
    "two_factor_setup_required": 403,
    "throttled": 429,
}


# Errors every authenticated operation may answer with (shown in the OpenAPI document).
_READ_ERRORS = error_responses(400, 401, 403)
_WRITE_ERRORS = error_responses(400, 401, 403, 422)
_DELETE_ERRORS = error_responses(401, 403, 404)


# --- Schemas -------------------------------------------------------------------------------------


class TokenSignInIn(Schema):
    email: str = Field(max_length=254, examples=["hanako@example.co.jp"])
    password: str = Field(max_length=4096)
    otp: str | None = Field(
        default=None,
        max_length=32,
        description="The current code of the person's authenticator app, or a recovery code. "
        "Required when the person has two-factor authentication on.",
    )


class TokenSignInOut(Schema):
    token: str = Field(description="The bearer token (`oud_…`). It is shown only in this response.")
    expires_at: datetime = Field(description="When the token stops working (ISO 8601).")


class TokenOut(Schema):
    id: int
    kind: Literal["personal", "organization"]
    name: str
    prefix: str = Field(description="The start of the token (`oud_<prefix>_…`), to recognise it.")
    scopes: list[str]
    roles: list[str] = Field(description="Organization tokens only: the roles the token acts with.")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The bearer token (`oud_…`). It is shown only in this response.")


class PersonalTokenIn(Schema):
    name: str = Field(min_length=1, max_length=token_service.NAME_MAX_LENGTH)
    scopes: list[Literal["read", "write"]] = Field(
        default=["read"], min_length=1, description="`read`, or `read` and `write`."
    )
    expires_at: AwareDatetime | None = Field(
        default=None, description="When the token stops working; null or omitted: until revoked."
    )


class OrganizationTokenIn(PersonalTokenIn):
    scopes: list[Literal["read", "write", "conversions"]] = Field(  # type: ignore[assignment]
        default=["read"],
        min_length=1,
        description="`read`, or `read` and `write`; or `conversions` alone: the token may only "
        "record conversions (`POST /conversions`), for the company's site.",
    )
    roles: list[Role] = Field(
        default=[],
        description="The roles the token acts with (at least one); none for a `conversions` token.",
    )

    @model_validator(mode="after")
    def _roles_unless_conversions(self) -> OrganizationTokenIn:
        if not self.roles and "conversions" not in self.scopes:
            raise ValueError("give the token at least one role")
        return self


def _token_out(token: ApiToken, raw: str | None = None) -> dict[str, object]:
    data: dict[str, object] = {
        "id": token.pk,
        "kind": token.kind,
        "name": token.name,
        "prefix": token.prefix,
        "scopes": list(token.scopes),
        "roles": list(token.roles),
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
    }
    if raw is not None:
        data["token"] = raw
    return data


# --- Sign-in for a token -------------------------------------------------------------------------


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenSignInOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Sign in and get a personal token",
    description=(
        "Exchange an e-mail address and password (and `otp`, the authenticator code, when the "
        "person has two-factor authentication on) for a personal read-write token that expires "
        "after `OUENDAN_API_TOKEN_TTL_DAYS` (30 by default). The token acts for the person's first "
        "organization by name.\n\n"
        "Errors: `401 invalid_credentials`, `401 otp_required`, `401 invalid_otp`, "
        "`403 no_membership`, `403 two_factor_setup_required` (two-factor is required but not set "
        "up yet: do that on the website), `429 throttled` with `Retry-After` (too many failures "
        "for the account or from the client; the same lockout as the sign-in page)."
    ),
    operation_id="auth_token_create",
)
def auth_token(request: HttpRequest, payload: TokenSignInIn) -> HttpResponse | Status[dict]:
    try:
        token, raw = token_service.api_token_sign_in(
            email=payload.email,
            password=payload.password,
            otp=payload.otp,
            client=security_service.client_hash_for_request(request),
        )
    except DomainError as exc:
        status = _SIGN_IN_STATUS.get(exc.code, 400)
        response = JsonResponse(
            error_payload(exc.code, exc.message, exc.fields),
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
        if isinstance(exc, security_service.SignInThrottled):
            response["Retry-After"] = str(exc.retry_after)
        return response
    return Status(200, {"token": raw, "expires_at": token.expires_at})


# --- Personal tokens -----------------------------------------------------------------------------


@router.get(
    "/tokens",
    response={200: Page[TokenOut], **_READ_ERRORS},
    summary="List my tokens",
    description="The caller's own personal tokens that were not revoked, newest first.",
)
def personal_token_list(request: HttpRequest) -> dict:
    tokens = token_service.api_tokens_personal_list(actor=request_actor(request))
    return paginate(request, tokens, serialize=_token_out)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **_WRITE_ERRORS},
    summary="Create a personal token",
    description="The response holds the raw token (`token`); it cannot be read again later. "
    "A token can only create tokens with scopes it has itself; a read token cannot create any.",
)
def personal_token_create(request: HttpRequest, payload: PersonalTokenIn) -> Status[dict]:
    token, raw = token_service.api_token_create(
        actor=request_actor(request),
        kind=ApiToken.Kind.PERSONAL,
        name=payload.name,
        scopes=payload.scopes,
        expires_at=payload.expires_at,
    )
    return Status(201, _token_out(token, raw))


@router.delete(
    "/tokens/{token_id}",
    response={204: None, **_DELETE_ERRORS},
    summary="Revoke one of my tokens",
    description="The token stops working at once. Revoking twice is harmless.",
)
def personal_token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    token_service.api_token_revoke(
        actor=request_actor(request), token_id=token_id, kind=ApiToken.Kind.PERSONAL
    )
    return Status(204, None)


# --- Organization tokens -------------------------------------------------------------------------


@router.get(
    "/organization/tokens",
    response={200: Page[TokenOut], **_READ_ERRORS},
    summary="List the organization's tokens",
    description="Organization tokens that were not revoked, newest first. "
    "Organization admins only.",
)
def organization_token_list(request: HttpRequest) -> dict:
    tokens = token_service.api_tokens_organization_list(actor=request_actor(request))
    return paginate(request, tokens, serialize=_token_out)


@router.post(
    "/organization/tokens",
    response={201: TokenCreatedOut, **_WRITE_ERRORS},
    summary="Create an organization token",
    description="A token that belongs to no person and acts with the `roles` given. The response "
    "holds the raw token (`token`); it cannot be read again later. Organization admins only.",
)
def organization_token_create(request: HttpRequest, payload: OrganizationTokenIn) -> Status[dict]:
    token, raw = token_service.api_token_create(
        actor=request_actor(request),
        kind=ApiToken.Kind.ORGANIZATION,
        name=payload.name,
        scopes=payload.scopes,
        roles=[role.value for role in payload.roles],
        expires_at=payload.expires_at,
    )
    return Status(201, _token_out(token, raw))


@router.delete(
    "/organization/tokens/{token_id}",
    response={204: None, **_DELETE_ERRORS},
    summary="Revoke an organization token",
    description="The token stops working at once. Organization admins only.",
)
def organization_token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    token_service.api_token_revoke(
        actor=request_actor(request), token_id=token_id, kind=ApiToken.Kind.ORGANIZATION
    )
    return Status(204, None)
