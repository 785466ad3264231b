"""The snippet (``GET /t.js``) and its collection endpoint (``POST /t/c``): what the company's
pages load, what the visitors' browsers send, the origin check, and bad bodies."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from ouendan.accounts.models import Membership, Organization
from ouendan.tracking.models import Conversion, ConversionTouch, TrackedLink
from ouendan.tracking.services.settings import TrackingRules, tracking_settings_update
from ouendan.tracking.snippet import STUB, stub_csp_source
from tests.factories import actor
from tests.tracking.conftest import click_on

pytestmark = pytest.mark.django_db

CAREERS = "https://careers.mirai.example"


def beacon(report: object, *, origin: str | None = CAREERS, raw: bytes | None = None):
    """What ``navigator.sendBeacon`` sends: a text/plain body, the page's Origin, no cookie."""
    headers = {"Origin": origin} if origin else {}
    data = raw if raw is not None else json.dumps(report).encode()
    return Client(headers=headers).post("/t/c", data, content_type="text/plain;charset=UTF-8")


def report(*click_ids: str, **extra: object) -> dict[str, object]:
    return {
        "organization": "mirai",
        "click_ids": list(click_ids),
        "type": "application",
        "idempotency_key": "0b7c6c0e-4a43-4d0e-9a55-3f2c6f3e3a11",
        "origin": CAREERS,
        **extra,
    }


def allow_origins(admin: Membership, *origins: str) -> None:
    tracking_settings_update(
        actor=actor(admin),
        rules=TrackingRules(
            attribution_window_days=30,
            default_model="last_touch",
            half_life_days=7,
            allowed_origins=list(origins),
        ),
    )


def error_code(response) -> str:
    body = response.json()
    assert set(body["error"]) == {"code", "message", "fields"} and body["error"]["message"]
    return body["error"]["code"]


# --- /t.js --------------------------------------------------------------------------------------


def test_the_snippet_is_small_cacheable_javascript_without_cookies(org: Organization, admin):
    allow_origins(admin)  # settings exist
    response = Client().get("/t.js?o=mirai")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert not response.cookies
    source = response.content.decode()
    assert len(source.encode()) < 6000
    config = json.loads(re.search(r"var C = (\{.*?\});", source).group(1))
    assert config == {"endpoint": "http://testserver/t/c", "organization": "mirai", "days": 30}
    for forbidden in ("eval(", "new Function", "document.cookie", 'setTimeout("', "innerHTML"):
        assert forbidden not in source
    assert "sendBeacon" in source and "keepalive: true" in source and "localStorage" in source


def test_the_snippet_carries_the_organizations_window(org: Organization, admin: Membership):
    tracking_settings_update(
        actor=actor(admin),
        rules=TrackingRules(
            attribution_window_days=90, default_model="linear", half_life_days=7, allowed_origins=[]
        ),
    )
    source = Client().get("/t.js?o=mirai").content.decode()
    assert '"days": 90' in source


def test_without_a_known_organization_the_snippet_still_works(db):
    for url in ("/t.js", "/t.js?o=nobody", "/t.js?o=%3Cscript%3E"):
        source = Client().get(url).content.decode()
        assert '"organization": ""' in source and '"days": 30' in source
        assert "<script" not in source


def test_the_stub_and_its_csp_hash_agree():
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(STUB.encode()).digest()).decode()
    assert stub_csp_source() == f"'sha256-{digest}'"
    assert "eval" not in STUB


# --- /t/c ---------------------------------------------------------------------------------------


def test_a_beacon_records_the_conversion_with_its_touches(link: TrackedLink, org: Organization):
    first, last = click_on(link), click_on(link, address="198.51.100.44")
    response = beacon(report(first, last, value=0))
    assert response.status_code == 204, response.content
    assert response["Cache-Control"] == "no-store"
    conversion = Conversion.objects.get()
    assert conversion.source == "snippet" and conversion.click.click_id == last
    assert conversion.membership_id == link.membership_id
    assert [t.click.click_id for t in ConversionTouch.objects.order_by("position")] == [first, last]


def test_the_same_beacon_twice_is_one_conversion(click_id: str):
    assert beacon(report(click_id)).status_code == 204
    assert beacon(report(click_id)).status_code == 204
    assert Conversion.objects.count() == 1


def test_without_the_organization_the_click_names_it(click_id: str):
    data = report(click_id)
    del data["organization"]
    assert beacon(data).status_code == 204 and Conversion.objects.count() == 1


def test_another_organizations_slug_does_not_know_our_click(click_id: str, other_org):
    response = beacon(report(click_id, organization="other"))
    assert response.status_code == 404 and error_code(response) == "click_unknown"
    assert not Conversion.objects.exists()


def test_only_allowed_origins_may_report(click_id: str, admin: Membership):
    allow_origins(admin, "https://Careers.Mirai.example/", "https://www.mirai.example")
    refused = beacon(report(click_id), origin="https://evil.example")
    assert refused.status_code == 403 and error_code(refused) == "origin_not_allowed"
    headerless = beacon(report(click_id, origin="https://evil.example"), origin=None)
    assert headerless.status_code == 403
    nothing = beacon({k: v for k, v in report(click_id).items() if k != "origin"}, origin=None)
    assert nothing.status_code == 403
    assert not Conversion.objects.exists()
    assert beacon(report(click_id)).status_code == 204  # https://careers.mirai.example
    assert Conversion.objects.count() == 1


def test_an_origin_in_the_body_counts_when_the_browser_sent_none(click_id, admin: Membership):
    allow_origins(admin, CAREERS)
    assert beacon(report(click_id), origin=None).status_code == 204


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"not json", "__all__"),
        (b"[1, 2]", "__all__"),
        (b"\xff\xfe", "__all__"),
        (json.dumps({"type": "application", "idempotency_key": "k"}).encode(), "click_ids"),
        (json.dumps({**report("x"), "click_ids": []}).encode(), "click_ids"),
        (json.dumps({**report("x"), "click_ids": ["a"] * 22}).encode(), "click_ids"),
        (json.dumps({**report("x"), "click_ids": [1]}).encode(), "click_ids"),
        (json.dumps({k: v for k, v in report("x").items() if k != "type"}).encode(), "type"),
        (json.dumps({**report("x"), "value": "1000"}).encode(), "value"),
        (json.dumps({**report("x"), "value": True}).encode(), "value"),
        (json.dumps({**report("x"), "currency": 3}).encode(), "currency"),
        (b"{" + b" " * 9000 + b"}", "__all__"),
    ],
)
def test_a_bad_body_is_refused_clearly(click_id: str, raw: bytes, field: str):
    response = beacon(None, raw=raw)
    assert response.status_code == 400
    assert error_code(response) == "invalid_body"
    assert field in response.json()["error"]["fields"]
    assert not Conversion.objects.exists()


def test_the_rules_of_the_api_apply(click_id: str, link: TrackedLink):
    from tests.tracking.test_bots import CRAWLERS

    cases = [
        (report("AAAAAAAAAAAAAAAAAAAAAA"), 404, "click_unknown"),
        (report(click_on(link, agent=CRAWLERS["Google"])), 400, "click_not_human"),
        (report(click_id, type="nope"), 400, "conversion_type_unknown"),
        (report(click_id, value=-5), 400, "invalid"),
        (report(click_id, currency="円"), 400, "invalid"),
        (report(click_id, idempotency_key="has space"), 400, "invalid"),
    ]
    for data, status, code in cases:
        response = beacon(data)
        assert (response.status_code, error_code(response)) == (status, code), data
    assert not Conversion.objects.exists()


def test_only_post_is_accepted(db):
    assert Client().get("/t/c").status_code == 405
    assert Client().put("/t/c", "{}").status_code == 405


def test_a_beacon_needs_no_csrf_token_and_sets_no_cookie(click_id: str):
    client = Client(enforce_csrf_checks=True, headers={"Origin": CAREERS})
    response = client.post("/t/c", json.dumps(report(click_id)), content_type="text/plain")
    assert response.status_code == 204 and not response.cookies
