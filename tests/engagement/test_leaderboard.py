"""Leaderboards and how people appear on them: by period and department, only people with
points, by name, nickname or not at all, and one's own rank even when hidden."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ouendan.accounts.models import AuditEvent, Membership, Organization
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import public_name
from ouendan.accounts.services.appearance import Appearance, appearance_set
from ouendan.core.errors import DomainError, NotFound
from ouendan.engagement.models import PointEntry
from ouendan.engagement.periods import period_start, zone_of
from ouendan.engagement.selectors import leaderboard
from tests.factories import DepartmentFactory, actor, make_person

pytestmark = pytest.mark.django_db

_keys = count()
NOW = datetime(2026, 5, 20, 12, tzinfo=timezone.get_fixed_timezone(9 * 60))


def earn(person: Membership, points: int, at: datetime = NOW, status: str = "confirmed") -> None:
    PointEntry.objects.create(
        organization=person.organization,
        membership=person,
        points=points,
        reason="adjustment",
        params={"note": "test"},
        source_key=f"test:{next(_keys)}",
        status=status,
        occurred_at=at,
    )


@pytest.fixture
def people(org: Organization) -> dict[str, Membership]:
    sales = DepartmentFactory(organization=org, name="営業部")
    tokyo = DepartmentFactory(organization=org, name="東京営業課", parent=sales)
    factory = DepartmentFactory(organization=org, name="製造部")
    found = {
        "aoki": make_person(org, full_name="青木 葵", full_name_kana="アオキ", department=tokyo),
        "inoue": make_person(org, full_name="井上 樹", full_name_kana="イノウエ", department=sales),
        "ueda": make_person(org, full_name="上田 湊", full_name_kana="ウエダ", department=factory),
        "eto": make_person(org, full_name="江藤 結", full_name_kana="エトウ", department=factory),
        "ono": make_person(org, full_name="小野 蓮", full_name_kana="オノ", department=factory),
    }
    earn(found["aoki"], 50)
    earn(found["inoue"], 30)
    earn(found["ueda"], 30)
    earn(found["eto"], 20, at=NOW - timedelta(days=60))  # last quarter: all time only
    earn(found["ono"], 40, status="pending")  # not confirmed: not ranked
    earn(found["ono"], -5)  # a reversal alone: nothing in the period
    return found


def board(person: Membership, period: str = "month", **kwargs: object):
    return leaderboard(actor=actor(person), period=period, now=NOW, **kwargs)  # type: ignore[arg-type]


def rows(found) -> list[tuple[int, str, int, str | None]]:
    return [(s.rank, s.name, s.points, s.department) for s in found.entries]


def test_people_with_points_in_the_period_are_ranked(people):
    month = board(people["aoki"])
    assert rows(month) == [
        (1, "青木 葵", 50, "東京営業課"),
        (2, "井上 樹", 30, "営業部"),
        (2, "上田 湊", 30, "製造部"),  # the same points, the same rank
    ]
    assert board(people["aoki"], "all").entries[-1].name == "江藤 結"
    assert [s.name for s in board(people["aoki"], "quarter").entries] == [
        "青木 葵",
        "井上 樹",
        "上田 湊",
    ]
    assert month.me is not None and (month.me.rank, month.me.points) == (1, 50)
    assert board(people["ono"]).me is None  # nothing counted: no rank, no shaming


def test_a_department_includes_the_ones_under_it(people, org):
    sales = people["inoue"].department
    assert [s.name for s in board(people["ueda"], department_id=sales.pk).entries] == [
        "青木 葵",
        "井上 樹",
    ]
    assert board(people["ueda"], department_id=sales.pk).me is None
    with pytest.raises(NotFound):
        board(people["ueda"], department_id=10**9)


def test_people_appear_as_they_choose(people, org):
    aoki, inoue = people["aoki"], people["inoue"]
    appearance_set(actor=actor(aoki), appearance=Appearance("hidden"))
    appearance_set(actor=actor(inoue), appearance=Appearance("nickname", "いのっち"))
    seen = board(people["ueda"])
    assert rows(seen) == [(1, "いのっち", 30, None), (1, "上田 湊", 30, "製造部")]
    mine = board(aoki)
    assert mine.me is not None and (mine.me.rank, mine.me.hidden, mine.me.name) == (1, True, None)
    assert "青木 葵" not in [s.name for s in mine.entries]
    assert AuditEvent.objects.filter(action="person.appearance_changed").count() == 2


def test_the_organization_sets_the_default(people, org):
    Organization.objects.filter(pk=org.pk).update(default_appear_as="nickname")
    org.refresh_from_db()
    people["aoki"].nickname = "あおちゃん"
    people["aoki"].save(update_fields=["nickname"])
    people["ueda"].appear_as = "name"
    people["ueda"].save(update_fields=["appear_as"])
    assert [s.name for s in board(people["eto"]).entries] == ["あおちゃん", "上田 湊"]
    Organization.objects.filter(pk=org.pk).update(default_appear_as="hidden")
    assert [s.name for s in board(people["eto"]).entries] == ["上田 湊"]


def test_public_name_never_falls_back_to_the_real_name(org):
    person = Membership(full_name="山田 花子", nickname="", appear_as="nickname")
    assert public_name(person, org) is None
    person.nickname = "はなこ"
    assert public_name(person, org) == "はなこ"
    person.appear_as = None
    assert public_name(person, org) == "山田 花子"  # the organization's default: by name
    org.default_appear_as = "hidden"
    assert public_name(person, org) is None


def test_choosing_a_nickname_checks_it(people, org):
    inoue = actor(people["inoue"])
    with pytest.raises(DomainError) as refused:
        appearance_set(actor=inoue, appearance=Appearance("nickname", "  "))
    assert "nickname" in refused.value.fields
    appearance_set(actor=actor(people["aoki"]), appearance=Appearance("nickname", "エース"))
    with pytest.raises(DomainError) as refused:
        appearance_set(actor=inoue, appearance=Appearance("nickname", "エース"))
    assert refused.value.code == "nickname_taken"
    with pytest.raises(DomainError):
        appearance_set(actor=inoue, appearance=Appearance("famous"))
    people["inoue"].refresh_from_db()
    assert (people["inoue"].appear_as, people["inoue"].nickname) == (None, "")


def test_leavers_and_other_organizations_are_not_ranked(people, other_org):
    Membership.objects.filter(pk=people["aoki"].pk).update(status="left")
    stranger = make_person(other_org, full_name="他社 太郎")
    earn(stranger, 500)
    assert [s.name for s in board(people["ueda"]).entries] == ["井上 樹", "上田 湊"]
    assert [s.name for s in board(stranger).entries] == ["他社 太郎"]


def test_bad_periods_and_limits_are_refused(people):
    with pytest.raises(DomainError):
        board(people["aoki"], "week")
    with pytest.raises(DomainError):
        board(people["aoki"], limit=0)
    assert len(board(people["aoki"], limit=1).entries) == 1


def test_periods_follow_the_organizations_time_zone(org):
    zone = zone_of(org)
    late_march = datetime(2026, 3, 31, 16, tzinfo=timezone.get_fixed_timezone(0))  # 4/1 01:00 JST
    assert period_start("month", late_march, zone).date().isoformat() == "2026-04-01"
    assert period_start("quarter", late_march, zone).date().isoformat() == "2026-04-01"
    assert period_start("all", late_march, zone) is None


def test_viewing_needs_a_role(org):
    nobody = make_person(org, roles=[])
    with pytest.raises(PermissionDenied):
        board(nobody)
    assert board(make_person(org, roles=[Role.EXECUTIVE_VIEWER])).entries == []
