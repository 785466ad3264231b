"""The content pages without a browser: each renders for the roles that may see it, its forms
call the services, refusals come back as messages on the form, and the htmx parts answer."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from ouendan.accounts.roles import Role
from ouendan.content.models import Campaign, ContentItem, Source, Suggestion, Topic
from ouendan.content.services.sources import SourceData, source_create
from ouendan.content.services.variants import VariantData
from tests.conftest import signed_in
from tests.content.conftest import approved, draft
from tests.content.test_sources import feed_route, rss
from tests.factories import make_person
from tests.local_http import page

Status = ContentItem.Status


@pytest.fixture
def curator_client(curator) -> Client:
    return signed_in(curator, language="en")


def management(total: int) -> dict[str, str]:
    return {
        "form-TOTAL_FORMS": str(total),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "50",
    }


def test_every_content_page_renders_for_a_curator(
    curator_client: Client, curator_actor, reviewer_actor, org
):
    topic = Topic.objects.create(organization=org, name="採用")
    campaign = Campaign.objects.create(organization=org, name="新卒採用2027", slug="s27")
    item = approved(
        curator_actor, reviewer_actor, "公開中の記事", campaign_id=campaign.pk, topic_ids=[topic.pk]
    )
    pages = {
        "/content/": "公開中の記事",
        f"/content/{item.pk}/": "Suggested texts",
        f"/content/{item.pk}/edit/": "Save changes",
        f"/content/{item.pk}/history/": "Version 1",
        "/content/new/": "Fetch preview",
        "/content/campaigns/": "新卒採用2027",
        f"/content/campaigns/{campaign.pk}/": "公開中の記事",
        "/content/campaigns/new/": "Start the campaign",
        f"/content/campaigns/{campaign.pk}/edit/": "新卒採用2027",
        "/content/sources/": "No feed connected",
        "/content/sources/new/": "Connect",
        "/content/suggestions/": "No suggestion is waiting",
        "/content/suggest/": "You have not suggested anything yet.",
        "/content/topics/": "採用",
        f"/content/topics/{topic.pk}/edit/": "Remove the topic",
    }
    for url, text in pages.items():
        response = curator_client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url


def test_an_advocate_sees_topics_and_suggestions_but_not_the_library(org):
    client = signed_in(make_person(org, roles=[Role.ADVOCATE]))
    assert client.get("/content/topics/").status_code == 200
    assert client.get("/content/suggest/").status_code == 200
    for url in (
        "/content/",
        "/content/new/",
        "/content/campaigns/",
        "/content/sources/",
        "/content/suggestions/",
    ):
        assert client.get(url).status_code == 403, url


def test_the_navigation_offers_the_content_pages_by_role(org, curator_client: Client):
    home = curator_client.get("/").content.decode()
    for label in ("Library", "Campaigns", "Feeds", "Suggestions", "Topics I follow"):
        assert label in home
    advocate_home = signed_in(make_person(org, roles=[Role.ADVOCATE]), language="en").get("/")
    text = advocate_home.content.decode()
    assert "Suggest content" in text and "Library" not in text


def test_the_library_searches_and_filters_in_the_page(curator_client: Client, curator_actor):
    draft(curator_actor, "新卒採用説明会", variants=())
    draft(curator_actor, "製品発表", url="https://e.example/p", variants=())
    text = curator_client.get("/content/", {"q": "採用"}).content.decode()
    assert "新卒採用説明会" in text and "製品発表" not in text
    partial = curator_client.get("/content/", {"q": "製品"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "<html" not in body and "製品発表" in body and 'hx-swap-oob="innerHTML"' in body
    assert (
        "Nothing matches" in curator_client.get("/content/", {"q": "存在しない"}).content.decode()
    )
    assert partial["Vary"].count("HX-Request") == 1


def test_creating_content_in_the_editor_and_sending_it_for_review(curator_client: Client, org):
    topic = Topic.objects.create(organization=org, name="採用")
    response = curator_client.post(
        "/content/new/",
        {
            "url": "https://www.example.co.jp/recruit/2027",
            "title": "2027年卒 説明会",
            "summary": "説明会です。",
            "topics": [topic.pk],
            **management(3),
            "form-0-network": "",
            "form-0-text": "説明会やります",
            "form-0-hashtags": "#新卒採用 みらい製作所",
            "form-1-network": "x",
            "form-1-text": "Xでも告知します",
            "form-2-network": "linkedin",
            "form-2-text": "",  # an empty row is ignored
            "then": "submit",
        },
    )
    assert response.status_code == 302
    item = ContentItem.objects.get()
    assert response["Location"] == f"/content/{item.pk}/"
    assert item.status == Status.IN_REVIEW
    assert [(v.network, v.hashtags) for v in item.variants.all()] == [
        ("", ["新卒採用", "みらい製作所"]),
        ("x", []),
    ]
    assert [t.name for t in item.topics.all()] == ["採用"]


def test_a_refused_save_comes_back_on_the_form_and_writes_nothing(curator_client: Client):
    response = curator_client.post(
        "/content/new/",
        {"url": "javascript:alert(1)", "title": "x", **management(0), "then": "save"},
    )
    assert response.status_code == 200
    assert "Enter a complete web address" in response.content.decode()
    assert not ContentItem.objects.exists()


def test_saving_a_draft_that_cannot_be_submitted_says_why(curator_client: Client):
    response = curator_client.post(
        "/content/new/", {"title": "文面なし", **management(0), "then": "submit"}, follow=True
    )
    assert "Saved as a draft, not sent" in response.content.decode()
    assert ContentItem.objects.get().status == Status.DRAFT


def test_editing_keeps_texts_and_warns_that_approved_content_returns_to_review(
    curator_client: Client, curator_actor, reviewer_actor
):
    item = approved(curator_actor, reviewer_actor, publish_at=timezone.now() - timedelta(hours=1))
    page = curator_client.get(f"/content/{item.pk}/edit/").content.decode()
    assert "sends it back to review" in page
    assert "私の会社の説明会です。ぜひ！" in page
    response = curator_client.post(
        f"/content/{item.pk}/edit/",
        {
            "title": item.title,
            "url": item.url,
            **management(1),
            "form-0-network": "x",
            "form-0-text": "新しい文面",
            "then": "save",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    assert [v.text for v in item.variants.all()] == ["新しい文面"]


def test_the_live_count_answers_for_one_row(curator_client: Client):
    response = curator_client.post(
        "/content/measure/",
        {"row": "form-3", "form-3-network": "x", "form-3-text": "あ" * 141, "url": ""},
    )
    body = response.content.decode()
    assert "282 / 280" in body and "over" in body and "Too long" in body
    neutral = curator_client.post(
        "/content/measure/", {"row": "form-0", "form-0-network": "", "form-0-text": "こんにちは"}
    ).content.decode()
    assert "X 10 / 280" in neutral and "Bluesky 5 / 300" in neutral and "LINE 5" in neutral


def test_a_new_text_row_comes_with_the_next_total(curator_client: Client):
    body = curator_client.get(
        "/content/variant-row/", {"index": 4}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'name="form-4-text"' in body
    assert 'name="form-TOTAL_FORMS" value="5"' in body
    assert "index=5" in body


@pytest.mark.usefixtures("loopback_allowed")
def test_the_preview_fills_only_empty_fields(curator_client: Client, server):
    server.routes["/p"] = page(
        '<html lang="ja"><head><meta property="og:title" content="工場見学のご案内">'
        '<meta property="og:description" content="名古屋工場へ。">'
        '<meta property="og:image" content="/i.png"></head></html>'
    )
    body = curator_client.post(
        "/content/preview/", {"url": server.url("/p"), "title": "", "summary": "自分の要約"}
    ).content.decode()
    assert 'id="id_title" hx-swap-oob="true"' in body and "工場見学のご案内" in body
    assert 'id="id_summary"' not in body  # the curator's own summary stays
    assert f'value="{server.url("/i.png")}"' in body
    refused = curator_client.post("/content/preview/", {"url": "http://192.168.1.1/"})
    assert "private or reserved network" in refused.content.decode()


def test_lifecycle_buttons(curator_client: Client, curator_actor, reviewer):
    item = draft(curator_actor)
    curator_client.post(f"/content/{item.pk}/submit/")
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    reviewer_client = signed_in(reviewer, language="en")
    page = reviewer_client.get(f"/content/{item.pk}/").content.decode()
    assert f"/governance/reviews/{item.pk}/panel/" in page  # the review panel loads there
    panel = reviewer_client.get(
        f"/governance/reviews/{item.pk}/panel/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "Your decision on stage 1" in panel
    reviewer_client.post(
        f"/governance/reviews/{item.pk}/decide/",
        {"decision": "changes", "comment": "", "version": 1},
    )
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW  # a comment is required to ask for changes
    reviewer_client.post(
        f"/governance/reviews/{item.pk}/decide/",
        {"decision": "approve", "comment": "", "version": 1},
    )
    item.refresh_from_db()
    assert item.status == Status.APPROVED
    curator_client.post(f"/content/{item.pk}/publish/")
    curator_client.post(f"/content/{item.pk}/archive/", {"reason": "終了"})
    item.refresh_from_db()
    assert item.status == Status.ARCHIVED
    followed = curator_client.post(f"/content/{item.pk}/submit/", follow=True)
    assert "Only a draft can be sent for review" in followed.content.decode()
    curator_client.post(f"/content/{item.pk}/restore/")
    item.refresh_from_db()
    assert item.status == Status.DRAFT


def test_images_from_the_page(
    curator_client: Client, curator_actor, django_capture_on_commit_callbacks
):
    item = draft(curator_actor)
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "green").save(out, "PNG")
    out.seek(0)
    out.name = "photo.png"
    curator_client.post(f"/content/{item.pk}/images/", {"image": out, "alt_text": "写真"})
    image = item.images.get()
    assert image.alt_text == "写真"
    bad = io.BytesIO(b"not an image")
    bad.name = "x.png"
    followed = curator_client.post(
        f"/content/{item.pk}/images/", {"image": bad, "alt_text": ""}, follow=True
    )
    assert "not an image Ouendan can read" in followed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        curator_client.post(f"/content/{item.pk}/images/{image.pk}/delete/")
    assert not item.images.exists()


def test_campaign_pages_create_edit_close(curator_client: Client):
    response = curator_client.post(
        "/content/campaigns/new/",
        {
            "name": "展示会2027",
            "slug": "expo-2027",
            "goal": "来場者500名",
            "goal_target": 500,
            "starts_on": "2027-01-10",
            "ends_on": "2027-01-31",
        },
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == f"/content/campaigns/{campaign.pk}/"
    bad = curator_client.post(
        f"/content/campaigns/{campaign.pk}/edit/",
        {"name": "展示会2027", "starts_on": "2027-02-01", "ends_on": "2027-01-01"},
    )
    assert "The last day cannot come before the first day." in bad.content.decode()
    curator_client.post(f"/content/campaigns/{campaign.pk}/archive/", {"archived": "1"})
    campaign.refresh_from_db()
    assert campaign.archived_at is not None


@pytest.mark.usefixtures("loopback_allowed")
def test_source_pages_connect_check_and_remove(curator_client: Client, server):
    url = feed_route(server, "/feed.xml", rss([("a", "新しい記事", "https://e.example/a", 0)]))
    response = curator_client.post(
        "/content/sources/new/",
        {"name": "公式ブログ", "url": url, "poll_minutes": 60, "active": "on"},
        follow=True,
    )
    text = response.content.decode()
    assert "1 new draft." in text and "新しい記事" in text
    source = Source.objects.get()
    del server.routes["/feed.xml"]
    failed = curator_client.post(f"/content/sources/{source.pk}/poll/", follow=True)
    assert "The feed could not be read" in failed.content.decode()
    assert "The last check failed" in failed.content.decode()
    not_feed = curator_client.post(
        "/content/sources/new/", {"name": "x", "url": "http://10.0.0.1/", "poll_minutes": 60}
    )
    assert "private or reserved" in not_feed.content.decode()
    curator_client.post(f"/content/sources/{source.pk}/delete/")
    assert not Source.objects.exists()


def test_suggestion_pages_suggest_accept_decline(org, curator_client: Client):
    advocate = make_person(org, roles=[Role.ADVOCATE], full_name="提案 太郎")
    client = signed_in(advocate, language="en")
    client.post("/content/suggest/", {"url": "http://10.9.9.9/a", "comment": "良い記事"})
    client.post("/content/suggest/", {"url": "https://e.example/b"})
    first, second = Suggestion.objects.order_by("pk")
    queue = curator_client.get("/content/suggestions/").content.decode()
    assert "提案 太郎" in queue and "良い記事" in queue
    accepted = curator_client.post(f"/content/suggestions/{first.pk}/accept/")
    item = ContentItem.objects.get()
    assert accepted["Location"] == f"/content/{item.pk}/edit/"
    assert item.suggested_by_id == advocate.pk
    curator_client.post(f"/content/suggestions/{second.pk}/decline/", {"reason": "古い情報"})
    mine = client.get("/content/suggest/").content.decode()
    assert "古い情報" in mine and "it is in the library now" in mine


def test_following_a_topic_from_its_page(advocate, org):
    topic = Topic.objects.create(organization=org, name="製品")
    client = signed_in(advocate, language="en")
    partial = client.post(
        f"/content/topics/{topic.pk}/follow/", {"follow": "1"}, headers={"HX-Request": "true"}
    )
    assert 'aria-pressed="true"' in partial.content.decode()
    assert topic.subscriptions.filter(membership=advocate).exists()
    client.post(f"/content/topics/{topic.pk}/follow/", {"follow": "0"})
    assert not topic.subscriptions.exists()


@pytest.mark.usefixtures("loopback_allowed")
def test_a_source_detail_lists_what_it_imported(curator_client: Client, curator_actor, server):
    url = feed_route(server, "/f.xml", rss([("a", "輸入された記事", "https://e.example/a", 0)]))
    source, _ = source_create(actor=curator_actor, data=SourceData(name="n", url=url))
    text = curator_client.get(f"/content/sources/{source.pk}/").content.decode()
    assert "輸入された記事" in text and "Draft created" in text
    drafts = curator_client.get("/content/", {"source": source.pk}).content.decode()
    assert "輸入された記事" in drafts


def test_a_detail_page_shows_counts_per_network(curator_client: Client, curator_actor):
    item = draft(curator_actor, variants=(VariantData(network="bluesky", text="こんにちは"),))
    text = curator_client.get(f"/content/{item.pk}/").content.decode()
    assert "Bluesky" in text and "/ 300" in text


def test_home_says_what_waits_for_each_role(curator_actor, reviewer, curator, org):
    item = draft(curator_actor)
    from ouendan.content.services.items import content_submit

    content_submit(actor=curator_actor, content_id=item.pk)
    Suggestion.objects.create(organization=org, suggested_by=curator, url="https://e.example/s")
    reviewer_home = signed_in(reviewer, language="en").get("/").content.decode()
    assert "content items waiting for your review" in reviewer_home
    assert "suggestions from colleagues" not in reviewer_home
    curator_home = signed_in(curator, language="en").get("/").content.decode()
    assert "suggestions from colleagues" in curator_home
    assert "waiting for your review" not in curator_home
