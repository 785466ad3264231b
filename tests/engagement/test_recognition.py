"""Recognition between people: shout-outs from the program and managers (and nobody else),
shown to colleagues only as the recipient chose to appear; the feed's community block (loaded
by htmx) with the contests' announcements; the month's highlights; pages and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ouendan.accounts.models import AuditEvent, Membership, Organization
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.content.models import ContentItem
from ouendan.core.errors import DomainError
from ouendan.engagement.models import BadgeAward, ShoutOut
from ouendan.engagement.selectors_recognition import (
    community,
    highlights,
    shout_out_views,
    shout_outs_community,
    shout_outs_received,
)
from ouendan.engagement.services.contests import contest_join, contests_advance
from ouendan.engagement.services.recognition import shout_out_send
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.engagement.conftest import posted
from tests.engagement.test_contests import end_contest, new_contest, record
from tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(org: Organization) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 部長")


@pytest.fixture
def manager(org: Organization) -> Membership:
    return make_person(org, roles=[Role.MANAGER], full_name="営業 課長", employee_number="M-001")


def send(sender: Membership, recipient: Membership, message: str = "ありがとう!", **extra: int):
    return shout_out_send(actor=actor(sender), recipient_id=recipient.pk, message=message, **extra)


# --- Sending --------------------------------------------------------------------------------------


def test_the_program_and_managers_send_shout_outs_and_nobody_else(
    pm: Membership, manager: Membership, advocate: Membership, org: Organization
):
    first = send(pm, advocate, "説明会の投稿、  ありがとう!")
    assert first.message == "説明会の投稿、 ありがとう!"
    send(manager, advocate)
    with pytest.raises(PermissionDenied):
        send(advocate, manager)
    curator = make_person(org, roles=[Role.CURATOR])
    with pytest.raises(PermissionDenied):
        send(curator, advocate)
    assert ShoutOut.objects.count() == 2
    assert AuditEvent.objects.filter(action="shout_out.sent").count() == 2


def test_a_shout_out_that_breaks_a_rule_is_refused(
    pm: Membership, advocate: Membership, other_admin: Membership, org: Organization
):
    with pytest.raises(DomainError) as empty:
        send(pm, advocate, "   ")
    assert "message" in empty.value.fields
    with pytest.raises(DomainError) as own:
        send(pm, pm)
    assert own.value.code == "own_shout_out"
    with pytest.raises(DomainError) as elsewhere:
        send(pm, other_admin)
    assert elsewhere.value.code == "not_found"
    left = make_person(org, status=Membership.Status.LEFT)
    with pytest.raises(DomainError):
        send(pm, left)
    assert not ShoutOut.objects.exists()


def test_a_shout_out_about_a_share_must_be_about_the_recipients_own(
    pm: Membership, sharer: Actor, advocate: Membership, item: ContentItem, org: Organization
):
    share = posted(sharer, item)
    about = send(pm, advocate, share_id=share.pk)
    assert (about.share_id, about.content_id) == (share.pk, item.pk)
    colleague = make_person(org)
    with pytest.raises(DomainError) as not_theirs:
        send(pm, colleague, share_id=share.pk)
    assert not_theirs.value.code == "not_found" and "share_id" in not_theirs.value.fields


# --- Consent --------------------------------------------------------------------------------------


def test_colleagues_see_a_shout_out_only_as_the_recipient_chose(pm: Membership, org: Organization):
    named = make_person(org, full_name="実名 さん")
    nicknamed = make_person(org, full_name="本名 さん", appear_as="nickname", nickname="ミライ")
    hidden = make_person(org, full_name="非公開 さん", appear_as="hidden")
    for person in (named, nicknamed, hidden):
        send(pm, person, f"{person.full_name}へ")
    reader = actor(make_person(org))
    views = shout_out_views(shout_outs_community(actor=reader), actor=reader)
    assert sorted(v.recipient for v in views) == ["ミライ", "実名 さん"]
    assert "非公開 さん" not in [v.recipient for v in views]
    # The recipient always sees their own.
    mine = shout_outs_received(actor=actor(hidden))
    assert [s.message for s in mine] == ["非公開 さんへ"]


def test_an_organization_hiding_everyone_by_default_shows_no_one(pm: Membership, org: Organization):
    Organization.objects.filter(pk=org.pk).update(default_appear_as="hidden")
    person = make_person(org)
    chose = make_person(org, appear_as="name", full_name="公開 希望")
    send(pm, person)
    send(pm, chose)
    reader = actor(make_person(org))
    assert [v.recipient for v in community(actor=reader).shout_outs] == ["公開 希望"]


# --- The community block --------------------------------------------------------------------------


def test_the_community_block_announces_a_contests_winners_as_they_chose(
    pm: Membership, org: Organization, item: ContentItem
):
    contest = new_contest(pm, title="春の紹介チャレンジ", days=1)
    shown = make_person(org, full_name="勝者 一")
    hidden = make_person(org, full_name="勝者 二", appear_as="hidden")
    for person in (shown, hidden):
        contest_join(actor=actor(person), contest_id=contest.pk)
        record(person, item, contest.starts_on, unique_clicks=5)
    contests_advance(now=end_contest(contest))
    reader = make_person(org)
    block = signed_in(reader, language="en").get(
        "/engagement/community/", headers={"HX-Request": "true"}
    )
    html = block.content.decode()
    assert block.status_code == 200 and "<html" not in html
    assert "“春の紹介チャレンジ” is over. Congratulations to:" in html
    assert "勝者 一" in html and "勝者 二" not in html
    assert "1 person who chose not to appear" in html


def test_the_community_block_is_a_fragment_the_feed_loads(advocate: Membership):
    client = signed_in(advocate, language="en")
    page = client.get("/engagement/community/")
    assert page.status_code == 302 and page["Location"] == "/engagement/recognition/"
    feed = client.get("/feed/").content.decode()
    assert 'hx-get="/engagement/community/"' in feed
    empty = client.get("/engagement/community/", headers={"HX-Request": "true"}).content.decode()
    assert "News from the program appears here" in empty


def test_the_community_block_costs_the_same_for_3_and_30_rows(
    pm: Membership, org: Organization, item: ContentItem
):
    client = signed_in(make_person(org), language="en")
    counts = []
    for n in (3, 27):
        for _ in range(n):
            person = make_person(org)
            send(pm, person)
            contest = new_contest(pm, days=1)
            contest_join(actor=actor(person), contest_id=contest.pk)
            record(person, item, contest.starts_on, unique_clicks=2)
            BadgeAward.objects.create(organization=org, membership=person, badge="first_share",
                                      source_key="x")  # fmt: skip
        contests_advance(now=timezone.now() + dt.timedelta(days=1))
        new_contest(pm)  # one open contest
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/engagement/community/", headers={"HX-Request": "true"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Highlights -----------------------------------------------------------------------------------


def test_the_months_highlights_name_only_people_who_appear(
    pm: Membership, org: Organization, item: ContentItem
):
    star = make_person(org, full_name="拡散 名人")
    shy = make_person(org, full_name="控えめ さん", appear_as="hidden")
    today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=9))).date()
    record(star, item, today, unique_clicks=12)
    record(shy, item, today, unique_clicks=40)
    record(star, item, today.replace(day=1) - dt.timedelta(days=1), unique_clicks=99)  # last month
    for person in (star, shy):
        BadgeAward.objects.create(organization=org, membership=person, badge="ten_shares",
                                  source_key="s")  # fmt: skip
    contest = new_contest(pm, days=1, metric="shares")
    for person in (star, shy):
        contest_join(actor=actor(person), contest_id=contest.pk)
    record(star, item, contest.starts_on, shares=2)
    record(shy, item, contest.starts_on, shares=1)
    contests_advance(now=end_contest(contest))
    found = highlights(actor=actor(make_person(org)))
    assert [(c.name, c.people) for c in found.contributions] == [("拡散 名人", 12)]
    assert sorted((b.name, b.badge.key) for b in found.badges) == [
        ("拡散 名人", "contest_winner"),
        ("拡散 名人", "ten_shares"),
    ]
    assert [w.name for w in found.winners] == ["拡散 名人"]
    assert "控えめ さん" not in str(found)


# --- Pages ----------------------------------------------------------------------------------------


def test_the_recognition_page_in_japanese_and_english(
    pm: Membership, manager: Membership, advocate: Membership
):
    send(pm, advocate, "いつも拡散ありがとう")
    japanese = signed_in(advocate).get("/engagement/recognition/").content.decode()
    assert '<html lang="ja">' in japanese and "いつも拡散ありがとう" in japanese
    english = signed_in(advocate, language="en").get("/engagement/recognition/").content.decode()
    assert "From 広報 部長" in english and "Send a shout-out" not in english
    assert (
        "Send a shout-out"
        in signed_in(manager, language="en").get("/engagement/recognition/").content.decode()
    )


def test_sending_on_the_page(manager: Membership, org: Organization):
    person = make_person(org, full_name="山田 花子", employee_number="E-77")
    make_person(org, full_name="同名 さん")
    make_person(org, full_name="同名 さん")
    client = signed_in(manager, language="en")
    missing = client.post("/engagement/recognition/send/", {"person": "nobody", "message": "x"})
    assert missing.status_code == 400 and "Nobody here has that" in missing.content.decode()
    twins = client.post("/engagement/recognition/send/", {"person": "同名 さん", "message": "x"})
    assert twins.status_code == 400 and "Several people have that name" in twins.content.decode()
    assert not ShoutOut.objects.exists()
    sent = client.post(
        "/engagement/recognition/send/", {"person": "山田　花子", "message": "助かりました"}
    )
    assert sent.status_code == 302
    assert ShoutOut.objects.get().recipient == person
    by_number = client.post("/engagement/recognition/send/", {"person": "E-77", "message": "再度"})
    assert by_number.status_code == 302 and ShoutOut.objects.count() == 2


def test_an_advocate_cannot_send_from_the_page(advocate: Membership, org: Organization):
    response = signed_in(advocate).post(
        "/engagement/recognition/send/", {"person": "x", "message": "x"}
    )
    assert response.status_code == 403


def test_the_recognition_page_costs_the_same_for_3_and_30_shout_outs(
    pm: Membership, manager: Membership, advocate: Membership, item: ContentItem
):
    client = signed_in(manager, language="en")
    counts = []
    for n in (3, 27):
        for _ in range(n):
            send(pm, manager, content_id=item.pk)
            send(manager, advocate)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/engagement/recognition/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- API ------------------------------------------------------------------------------------------


def test_the_shout_out_api(
    pm: Membership, manager: Membership, advocate: Membership, org: Organization
):
    program, person = Api(token_for(pm)), Api(token_for(advocate))
    sent = program.post("/shout-outs", {"recipient_id": advocate.pk, "message": "ありがとう"})
    assert sent.status_code == 201, sent.content
    assert sent.json()["recipient"] == advocate.full_name
    assert_error(person.post("/shout-outs", {"recipient_id": pm.pk, "message": "x"}), 403)
    assert_error(program.post("/shout-outs", {"recipient_id": pm.pk, "message": "x"}), 400,
                 "own_shout_out")  # fmt: skip
    assert_error(program.post("/shout-outs", {"recipient_id": 999999, "message": "x"}), 404)
    received = person.get("/shout-outs", scope="received").json()
    assert received["count"] == 1 and received["items"][0]["sender"] == pm.full_name
    community_items = person.get("/shout-outs").json()["items"]
    assert [s["recipient"] for s in community_items] == [advocate.full_name]
    Membership.objects.filter(pk=advocate.pk).update(appear_as="hidden")
    assert person.get("/shout-outs").json()["count"] == 0
    assert person.get("/shout-outs", scope="received").json()["count"] == 1
    assert_error(person.get("/shout-outs", scope="sent"), 403)
    assert program.get("/shout-outs", scope="sent").json()["count"] == 1


def test_the_highlights_and_announcements_api(
    pm: Membership, advocate: Membership, item: ContentItem
):
    contest = new_contest(pm, title="API 杯", days=1)
    contest_join(actor=actor(advocate), contest_id=contest.pk)
    record(advocate, item, contest.starts_on, unique_clicks=3)
    contests_advance(now=end_contest(contest))
    person = Api(token_for(advocate))
    announcements = person.get("/announcements").json()
    assert announcements["count"] == 1
    assert announcements["items"][0]["winners"] == [advocate.full_name]
    assert announcements["items"][0]["contest"] == "API 杯"
    found = person.get("/highlights").json()
    assert found["contributions"][0]["name"] == advocate.full_name
    assert found["winners"] == [
        {"name": advocate.full_name, "contest_id": contest.pk, "contest": "API 杯"}
    ]
    assert_error(person.get("/highlights", month="2026-13"), 400, "invalid_month")
    assert person.get("/highlights", month="2020-01").json()["contributions"] == []
