"""The content library in a real browser: the curator's main path (paste a link → preview → write
texts with live counts → send for review), a reviewer's approval, search in Japanese, the history
with its differences, campaigns, feeds, suggestions and topics."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext
from PIL import Image
from playwright.sync_api import Page, expect

from ouendan.accounts.models import Membership
from ouendan.accounts.roles import Role
from ouendan.content.models import Campaign, ContentItem, Source, Suggestion, Topic
from ouendan.content.services.items import ContentData, content_create, content_submit
from ouendan.content.services.variants import VariantData
from tests.browser.conftest import person, screenshot
from tests.content.test_sources import feed_route, rss
from tests.factories import actor, make_person
from tests.local_http import LocalServer
from tests.local_http import page as html_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ja(text: str) -> str:
    """What the page shows for an English msgid, in the browser's language (ja)."""
    with translation.override("ja"):
        return gettext(text)


def ja_status(text: str) -> str:
    """A content status as the page shows it (the statuses have their own context)."""
    with translation.override("ja"):
        return pgettext("content status", text)


@pytest.fixture
def curator(org) -> Membership:
    return make_person(org, roles=[Role.CURATOR], full_name="編集 花子")


@pytest.fixture
def reviewer(org) -> Membership:
    return make_person(org, roles=[Role.REVIEWER], full_name="法務 太郎")


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (179, 38, 30)).save(out, "PNG")
    return out.getvalue()


OG_PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8">
<title>説明会</title>
<meta property="og:title" content="【2027年卒】エンジニア職 新卒採用説明会を開催します">
<meta property="og:description" content="設計・生産技術の社員が、仕事の面白さを本音で話します。">
<meta property="og:image" content="/og.png">
<meta property="og:site_name" content="株式会社みらい製作所"></head><body></body></html>"""


@pytest.mark.usefixtures("loopback_allowed", "immediate_tasks")
def test_a_curator_pastes_a_link_writes_texts_with_live_counts_and_submits(
    page: Page, curator: Membership, server: LocalServer, org
):
    Topic.objects.create(organization=org, name="採用")
    server.routes["/recruit/setsumeikai"] = html_page(OG_PAGE)
    server.routes["/og.png"] = html_page(_png(1200, 630), "image/png")
    person(curator).sign_in(page)
    page.goto(reverse("content:create"))

    # Paste the link and fetch its preview: title and summary fill themselves.
    page.locator("#id_url").fill(server.url("/recruit/setsumeikai"))
    page.locator("#fetch-preview").click()
    expect(page.locator("#link-preview .card-title")).to_have_text(
        "【2027年卒】エンジニア職 新卒採用説明会を開催します"
    )
    expect(page.locator("#id_title")).to_have_value(
        "【2027年卒】エンジニア職 新卒採用説明会を開催します"
    )
    expect(page.locator("#id_summary")).to_have_value(
        "設計・生産技術の社員が、仕事の面白さを本音で話します。"
    )

    # The starter rows: any network, X, LinkedIn. Type in the X row: its count follows.
    x_text = page.locator("#id_form-1-text")
    x_text.fill("あ" * 141)
    x_count = page.locator("#count-1")
    expect(x_count.locator(".count-chip")).to_have_class(re.compile(r"\bover\b"))
    expect(x_count).to_contain_text("/ 280")
    x_text.fill("同期が登壇する説明会です。エンジニアの本音が聞けます！")
    expect(x_count.locator(".count-chip")).to_have_class(re.compile(r"\bfits\b"))
    page.locator("#id_form-1-hashtags").fill("新卒採用 みらい製作所")

    # The any-network text shows every network's count at once.
    page.locator("#id_form-0-text").fill("私の会社の説明会です。学生の皆さん、ぜひ！")
    expect(page.locator("#count-0 .count-chip")).to_have_count(8)
    expect(page.locator("#count-0")).to_contain_text("Bluesky")

    # A second X text, in a row added on the spot.
    page.locator("#add-variant").click()
    expect(page.locator("#variant-3")).to_be_visible()
    page.locator("#id_form-3-network").select_option("x")
    page.locator("#id_form-3-text").fill("後輩のみなさん、説明会で待ってます。")
    expect(page.locator("#count-3 .count-chip")).to_have_count(1)  # X only, now
    expect(page.locator("#count-3 .count-chip")).to_contain_text("/ 280")
    page.locator("#id_form-2-text").fill(
        "エンジニアの生の声が聞ける説明会です。学生時代の自分に教えたい内容でした。"
    )
    page.get_by_label("採用", exact=True).check()
    # A still picture of the texts and their counts for the README.
    page.wait_for_load_state("networkidle")
    page.evaluate(
        "document.activeElement.blur(); document.getElementById('texts-heading').scrollIntoView()"
    )
    screenshot(page, "content-editor")

    with page.expect_navigation():
        page.locator("button[name='then'][value='submit']").click()
    item = ContentItem.objects.get()
    expect(page).to_have_url(re.compile(re.escape(reverse("content:detail", args=[item.pk]))))
    expect(page.locator(".page-header .badge").first).to_have_text(ja_status("In review"))
    assert item.status == ContentItem.Status.IN_REVIEW
    assert [(v.network, v.hashtags) for v in item.variants.all()] == [
        ("", []),
        ("x", ["新卒採用", "みらい製作所"]),
        ("linkedin", []),
        ("x", []),
    ]
    assert [t.name for t in item.topics.all()] == ["採用"]
    # The Open Graph image was fetched through the guard and stored.
    image = item.images.get()
    assert (image.width, image.height, image.source_url) == (1200, 630, server.url("/og.png"))
    expect(page.locator(".image-grid img")).to_have_count(1)


def test_a_reviewer_approves_and_the_curator_publishes(
    page: Page, curator: Membership, reviewer: Membership
):
    item = content_create(
        actor=actor(curator),
        data=ContentData(title="新製品「ミライアーム X1」を発売", url="https://e.example/x1"),
        variants=[VariantData(network="x", text="自社製品ですが、ついに発売です！")],
    )
    content_submit(actor=actor(curator), content_id=item.pk)
    person(reviewer).sign_in(page)
    page.goto(reverse("content:detail", args=[item.pk]))
    review = page.locator("section[aria-labelledby='review-heading']")
    review.get_by_label(ja("Approve"), exact=True).check()
    with page.expect_navigation():
        review.locator("button[type='submit']").click()
    expect(page.locator(".message.success")).to_have_text(ja("Approved."))
    item.refresh_from_db()
    assert item.status == ContentItem.Status.APPROVED

    page.context.clear_cookies()
    person(curator).sign_in(page)
    page.goto(reverse("content:detail", args=[item.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Publish now")).click()
    expect(page.locator(".page-header .badge").first).to_have_text(ja_status("Published"))


def test_the_library_finds_japanese_words_as_you_type(page: Page, curator: Membership):
    for title in (
        "新卒採用説明会を開催します",
        "ミライアーム X1 の導入事例",
        "地域清掃に参加しました",
    ):
        content_create(actor=actor(curator), data=ContentData(title=title, url=""))
    person(curator).sign_in(page)
    page.goto(reverse("content:library"))
    expect(page.locator(".content-row")).to_have_count(3)
    page.locator("#id_q").fill("採用")
    expect(page.locator(".content-row")).to_have_count(1)
    expect(page.locator(".content-title")).to_have_text("新卒採用説明会を開催します")
    expect(page).to_have_url(re.compile(r"q=%E6%8E%A1%E7%94%A8"))
    page.locator("#id_q").fill("みらいあーむ")  # hiragana finds katakana
    expect(page.locator(".content-title")).to_have_text("ミライアーム X1 の導入事例")
    page.locator("#id_q").fill("")
    page.locator("#id_status").select_option("draft")
    expect(page.locator(".content-row")).to_have_count(3)


def test_the_history_shows_what_changed(page: Page, curator: Membership):
    item = content_create(actor=actor(curator), data=ContentData(title="新卒採用説明会", url=""))
    person(curator).sign_in(page)
    page.goto(reverse("content:edit", args=[item.pk]))
    page.locator("#id_title").fill("新卒採用オンライン説明会")
    with page.expect_navigation():
        page.locator("button[name='then'][value='save']").click()
    page.goto(reverse("content:history", args=[item.pk]))
    expect(page.locator(".diff ins").first).to_have_text("オンライン")


def test_a_campaign_is_started_and_shows_its_progress(page: Page, curator: Membership):
    person(curator).sign_in(page)
    page.goto(reverse("content:campaign_create"))
    page.locator("#id_name").fill("2027年度 新卒採用")
    page.locator("#id_slug").fill("shinsotsu-2027")
    page.locator("#id_starts_on").fill("2026-11-01")
    page.locator("#id_ends_on").fill("2027-03-31")
    page.locator("#id_goal").fill("エントリー200名")
    page.locator("#id_goal_target").fill("200")
    with page.expect_navigation():
        page.locator("form.form button[type='submit']").click()
    campaign = Campaign.objects.get()
    expect(page.locator("h1")).to_have_text("2027年度 新卒採用")
    expect(page.locator("main")).to_contain_text("エントリー200名")
    expect(page.locator("main")).to_contain_text("utm_campaign=shinsotsu-2027")
    expect(page.locator("progress").first).to_be_visible()
    page.goto(reverse("content:campaigns"))
    expect(page.locator(".campaign-cards .card-title")).to_have_text(campaign.name)


@pytest.mark.usefixtures("loopback_allowed")
def test_a_feed_is_connected_and_its_entries_become_drafts(
    page: Page, curator: Membership, server: LocalServer
):
    url = feed_route(
        server,
        "/blog/feed.xml",
        rss(
            [
                ("a", "ROS 2 への移行記", "https://e.example/ros2", 1),
                ("b", "画像検査の精度向上", "https://e.example/ai", 2),
            ]
        ),
    )
    person(curator).sign_in(page)
    page.goto(reverse("content:source_create"))
    page.locator("#id_name").fill("技術ブログ")
    page.locator("#id_url").fill(url)
    with page.expect_navigation():
        page.locator("form.form button[type='submit']").click()
    source = Source.objects.get()
    expect(page).to_have_url(
        re.compile(re.escape(reverse("content:source_detail", args=[source.pk])))
    )
    expect(page.locator("table tbody tr")).to_have_count(2)
    page.get_by_role("link", name=ja("Its drafts")).click()
    expect(page.locator(".content-row")).to_have_count(2)


def test_an_advocate_suggests_and_a_curator_accepts(page: Page, org, curator: Membership):
    advocate = make_person(org, roles=[Role.ADVOCATE], full_name="応援 一郎")
    person(advocate).sign_in(page)
    page.goto(reverse("content:suggest"))
    page.locator("#id_url").fill("https://www.example.co.jp/csr/cleanup")
    page.locator("#id_comment").fill("地域の方にも見てほしいです")
    with page.expect_navigation():
        page.locator("form.form button[type='submit']").click()
    expect(page.locator(".suggestion-list .badge")).to_have_text(ja("Waiting for a curator"))

    page.context.clear_cookies()
    person(curator).sign_in(page)
    page.goto(reverse("content:suggestions"))
    expect(page.locator(".suggestion-list")).to_contain_text("応援 一郎")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Accept as a draft")).click()
    item = ContentItem.objects.get()
    expect(page).to_have_url(re.compile(re.escape(reverse("content:edit", args=[item.pk]))))
    assert item.suggested_by_id == advocate.pk
    assert Suggestion.objects.get().status == Suggestion.Status.ACCEPTED


def test_an_advocate_follows_a_topic(page: Page, org, advocate: Membership):
    topic = Topic.objects.create(organization=org, name="製品", description="新製品の話題")
    person(advocate).sign_in(page)
    page.goto(reverse("content:topics"))
    button = page.locator(f"#follow-{topic.pk} button")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(page.locator(f"#follow-{topic.pk} button")).to_have_attribute("aria-pressed", "true")
    assert topic.subscriptions.filter(membership=advocate).exists()


def test_the_library_on_a_phone(mobile_page: Page, curator: Membership):
    content_create(actor=actor(curator), data=ContentData(title="スマートフォンで見る記事", url=""))
    person(curator).sign_in(mobile_page)
    mobile_page.goto(reverse("content:library"))
    expect(mobile_page.locator(".content-title")).to_be_visible()
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"


def test_a_curator_keeps_topics_and_edits_a_campaign_from_the_lists(
    page: Page, curator: Membership, org
):
    Campaign.objects.create(organization=org, name="展示会2027", slug="expo-2027")
    Source.objects.create(organization=org, name="公式ブログ", url="https://e.example/feed.xml")
    person(curator).sign_in(page)

    page.goto(reverse("content:topics"))
    page.locator("#id_name").fill("採用")
    page.locator("#id_description").fill("採用のニュース")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Add"), exact=True).click()
    expect(page.locator(".topic-card .card-title")).to_have_text("採用")
    with page.expect_navigation():
        page.locator(".topic-card").get_by_role("link").click()
    page.locator("#id_name").fill("採用・キャリア")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Save changes")).click()
    expect(page.locator(".topic-card .card-title")).to_have_text("採用・キャリア")
    page.locator(".topic-card").get_by_role("link").click()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Remove"), exact=True).click()
    expect(page.locator(".empty-state h2")).to_have_text(ja("No topics yet"))

    page.goto(reverse("content:sources"))
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody")).to_contain_text("公式ブログ")

    page.goto(reverse("content:campaigns"))
    page.locator(".campaign-cards .card-title").click()
    page.get_by_role("link", name=ja("Edit"), exact=True).click()
    page.locator("#id_goal").fill("来場者500名")
    with page.expect_navigation():
        page.locator("form.form button[type='submit']").click()
    expect(page.locator("main")).to_contain_text("来場者500名")
    with page.expect_navigation():
        page.get_by_role("button", name=ja("Close the campaign")).click()
    page.goto(reverse("content:campaigns") + "?archived=1")
    expect(page.locator(".campaign-cards .card-title")).to_have_text("展示会2027")
