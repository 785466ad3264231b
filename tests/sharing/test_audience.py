"""Follower counts (potential reach): entered by the person, checked, carried by each share, and
kept to the person and their organization. Counts reported by connected accounts:
``tests/integrations/test_audience.py``."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation

from ouendan.accounts.crypto import secret_hash
from ouendan.accounts.models import ApiToken, AuditEvent, Membership, Organization
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.networks import Network
from ouendan.sharing.models import NetworkAudience, Share
from ouendan.sharing.selectors import audience_mine
from ouendan.sharing.services.audience import (
    FOLLOWERS_MAX,
    audience_release,
    audience_set,
    audience_update,
)
from ouendan.sharing.services.shares import share_create
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.factories import OrganizationFactory, actor, make_person

pytestmark = pytest.mark.django_db


def counts(membership: Membership) -> dict[str, tuple[int, str]]:
    return {
        a.network: (a.followers, a.source)
        for a in NetworkAudience.objects.filter(membership=membership)
    }


# --- The service ------------------------------------------------------------------------------


def test_entered_counts_become_the_reach_of_each_share(sharer: Actor, item: ContentItem):
    audience_update(actor=sharer, counts={"x": 1200, "linkedin": 340})
    x = share_create(actor=sharer, content_id=item.pk, network=Network.X).share
    assert x.reach == 1200
    unknown = share_create(actor=sharer, content_id=item.pk, network=Network.FACEBOOK).share
    assert unknown.reach is None
    # A later count does not rewrite what past shares could reach…
    audience_update(actor=sharer, counts={"x": 1500})
    x.refresh_from_db()
    assert x.reach == 1200
    # …but tapping the same item again before posting reuses the share with today's count.
    again = share_create(actor=sharer, content_id=item.pk, network=Network.X).share
    assert again.pk == x.pk and again.reach == 1500
    # Empty forgets an entered count: the next shares' reach is unknown.
    audience_update(actor=sharer, counts={"linkedin": None})
    linkedin = share_create(actor=sharer, content_id=item.pk, network=Network.LINKEDIN).share
    assert linkedin.reach is None
    assert counts(sharer.membership) == {"x": (1500, "self")}  # type: ignore[arg-type]
    actions = list(
        AuditEvent.objects.filter(action__startswith="audience.")
        .order_by("seq")
        .values_list("action")
    )
    assert actions == [("audience.set",)] * 3 + [("audience.cleared",)]


@pytest.mark.parametrize("bad", [-1, FOLLOWERS_MAX + 1])
def test_out_of_range_changes_nothing(sharer: Actor, bad: int):
    audience_update(actor=sharer, counts={"x": 10})
    with pytest.raises(DomainError) as caught:
        audience_update(actor=sharer, counts={"x": 20, "threads": bad})
    assert set(caught.value.fields) == {"threads"}
    assert counts(sharer.membership) == {"x": (10, "self")}  # type: ignore[arg-type]
    assert audience_update(actor=sharer, counts={"threads": FOLLOWERS_MAX})  # the bounds are in
    assert audience_update(actor=sharer, counts={"threads": 0})


def test_messages_are_in_the_persons_language(sharer: Actor):
    for language, message, field in (
        ("en", "Check the numbers.", "Enter a number from 0 to 100,000,000."),
        ("ja", "数値を確認してください。", "0〜100,000,000の数値を入力してください。"),
    ):
        with translation.override(language), pytest.raises(DomainError) as caught:
            audience_update(actor=sharer, counts={"x": -5})
        assert caught.value.message == message
        assert caught.value.fields == {"x": [field]}


def test_a_count_the_network_reports_wins_while_connected(sharer: Actor, item: ContentItem):
    membership = sharer.membership
    assert membership is not None
    audience_update(actor=sharer, counts={"bluesky": 50})
    audience_set(
        actor=sharer, membership=membership, network="bluesky", followers=321, source="network"
    )
    with pytest.raises(Conflict) as refused:
        audience_update(actor=sharer, counts={"bluesky": 999})
    assert refused.value.code == "audience_reported" and "bluesky" in refused.value.fields
    audience_update(actor=sharer, counts={"bluesky": 321})  # sent back as shown: accepted
    (row,) = [r for r in audience_mine(actor=sharer) if r.network == "bluesky"]
    assert (row.followers, row.source, row.connected, row.used) == (321, "network", True, True)
    assert share_create(actor=sharer, content_id=item.pk, network="bluesky").share.reach == 321
    # Disconnected: the last reported count stays, and the person may correct it.
    audience_release(membership_id=membership.pk, network="bluesky")
    audience_update(actor=sharer, counts={"bluesky": 400})
    assert counts(membership) == {"bluesky": (400, "self")}


def test_the_network_does_not_tell_and_nothing_is_learned(sharer: Actor):
    membership = sharer.membership
    assert membership is not None
    assert (
        audience_set(
            actor=sharer, membership=membership, network="linkedin", followers=None,
            source="network",
        )
        is None
    )  # fmt: skip
    assert not NetworkAudience.objects.exists()
    # A celebrity's count is not refused when the network reports it.
    audience_set(
        actor=sharer, membership=membership, network="x", followers=250_000_000, source="network"
    )
    assert counts(membership) == {"x": (250_000_000, "network")}


def test_each_person_enters_only_their_own(sharer: Actor, org: Organization):
    colleague = make_person(org)
    with pytest.raises(PermissionDenied):
        audience_set(actor=sharer, membership=colleague, network="x", followers=5, source="self")
    stranger = make_person(OrganizationFactory())
    with pytest.raises(NotFound):
        audience_set(actor=sharer, membership=stranger, network="x", followers=5, source="network")
    assert not NetworkAudience.objects.exists()


# --- The API ----------------------------------------------------------------------------------


@pytest.fixture
def api(sharer: Actor, advocate: Membership) -> Api:
    return Api(token_for(advocate))


def test_api_reads_and_writes_the_callers_counts(api: Api, item: ContentItem):
    before = api.get("/me/audience")
    assert before.status_code == 200
    networks = before.json()["networks"]
    assert [n["network"] for n in networks][:2] == ["x", "linkedin"] and len(networks) == 8
    assert networks[0] == {
        "network": "x", "label": "X", "followers": None, "source": None, "learned_at": None,
        "editable": True,
    }  # fmt: skip
    saved = api.put("/me/audience", {"networks": [{"network": "x", "followers": 1200}]})
    assert saved.status_code == 200
    x = saved.json()["networks"][0]
    assert (x["followers"], x["source"], x["editable"]) == (1200, "self", True)
    assert x["learned_at"]
    created = api.post(f"/content/{item.pk}/shares", {"network": "x"}).json()
    assert api.get(f"/shares/{created['id']}").json()["reach"] == 1200
    forgotten = api.put("/me/audience", {"networks": [{"network": "x", "followers": None}]})
    assert forgotten.json()["networks"][0]["followers"] is None


def test_api_errors_name_the_field_in_the_callers_language(api: Api, advocate: Membership):
    api.put("/me/audience", {"networks": [{"network": "x", "followers": 7}]})
    body = {"networks": [{"network": "x", "followers": 8}, {"network": "line", "followers": -1}]}
    error = assert_error(api.put("/me/audience", body), 400, "invalid")
    assert error["message"] == "Check the numbers."
    assert error["fields"] == {"line": ["Enter a number from 0 to 100,000,000."]}
    japanese = Client(
        headers={"Authorization": f"Bearer {token_for(advocate)}", "Accept-Language": "ja"}
    )
    answer = japanese.put("/api/v1/me/audience", body, content_type="application/json")
    error = assert_error(answer, 400, "invalid")
    assert error["fields"] == {"line": ["0〜100,000,000の数値を入力してください。"]}
    assert counts(advocate) == {"x": (7, "self")}
    assert_error(api.put("/me/audience", {"networks": [{"network": "fax", "followers": 1}]}), 422)


def test_api_refuses_a_count_the_network_reports(api: Api, sharer: Actor, advocate: Membership):
    audience_set(actor=sharer, membership=advocate, network="x", followers=2024, source="network")
    network = api.get("/me/audience").json()["networks"][0]
    assert (network["source"], network["editable"]) == ("network", False)
    body = {"networks": [{"network": "x", "followers": 3000}]}
    assert_error(api.put("/me/audience", body), 409, "audience_reported")
    assert counts(advocate) == {"x": (2024, "network")}


def test_api_who_may(advocate: Membership, sharer: Actor, org: Organization):
    audience_update(actor=sharer, counts={"x": 1200})
    reader = Api(token_for(advocate, scopes=("read",)))
    assert reader.get("/me/audience").status_code == 200
    assert_error(reader.put("/me/audience", {"networks": [{"network": "x", "followers": 1}]}), 403)
    raw = "oud_org-token-audience"
    ApiToken.objects.create(
        organization=org, kind="organization", name="bot", prefix=raw[:8],
        key_hash=secret_hash(raw), scopes=["read", "write"], roles=["org_admin"],
    )  # fmt: skip
    organization = Api(raw)
    assert_error(organization.get("/me/audience"), 400, "person_required")
    body = {"networks": [{"network": "x", "followers": 1}]}
    assert_error(organization.put("/me/audience", body), 400, "person_required")
    assert counts(advocate) == {"x": (1200, "self")}


def test_another_organization_sees_and_changes_only_its_own(advocate: Membership, sharer: Actor):
    audience_update(actor=sharer, counts={"x": 4321})
    other = OrganizationFactory()
    outsider = make_person(other)
    theirs = Api(token_for(outsider))
    assert all(n["followers"] is None for n in theirs.get("/me/audience").json()["networks"])
    theirs.put("/me/audience", {"networks": [{"network": "x", "followers": 9}]})
    assert counts(advocate) == {"x": (4321, "self")}
    assert counts(outsider) == {"x": (9, "self")}
    assert NetworkAudience.objects.get(membership=outsider).organization_id == other.pk


# --- The pages --------------------------------------------------------------------------------


@pytest.fixture
def page(sharer: Actor, advocate: Membership) -> Client:
    return signed_in(advocate, language="en")


def test_the_profile_page_edits_the_counts(page: Client, advocate: Membership, sharer: Actor):
    html = page.get("/feed/profile/").content.decode()
    assert "Followers on each network" in html and 'name="followers-x"' in html
    assert "Other networks" not in html  # nothing used yet: every network in the open
    response = page.post("/feed/profile/", {"followers-x": "1,200", "followers-line": "３４０"})
    assert response.status_code == 302 and response["Location"] == "/feed/profile/"
    assert counts(advocate) == {"x": (1200, "self"), "line": (340, "self")}
    html = page.get("/feed/profile/").content.decode()
    assert "Saved." in html and 'value="1200"' in html and "Entered by you" in html
    assert "<summary>Other networks</summary>" in html  # the networks not used yet
    page.post("/feed/profile/", {"followers-x": "", "followers-line": "340"})
    assert counts(advocate) == {"line": (340, "self")}


def test_the_profile_page_explains_errors_and_keeps_what_was_typed(
    page: Client, advocate: Membership, sharer: Actor
):
    audience_update(actor=sharer, counts={"x": 10})
    response = page.post(
        "/feed/profile/",
        {"followers-x": "20", "followers-threads": "many", "followers-line": "100000001"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Check the numbers." in html and "Enter whole numbers." in html
    assert 'value="many"' in html and 'aria-invalid="true"' in html
    assert counts(advocate) == {"x": (10, "self")}
    response = page.post("/feed/profile/", {"followers-line": "100000001"})
    assert "Enter a number from 0 to 100,000,000." in response.content.decode()
    japanese = signed_in(advocate, language="ja")
    response = japanese.post("/feed/profile/", {"followers-x": "-3"})
    assert "0〜100,000,000の数値を入力してください。" in response.content.decode()
    assert counts(advocate) == {"x": (10, "self")}


def test_a_reported_count_is_shown_and_cannot_be_edited(
    page: Client, advocate: Membership, sharer: Actor
):
    audience_set(actor=sharer, membership=advocate, network="x", followers=2024, source="network")
    html = page.get("/feed/profile/").content.decode()
    assert "Reported by the network" in html and "It updates by itself." in html
    assert 'id="followers-x" value="2024"' in html and "disabled" in html
    # A disabled field is not sent; a forged one is ignored, never stored.
    page.post("/feed/profile/", {"followers-x": "5"})
    assert counts(advocate) == {"x": (2024, "network")}


def test_the_reach_is_shown_with_the_share(
    page: Client, sharer: Actor, item: ContentItem, advocate: Membership
):
    audience_update(actor=sharer, counts={"x": 1234})
    share = share_create(actor=sharer, content_id=item.pk, network=Network.X).share
    unknown = share_create(actor=sharer, content_id=item.pk, network=Network.LINE).share
    html = page.get("/feed/impact/").content.decode()
    assert "Potential reach" in html and '<td class="num">1234</td>' in html
    assert "your followers on that network when you shared" in html
    assert 'href="/feed/profile/"' in html
    assert "1234 followers" in page.get(f"/feed/shares/{share.pk}/").content.decode()
    assert "Unknown" in page.get(f"/feed/shares/{unknown.pk}/").content.decode()
    assert Share.objects.get(pk=unknown.pk).reach is None


def test_each_person_sees_only_their_own_counts(org: Organization, advocate: Membership):
    colleague = make_person(org)
    audience_update(actor=actor(advocate), counts={"x": 777})
    mine = signed_in(advocate, language="en").get("/feed/profile/").content.decode()
    assert 'value="777"' in mine
    html = signed_in(colleague, language="en").get("/feed/profile/").content.decode()
    # The count as a field's value or a figure (not inside a random CSRF token).
    assert 'value="777"' not in html and not re.search(r"\b777\b", html)
