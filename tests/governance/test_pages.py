"""The compliance rules page: reviewers and admins keep the lists; anyone may try a text."""

from __future__ import annotations

from ouendan.accounts.roles import Role
from ouendan.governance.models import ComplianceSettings
from tests.conftest import signed_in
from tests.factories import make_person


def test_a_reviewer_edits_the_lists_and_severities(org):
    client = signed_in(make_person(org, roles=[Role.REVIEWER]), language="en")
    page = client.get("/governance/compliance/").content.decode()
    assert "Confidential terms and code names" in page and "Try a text" in page
    response = client.post(
        "/governance/compliance/",
        {
            "confidential_terms": "白鷺プロジェクト\nProject Shirasagi\n\n",
            "product_names": "ミライアーム",
            "allowed_domains": "mirai-seisakusho.example",
            "severity_claims.unsubstantiated": "block",
            **{
                f"severity_{code}": level
                for code, level in {
                    "pii.email": "block",
                    "pii.phone": "block",
                    "pii.my_number": "block",
                    "pii.credit_card": "block",
                    "confidential.term": "block",
                    "blocked.term": "block",
                    "risk.sensitive_topic": "warn",
                    "disclosure.missing": "block",
                    "link.domain_not_allowed": "warn",
                    "length.exceeded": "block",
                }.items()
            },
        },
    )
    assert response.status_code == 302
    row = ComplianceSettings.objects.get(organization=org)
    assert row.confidential_terms == ["白鷺プロジェクト", "Project Shirasagi"]
    assert row.severities == {"claims.unsubstantiated": "block"}
    again = client.get("/governance/compliance/").content.decode()
    assert "Project Shirasagi" in again


def test_a_bad_domain_comes_back_on_the_form(org):
    client = signed_in(make_person(org, roles=[Role.ORG_ADMIN]), language="en")
    response = client.post("/governance/compliance/", {"allowed_domains": "not a domain"})
    assert response.status_code == 200
    assert "is not a domain name" in response.content.decode()
    assert not ComplianceSettings.objects.exists()


def test_trying_a_text_marks_what_is_found(org):
    client = signed_in(make_person(org, roles=[Role.REVIEWER]), language="en")
    body = client.post(
        "/governance/compliance/try/", {"text": "日本一の説明会です 03-1234-5678", "network": "x"}
    ).content.decode()
    assert '<mark class="finding-warn">日本一</mark>' in body
    assert '<mark class="finding-block">03-1234-5678</mark>' in body
    assert "Blocked" in body


def test_advocates_cannot_open_the_rules(advocate):
    assert signed_in(advocate).get("/governance/compliance/").status_code == 403
