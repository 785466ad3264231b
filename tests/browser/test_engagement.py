"""Recognition in a real browser: a click on an advocate's link becomes points they see on their
phone; the leaderboard and choosing a nickname; the program manager's review and rules."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, Route, expect

from ouendan.accounts.roles import Role
from ouendan.engagement.models import PointEntry, PointRules
from ouendan.engagement.services.awarding import points_award
from ouendan.engagement.services.ledger import points_adjust
from ouendan.governance.services.policy import policy_acknowledge, policy_publish
from ouendan.networks import Network
from ouendan.sharing.services.shares import share_create
from ouendan.tracking.services import clicks_aggregate
from tests.browser.conftest import person, screenshot
from tests.engagement.conftest import click, posted, set_rules
from tests.factories import DepartmentFactory, actor, make_person
from tests.sharing.conftest import live
from tests.tracking.test_bots import BROWSERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ja(text: str) -> str:
    with translation.override("ja"):
        return gettext(text)


def _item(org):
    curator = actor(make_person(org, roles=[Role.CURATOR]))
    reviewer = actor(make_person(org, roles=[Role.REVIEWER]))
    return live(curator, reviewer, url="https://www.example.co.jp/recruit/setsumeikai")


def test_a_click_on_my_link_becomes_points_i_see(
    mobile_page: Page, browser: Browser, live_server, settings, org, admin, advocate
):
    settings.LINK_BASE_URL = live_server.url
    set_rules(admin, hold_hours=0, share_points=10, click_points=5)
    policy_publish(actor=actor(admin), title="ガイドライン", body="誠実に。")
    policy_acknowledge(actor=actor(advocate))
    shared = share_create(actor=actor(advocate), content_id=_item(org).pk, network=Network.LINKEDIN)

    # Someone reads the post on their phone and taps the link (another browser altogether).
    reader = browser.new_context(user_agent=BROWSERS["Android Chrome"][0])

    def stop_at_redirect(route: Route) -> None:
        answer = route.fetch(max_redirects=0)
        assert answer.status == 302
        route.fulfill(status=200, content_type="text/html", body="<title>みらい製作所</title>")

    reader.route(re.compile(r"/r/"), stop_at_redirect)
    reader.new_page().goto(shared.tracked_url)
    reader.close()
    clicks_aggregate()  # tracking's job, then ours
    points_award()

    page = mobile_page
    person(advocate).sign_in(page)
    page.goto("/engagement/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("My points"))
    expect(page.locator("#balance")).to_have_text("15")
    entry = PointEntry.objects.get(reason="clicks")
    row = page.locator(f"#entry-{entry.pk}")
    expect(row).to_contain_text("+5")
    with translation.override("ja"):
        from ouendan.engagement.explain import explanation

        expect(row).to_contain_text(explanation(entry.reason, entry.params))
    expect(page.locator("#badge-first_share")).to_contain_text(ja("Earned"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
    screenshot(page, "my-points-phone")


def test_the_leaderboard_with_a_nickname(mobile_page: Page, live_server, org, admin, advocate):
    sales = DepartmentFactory(organization=org, name="営業部")
    pm = make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 部長")
    colleague = make_person(org, full_name="営業 花子", department=sales)
    points_adjust(actor=actor(pm), membership_id=advocate.pk, points=40, reason="取材協力")
    points_adjust(actor=actor(pm), membership_id=colleague.pk, points=25, reason="登壇")
    make_person(org, full_name="参加前 さん")  # no points: never listed

    page = mobile_page
    person(advocate).sign_in(page)
    page.goto("/engagement/leaderboard/")
    table = page.locator("table")
    expect(table).to_contain_text("応援 一郎")
    expect(table).not_to_contain_text("参加前")
    expect(page.locator("#my-standing")).to_contain_text("1")

    page.goto("/engagement/appearance/")
    page.get_by_label(ja("By nickname")).check()
    page.get_by_role("textbox", name=ja("Nickname")).fill("いっちー")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save")).click()
    expect(page.locator("#shown-as")).to_contain_text("いっちー")

    page.goto("/engagement/leaderboard/")
    expect(table).to_contain_text("いっちー")
    expect(table).not_to_contain_text("応援 一郎")
    with page.expect_navigation():
        page.get_by_label(ja("Department")).select_option(label="営業部")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("営業 花子")
    page.get_by_role("link", name=ja("All time")).click()
    expect(page.get_by_role("link", name=ja("All time"))).to_have_attribute("aria-current", "page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "leaderboard-phone")


def test_the_program_manager_reviews_held_points_and_changes_the_rules(
    page: Page, live_server, org, admin, advocate
):
    from tests.sharing.conftest import VARIANTS

    pm = make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 部長")
    policy_publish(actor=actor(admin), title="ガイドライン", body="誠実に。")
    policy_acknowledge(actor=actor(advocate))
    sharer = actor(advocate)
    set_rules(admin, hold_hours=0, repeat_clicks=2)
    curator = actor(make_person(org, roles=[Role.CURATOR]))
    reviewer = actor(make_person(org, roles=[Role.REVIEWER]))
    share = posted(sharer, live(curator, reviewer, variants=VARIANTS))
    click(share, at=timezone.now(), visitor="again")
    click(share, at=timezone.now(), visitor="again", unique=False)
    points_award()
    held = PointEntry.objects.get(reason="clicks")
    assert held.flag == "repeat_visitor"

    person(pm).sign_in(page)
    page.goto("/engagement/review/")
    card = page.locator(f"#entry-{held.pk}")
    expect(card).to_contain_text("応援 一郎")
    card.get_by_label(ja("Reason")).fill("同じ人が何度も開いただけ")
    with page.expect_navigation():
        card.get_by_role("button", name=ja("Reverse")).click()
    expect(page.locator(".message.success")).to_be_visible()
    held.refresh_from_db()
    assert (held.status, held.review_note) == ("reversed", "同じ人が何度も開いただけ")
    screenshot(page, "points-review")

    page.goto("/engagement/rules/")
    page.locator("#id_share_points").fill("15")
    page.get_by_label(ja("What changed and why")).fill("下期から投稿の点数を上げる")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save as a new version")).click()
    expect(page.locator(".message.success")).to_be_visible()
    current = PointRules.objects.filter(organization=org).order_by("-version").first()
    assert current is not None and (current.share_points, current.note) == (
        15,
        "下期から投稿の点数を上げる",
    )
    expect(page.locator("table")).to_contain_text("下期から投稿の点数を上げる")


def test_the_programs_pages_fit_a_phone(mobile_page: Page, live_server, org, admin, advocate):
    pm = make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 部長")
    points_adjust(actor=actor(pm), membership_id=advocate.pk, points=5, reason="取材協力")
    page = mobile_page
    person(pm).sign_in(page)
    for path in ("/engagement/rules/", "/engagement/review/", "/engagement/appearance/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto("/engagement/review/")
    form = page.locator("form[action$='/review/adjust/']")
    form.get_by_label(ja("Person")).fill("nobody@example.com")
    form.get_by_label(ja("Points")).fill("5")
    form.get_by_label(ja("Reason")).fill("x")
    with page.expect_navigation():
        form.get_by_role("button", name=ja("Save the correction")).click()
    expect(page.locator("#form-errors")).to_be_visible()  # a clear message, nothing saved
    assert PointEntry.objects.filter(reason="adjustment").count() == 1
