"""The scanner for an organization: its lists (validated, audited without their contents), the
scan API and command, and content that the scanner blocks when it is sent for review."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from ouendan.accounts.models import AuditEvent
from ouendan.accounts.roles import Role
from ouendan.content.services.items import content_submit
from ouendan.content.services.variants import VariantData
from ouendan.core.errors import DomainError
from ouendan.governance.models import ComplianceSettings
from ouendan.governance.services.compliance import compliance_settings_update
from tests.api_client import Api, assert_error, token_for
from tests.content.conftest import draft
from tests.factories import actor, make_person

SCAN = "/compliance/scan"


@pytest.fixture
def reviewer_api(org) -> Api:
    return Api(token_for(make_person(org, roles=[Role.REVIEWER])))


@pytest.fixture
def lists(org) -> ComplianceSettings:
    reviewer = make_person(org, roles=[Role.REVIEWER])
    return compliance_settings_update(
        actor=actor(reviewer),
        lists={
            "confidential_terms": ["白鷺プロジェクト", "Project Shirasagi"],
            "product_names": ["ミライアーム", "MiraiArm"],
            "allowed_domains": ["https://mirai-seisakusho.example/"],
            "public_emails": ["Recruit@Mirai-Seisakusho.example"],
            "public_phones": ["0120-123-456"],
        },
    )


def test_the_scan_api_answers_the_documented_shape(advocate, lists):
    api = Api(token_for(advocate))
    text = "🎉 白鷺プロジェクトの件は taro@gmail.com まで"
    response = api.post(SCAN, {"text": text})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verdict"] == "block"
    assert [(f["code"], f["severity"]) for f in body["findings"]] == [
        ("confidential.term", "block"),
        ("pii.email", "block"),
    ]
    first = body["findings"][0]
    assert text[first["start"] : first["end"]] == "白鷺プロジェクト"
    assert first["excerpt"] == "白鷺プロジェクト"
    assert set(first) == {"code", "severity", "start", "end", "message", "excerpt"}


def test_a_clean_text_passes_and_promotional_needs_a_disclosure(advocate, lists):
    api = Api(token_for(advocate))
    assert api.post(SCAN, {"text": "新卒採用説明会を開催します"}).json() == {
        "verdict": "pass",
        "findings": [],
    }
    promo = api.post(SCAN, {"text": "新しいアームです", "promotional": True}).json()
    assert [f["code"] for f in promo["findings"]] == ["disclosure.missing"]
    long = api.post(SCAN, {"text": "あ" * 141, "network": "x"}).json()
    assert [f["code"] for f in long["findings"]] == ["length.exceeded"]


def test_each_organization_scans_with_its_own_lists(lists, other_admin):
    other = Api(token_for(other_admin))
    assert other.post(SCAN, {"text": "白鷺プロジェクトの件"}).json()["verdict"] == "pass"


def test_bad_scan_input(advocate):
    api = Api(token_for(advocate))
    assert_error(api.post(SCAN, {"text": "x" * 10_001}), 422)
    assert_error(api.post(SCAN, {"text": "x", "network": "myspace"}), 422)
    assert_error(api.post(SCAN, {}), 422)


def test_the_lists_are_kept_by_reviewers_and_admins(reviewer_api: Api, advocate, lists):
    body = reviewer_api.get("/compliance/settings").json()
    assert body["allowed_domains"] == ["mirai-seisakusho.example"]
    assert body["public_emails"] == ["recruit@mirai-seisakusho.example"]
    changed = reviewer_api.patch(
        "/compliance/settings",
        {"blocked_terms": ["激安", " 激安 "], "severities": {"claims.unsubstantiated": "block"}},
    ).json()
    assert changed["blocked_terms"] == ["激安"]
    assert changed["confidential_terms"] == ["白鷺プロジェクト", "Project Shirasagi"]  # kept
    assert changed["severities"] == {"claims.unsubstantiated": "block"}
    api = Api(token_for(advocate))
    assert api.post(SCAN, {"text": "日本一の説明会"}).json()["verdict"] == "block"
    assert_error(api.get("/compliance/settings"), 403)
    assert_error(api.patch("/compliance/settings", {"blocked_terms": ["x"]}), 403)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"allowed_domains": ["not a domain"]}, "allowed_domains"),
        ({"public_emails": ["nobody"]}, "public_emails"),
        ({"public_phones": ["12"]}, "public_phones"),
        ({"blocked_terms": ["x" * 101]}, "blocked_terms"),
        ({"severities": {"pii.nothing": "warn"}}, "severities"),
    ],
)
def test_bad_lists_are_refused_and_change_nothing(reviewer_api: Api, lists, body, field):
    error = assert_error(reviewer_api.patch("/compliance/settings", body), 400)
    assert field in error["fields"]
    lists.refresh_from_db()
    assert lists.blocked_terms == []


def test_the_audit_records_counts_not_the_confidential_terms(lists, org):
    event = AuditEvent.objects.get(organization=org, action="compliance.settings_updated")
    assert event.data["confidential_terms"] == 2
    assert "白鷺" not in json.dumps(event.data, ensure_ascii=False)


def test_the_command_prints_the_same_json(lists, org):
    out = io.StringIO()
    stdin = io.StringIO("ミライアームが出ました！ 090-1234-5678\n")
    import sys

    saved, sys.stdin = sys.stdin, stdin
    try:
        call_command("compliance_scan", "--org", org.slug, "--language", "en", stdout=out)
    finally:
        sys.stdin = saved
    body = json.loads(out.getvalue())
    assert body["verdict"] == "block"
    assert [f["code"] for f in body["findings"]] == ["disclosure.missing", "pii.phone"]
    assert "phone number" in body["findings"][1]["message"]


def test_the_command_refuses_an_unknown_organization(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("compliance_scan", "--org", "nobody")


def test_content_the_scanner_blocks_cannot_be_sent_for_review(curator_actor, lists):
    item = draft(
        curator_actor,
        variants=(VariantData(network="x", text="白鷺プロジェクトの説明会です"),),
    )
    with pytest.raises(DomainError) as caught:
        content_submit(actor=curator_actor, content_id=item.pk)
    assert caught.value.code == "not_ready"
    assert any("白鷺プロジェクト" in note for note in caught.value.fields["variants"])
    item.refresh_from_db()
    assert item.status == "draft"


def test_promotional_content_gets_its_disclosure_when_shared_not_in_each_text(curator_actor, lists):
    item = draft(
        curator_actor,
        promotional=True,
        variants=(VariantData(network="x", text="自社製品のミライアームが出ました"),),
    )
    assert content_submit(actor=curator_actor, content_id=item.pk).status == "in_review"
    unmarked = draft(
        curator_actor,
        url="https://e.example/2",
        variants=(VariantData(network="x", text="ミライアームが出ました"),),
    )
    with pytest.raises(DomainError) as caught:
        content_submit(actor=curator_actor, content_id=unmarked.pk)
    assert any("ミライアーム" in note for note in caught.value.fields["variants"])


def test_warnings_do_not_stop_a_submission(curator_actor, lists):
    item = draft(curator_actor, variants=(VariantData(network="x", text="日本一の説明会です"),))
    assert content_submit(actor=curator_actor, content_id=item.pk).status == "in_review"
