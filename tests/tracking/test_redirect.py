"""``/r/<code>``: where it sends people, what it tells bots, what it stores and counts."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem
from ouendan.sharing.models import Share
from ouendan.sharing.services.shares import ShareResult
from ouendan.tracking.models import Click, TrackedLink, VisitorSalt
from ouendan.tracking.services import clicks_aggregate
from ouendan.tracking.visitors import salt_day, visitor_salts_prune
from tests.conftest import signed_in
from tests.tracking.conftest import SHARER_ADDRESS, SHARER_AGENT
from tests.tracking.test_bots import BROWSERS, CRAWLERS, PREVIEW_FETCHERS

pytestmark = pytest.mark.django_db

IPHONE, ANDROID, MAC = (
    BROWSERS[name][0] for name in ("iPhone Safari", "Android Chrome", "Mac Safari")
)


def visit(
    link: TrackedLink,
    agent: str,
    *,
    address: str = "198.51.100.1",
    method: str = "get",
    **headers: str,
):
    client = Client(headers={"User-Agent": agent, **headers}, REMOTE_ADDR=address)
    return getattr(client, method)(f"/r/{link.code}")


def test_a_person_is_sent_to_the_content_with_utm_and_a_click_id(link: TrackedLink):
    response = visit(link, IPHONE, Referer="https://t.co/abc")
    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    location = urlsplit(response["Location"])
    assert (location.netloc, location.path, location.fragment) == (
        "www.example.co.jp",
        "/recruit/setsumeikai",
        "date",
    )
    query = parse_qs(location.query)
    assert query["from"] == ["news"] and query["utm_medium"] == ["employee_advocacy"]
    assert query["utm_source"] == ["x"] and query["utm_content"] == [str(link.share_id)]
    click = Click.objects.get()
    assert query["oud_cid"] == [click.click_id]
    assert (click.bot, click.is_self, click.device, click.referrer_host) == (
        False,
        False,
        "mobile",
        "t.co",
    )
    assert click.day == salt_day(timezone.now()) and len(click.visitor_hash) == 32


def test_no_address_is_stored(link: TrackedLink):
    visit(link, IPHONE, address="198.51.100.77")
    row = Click.objects.values().get()
    assert not any("198.51.100.77" in str(value) for value in row.values())
    salt = VisitorSalt.objects.get()
    assert len(salt.salt) > 64 and "gAAAA" in salt.salt  # encrypted (Fernet)


def test_an_unknown_code_is_a_small_404(db: None):
    response = Client().get("/r/NoSuchCo")
    assert response.status_code == 404
    assert (
        "リンクが見つかりません".encode() in response.content
        or b"Link not found" in response.content
    )
    assert Client().get("/r/not a code!").status_code == 404
    english = Client(headers={"Accept-Language": "en"}).get("/r/NoSuchCo")
    assert b"Link not found" in english.content


def test_preview_fetchers_get_the_card_pointing_at_the_tracked_link(
    link: TrackedLink, shared: ShareResult
):
    response = visit(link, PREVIEW_FETCHERS["X"])
    assert response.status_code == 200
    page = response.content.decode()
    assert '<meta property="og:title" content="新卒採用説明会">' in page
    assert f'<meta property="og:url" content="{shared.tracked_url}">' in page
    click = Click.objects.get()
    assert click.bot and click.reason == "preview" and click.device == "bot"


def test_head_and_prefetch_are_recorded_as_bots(link: TrackedLink):
    assert visit(link, IPHONE, method="head").status_code == 302
    assert visit(link, IPHONE, **{"Sec-Purpose": "prefetch"}).status_code == 302
    assert visit(link, MAC, Purpose="prefetch").status_code == 302
    assert list(Click.objects.order_by("id").values_list("reason", flat=True)) == [
        "head",
        "prefetch",
        "prefetch",
    ]
    assert Client().post(f"/r/{link.code}").status_code == 405


def test_the_sharers_own_clicks_are_flagged(link: TrackedLink, advocate):
    visit(link, SHARER_AGENT, address=SHARER_ADDRESS)  # same device as when sharing
    client = signed_in(advocate)
    client.get(f"/r/{link.code}", headers={"User-Agent": MAC})  # signed in, another device
    visit(link, MAC)  # someone else
    assert list(Click.objects.order_by("id").values_list("is_self", flat=True)) == [
        True,
        True,
        False,
    ]


def test_links_in_old_posts_keep_working(link: TrackedLink, item: ContentItem):
    ContentItem.objects.filter(pk=item.pk).update(
        status=ContentItem.Status.ARCHIVED, archived_at=timezone.now()
    )
    assert visit(link, IPHONE).status_code == 302


def test_three_browsers_and_a_crawler_count_three_once(link: TrackedLink, shared: ShareResult):
    for index, agent in enumerate((IPHONE, ANDROID, MAC)):
        visit(link, agent, address=f"198.51.100.{index + 10}")
    visit(link, IPHONE, address="198.51.100.10")  # the first visitor again, same day
    visit(link, CRAWLERS["Google"])
    visit(link, SHARER_AGENT, address=SHARER_ADDRESS)
    assert clicks_aggregate() == 6
    assert clicks_aggregate() == 0  # twice: nothing counted again
    link.refresh_from_db()
    assert (link.clicks, link.unique_clicks, link.bot_hits, link.self_clicks) == (4, 3, 1, 1)
    assert link.first_click_at is not None and link.last_click_at >= link.first_click_at
    assert Click.objects.filter(unique=True).count() == 3
    share = Share.objects.select_related("link").get(pk=shared.share.pk)
    assert share.status == Share.Status.POSTED  # a human click confirms it


def test_a_visitor_is_unique_again_the_next_day(link: TrackedLink):
    visit(link, IPHONE)
    clicks_aggregate()
    tomorrow = Click.objects.get()
    Click.objects.create(
        organization_id=link.organization_id,
        link=link,
        click_id="next-day",
        at=tomorrow.at + timedelta(days=1),
        day=tomorrow.day + timedelta(days=1),
        visitor_hash=tomorrow.visitor_hash,
        device="mobile",
    )
    clicks_aggregate()
    link.refresh_from_db()
    assert (link.clicks, link.unique_clicks) == (2, 2)


def test_salts_are_deleted_after_48_hours(link: TrackedLink):
    now = timezone.now()
    today = salt_day(now)
    for days in (1, 2, 3):
        VisitorSalt.objects.create(day=today - timedelta(days=days), salt="x")
    VisitorSalt.objects.get_or_create(day=today, defaults={"salt": "x"})
    visitor_salts_prune(now=now)
    kept = set(VisitorSalt.objects.values_list("day", flat=True))
    assert kept == {today, today - timedelta(days=1)}


def test_the_same_visitor_has_another_hash_on_another_link(
    link: TrackedLink, sharer: Actor, promo: ContentItem
):
    from ouendan.networks import Network
    from ouendan.sharing.services.shares import share_create

    other = share_create(actor=sharer, content_id=promo.pk, network=Network.X)
    visit(link, IPHONE)
    Client(headers={"User-Agent": IPHONE}, REMOTE_ADDR="198.51.100.1").get(
        urlsplit(other.tracked_url).path
    )
    first, second = Click.objects.order_by("id").values_list("visitor_hash", flat=True)
    assert first != second
