"""The compliance rules in a real browser: a reviewer adds a code name, then tries a text and
sees what the scanner marks, and why."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from ouendan.accounts.roles import Role
from ouendan.governance.models import ComplianceSettings
from tests.browser.conftest import person
from tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ja(text: str) -> str:
    with translation.override("ja"):
        return gettext(text)


def test_a_reviewer_adds_a_code_name_and_tries_a_text(page: Page, org):
    reviewer = make_person(org, roles=[Role.REVIEWER], full_name="法務 太郎")
    person(reviewer).sign_in(page)
    page.locator("#sidenav").locator(f"a[href='{reverse('governance:compliance')}']").click()
    page.locator("#id_confidential_terms").fill("白鷺プロジェクト\nProject Shirasagi")
    page.locator("#id_severity_claims\\.unsubstantiated").select_option("block")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save the rules")).click()
    expect(page.locator(".message.success")).to_have_text(ja("Compliance rules saved."))
    row = ComplianceSettings.objects.get(organization=org)
    assert row.confidential_terms == ["白鷺プロジェクト", "Project Shirasagi"]
    assert row.severities == {"claims.unsubstantiated": "block"}

    page.locator("#id_text").fill("🎉 白鷺 ぷろじぇくと の件は 090-1234-5678 まで")
    page.get_by_role("button", name=ja("Check")).click()
    result = page.locator("#try-result")
    expect(result.locator(".badge")).to_have_text(ja("Blocked"))
    expect(result.locator("mark.finding-block")).to_have_count(2)
    expect(result.locator("mark.finding-block").first).to_have_text("白鷺 ぷろじぇくと")
    expect(result.locator(".findings li")).to_have_count(2)


def test_legal_publishes_the_policy_and_an_advocate_acknowledges_it(page: Page, org, advocate):
    from ouendan.governance.models import PolicyAcknowledgment

    reviewer = make_person(org, roles=[Role.REVIEWER], full_name="法務 花子")
    person(reviewer).sign_in(page)
    page.goto(reverse("governance:policy"))
    page.get_by_role("link", name=ja("Publish the policy")).first.click()
    page.locator("#id_title").fill("ソーシャルメディアガイドライン")
    page.locator("#id_body").fill("# はじめに\n\n- 自分の言葉で発信する\n- 個人情報は書かない")
    page.locator("#id_changes").fill("初版")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Publish"), exact=True).click()
    expect(page.locator("h1")).to_have_text("ソーシャルメディアガイドライン")
    expect(page.locator(".policy-body h2")).to_have_text("はじめに")

    page.context.clear_cookies()
    person(advocate).sign_in(page)
    page.goto(reverse("governance:policy"))
    expect(page.locator(".alert.warning")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name=ja("I acknowledge the policy")).click()
    expect(page.locator(".message.success")).to_be_visible()
    expect(page.locator(".alert.success")).to_be_visible()
    assert PolicyAcknowledgment.objects.filter(membership=advocate).count() == 1

    page.context.clear_cookies()
    person(reviewer).sign_in(page)
    page.goto(reverse("governance:policy"))
    page.locator(f"a[href='{reverse('governance:policy_version', args=[1])}']").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name=ja("Export as CSV")).click()
    assert download.value.suggested_filename == "policy-v1-acknowledgments.csv"


def test_the_program_manager_pauses_and_resumes_sharing(page: Page, org, advocate):
    pm = make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 美咲")
    person(pm).sign_in(page)
    page.goto(reverse("governance:crisis"))
    page.locator("#pause-reason").fill("報道を受けて状況を確認中です")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Pause now")).click()
    expect(page.locator(".crisis-banner")).to_contain_text("報道を受けて状況を確認中です")

    page.context.clear_cookies()
    person(advocate).sign_in(page)
    expect(page.locator(".crisis-banner")).to_contain_text("報道を受けて状況を確認中です")

    page.context.clear_cookies()
    person(pm).sign_in(page)
    page.goto(reverse("governance:crisis"))
    page.locator("#resume-confirm").check()
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Resume sharing")).click()
    expect(page.locator(".crisis-banner")).to_have_count(0)
    expect(page.locator("tbody tr")).to_have_count(1)
