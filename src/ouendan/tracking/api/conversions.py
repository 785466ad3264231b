"""``POST /conversions``: the company's server reports a conversion (an application, a
document request…) credited to the click that brought the visitor."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import AwareDatetime, Field

from ouendan.accounts.api_auth import SessionAuth, TokenAuth, request_actor
from ouendan.core.api import error_responses
from ouendan.tracking.api.auth import SignatureAuth
from ouendan.tracking.models import Conversion
from ouendan.tracking.services.conversions import (
    MAX_TOUCHES,
    ConversionReport,
    conversion_submit,
)

router = Router(tags=["conversions"])

DESCRIPTION = """\
Record that a visitor who came through an employee's tracked link converted on your site. Name
the click with `click_id`: the `oud_cid` parameter the visitor's landing URL carried (keep it
from the landing page to the conversion, e.g. in the session of your careers site).

**Authentication**, one of:

* an organization token with the scope `conversions` (it can do nothing else; create it under
  Organization → API tokens with "Record conversions only" and no role);
* a signature: `X-Ouendan-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
  keyed with the signing secret from the conversion settings page, at most 5 minutes old, and
  `X-Ouendan-Organization: <your organization's slug>` (without it, the click names the
  organization);
* an org admin's own token or session (to try it by hand).

**Answers.** `201` with the conversion when it is new; `200` with the existing one when the
`idempotency_key` was already used (send the same key when you retry: nothing is counted twice);
`202` with `status: "pending"` when the click was made in the last few minutes and has not
reached the database yet (clicks arrive within about a minute): the conversion is recorded as
soon as the click does, and repeating the request with the same key answers `202` until then,
then `200`.

**Errors.** `404 click_unknown` (no such click in your organization; another organization's
click is unknown too), `400 click_not_human` (a bot's, a link preview's or the sharer's own
click), `400 click_expired` (the click is older than the attribution window),
`400 conversion_type_unknown` (no active type with that key), `400 invalid` (a field, named in
`fields`), `401 signature_invalid` / `401 signature_expired`, `403 permission_denied`,
`422 invalid` (the body does not match the schema)."""


class ConversionIn(Schema):
    click_id: str = Field(
        min_length=1,
        max_length=64,
        description="The click that brought the visitor: the `oud_cid` of their landing URL.",
        examples=["AZLw6fDTqD9xk1tYq_m2Aw"],
    )
    type: str = Field(
        min_length=1,
        max_length=40,
        description="The conversion type's key: `application` (応募), `lead` (資料請求), "
        "`inquiry` (問い合わせ), `sign_up`, `purchase`, or one of your own.",
        examples=["application"],
    )
    value: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=14,
        decimal_places=2,
        description="What the conversion is worth; omitted: the type's default value.",
    )
    currency: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z]{3}$",
        description="ISO 4217 code; omitted: `JPY`.",
    )
    idempotency_key: str = Field(
        min_length=1,
        max_length=100,
        description="Your own unique id of this conversion (e.g. the application number): a "
        "second request with the same key records nothing more. Printable ASCII, no spaces.",
        examples=["application-2026-000123"],
    )
    occurred_at: AwareDatetime | None = Field(
        default=None, description="When it happened (with an offset); omitted: now."
    )
    touches: list[str] = Field(
        default=[],
        max_length=MAX_TOUCHES,
        description="Extension: click ids of the visitor's earlier visits, oldest first. Those "
        "of your organization, made by people and within the window are credited as earlier "
        "touches (see attribution); others are ignored.",
    )


class TouchOut(Schema):
    click_id: str
    at: datetime
    position: int = Field(description="0 for the oldest; the converting click is the last.")
    share_id: int
    content_id: int
    membership_id: int = Field(description="The employee whose share it was.")
    network: str


class ConversionOut(Schema):
    id: int
    type: str
    click_id: str
    value: Decimal
    currency: str
    idempotency_key: str
    occurred_at: datetime
    created_at: datetime
    source: Literal["snippet", "api"]
    share_id: int = Field(description="The share credited (the converting click's link).")
    content_id: int
    membership_id: int = Field(description="The employee who shared the link.")
    network: str
    campaign_id: int | None = Field(description="The content's campaign, if any.")
    touches: list[TouchOut]


class PendingOut(Schema):
    status: Literal["pending"]
    click_id: str
    idempotency_key: str
    message: str


def conversion_out(conversion: Conversion) -> dict[str, Any]:
    touches = conversion.touches.select_related("click", "link").order_by("position")
    return {
        "id": conversion.pk,
        "type": conversion.type.key,
        "click_id": conversion.click.click_id,
        "value": conversion.value,
        "currency": conversion.currency,
        "idempotency_key": conversion.idempotency_key,
        "occurred_at": conversion.occurred_at,
        "created_at": conversion.created_at,
        "source": conversion.source,
        "share_id": conversion.link.share_id,
        "content_id": conversion.content_id,
        "membership_id": conversion.membership_id,
        "network": conversion.network,
        "campaign_id": conversion.campaign_id,
        "touches": [
            {
                "click_id": touch.click.click_id,
                "at": touch.at,
                "position": touch.position,
                "share_id": touch.link.share_id,
                "content_id": touch.content_id,
                "membership_id": touch.membership_id,
                "network": touch.network,
            }
            for touch in touches
        ],
    }


@router.post(
    "/conversions",
    auth=[TokenAuth(), SignatureAuth(), SessionAuth(csrf=True)],
    response={
        200: ConversionOut,
        201: ConversionOut,
        202: PendingOut,
        **error_responses(400, 401, 403, 404, 422, 429),
    },
    summary="Record a conversion",
    description=DESCRIPTION,
)
def conversion_record_api(request: HttpRequest, payload: ConversionIn) -> Status[dict[str, Any]]:
    submitted = conversion_submit(
        actor=request_actor(request),
        report=ConversionReport(
            click_id=payload.click_id,
            type_key=payload.type,
            idempotency_key=payload.idempotency_key,
            value=payload.value,
            currency=payload.currency,
            occurred_at=payload.occurred_at,
            touches=tuple(payload.touches),
            source=Conversion.Source.API,
        ),
    )
    if submitted.conversion is None:
        assert submitted.pending is not None
        return Status(
            202,
            {
                "status": "pending",
                "click_id": submitted.pending.click_id,
                "idempotency_key": submitted.pending.idempotency_key,
                "message": _(
                    "The click has not reached Ouendan yet; the conversion is recorded as soon "
                    "as it does."
                ),
            },
        )
    return Status(201 if submitted.created else 200, conversion_out(submitted.conversion))
