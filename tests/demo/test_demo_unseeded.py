"""Demo tests that cannot share the seeded module: seeding refused outside demo mode (an empty
database), and the demo's feed polled over real HTTP (``live_server`` commits)."""

from __future__ import annotations

import pytest

from ouendan.accounts.models import Organization
from ouendan.content.models import ContentItem, Source
from ouendan.content.services.sources import source_poll
from ouendan.core.errors import DomainError
from ouendan.demo.content import demo_feed_source_point
from ouendan.demo.data import content as data
from ouendan.demo.services import demo_seed


def test_seeding_is_refused_outside_demo_mode(db, settings):
    settings.DEMO = False
    settings.TESTING = False
    with pytest.raises(DomainError) as raised:
        demo_seed()
    assert raised.value.code == "not_demo"
    assert not Organization.objects.filter(slug="demo").exists()


@pytest.mark.django_db(transaction=True)
def test_the_demo_feed_source_polls_the_demo_itself(live_server, settings):
    port = int(live_server.url.rsplit(":", 1)[-1])
    # What demo mode sets: loopback allowed for the demo's own feed address only.
    settings.FETCH_LOOPBACK_URL_PREFIXES = ["http://127.0.0.1:8000/demo/feeds/"]
    demo_seed()
    assert Source.objects.get().url == "http://127.0.0.1:8000/demo/feeds/news.xml"
    settings.FETCH_LOOPBACK_URL_PREFIXES = [f"http://127.0.0.1:{port}/demo/feeds/"]
    assert demo_feed_source_point(port=port) == 1  # `make demo` on another port
    source = Source.objects.get(organization__slug="demo")
    result = source_poll(source_id=source.pk)
    visible = sum(1 for e in data.FEED_ENTRIES if e.published_days_ago >= 0)
    assert (result.health, result.created) == ("ok", min(visible, 10))
    drafts = ContentItem.objects.filter(source=source)
    assert all(item.status == "draft" for item in drafts)
    assert drafts.filter(topics__name="製品").count() == drafts.count()
