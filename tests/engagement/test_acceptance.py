"""The acceptance test of the points ledger: a share clicked through the real redirect (the ASGI
app in front of Django, its journal, tracking's aggregation) by three browsers, a crawler and
the sharer earns exactly what the rules say, once, however often the jobs run."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from django.core.asgi import get_asgi_application
from django.utils import timezone

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Actor
from ouendan.content.models import ContentItem
from ouendan.engagement.models import PointEntry
from ouendan.engagement.selectors import points_balance
from ouendan.engagement.services.awarding import points_award
from ouendan.networks import Network
from ouendan.sharing.services.shares import share_create
from ouendan.tracking.journal import journal_ingest
from ouendan.tracking.models import Click, TrackedLink
from ouendan.tracking.redirect import TrackedLinkApp
from ouendan.tracking.services import Sharer, clicks_aggregate
from tests.engagement.conftest import set_rules
from tests.factories import actor
from tests.tracking.conftest import SHARER_ADDRESS, SHARER_AGENT
from tests.tracking.test_bots import BROWSERS, CRAWLERS
from tests.tracking.test_redirect_app import call

pytestmark = pytest.mark.django_db(transaction=True)

VISITORS = [
    (BROWSERS["iPhone Safari"][0], "198.51.100.21"),
    (BROWSERS["Android Chrome"][0], "198.51.100.22"),
    (BROWSERS["Mac Safari"][0], "198.51.100.23"),
]


def request(path: str, *, agent: str, address: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"user-agent", agent.encode())],
        "client": (address, 50000),
        "server": ("testserver", 443),
    }


@pytest.fixture
def app() -> Any:
    app = TrackedLinkApp(get_asgi_application())
    yield app
    app.journal.stop()
    app._db.shutdown(wait=True)


def test_three_browsers_and_a_crawler_earn_what_the_rules_say_once(
    app: Any, sharer: Actor, advocate: Membership, admin: Membership, item: ContentItem
):
    rules = set_rules(admin, share_points=10, click_points=3, click_cap=25, hold_hours=24)
    shared = share_create(
        actor=sharer,
        content_id=item.pk,
        network=Network.LINKEDIN,
        sharer=Sharer(address=SHARER_ADDRESS, user_agent=SHARER_AGENT),
    )
    code = TrackedLink.objects.get(share=shared.share).code

    async def visits() -> list[int]:
        answers = []
        for agent, address in [
            *VISITORS,
            VISITORS[0],  # the first reader again, the same day: not a new person
            (CRAWLERS["Google"], "66.249.66.1"),
            (SHARER_AGENT, SHARER_ADDRESS),  # the sharer checks their own post
        ]:
            status, _, _ = await call(app, request(f"/r/{code}", agent=agent, address=address))
            answers.append(status)
        return answers

    assert asyncio.run(visits()) == [302] * 6
    app.journal.flush()
    journal_ingest()
    for _ in range(2):  # tracking's job, twice
        clicks_aggregate()
    assert Click.objects.filter(bot=True).count() == 1
    assert Click.objects.filter(is_self=True).count() == 1
    assert Click.objects.filter(unique=True).count() == 3

    first = points_award()
    second = points_award()  # the awarding job, twice
    assert (first.shares, first.clicks) == (1, 1)
    assert (second.shares, second.clicks) == (0, 0)

    entries = {e.reason: e for e in PointEntry.objects.filter(membership=advocate)}
    assert set(entries) == {"share", "clicks"}
    assert entries["share"].points == 10  # posted: a human click arrived
    assert entries["clicks"].points == 3 * 3  # three people, not the crawler nor the sharer
    assert entries["clicks"].params["clicks"] == 3
    assert entries["clicks"].source_key == f"clicks:share:{shared.share.pk}:3"
    assert {e.rule_version_id for e in entries.values()} == {rules.pk}
    # Held for a day, then counted.
    who = actor(advocate)
    balance = points_balance(actor=who)
    assert (balance.balance, balance.pending) == (0, 19)
    points_award(now=timezone.now() + timedelta(hours=25))
    points_award(now=timezone.now() + timedelta(hours=26))
    balance = points_balance(actor=who)
    assert (balance.balance, balance.pending) == (19, 0)
    assert PointEntry.objects.count() == 2

    # One more reader later: one more entry with that click only.
    async def late() -> None:
        await call(app, request(f"/r/{code}", agent=CRAWLERS["Bing"], address="40.77.167.1"))
        await call(
            app, request(f"/r/{code}", agent=BROWSERS["Windows Edge"][0], address="198.51.100.24")
        )

    asyncio.run(late())
    app.journal.flush()
    journal_ingest()
    clicks_aggregate()
    assert points_award().clicks == 1
    newest = PointEntry.objects.filter(reason="clicks").order_by("-pk").first()
    assert newest is not None and (newest.points, newest.params["clicks"]) == (3, 1)
    assert newest.source_key == f"clicks:share:{shared.share.pk}:4"
