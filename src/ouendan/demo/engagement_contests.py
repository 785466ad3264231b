"""The demo's contests, rewards and shout-outs, made through the same services as in real use.

A team contest for the graduate-recruiting push is running (random teams of four, counted in
people who clicked, with live standings from the rollups; the real job drew the teams). No
contest has ended yet, so nobody holds the contest winner badge. The catalog has five rewards
and a budget for the month; one request was approved and another waits for the program
manager. The program manager and a manager sent a few shout-outs, one of them to someone who
chose not to appear (they see it; colleagues do not). The tour advocate takes part in nothing:
joining a contest is theirs to try. Deterministic: people are chosen by what they did, in a
fixed order.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.permissions import actor_for_membership
from ouendan.demo.data.organization import SIGN_INS
from ouendan.engagement.models import Contest, PointEntry
from ouendan.engagement.selectors_contests import local_today
from ouendan.engagement.services.contests import (
    ContestData,
    contest_create,
    contest_join,
    contests_advance,
)
from ouendan.engagement.services.recognition import shout_out_send
from ouendan.engagement.services.rewards import (
    BudgetData,
    RewardData,
    redemption_approve,
    reward_budget_create,
    reward_create,
    reward_redeem,
)
from ouendan.sharing.models import Share

SIGN_IN_EMAILS = [sign_in.email for sign_in in SIGN_INS]
RUNNING_PEOPLE = 18
REWARDS: tuple[RewardData, ...] = (
    RewardData("社員食堂ランチ券", 150, yen_value=600, description="社員食堂で好きな定食を 1 食。"),
    RewardData(
        "QUOカード 1,000円分",
        400,
        yen_value=1000,
        stock=30,
        description="コンビニや書店で使えます。",
    ),
    RewardData(
        "みらい製作所 ロゴ入りパーカー",
        800,
        yen_value=4500,
        stock=12,
        per_person_limit=1,
        description="展示会で好評のネイビー。サイズは申請時のメモでどうぞ。",
    ),
    RewardData(
        "工場見学ツアーにご家族を招待",
        1200,
        yen_value=3000,
        stock=6,
        per_person_limit=1,
        description="名古屋工場の見学とお土産つき。",
    ),
    RewardData(
        "社長とのランチ会",
        2000,
        yen_value=5000,
        stock=2,
        per_person_limit=1,
        description="月に一度、社長と少人数でランチ。会社の未来を語りましょう。",
    ),
)
SHOUT_OUTS = (
    "新卒採用説明会の投稿、たくさんの学生さんに届きました。ありがとうございます!",
    "展示会の紹介を自分の言葉で書いてくれて、読んだお客様から問い合わせがありました。",
    "毎週コツコツ発信してくれて、チームの励みになっています。",
)


def _person(org: Organization, email: str) -> Membership:
    return Membership.objects.select_related("organization", "user").get(
        organization=org, user__email=email
    )


def _sharers(org: Organization, since: datetime, limit: int) -> list[Membership]:
    """The people who shared most since ``since`` (then by id), sign-ins left out."""
    return list(
        Membership.objects.filter(organization=org, status=Membership.Status.ACTIVE)
        .exclude(user__email__in=SIGN_IN_EMAILS)
        .annotate(n=Count("shares", filter=Q(shares__created_at__gte=since)))
        .filter(n__gt=0)
        .select_related("organization", "user")
        .order_by("-n", "pk")[:limit]
    )


def _contest(
    org: Organization,
    pm: Membership,
    people: list[Membership],
    data: ContestData,
    starts_on: date,
    ends_on: date,
) -> Contest:
    """Made (and joined) before it starts, then dated as if that had been days ago."""
    contest = contest_create(actor=actor_for_membership(pm), data=data)
    for person in people:
        contest_join(actor=actor_for_membership(person), contest_id=contest.pk)
    Contest.objects.filter(pk=contest.pk).update(starts_on=starts_on, ends_on=ends_on)
    return contest


def demo_contests_seed(org: Organization) -> dict[str, int]:
    """Inside the seed's transaction, after the recognition and the rollups."""
    now = timezone.now()
    today = local_today(org, now)
    pm = _person(org, "pr@demo.example")
    manager = _person(org, "manager@demo.example")
    tomorrow = today + timedelta(days=1)
    running_people = _sharers(org, now - timedelta(days=10), RUNNING_PEOPLE)
    running = _contest(
        org,
        pm,
        running_people,
        ContestData(
            title="新卒採用 拡散チャレンジ",
            description=(
                "説明会の記事を、学生さんに一人でも多く届けよう。4 人 1 組のチームで、"
                "リンクをクリックした人の数を競います。参加は自由、途中でやめても大丈夫です。"
            ),
            kind=Contest.Kind.TEAM,
            teams=Contest.Teams.RANDOM,
            team_size=4,
            metric=Contest.Metric.UNIQUE_CLICKS,
            starts_on=tomorrow,
            ends_on=tomorrow + timedelta(days=20),
            winner_points=300,
        ),
        starts_on=today - timedelta(days=9),
        ends_on=today + timedelta(days=11),
    )
    contests_advance(now=now)  # draws the running contest's teams
    rewards = _rewards(org, pm, today)
    shout_outs = _shout_outs(org, pm, manager, running_people)
    return {
        "contests": Contest.objects.filter(organization=org).count(),
        "teams": running.team_set.count(),
        "rewards": rewards,
        "shout_outs": shout_outs,
    }


def _balances(org: Organization) -> list[tuple[int, int]]:
    """(membership id, confirmed balance), the richest first, sign-ins left out."""
    return list(
        PointEntry.objects.filter(organization=org, status=PointEntry.Status.CONFIRMED)
        .exclude(membership__user__email__in=SIGN_IN_EMAILS)
        .values("membership_id")
        .annotate(total=Sum("points"))
        .order_by("-total", "membership_id")
        .values_list("membership_id", "total")[:10]
    )


def _rewards(org: Organization, pm: Membership, today: date) -> int:
    """The catalog, this month's budget, one approved request and one that waits."""
    program = actor_for_membership(pm)
    catalog = [reward_create(actor=program, data=data) for data in REWARDS]
    first = today.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    reward_budget_create(
        actor=program,
        data=BudgetData(
            starts_on=first,
            ends_on=following - timedelta(days=1),
            amount_yen=100_000,
            note="今月の特典予算",
        ),
    )
    richest = _balances(org)
    people = Membership.objects.select_related("organization", "user").in_bulk(
        [pk for pk, _total in richest]
    )
    lunch, card, hoodie = catalog[0], catalog[1], catalog[2]
    asked = 0
    if richest:  # the richest exchanged points for a card, approved already
        membership_id, balance = richest[0]
        chosen = card if balance >= card.points_cost else lunch
        if balance >= chosen.points_cost:
            request = reward_redeem(
                actor=actor_for_membership(people[membership_id]), reward_id=chosen.pk
            )
            redemption_approve(actor=program, redemption_id=request.pk, note="社内便でお送りします")
            asked += 1
    if len(richest) > 1:  # the next asks for a hoodie (or lunch): it waits for the program
        membership_id, balance = richest[1]
        wanted = hoodie if balance >= hoodie.points_cost else lunch
        if balance >= wanted.points_cost:
            reward_redeem(
                actor=actor_for_membership(people[membership_id]),
                reward_id=wanted.pk,
                note="Lサイズでお願いします" if wanted == hoodie else "",
            )
            asked += 1
    return asked


def _shout_outs(
    org: Organization, pm: Membership, manager: Membership, sharers: list[Membership]
) -> int:
    """Thanks from the program to the most active sharers, one from the sales manager to
    someone of their department, and one to a person who chose not to appear."""
    program, sales = actor_for_membership(pm), actor_for_membership(manager)
    sent = 0
    for person, message in zip(sharers[:3], SHOUT_OUTS, strict=False):
        share = Share.objects.filter(membership=person).order_by("-created_at", "-pk").first()
        shout_out_send(
            actor=program,
            recipient_id=person.pk,
            message=message,
            share_id=share.pk if share else None,
        )
        sent += 1
    colleague = (
        Membership.objects.filter(organization=org, department=manager.department)
        .exclude(pk=manager.pk)
        .exclude(user__email__in=SIGN_IN_EMAILS)
        .annotate(n=Count("shares"))
        .order_by("-n", "pk")
        .first()
    )
    if colleague is not None:
        shout_out_send(
            actor=sales,
            recipient_id=colleague.pk,
            message="お客様への提案資料をシェアしてくれてありがとう。商談のきっかけになりました。",
        )
        sent += 1
    hidden = (
        Membership.objects.filter(organization=org, appear_as="hidden")
        .exclude(user__email__in=SIGN_IN_EMAILS)
        .order_by("pk")
        .first()
    )
    if hidden is not None:
        shout_out_send(
            actor=program,
            recipient_id=hidden.pk,
            message="目立たないところで、いつも丁寧な発信をありがとうございます。",
        )
        sent += 1
    return sent
