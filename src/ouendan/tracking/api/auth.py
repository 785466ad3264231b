"""Signed requests from the company's server: ``X-Ouendan-Signature`` (``tracking.signing``).

The organization is named by ``X-Ouendan-Organization`` (its slug) or, without that header, by
the click the body names. A good signature acts as a reporter that may only record
conversions.
"""

from __future__ import annotations

import json
import time

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader

from ouendan.accounts.crypto import decrypt
from ouendan.accounts.models import Organization
from ouendan.accounts.permissions import Actor
from ouendan.core.errors import DomainError
from ouendan.tracking.models import Click, TrackingSettings
from ouendan.tracking.services.conversions import conversion_reporter
from ouendan.tracking.signing import (
    ORGANIZATION_HEADER,
    SIGNATURE_HEADER,
    SignatureError,
    signature_verify,
)


def _refused(message: str, code: str = "signature_invalid") -> DomainError:
    return DomainError(message, code=code)


def _organization(request: HttpRequest) -> Organization | None:
    slug = request.headers.get(ORGANIZATION_HEADER, "").strip()
    if slug:
        return Organization.objects.filter(slug=slug).first()
    try:
        click_id = json.loads(request.body or b"{}").get("click_id")
    except (ValueError, AttributeError):
        return None
    if not isinstance(click_id, str) or not click_id:
        return None
    organization_id = (
        Click.objects.filter(click_id=click_id).values_list("organization_id", flat=True).first()
    )
    if organization_id is None:
        return None
    return Organization.objects.filter(pk=organization_id).first()


class SignatureAuth(APIKeyHeader):
    """``X-Ouendan-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">``."""

    param_name = SIGNATURE_HEADER
    openapi_description = (
        "An HMAC-SHA256 signature of the request made with the organization's signing secret: "
        '`X-Ouendan-Signature: t=<unix seconds>,v1=<hex of HMAC(secret, "<t>.<body>")>`, at '
        "most 5 minutes old. Name the organization with `X-Ouendan-Organization: <slug>` (or "
        "let the click in the body name it)."
    )

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if not key:
            return None
        organization = _organization(request)
        if organization is None and request.headers.get(ORGANIZATION_HEADER, "").strip():
            raise _refused(_("No organization has the code sent in X-Ouendan-Organization."))
        if organization is None:
            raise _refused(
                _(
                    "Name your organization with the X-Ouendan-Organization header: the "
                    "signature cannot be checked without it."
                )
            )
        found = TrackingSettings.objects.filter(organization=organization).first()
        if found is None or not found.signing_secret:
            raise _refused(_("Your organization has no signing secret: create one first."))
        try:
            signature_verify(
                key, body=request.body, secret=decrypt(found.signing_secret), now=time.time()
            )
        except SignatureError as error:
            if error.reason == "expired":
                raise _refused(
                    _("The signature's time is more than 5 minutes away from ours."),
                    code="signature_expired",
                ) from error
            raise _refused(_("The signature does not match the request.")) from error
        return conversion_reporter(organization, "signed request")
