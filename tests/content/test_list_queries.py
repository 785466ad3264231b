"""The content lists cost the same number of queries for 3 rows as for 30 (no N+1): the library
page and API (with topics, texts, images and campaigns on every row), campaigns with progress,
feeds, suggestions and topics."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.content.models import Campaign, ContentItem, Source, Suggestion, Topic
from ouendan.content.services.images import content_image_add
from ouendan.content.services.items import ContentData, content_create
from ouendan.content.services.variants import VariantData
from tests.conftest import signed_in
from tests.factories import make_person


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def add_content(actor: Actor, start: int, count: int) -> None:
    org = actor.organization
    topic = Topic.objects.create(organization=org, name=f"話題{start}")
    campaign = Campaign.objects.create(organization=org, name=f"施策{start}", slug=f"c-{start}")
    for i in range(start, start + count):
        item = content_create(
            actor=actor,
            data=ContentData(
                title=f"記事 {i}",
                url=f"https://e.example/{i}",
                topic_ids=[topic.pk],
                campaign_id=campaign.pk,
            ),
            variants=[VariantData(network="x", text=f"文面 {i}"), VariantData(text="共通")],
        )
        content_image_add(actor=actor, content_id=item.pk, data=_png())


def add_campaigns(actor: Actor, start: int, count: int) -> None:
    add_content(actor, start, 1)
    for i in range(start, start + count):
        Campaign.objects.create(organization=actor.organization, name=f"c{i}", slug=f"s-{i}")


def add_sources(actor: Actor, start: int, count: int) -> None:
    topic = Topic.objects.create(organization=actor.organization, name=f"t{start}")
    for i in range(start, start + count):
        source = Source.objects.create(
            organization=actor.organization, name=f"feed {i}", url=f"https://e.example/{i}.xml"
        )
        source.topics.set([topic])


def add_suggestions(actor: Actor, start: int, count: int) -> None:
    person = make_person(actor.organization)
    Suggestion.objects.bulk_create(
        Suggestion(organization=actor.organization, suggested_by=person, url=f"https://e/{i}")
        for i in range(start, start + count)
    )


def add_topics(actor: Actor, start: int, count: int) -> None:
    for i in range(start, start + count):
        Topic.objects.create(organization=actor.organization, name=f"topic {i}")


LISTS: dict[str, tuple[str, Callable[[Actor, int, int], None]]] = {
    "library page": ("/content/", add_content),
    "library API": ("/api/v1/content", add_content),
    "library search": ("/content/?q=記事&status=draft", add_content),
    "campaigns page": ("/content/campaigns/", add_campaigns),
    "campaigns API": ("/api/v1/campaigns", add_campaigns),
    "sources page": ("/content/sources/", add_sources),
    "sources API": ("/api/v1/sources", add_sources),
    "suggestions page": ("/content/suggestions/?status=pending", add_suggestions),
    "suggestions API": ("/api/v1/suggestions", add_suggestions),
    "topics page": ("/content/topics/", add_topics),
    "topics API": ("/api/v1/topics", add_topics),
}


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_content_list_costs_the_same_for_few_and_many_rows(name, org):
    from tests.factories import actor as actor_of

    curator = make_person(org, roles=[Role.CURATOR, Role.PROGRAM_MANAGER])
    actor = actor_of(curator)
    url, add = LISTS[name]
    client = signed_in(curator)
    add(actor, 0, 3)
    few = queries_for(client, url)
    add(actor, 3, 27)
    many = queries_for(client, url)
    assert many == few, f"{name}: {few} queries for 3 rows, {many} for 30"


def test_the_rows_were_really_there(org):
    from tests.factories import actor as actor_of

    actor = actor_of(make_person(org, roles=[Role.CURATOR]))
    add_content(actor, 0, 2)
    assert ContentItem.objects.count() == 2
    assert ContentItem.objects.filter(images__isnull=False).distinct().count() == 2
