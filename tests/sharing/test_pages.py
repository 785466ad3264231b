"""The feed, share and impact pages, as an advocate uses them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem
from ouendan.governance.services.crisis import crisis_pause_start
from ouendan.governance.services.policy import policy_publish
from ouendan.networks import Network
from ouendan.sharing.models import Share
from ouendan.sharing.services.shares import share_create
from ouendan.tracking.services import clicks_aggregate
from tests.conftest import signed_in
from tests.factories import actor, make_person
from tests.sharing.conftest import live
from tests.tracking.test_bots import BROWSERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(sharer: Actor, advocate: Membership) -> Client:
    return signed_in(advocate, language="en")


def test_an_empty_feed_says_what_will_come(page: Client):
    response = page.get("/feed/")
    assert response.status_code == 200
    assert b"Nothing to share right now" in response.content


def test_the_feed_shows_cards_with_share_buttons(page: Client, item: ContentItem):
    response = page.get("/feed/")
    html = response.content.decode()
    assert item.title in html and "学生さんに届けたい" in html
    assert f"/feed/{item.pk}/?network=x" in html and f"/feed/{item.pk}/?network=mastodon" in html
    assert "Shared already" not in html
    page.post(f"/feed/{item.pk}/share/", {"network": "x", "text": "来てね"})
    assert "Shared already" in page.get("/feed/").content.decode()


def test_the_feed_pages_with_more(page: Client, curator_actor: Actor, reviewer_actor: Actor):
    for n in range(14):
        live(curator_actor, reviewer_actor, f"ニュース{n:02d}")
    first = page.get("/feed/").content.decode()
    assert first.count('class="feed-card card"') == 12 and 'id="feed-more"' in first
    more = page.get("/feed/?page=2", headers={"HX-Request": "true"}).content.decode()
    assert more.count('class="feed-card card"') == 2 and "<html" not in more


def test_the_share_page_starts_from_the_suggested_text(page: Client, item: ContentItem):
    html = page.get(f"/feed/{item.pk}/?network=x").content.decode()
    assert "説明会やります！ぜひ来てください" in html
    assert "Ready to share" in html
    feedback = page.post(
        f"/feed/{item.pk}/check/", {"network": "x", "text": "連絡は 090-1234-5678"}
    ).content.decode()
    assert "Cannot be shared as it is" in feedback and '<mark class="finding-block">' in feedback


def test_sharing_on_x_goes_to_its_composer(page: Client, item: ContentItem):
    response = page.post(f"/feed/{item.pk}/share/", {"network": "x", "text": "私も登壇します"})
    assert response.status_code == 302
    intent = urlsplit(response["Location"])
    assert intent.netloc == "x.com"
    share = Share.objects.select_related("link").get()
    assert parse_qs(intent.query)["url"] == [f"http://127.0.0.1:8000/r/{share.link.code}"]


def test_instagram_goes_to_the_copy_page(page: Client, item: ContentItem):
    response = page.post(f"/feed/{item.pk}/share/", {"network": "instagram", "text": "見てね"})
    share = Share.objects.get()
    assert response["Location"] == f"/feed/shares/{share.pk}/"
    html = page.get(response["Location"]).content.decode()
    assert 'data-copy="share-text"' in html and "https://www.instagram.com/" in html
    assert page.post(f"/feed/shares/{share.pk}/confirm/").status_code == 302
    assert "Yes, I posted it" not in page.get(response["Location"]).content.decode()


def test_a_blocked_text_is_explained_and_nothing_is_stored(page: Client, item: ContentItem):
    response = page.post(f"/feed/{item.pk}/share/", {"network": "x", "text": "090-1234-5678"})
    assert response.status_code == 400
    assert "phone number" in response.content.decode()
    assert not Share.objects.exists()


def test_the_policy_and_the_pause_disable_sharing(
    page: Client, item: ContentItem, admin: Membership
):
    policy_publish(actor=actor(admin), title="ガイドライン v2", body="新版")
    html = page.get(f"/feed/{item.pk}/?network=x").content.decode()
    assert "acknowledge the social-media policy" in html and "disabled" in html
    assert "/governance/policy/?next=" in html
    crisis_pause_start(actor=actor(admin), reason="障害対応中")
    html = page.get("/feed/").content.decode()
    assert "Sharing is paused" in html and "?network=x" not in html


def test_acknowledging_from_the_share_page_comes_back_to_it(
    page: Client, item: ContentItem, admin: Membership
):
    policy_publish(actor=actor(admin), title="ガイドライン v2", body="新版")
    back = f"/feed/{item.pk}/?network=x"
    response = page.post("/governance/policy/acknowledge/", {"version": "2", "next": back})
    assert response["Location"] == back
    evil = page.post("/governance/policy/acknowledge/", {"next": "https://evil.example/"})
    assert evil["Location"] == "/governance/policy/"


def test_someone_elses_share_is_not_found(page: Client, item: ContentItem, org, sharer):
    share = share_create(actor=sharer, content_id=item.pk, network=Network.X).share
    colleague = signed_in(make_person(org))
    assert colleague.get(f"/feed/shares/{share.pk}/").status_code == 404
    assert colleague.post(f"/feed/shares/{share.pk}/confirm/").status_code == 404


def test_my_impact(page: Client, item: ContentItem, sharer: Actor):
    assert b"You have not shared anything yet" in page.get("/feed/impact/").content
    result = share_create(actor=sharer, content_id=item.pk, network=Network.X)
    Client(headers={"User-Agent": BROWSERS["Mac Safari"][0]}).get(urlsplit(result.tracked_url).path)
    clicks_aggregate()
    html = page.get("/feed/impact/").content.decode()
    assert '<rect x="271"' in html  # today's bar, the 28th
    assert item.title in html and "<td>X</td>" in html


@pytest.mark.parametrize("count", [3, 30])
def test_list_pages_cost_the_same_queries(
    count: int,
    page: Client,
    sharer: Actor,
    curator_actor: Actor,
    reviewer_actor: Actor,
    django_assert_max_num_queries,
):
    for n in range(count):
        item = live(curator_actor, reviewer_actor, f"記事{n:02d}")
        share_create(actor=sharer, content_id=item.pk, network=Network.X)
    with django_assert_max_num_queries(15):
        assert page.get("/feed/").status_code == 200
    with django_assert_max_num_queries(9):
        assert page.get("/feed/impact/").status_code == 200
