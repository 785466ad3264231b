"""Feed sources against a real local HTTP server: RSS and Atom become drafts once, duplicates are
recognised by GUID and link, feed errors are recorded (not fatal), conditional GETs are polite."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem, Source, SourceEntry, Topic
from ouendan.content.services.sources import (
    FIRST_POLL_IMPORTS,
    SourceData,
    source_create,
    source_poll,
    source_update,
    sources_poll_due,
)
from ouendan.core.errors import Conflict, DomainError
from tests.api_client import Api, assert_error, token_for
from tests.content.conftest import draft
from tests.local_http import LocalServer, page

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def rss(items: list[tuple[str, str, str, int]], *, title: str = "みらい製作所 ニュース") -> str:
    """items: (guid, title, link, days ago)."""
    now = timezone.now()
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{name}</title><link>{link}</link>"
        f"<description>&lt;p&gt;{name}の&lt;b&gt;お知らせ&lt;/b&gt;です。&lt;/p&gt;</description>"
        f"<pubDate>{format_datetime(now - timedelta(days=days))}</pubDate></item>"
        for guid, name, link, days in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://www.example.co.jp/</link>{entries}</channel></rss>"
    )


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>技術ブログ</title>
<entry><id>tag:example.co.jp,2026:ros2</id><title>ROS 2 への移行記</title>
<link href="https://www.example.co.jp/tech/ros2"/><updated>2026-11-20T09:00:00Z</updated>
<summary>移行で学んだこと。</summary></entry></feed>"""


def feed_route(
    server: LocalServer, path: str, body: str, content_type: str = "application/rss+xml"
):
    server.routes[path] = page(body, f"{content_type}; charset=utf-8")
    return server.url(path)


def test_a_new_feed_becomes_drafts_with_plain_summaries(curator_actor: Actor, server, org):
    topic = Topic.objects.create(organization=org, name="ニュース")
    url = feed_route(
        server,
        "/feed.xml",
        rss(
            [
                ("pr-1", "新工場が稼働", "https://www.example.co.jp/news/1", 1),
                ("pr-2", "受賞のお知らせ", "https://www.example.co.jp/news/2", 3),
            ]
        ),
    )
    source, result = source_create(
        actor=curator_actor,
        data=SourceData(name="ニュースリリース", url=url, topic_ids=[topic.pk], promotional=True),
    )
    assert (result.health, result.created, result.duplicates) == ("ok", 2, 0)
    items = ContentItem.objects.filter(source=source).order_by("title")
    assert [i.title for i in items] == ["受賞のお知らせ", "新工場が稼働"]
    first = items[1]
    assert first.status == ContentItem.Status.DRAFT
    assert first.summary == "新工場が稼働の お知らせ です。"
    assert first.promotional
    assert [t.name for t in first.topics.all()] == ["ニュース"]
    source.refresh_from_db()
    assert source.feed_title == "みらい製作所 ニュース"
    assert source.health == Source.Health.OK and source.next_poll_at is not None


def test_polling_again_imports_only_what_is_new(curator_actor: Actor, server):
    items = [("pr-1", "一つ目", "https://www.example.co.jp/news/1", 2)]
    url = feed_route(server, "/feed.xml", rss(items))
    source, _ = source_create(actor=curator_actor, data=SourceData(name="ニュース", url=url))
    feed_route(
        server,
        "/feed.xml",
        rss([*items, ("pr-2", "二つ目", "https://www.example.co.jp/news/2", 0)]),
    )
    assert source_poll(source_id=source.pk).created == 1
    assert source_poll(source_id=source.pk).created == 0
    assert ContentItem.objects.filter(source=source).count() == 2


def test_a_link_already_in_the_library_is_not_imported_again(curator_actor: Actor, server):
    draft(curator_actor, "手で登録した記事", url="https://WWW.example.co.jp/news/1#top")
    url = feed_route(
        server, "/feed.xml", rss([("a", "同じ記事", "https://www.example.co.jp/news/1", 0)])
    )
    source, result = source_create(actor=curator_actor, data=SourceData(name="n", url=url))
    assert (result.created, result.duplicates) == (0, 1)
    entry = SourceEntry.objects.get(source=source)
    assert entry.outcome == SourceEntry.Outcome.DUPLICATE
    assert entry.content.title == "手で登録した記事"


def test_the_first_poll_imports_only_the_newest_entries(curator_actor: Actor, server):
    entries = [(f"g{n}", f"記事{n}", f"https://www.example.co.jp/n/{n}", n) for n in range(25)]
    url = feed_route(server, "/feed.xml", rss(entries))
    source, result = source_create(actor=curator_actor, data=SourceData(name="n", url=url))
    assert (result.created, result.skipped) == (FIRST_POLL_IMPORTS, 25 - FIRST_POLL_IMPORTS)
    newest = set(ContentItem.objects.filter(source=source).values_list("title", flat=True))
    assert newest == {f"記事{n}" for n in range(FIRST_POLL_IMPORTS)}
    assert source_poll(source_id=source.pk).created == 0  # the skipped ones stay skipped


def test_atom_feeds_and_blog_pages_that_name_their_feed(curator_actor: Actor, server):
    feed_route(server, "/atom.xml", ATOM, "application/atom+xml")
    server.routes["/blog/"] = page(
        '<html><head><link rel="alternate" type="application/atom+xml" href="/atom.xml">'
        "</head><body>ブログ</body></html>"
    )
    source, result = source_create(
        actor=curator_actor, data=SourceData(name="技術ブログ", url=server.url("/blog/"))
    )
    assert result.created == 1
    item = ContentItem.objects.get(source=source)
    assert (item.title, item.url) == ("ROS 2 への移行記", "https://www.example.co.jp/tech/ros2")


def test_an_address_that_is_not_a_feed_is_refused_when_adding(curator_actor: Actor, server):
    server.routes["/page"] = page("<html><body>ただのページ</body></html>")
    with pytest.raises(DomainError) as caught:
        source_create(actor=curator_actor, data=SourceData(name="n", url=server.url("/page")))
    assert caught.value.code == "not_feed"
    with pytest.raises(DomainError) as caught:
        source_create(actor=curator_actor, data=SourceData(name="n", url="http://10.0.0.8/feed"))
    assert caught.value.code == "address_refused"
    assert not Source.objects.exists()


def test_a_failing_feed_is_recorded_and_retried_later_not_fatal(curator_actor: Actor, server):
    url = feed_route(server, "/feed.xml", rss([("a", "記事", "https://www.example.co.jp/a", 0)]))
    source, _ = source_create(actor=curator_actor, data=SourceData(name="n", url=url))
    del server.routes["/feed.xml"]  # now answers 404
    now = timezone.now()
    result = source_poll(source_id=source.pk, now=now)
    assert (result.health, result.error_code) == ("error", "fetch_failed")
    source.refresh_from_db()
    assert source.failure_count == 1 and source.last_error
    assert source.next_poll_at == now + timedelta(minutes=source.poll_minutes)
    source_poll(source_id=source.pk, now=now)
    source.refresh_from_db()
    assert source.next_poll_at == now + timedelta(minutes=2 * source.poll_minutes)  # backoff
    feed_route(server, "/feed.xml", rss([("a", "記事", "https://www.example.co.jp/a", 0)]))
    assert source_poll(source_id=source.pk).health == "ok"
    source.refresh_from_db()
    assert (source.failure_count, source.last_error) == (0, "")


def test_polls_are_conditional_when_the_server_sends_validators(curator_actor: Actor, server):
    body = rss([("a", "記事", "https://www.example.co.jp/a", 0)]).encode()

    def respond(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.send_header("ETag", '"v1"')
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("ETag", '"v1"')
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server.routes["/feed.xml"] = respond
    source, _ = source_create(
        actor=curator_actor, data=SourceData(name="n", url=server.url("/feed.xml"))
    )
    result = source_poll(source_id=source.pk)
    assert (result.health, result.created) == ("ok", 0)
    assert server.headers[-1]["If-None-Match"] == '"v1"'


def test_the_scheduler_polls_only_due_active_sources_once(curator_actor: Actor, server):
    url = feed_route(server, "/feed.xml", rss([("a", "記事", "https://www.example.co.jp/a", 0)]))
    source, _ = source_create(actor=curator_actor, data=SourceData(name="n", url=url))
    now = timezone.now()
    assert sources_poll_due(now=now) == []  # just polled when added
    later = now + timedelta(minutes=source.poll_minutes, seconds=1)
    assert len(sources_poll_due(now=later)) == 1
    assert sources_poll_due(now=later) == []
    source_update(actor=curator_actor, source_id=source.pk, data=SourceData(active=False))
    assert sources_poll_due(now=later + timedelta(days=1)) == []


def test_the_same_feed_cannot_be_added_twice(curator_actor: Actor, server):
    url = feed_route(server, "/feed.xml", rss([]))
    source_create(actor=curator_actor, data=SourceData(name="n", url=url))
    with pytest.raises(Conflict):
        source_create(actor=curator_actor, data=SourceData(name="m", url=url))


def test_the_sources_api(curator, server):
    api = Api(token_for(curator))
    url = feed_route(server, "/feed.xml", rss([("a", "記事", "https://www.example.co.jp/a", 0)]))
    created = api.post("/sources", {"name": "公式ブログ", "url": url, "poll_minutes": 30})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["poll"] == {
        "health": "ok",
        "created": 1,
        "duplicates": 0,
        "skipped": 0,
        "error_code": "",
        "error": "",
    }
    assert body["content_count"] == 1
    assert_error(api.post("/sources", {"name": "x", "url": url, "poll_minutes": 1}), 400)
    assert_error(api.post("/sources", {"name": "x", "url": url}), 409)
    source_id = body["id"]
    assert api.patch(f"/sources/{source_id}", {"active": False}).json()["active"] is False
    assert api.post(f"/sources/{source_id}/poll").json()["health"] == "ok"
    entries = api.get(f"/sources/{source_id}/entries").json()
    assert [e["outcome"] for e in entries["items"]] == ["created"]
    assert [s["name"] for s in api.get("/sources").json()["items"]] == ["公式ブログ"]
    assert api.delete(f"/sources/{source_id}").status_code == 204
    assert ContentItem.objects.count() == 1  # its drafts stay


def test_feed_polls_never_reach_private_addresses(curator_actor: Actor, settings):
    settings.LINK_PREVIEW_ALLOW_LOOPBACK = False
    with pytest.raises(DomainError) as caught:
        source_create(
            actor=curator_actor, data=SourceData(name="n", url="http://127.0.0.1:9/feed.xml")
        )
    assert caught.value.code == "address_refused"


def test_demo_feed_prefixes_allow_only_that_prefix(curator_actor: Actor, server, settings):
    settings.LINK_PREVIEW_ALLOW_LOOPBACK = False
    settings.FETCH_LOOPBACK_URL_PREFIXES = [server.url("/demo/feeds/")]
    url = feed_route(server, "/demo/feeds/news.xml", rss([("a", "記事", "https://e.example/a", 0)]))
    _, result = source_create(actor=curator_actor, data=SourceData(name="n", url=url))
    assert result.created == 1
    other = feed_route(server, "/other.xml", rss([]))
    with pytest.raises(DomainError) as caught:
        source_create(actor=curator_actor, data=SourceData(name="m", url=other))
    assert caught.value.code == "address_refused"
