"""The compliance scanner and its lists over the API."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from ouendan.accounts.api_auth import request_actor
from ouendan.core.api import error_responses
from ouendan.governance.compliance import CODES, ScanResult
from ouendan.governance.selectors import compliance_settings_get
from ouendan.governance.services.compliance import (
    LISTS,
    compliance_settings_update,
    compliance_text_scan,
)
from ouendan.networks import Network

router = Router(tags=["compliance"])

SeverityName = Literal["block", "warn", "info"]


class ScanIn(Schema):
    text: str = Field(max_length=10_000, examples=["新製品ミライアームが発売されました！"])
    network: Network | None = Field(
        default=None, description="Also check the length for this network."
    )
    promotional: bool = Field(
        default=False, description="The text promotes a product: a disclosure is required."
    )


class FindingOut(Schema):
    code: str = Field(description=f"One of {', '.join(f'`{c}`' for c in CODES)}.")
    severity: SeverityName
    start: int = Field(description="Offset in the text, in characters (Unicode code points).")
    end: int
    message: str = Field(description="Why it matters and what to do, in the caller's language.")
    excerpt: str = Field(description="The text found; empty when it concerns the whole text.")


class ScanOut(Schema):
    verdict: Literal["block", "warn", "pass"] = Field(
        description="`block` if any finding blocks, else `warn` if any warns, else `pass`."
    )
    findings: list[FindingOut]


def scan_out(result: ScanResult) -> dict[str, Any]:
    return {
        "verdict": result.verdict.value,
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "start": f.start,
                "end": f.end,
                "message": f.message,
                "excerpt": f.excerpt,
            }
            for f in result.findings
        ],
    }


@router.post(
    "/compliance/scan",
    response={200: ScanOut, **error_responses(400, 401, 403, 422)},
    summary="Check a text against the organization's compliance rules",
    description="Personal data (e-mail, Japanese phone numbers, マイナンバー, card numbers), the "
    "organization's confidential and blocked terms, sensitive topics, unsubstantiated claims, a "
    "missing disclosure on promotional text, links outside the allowed domains and, with "
    "`network`, the length. Nothing is stored. Anyone in the organization.",
)
def compliance_scan_api(request: HttpRequest, payload: ScanIn) -> dict[str, Any]:
    result = compliance_text_scan(
        actor=request_actor(request),
        text=payload.text,
        network=payload.network,
        promotional=payload.promotional,
    )
    return scan_out(result)


class ComplianceSettingsOut(Schema):
    confidential_terms: list[str]
    blocked_terms: list[str]
    product_names: list[str]
    disclosure_markers: list[str] = Field(description="Empty: the defaults (#PR, #広告, …).")
    allowed_domains: list[str] = Field(description="Empty: every domain is fine.")
    public_emails: list[str]
    public_phones: list[str]
    severities: dict[str, SeverityName] = Field(description="Rule code → severity, where changed.")


class ComplianceSettingsIn(Schema):
    """Each list sent replaces the list; lists not sent stay as they are."""

    confidential_terms: list[str] | None = None
    blocked_terms: list[str] | None = None
    product_names: list[str] | None = None
    disclosure_markers: list[str] | None = None
    allowed_domains: list[str] | None = None
    public_emails: list[str] | None = None
    public_phones: list[str] | None = None
    severities: dict[str, SeverityName] | None = None


def _settings_out(row: Any) -> dict[str, Any]:
    return {**{name: getattr(row, name) for name in LISTS}, "severities": row.severities}


@router.get(
    "/compliance/settings",
    response={200: ComplianceSettingsOut, **error_responses(401, 403)},
    summary="The organization's compliance lists",
    description="Reviewers and org admins.",
)
def compliance_settings_api(request: HttpRequest) -> dict[str, Any]:
    return _settings_out(compliance_settings_get(actor=request_actor(request)))


@router.patch(
    "/compliance/settings",
    response={200: ComplianceSettingsOut, **error_responses(400, 401, 403, 422)},
    summary="Change the organization's compliance lists",
    description="Each list sent replaces that list. Errors: `400 invalid` (an entry too long, "
    "a domain, address or number that is not one, an unknown rule or severity).",
)
def compliance_settings_update_api(
    request: HttpRequest, payload: ComplianceSettingsIn
) -> dict[str, Any]:
    actor = request_actor(request)
    sent = payload.model_dump(exclude_none=True)
    severities = sent.pop("severities", None)
    row = compliance_settings_update(actor=actor, lists=sent, severities=severities)
    return _settings_out(row)
