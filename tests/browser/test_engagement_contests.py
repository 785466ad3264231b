"""Contests and rewards in a real browser: an advocate joins a contest on a phone (and the feed's
community block, loaded by htmx, points to it); an employee asks for a reward, the program
manager approves it in another browser, and the employee's balance drops."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.roles import Role
from ouendan.engagement.models import ContestParticipant, Redemption
from ouendan.engagement.selectors_contests import local_today
from ouendan.engagement.services.contests import ContestData, contest_create
from ouendan.engagement.services.ledger import points_adjust
from ouendan.engagement.services.recognition import shout_out_send
from ouendan.engagement.services.rewards import (
    RewardData,
    redemption_approve,
    reward_create,
    reward_redeem,
)
from tests.browser.conftest import DESKTOP, _new_context, _page, person, screenshot
from tests.factories import actor, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ja(text: str) -> str:
    with translation.override("ja"):
        return gettext(text)


@pytest.fixture
def pm(org: Organization) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 花子")


@pytest.fixture
def other_page(browser: Browser, live_server: object, transactional_db: None) -> Iterator[Page]:
    """A second desktop page in a context of its own: nobody is signed in there."""
    context, watch = _new_context(browser, live_server, DESKTOP)
    yield from _page(context, watch)


def test_an_advocate_joins_a_contest_on_a_phone(
    mobile_page: Page, pm: Membership, advocate: Membership, org: Organization
):
    start = local_today(org)
    contest = contest_create(
        actor=actor(pm),
        data=ContestData(
            title="新卒採用チャレンジ",
            description="説明会の記事を一番多くの人に届けた人に記念品を!",
            metric="unique_clicks",
            starts_on=start,
            ends_on=start + dt.timedelta(days=13),
            winner_points=200,
        ),
    )
    page = mobile_page
    person(advocate).sign_in(page)

    # The feed's community block (htmx) says a contest is open.
    page.goto(reverse("sharing:feed"))
    community = page.locator("#community")
    expect(community).to_be_visible()
    expect(community.locator(f"a[href='{reverse('engagement:contests')}']").first).to_be_visible()

    page.goto(reverse("engagement:contests"))
    expect(page.locator("h1")).to_have_text(ja("Contests"))
    card = page.locator(f"#contest-{contest.pk}")
    expect(card.locator(".card-title")).to_have_text("新卒採用チャレンジ")
    with page.expect_navigation():
        card.get_by_role("button", name=ja("Join")).click()
    assert page.url.endswith(reverse("engagement:contest", args=[contest.pk]))
    expect(page.locator(".message.success")).to_be_visible()
    expect(page.locator("#joined")).to_have_text(ja("You take part"))
    expect(page.locator("#participants")).to_have_text("1")
    expect(page.locator("#my-contest-standing")).to_be_visible()
    assert ContestParticipant.objects.filter(contest=contest, membership=advocate).exists()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the contest scrolls sideways on a phone ({width}px)"
    screenshot(page, "contest-phone")

    # Leaving is as easy as joining.
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Leave the contest")).click()
    expect(page.locator("#participants")).to_have_text("0")
    assert not ContestParticipant.objects.exists()


def test_an_employee_redeems_a_reward_and_the_program_approves_it(
    page: Page, other_page: Page, pm: Membership, advocate: Membership, org: Organization
):
    giver = make_person(org, roles=[Role.PROGRAM_MANAGER])
    points_adjust(actor=actor(giver), membership_id=advocate.pk, points=100, reason="協力に感謝")
    lunch = reward_create(
        actor=actor(pm),
        data=RewardData(name="社食ランチ券", points_cost=60, yen_value=800, stock=10),
    )
    person(advocate).sign_in(page)
    page.goto(reverse("engagement:rewards"))
    expect(page.locator("#balance")).to_have_text("100")
    card = page.locator(f"#reward-{lunch.pk}")
    card.get_by_placeholder(ja("Note (optional)")).fill("金曜日に使います")
    with page.expect_navigation():
        card.get_by_role("button", name=ja("Ask for it")).click()
    expect(page.locator(".message.success")).to_be_visible()
    expect(page.locator("#held")).to_have_text("60")
    expect(page.locator("#available")).to_have_text("40")
    expect(page.locator("#balance")).to_have_text("100")  # nothing taken before the approval
    request = Redemption.objects.get()

    # The program manager approves it in another browser.
    program = other_page
    person(pm).sign_in(program)
    program.goto(reverse("engagement:rewards_program"))
    row = program.locator(f"#request-{request.pk}")
    expect(row).to_contain_text(advocate.full_name)
    expect(row).to_contain_text("金曜日に使います")
    with program.expect_navigation():
        row.get_by_role("button", name=ja("Approve")).click()
    expect(program.locator(".message.success")).to_be_visible()
    expect(program.locator(f"#request-{request.pk}")).to_have_count(0)  # no longer waiting

    # The employee's balance dropped, and the history says why.
    page.reload()
    expect(page.locator("#balance")).to_have_text("40")
    expect(page.locator("#held")).to_have_text("0")
    expect(page.locator(f"#redemption-{request.pk}")).to_contain_text(
        translation_of("Approved", context="redemption status")
    )
    screenshot(page, "reward-redeemed")
    page.goto(reverse("engagement:points"))
    expect(page.locator("#balance")).to_have_text("40")


def translation_of(text: str, *, context: str) -> str:
    with translation.override("ja"):
        return translation.pgettext(context, text)


def test_the_pages_fit_a_phone(mobile_page: Page, pm: Membership, org: Organization):
    """Contests, rewards (the catalog and the program's page), shout-outs and the contest
    form, on a phone, without scrolling sideways."""
    colleague = make_person(org, full_name="応援 二郎")
    points_adjust(actor=actor(pm), membership_id=colleague.pk, points=2000, reason="協力")
    for n, cost in enumerate((150, 400, 800)):
        item = reward_create(
            actor=actor(pm),
            data=RewardData(name=f"特典 {n} ロゴ入りパーカー", points_cost=cost, yen_value=4500),
        )
        request = reward_redeem(actor=actor(colleague), reward_id=item.pk, note="Lサイズ")
        if n == 0:
            redemption_approve(actor=actor(pm), redemption_id=request.pk)
    shout_out_send(
        actor=actor(pm),
        recipient_id=colleague.pk,
        message="展示会の紹介を自分の言葉で書いてくれてありがとう。お客様から問い合わせがありました。",
    )
    start = local_today(org)
    contest_create(
        actor=actor(pm),
        data=ContestData(
            title="秋の展示会 シェアウィーク",
            metric="shares",
            kind="team",
            teams="department",
            starts_on=start,
            ends_on=start + dt.timedelta(days=6),
        ),
    )
    page = mobile_page
    person(pm).sign_in(page)
    for name in (
        "engagement:contests",
        "engagement:contest_new",
        "engagement:rewards",
        "engagement:rewards_program",
        "engagement:reward_new",
        "engagement:budget_new",
        "engagement:recognition",
    ):
        page.goto(reverse(name))
        expect(page.locator("h1")).to_have_count(1)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
        if name == "engagement:rewards_program":
            screenshot(page, "rewards-program-phone")
