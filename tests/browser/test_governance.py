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
from tests.browser.conftest import person, screenshot
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


def _decide(page: Page, choice: str, comment: str = "") -> None:
    review = page.locator("#review-panel")
    review.get_by_label(ja(choice), exact=True).check()
    if comment:
        review.get_by_label(ja("Comment")).fill(comment)
    with page.expect_navigation():
        review.get_by_role("button", name=ja("Send the decision")).click()


def _from_the_queue(page: Page, title: str) -> None:
    page.locator("#sidenav").locator(f"a[href='{reverse('governance:reviews')}']").click()
    with page.expect_navigation():
        page.get_by_role("link", name=title).click()


def test_content_goes_through_pr_then_legal_and_back_after_a_request_for_changes(page: Page, org):
    from ouendan.accounts.models import Department
    from ouendan.content.models import ContentItem
    from ouendan.content.services.items import ContentData, content_create
    from ouendan.content.services.variants import VariantData
    from ouendan.governance.services.workflows import StageData, WorkflowData, workflow_create
    from tests.factories import actor

    pr_dept = Department.objects.create(organization=org, name="広報部", code="PR")
    legal_dept = Department.objects.create(organization=org, name="法務部", code="LG")
    pr = make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 美咲", department=pr_dept)
    legal = make_person(org, roles=[Role.REVIEWER], full_name="法務 健", department=legal_dept)
    curator = make_person(org, roles=[Role.CURATOR], full_name="編集 花子")
    workflow_create(
        actor=actor(pr),
        data=WorkflowData(
            name="広報 → 法務",
            stages=[
                StageData(name="広報", role=Role.PROGRAM_MANAGER, department_id=pr_dept.pk),
                StageData(name="法務", role=Role.REVIEWER, department_id=legal_dept.pk),
            ],
        ),
    )
    title = "業界No.1の新製品を発売"
    item = content_create(
        actor=actor(curator),
        data=ContentData(title=title, url="https://mirai-seisakusho.example/news/x1"),
        variants=[VariantData(network="x", text="新製品の発売です。#社員")],
    )
    detail = reverse("content:detail", args=[item.pk])

    person(curator).sign_in(page)  # submit
    page.goto(detail)
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Send for review")).click()
    panel = page.locator("#review-panel")
    expect(panel.locator(".stage-current .stage-name")).to_have_text("1. 広報")

    page.context.clear_cookies()  # 広報 approves
    person(pr).sign_in(page)
    _from_the_queue(page, title)
    _decide(page, "Approve")
    expect(page.locator(".message.success")).to_have_text(ja("Approved."))
    expect(panel.locator(".stage-done")).to_contain_text("広報 美咲")
    expect(panel.locator(".stage-current .stage-name")).to_have_text("2. 法務")

    page.context.clear_cookies()  # 法務 requests changes
    person(legal).sign_in(page)
    _from_the_queue(page, title)
    _decide(page, "Ask for changes", "「業界No.1」の根拠（調査名と時期）を添えてください。")
    expect(page.locator(".message.success")).to_have_text(
        ja("Sent back to the curator with your comment.")
    )

    page.context.clear_cookies()  # the curator sees why, edits and resubmits
    person(curator).sign_in(page)
    page.goto(detail)
    expect(page.locator(".prewrap").first).to_have_text(
        "「業界No.1」の根拠（調査名と時期）を添えてください。"
    )
    page.get_by_role("link", name=ja("Edit"), exact=True).click()
    page.locator("#id_title").fill("業界No.1（※2026年 当社調べ）の新製品を発売")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save and send for review")).click()
    expect(panel.locator(".stage-current .stage-name")).to_have_text("1. 広報")

    page.context.clear_cookies()  # both stages again, on the new version
    person(pr).sign_in(page)
    _from_the_queue(page, "業界No.1（※2026年 当社調べ）の新製品を発売")
    _decide(page, "Approve")
    page.context.clear_cookies()
    person(legal).sign_in(page)
    _from_the_queue(page, "業界No.1（※2026年 当社調べ）の新製品を発売")
    _decide(page, "Approve")
    expect(panel.locator(".stage-done")).to_have_count(2)
    expect(panel.locator("ul.decisions").first.locator("li").last).to_contain_text("法務 健")
    expect(panel.locator(".earlier-reviews")).to_contain_text("「業界No.1」の根拠")
    item.refresh_from_db()
    assert item.status == ContentItem.Status.APPROVED
    assert item.approved_version == item.version
    screenshot(page, "review-approved")


def test_a_program_manager_sets_up_a_workflow_with_a_third_stage(page: Page, org):
    from ouendan.governance.models import Workflow

    pm = make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 美咲")
    person(pm).sign_in(page)
    page.locator("#sidenav").locator(f"a[href='{reverse('governance:workflows')}']").click()
    page.get_by_role("link", name=ja("Add a workflow")).first.click()
    page.locator("#id_name").fill("広報 → 法務 → 役員")
    page.locator("#id_stages-0-name").fill("広報")
    page.locator("#id_stages-0-role").select_option("program_manager")
    page.locator("#id_stages-1-name").fill("法務")
    page.locator("#id_stages-1-role").select_option("reviewer")
    page.get_by_role("button", name=ja("Add a stage")).click()
    page.locator("#id_stages-2-name").fill("役員")
    page.locator("#id_stages-2-emails").fill(pm.user.email)
    page.locator("#id_stages-2-sla_hours").fill("12")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save the workflow")).click()
    expect(page.locator(".message.success")).to_have_text(ja("Workflow saved."))
    expect(page.locator(".workflow-cards li ol li")).to_have_count(3)
    workflow = Workflow.objects.get()
    assert [s.name for s in workflow.stages.all()] == ["広報", "法務", "役員"]
    assert [list(s.reviewers.all()) for s in workflow.stages.all()][2] == [pm]
