"""``POST /api/v1/conversions``: who may report, what is credited, each refusal, idempotency,
signed requests, and reports that arrive before their click does."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ouendan.accounts.models import ApiToken, Membership, Organization
from ouendan.accounts.roles import Role
from ouendan.accounts.services.tokens import api_token_create
from ouendan.networks import Network
from ouendan.sharing.services.shares import ShareResult, share_create
from ouendan.tracking.capture import Visit, click_capture, new_click_id
from ouendan.tracking.journal import ClickJournal
from ouendan.tracking.links import link_record_load
from ouendan.tracking.models import (
    Click,
    Conversion,
    ConversionTouch,
    ConversionType,
    PendingConversion,
    TrackedLink,
)
from ouendan.tracking.selectors import conversion_types_ensure
from ouendan.tracking.services.conversions import PENDING_GRACE
from ouendan.tracking.services.settings import (
    TrackingRules,
    signing_secret_rotate,
    tracking_settings_update,
)
from ouendan.tracking.signing import signature_header
from ouendan.tracking.tasks import conversions_pending_resolve_task
from ouendan.tracking.visitors import salt_day, visitor_salt
from tests.api_client import Api, assert_error, token_for
from tests.factories import actor, make_person
from tests.tracking.conftest import (
    SHARER_ADDRESS,
    SHARER_AGENT,
    VISITOR_AGENT,
    click_on,
    conversions_token,
)
from tests.tracking.test_bots import CRAWLERS, PREVIEW_FETCHERS

pytestmark = pytest.mark.django_db

URL = "/conversions"


def body(click_id: str, key: str = "application-0001", **extra: object) -> dict[str, object]:
    return {"click_id": click_id, "type": "application", "idempotency_key": key, **extra}


@pytest.fixture
def site(admin: Membership) -> Api:
    """The careers site's server, with a token that only records conversions."""
    return Api(conversions_token(admin))


def test_a_conversion_is_credited_to_the_sharer_of_the_click(
    site: Api, click_id: str, link: TrackedLink, shared: ShareResult
):
    response = site.post(URL, body(click_id, value=5000))
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["type"] == "application" and answer["click_id"] == click_id
    assert answer["membership_id"] == link.membership_id == shared.share.membership_id
    assert (answer["share_id"], answer["content_id"], answer["network"]) == (
        shared.share.pk,
        link.content_id,
        "x",
    )
    assert (answer["value"], answer["currency"], answer["source"]) == ("5000.00", "JPY", "api")
    assert [t["click_id"] for t in answer["touches"]] == [click_id]
    conversion = Conversion.objects.get()
    assert conversion.click.click_id == click_id and conversion.link == link
    assert conversion.value == Decimal("5000.00")
    assert conversion.type.key == "application" and conversion.source == "api"
    assert ConversionTouch.objects.get().click_id == conversion.click_id


def test_the_value_defaults_to_the_type_and_the_campaign_is_the_contents(
    site: Api, click_id: str, org: Organization, admin: Membership, link: TrackedLink
):
    from ouendan.content.models import Campaign

    campaign = Campaign.objects.create(organization=org, name="新卒採用2027", slug="shinsotsu")
    link.content.campaign = campaign
    link.content.save(update_fields=["campaign"])
    site.post(URL, body(click_id))  # makes the built-in types
    ConversionType.objects.filter(organization=org, key="lead").update(default_value=1200)
    answer = site.post(URL, {**body(click_id, "lead-1"), "type": "lead"}).json()
    assert answer["value"] == "1200.00" and answer["campaign_id"] == campaign.pk


def test_the_same_idempotency_key_is_accepted_and_ignored(site: Api, click_id: str):
    first = site.post(URL, body(click_id, value=100))
    again = site.post(URL, body(click_id, value=999))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["value"] == "100.00"
    assert Conversion.objects.count() == 1 and ConversionTouch.objects.count() == 1


def test_an_unknown_click_is_refused_and_nothing_is_stored(site: Api, link: TrackedLink):
    made_long_ago = "AAAAAAAAAAAAAAAAAAAAAA"  # well-formed, but from 1970
    assert_error(site.post(URL, body(made_long_ago)), 404, "click_unknown")
    assert_error(site.post(URL, body("not a click")), 404, "click_unknown")
    assert not Conversion.objects.exists() and not PendingConversion.objects.exists()


@pytest.mark.parametrize(
    "agent",
    [CRAWLERS["Google"], PREVIEW_FETCHERS["X"], CRAWLERS["Headless Chrome"]],
    ids=["crawler", "preview", "headless"],
)
def test_a_bots_click_is_not_human(site: Api, link: TrackedLink, agent: str):
    error = assert_error(site.post(URL, body(click_on(link, agent=agent))), 400, "click_not_human")
    assert "click_id" in error["fields"]
    assert not Conversion.objects.exists()


def test_the_sharers_own_click_is_not_human(site: Api, link: TrackedLink):
    own = click_on(link, agent=SHARER_AGENT, address=SHARER_ADDRESS)
    assert Click.objects.get(click_id=own).is_self
    assert_error(site.post(URL, body(own)), 400, "click_not_human")


def test_a_click_older_than_the_window_has_expired(site: Api, click_id: str, admin: Membership):
    Click.objects.filter(click_id=click_id).update(at=timezone.now() - timedelta(days=31))
    error = assert_error(site.post(URL, body(click_id)), 400, "click_expired")
    assert "30" in error["message"]
    tracking_settings_update(
        actor=actor(admin),
        rules=TrackingRules(
            attribution_window_days=45,
            default_model="last_touch",
            half_life_days=7,
            allowed_origins=[],
        ),
    )
    assert site.post(URL, body(click_id)).status_code == 201


def test_an_unknown_or_inactive_type_is_refused(site: Api, click_id: str, org: Organization):
    error = assert_error(site.post(URL, {**body(click_id), "type": "nope"}), 400)
    assert error["code"] == "conversion_type_unknown" and "type" in error["fields"]
    conversion_types_ensure(org)
    ConversionType.objects.filter(organization=org, key="application").update(active=False)
    assert_error(site.post(URL, body(click_id)), 400, "conversion_type_unknown")
    assert not Conversion.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": "YEN1"}, "currency"),
        ({"value": -1}, "value"),
        ({"value": "1.234"}, "value"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"occurred_at": "2026-01-01T10:00:00"}, "occurred_at"),
        ({"touches": ["a"] * 21}, "touches"),
    ],
)
def test_a_malformed_body_is_422_and_stores_nothing(site: Api, click_id: str, change, field):
    error = assert_error(site.post(URL, {**body(click_id), **change}), 422, "invalid")
    assert field in error["fields"]
    assert not Conversion.objects.exists()


def test_a_conversion_in_the_future_or_before_its_click_is_refused(site: Api, click_id: str):
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    error = assert_error(site.post(URL, body(click_id, occurred_at=later)), 400, "invalid")
    assert "occurred_at" in error["fields"]
    earlier = (timezone.now() - timedelta(days=1)).isoformat()
    assert_error(site.post(URL, body(click_id, occurred_at=earlier)), 400, "invalid")
    assert not Conversion.objects.exists()


# --- Who may report ---------------------------------------------------------------------------


def test_a_conversions_token_can_do_nothing_else(site: Api, org: Organization):
    assert_error(site.get("/people"), 403, "permission_denied")
    assert_error(site.get("/conversion-types"), 403, "permission_denied")
    assert_error(site.get("/tracking-settings"), 403, "permission_denied")
    assert_error(site.post("/conversion-types", {"key": "x", "label": "x"}), 403)
    assert_error(site.get("/organization/tokens"), 403, "permission_denied")
    assert_error(site.get("/feed"), 403)


def test_an_admins_own_token_may_try_it_by_hand(admin: Membership, click_id: str):
    assert Api(token_for(admin)).post(URL, body(click_id)).status_code == 201


def test_other_roles_and_tokens_may_not_report(
    advocate: Membership, org: Organization, admin: Membership, click_id: str
):
    manager = make_person(org, roles=[Role.PROGRAM_MANAGER])
    for raw in (token_for(advocate), token_for(manager), token_for(admin, scopes=("read",))):
        assert_error(Api(raw).post(URL, body(click_id)), 403, "permission_denied")
    _token, raw = api_token_create(
        actor=actor(admin),
        kind=ApiToken.Kind.ORGANIZATION,
        name="レポート",
        scopes=["read", "write"],
        roles=[Role.PROGRAM_MANAGER],
    )
    assert_error(Api(raw).post(URL, body(click_id)), 403, "permission_denied")
    assert_error(Client().post(f"/api/v1{URL}", body(click_id), "application/json"), 401)
    assert not Conversion.objects.exists()


def test_another_organizations_token_does_not_know_the_click(
    other_admin: Membership, click_id: str
):
    theirs = Api(conversions_token(other_admin))
    assert_error(theirs.post(URL, body(click_id)), 404, "click_unknown")
    assert_error(Api(token_for(other_admin)).post(URL, body(click_id)), 404, "click_unknown")
    assert not Conversion.objects.exists()


def test_the_same_key_in_two_organizations_is_two_conversions(
    site: Api, click_id: str, other_admin: Membership, other_org: Organization
):
    from ouendan.governance.services.policy import policy_acknowledge, policy_publish
    from tests.sharing.conftest import live

    # Organization B has its own share and click; both use the key "application-0001".
    other_curator = make_person(other_org, roles=[Role.CURATOR, Role.PROGRAM_MANAGER])
    other_reviewer = make_person(other_org, roles=[Role.REVIEWER])
    item = live(actor(other_curator), actor(other_reviewer), url="https://other.example/jobs")
    policy_publish(actor=actor(other_admin), title="方針", body="誠実に。")
    sharer = make_person(other_org)
    policy_acknowledge(actor=actor(sharer))
    share = share_create(actor=actor(sharer), content_id=item.pk, network=Network.X, sharer=None)
    their_click = click_on(TrackedLink.objects.get(share=share.share))
    assert site.post(URL, body(click_id)).status_code == 201
    assert Api(conversions_token(other_admin)).post(URL, body(their_click)).status_code == 201
    assert Conversion.objects.count() == 2


# --- Signed requests ----------------------------------------------------------------------------


def signed(
    secret: str, payload: dict, *, organization: str | None = "mirai", at: float | None = None
) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(payload).encode()
    headers = {"X-Ouendan-Signature": signature_header(secret, raw, int(at or time.time()))}
    if organization:
        headers["X-Ouendan-Organization"] = organization
    return raw, headers


def post_signed(raw: bytes, headers: dict[str, str]):
    client = Client(headers={"Accept-Language": "en", **headers})
    return client.post(f"/api/v1{URL}", raw, content_type="application/json")


@pytest.fixture
def secret(admin: Membership) -> str:
    _settings, value = signing_secret_rotate(actor=actor(admin))
    return value


def test_a_signed_report_is_recorded(secret: str, click_id: str):
    response = post_signed(*signed(secret, body(click_id)))
    assert response.status_code == 201, response.content
    assert response.json()["membership_id"] == Conversion.objects.get().membership_id


def test_without_the_organization_header_the_click_names_the_organization(
    secret: str, click_id: str
):
    assert post_signed(*signed(secret, body(click_id), organization=None)).status_code == 201


def test_a_bad_signature_is_refused(secret: str, click_id: str):
    raw, headers = signed(secret, body(click_id))
    tampered = raw.replace(b"application-0001", b"application-0002")
    assert_error(post_signed(tampered, headers), 401, "signature_invalid")
    assert_error(post_signed(*signed("ouds_wrong", body(click_id))), 401, "signature_invalid")
    garbage = {"X-Ouendan-Signature": "v1=abc", "X-Ouendan-Organization": "mirai"}
    assert_error(post_signed(raw, garbage), 401, "signature_invalid")
    assert not Conversion.objects.exists()


def test_an_old_signature_is_refused_and_a_replay_counts_nothing(secret: str, click_id: str):
    stale = signed(secret, body(click_id), at=time.time() - 301)
    error = assert_error(post_signed(*stale), 401, "signature_expired")
    assert "5 minutes" in error["message"]
    fresh = signed(secret, body(click_id))
    assert post_signed(*fresh).status_code == 201
    replayed = post_signed(*fresh)  # the same request again, within the five minutes
    assert replayed.status_code == 200 and Conversion.objects.count() == 1


def test_a_rotated_secret_no_longer_signs(secret: str, admin: Membership, click_id: str):
    signing_secret_rotate(actor=actor(admin))
    assert_error(post_signed(*signed(secret, body(click_id))), 401, "signature_invalid")


def test_another_organizations_secret_does_not_sign_for_ours(
    other_admin: Membership, click_id: str, secret: str
):
    _settings, theirs = signing_secret_rotate(actor=actor(other_admin))
    # Their secret with our organization named, or with theirs: neither records our click.
    assert_error(post_signed(*signed(theirs, body(click_id))), 401, "signature_invalid")
    response = post_signed(*signed(theirs, body(click_id), organization="other"))
    assert_error(response, 404, "click_unknown")
    assert not Conversion.objects.exists()


def test_an_organization_without_a_secret_cannot_sign(click_id: str):
    assert_error(post_signed(*signed("ouds_x", body(click_id))), 401, "signature_invalid")


# --- Touches ---------------------------------------------------------------------------------


def test_earlier_clicks_of_the_visitor_are_touches_the_converting_click_last(
    site: Api, link: TrackedLink, sharer, promo, other_admin
):
    second = TrackedLink.objects.get(
        share=share_create(
            actor=sharer, content_id=promo.pk, network=Network.LINKEDIN, sharer=None
        ).share
    )
    first_click = click_on(link)
    bot_click = click_on(link, agent=CRAWLERS["Bing"])
    last_click = click_on(second)
    answer = site.post(
        URL, body(last_click, touches=[first_click, bot_click, "AAAAAAAAAAAAAAAAAAAAAA"])
    ).json()
    assert [t["click_id"] for t in answer["touches"]] == [first_click, last_click]
    assert [t["position"] for t in answer["touches"]] == [0, 1]
    assert answer["network"] == "linkedin" and answer["touches"][0]["network"] == "x"
    touches = list(ConversionTouch.objects.order_by("position"))
    assert [t.link_id for t in touches] == [link.pk, second.pk]
    assert [t.content_id for t in touches] == [link.content_id, promo.pk]


def test_touches_older_than_the_window_are_left_out(site: Api, link: TrackedLink):
    old, new = click_on(link), click_on(link, address="198.51.100.21")
    Click.objects.filter(click_id=old).update(at=timezone.now() - timedelta(days=40))
    answer = site.post(URL, body(new, touches=[old])).json()
    assert [t["click_id"] for t in answer["touches"]] == [new]


# --- Before the click reaches the database --------------------------------------------------


def test_a_report_that_arrives_before_its_click_waits_for_it(
    site: Api, link: TrackedLink, settings, tmp_path
):
    """On ASGI the redirect journals a click and the worker moves it into the database within
    a minute: a conversion reported meanwhile waits, and is recorded once the click is in."""
    settings.VAR_DIR = tmp_path
    record = link_record_load(link.code)
    now = timezone.now()
    day = salt_day(now)
    visit = Visit(method="GET", address="198.51.100.30", user_agent=VISITOR_AGENT)
    captured = click_capture(visit, record, salt=visitor_salt(day), day=day, now=now)
    journal = ClickJournal()
    journal.append(captured.row)  # answered: the click exists only in the journal

    waiting = site.post(URL, body(captured.click_id, value=300))
    assert waiting.status_code == 202 and waiting.json()["status"] == "pending"
    assert site.post(URL, body(captured.click_id)).status_code == 202  # asked again
    assert PendingConversion.objects.count() == 1 and not Conversion.objects.exists()

    journal.rotate()  # the journal closes (every second in the web process)
    assert conversions_pending_resolve_task.call() == 1
    assert not PendingConversion.objects.exists()
    conversion = Conversion.objects.get()
    assert conversion.click.click_id == captured.click_id and conversion.value == 300
    again = site.post(URL, body(captured.click_id))
    assert again.status_code == 200 and again.json()["id"] == conversion.pk


def test_a_waiting_report_whose_click_never_comes_is_dropped(site: Api, link: TrackedLink):
    made = timezone.now() - PENDING_GRACE + timedelta(minutes=1)
    click_id = new_click_id(made)
    assert site.post(URL, body(click_id)).status_code == 202
    from ouendan.tracking.services.conversions import conversions_pending_resolve

    assert conversions_pending_resolve() == (0, 0)  # still within the grace: it waits
    assert conversions_pending_resolve(now=timezone.now() + PENDING_GRACE) == (0, 1)
    assert not PendingConversion.objects.exists() and not Conversion.objects.exists()
    assert_error(site.post(URL, body(new_click_id(made - PENDING_GRACE))), 404, "click_unknown")


def test_a_waiting_report_is_checked_for_its_type_at_once(site: Api, link: TrackedLink):
    response = site.post(URL, {**body(new_click_id()), "type": "nope"})
    assert_error(response, 400, "conversion_type_unknown")
    assert not PendingConversion.objects.exists()


def test_a_signature_needs_to_know_the_organization(secret: str, click_id: str):
    unknown = signed(secret, body("AAAAAAAAAAAAAAAAAAAAAA"), organization=None)
    error = assert_error(post_signed(*unknown), 401, "signature_invalid")
    assert "X-Ouendan-Organization" in error["message"]
    nobody = signed(secret, body(click_id), organization="nobody")
    assert "X-Ouendan-Organization" in assert_error(post_signed(*nobody), 401)["message"]
