"""The social-media policy: versions, safe rendering, acknowledgments (asked again for a new
version), the API, the pages and the CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from ouendan.accounts.models import AuditEvent
from ouendan.accounts.roles import Role
from ouendan.core.errors import Conflict, DomainError, NotFound
from ouendan.governance.selectors import policy_pending_advocates, policy_status
from ouendan.governance.services.policy import policy_acknowledge, policy_publish, policy_render
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.factories import actor, make_person

BODY = "# はじめに\n\n- 自分の言葉で\n- **個人情報**は書かない\n"


@pytest.fixture
def legal(org):
    return make_person(org, roles=[Role.REVIEWER], full_name="法務 太郎")


def test_markdown_is_rendered_safely_with_headings_below_the_pages_own():
    html = policy_render(
        "# 見出し\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[ok](https://e.example) [bad](javascript:alert(1))"
    )
    assert "<h2>見出し</h2>" in html
    assert "<script" not in html and "<img" not in html and "onerror" not in html.split("&lt;")[0]
    assert '<a href="https://e.example" rel="noopener noreferrer">ok</a>' in html
    assert 'href="javascript' not in html


def test_publishing_and_acknowledging(legal, advocate):
    status = policy_status(actor=actor(advocate))
    assert status.current is None and status.acknowledged  # nothing to accept yet
    with pytest.raises(NotFound):
        policy_acknowledge(actor=actor(advocate))
    first = policy_publish(actor=actor(legal), title="ガイドライン", body=BODY, changes="初版")
    assert first.number == 1
    assert not policy_status(actor=actor(advocate)).acknowledged
    assert policy_pending_advocates(actor=actor(legal)) == 1
    policy_acknowledge(actor=actor(advocate), version=1)
    policy_acknowledge(actor=actor(advocate))  # twice is harmless
    assert policy_status(actor=actor(advocate)).acknowledged
    assert policy_pending_advocates(actor=actor(legal)) == 0
    second = policy_publish(actor=actor(legal), title="ガイドライン", body=BODY + "- 追記\n")
    assert second.number == 2
    assert not policy_status(actor=actor(advocate)).acknowledged  # asked again
    with pytest.raises(Conflict):
        policy_acknowledge(actor=actor(advocate), version=1)
    actions = list(
        AuditEvent.objects.filter(action__startswith="policy.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["policy.published", "policy.acknowledged", "policy.published"]


def test_only_the_program_team_and_legal_publish(org, advocate):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        policy_publish(actor=actor(advocate), title="x", body="y")
    curator = make_person(org, roles=[Role.CURATOR])
    with pytest.raises(PermissionDenied):
        policy_publish(actor=actor(curator), title="x", body="y")
    pm = make_person(org, roles=[Role.PROGRAM_MANAGER])
    assert policy_publish(actor=actor(pm), title="x", body="y").number == 1
    with pytest.raises(DomainError) as caught:
        policy_publish(actor=actor(pm), title=" ", body="")
    assert set(caught.value.fields) == {"title", "body"}


def test_the_policy_api(legal, advocate, other_admin):
    api = Api(token_for(advocate))
    assert_error(api.get("/policy"), 404, "no_policy")
    legal_api = Api(token_for(legal))
    published = legal_api.post(
        "/policy", {"title": "ガイドライン", "body": BODY, "changes": "初版"}
    )
    assert published.status_code == 201, published.content
    body = api.get("/policy").json()
    assert (body["version"], body["acknowledged"], body["acknowledged_at"]) == (1, False, None)
    assert body["body_html"].startswith("<h2>はじめに</h2>")
    acknowledged = api.post("/policy/acknowledge", {"version": 1}).json()
    assert acknowledged["acknowledged"] is True and acknowledged["version"] == 1
    assert api.get("/policy").json()["acknowledged"] is True
    assert_error(api.post("/policy", {"title": "x", "body": "y"}), 403)
    versions = legal_api.get("/policy/versions").json()
    assert [(v["version"], v["acknowledgments"]) for v in versions["items"]] == [(1, 1)]
    people = legal_api.get("/policy/versions/1/acknowledgments").json()["items"]
    assert [p["name"] for p in people] == [advocate.full_name]
    assert_error(api.get("/policy/versions/1/acknowledgments"), 403)
    assert_error(legal_api.get("/policy/versions/9/acknowledgments"), 404)
    other = Api(token_for(other_admin))
    assert_error(other.get("/policy"), 404)  # another organization has its own (none)


def test_the_policy_pages_and_the_csv(legal, advocate):
    legal_client = signed_in(legal, language="en")
    empty = legal_client.get("/governance/policy/").content.decode()
    assert "No policy yet" in empty
    response = legal_client.post(
        "/governance/policy/new/", {"title": "ガイドライン", "body": BODY, "changes": "初版"}
    )
    assert response.status_code == 302
    advocate_client = signed_in(advocate, language="en")
    page = advocate_client.get("/governance/policy/").content.decode()
    assert "Please read the policy and acknowledge it" in page and "<h2>はじめに</h2>" in page
    advocate_client.post("/governance/policy/acknowledge/", {"version": "1"})
    assert (
        "You acknowledged this version"
        in advocate_client.get("/governance/policy/").content.decode()
    )
    manager_page = legal_client.get("/governance/policy/").content.decode()
    assert "Versions and acknowledgments" in manager_page
    version_page = legal_client.get("/governance/policy/versions/1/").content.decode()
    assert advocate.full_name in version_page
    export = legal_client.get("/governance/policy/versions/1/acknowledgments.csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Name" and rows[1][0] == advocate.full_name
    assert advocate_client.get("/governance/policy/versions/1/").status_code == 403
    assert legal_client.get("/governance/policy/versions/7/").status_code == 404


def test_an_organization_token_cannot_acknowledge(org, legal):
    from ouendan.accounts.crypto import secret_hash
    from ouendan.accounts.models import ApiToken

    policy_publish(actor=actor(legal), title="x", body="y")
    raw = "oud_org-token-policy"
    ApiToken.objects.create(
        organization=org,
        kind="organization",
        name="bot",
        prefix=raw[:8],
        key_hash=secret_hash(raw),
        scopes=["read", "write"],
        roles=["advocate"],
    )
    assert_error(Api(raw).post("/policy/acknowledge"), 400, "person_required")
