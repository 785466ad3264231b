"""Reads of recognition between people, scoped by an explicit actor: shout-outs (received,
sent, and the community's), announcements, the feed's community block and the monthly
highlights.

Colleagues only ever see people as each chose to appear (``accounts.selectors.public_name``):
a query first keeps the rows of people who appear (``appears``), then each name is written by
``public_name`` itself, which has the last word. A person always sees their own shout-outs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from ouendan.accounts.models import AppearAs, Membership, Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.accounts.selectors import public_name
from ouendan.analytics.models import DailyRollup
from ouendan.content.models import ContentItem
from ouendan.core.errors import DomainError, NotFound
from ouendan.engagement.badges import BADGES, Badge
from ouendan.engagement.models import (
    Announcement,
    BadgeAward,
    Contest,
    ContestWinner,
    ShoutOut,
)
from ouendan.engagement.periods import zone_of
from ouendan.engagement.selectors_contests import local_today

COMMUNITY_SHOWN = 5
HIGHLIGHTS_SHOWN = 5


def appears(organization: Organization, path: str) -> Q:
    """People who appear to colleagues, as a filter on the relation ``path`` (``recipient``,
    ``membership``…); ``public_name`` agrees with it."""
    by_name = Q(**{f"{path}__appear_as": AppearAs.NAME})
    by_nickname = Q(**{f"{path}__appear_as": AppearAs.NICKNAME}) & ~Q(**{f"{path}__nickname": ""})
    default = Q(**{f"{path}__appear_as__isnull": True})
    if organization.default_appear_as == AppearAs.NAME:
        return by_name | by_nickname | default
    if organization.default_appear_as == AppearAs.NICKNAME:
        return by_name | by_nickname | (default & ~Q(**{f"{path}__nickname": ""}))
    return by_name | by_nickname


def _person(actor: Actor) -> Membership:
    if actor.membership is None:
        raise DomainError(
            _("Shout-outs belong to people: sign in as a person, or use a personal token."),
            code="not_a_person",
        )
    return actor.membership


# --- Shout-outs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShoutOutView:
    shout_out: ShoutOut
    recipient: str
    sender: str
    about: str  # the content's title, or ""


def sender_name(sender: Membership, organization: Organization) -> str:
    """The sender as they chose to appear; the program team when they chose not to."""
    return public_name(sender, organization) or _("The program team")


def _view(shout_out: ShoutOut, organization: Organization, recipient: str) -> ShoutOutView:
    content = shout_out.content
    return ShoutOutView(
        shout_out=shout_out,
        recipient=recipient,
        sender=sender_name(shout_out.sender, organization),
        about=content.title if content is not None else "",
    )


def _shout_outs(actor: Actor) -> QuerySet[ShoutOut]:
    return (
        ShoutOut.objects.filter(organization=actor.organization)
        .select_related("sender", "recipient", "content")
        .order_by("-created_at", "-pk")
    )


def shout_outs_received(*, actor: Actor) -> QuerySet[ShoutOut]:
    """The person's own, newest first (always shown to them, whatever they chose)."""
    require(actor, Action.POINTS_VIEW_OWN)
    return _shout_outs(actor).filter(recipient=_person(actor))


def shout_outs_sent(*, actor: Actor) -> QuerySet[ShoutOut]:
    require(actor, Action.SHOUT_OUTS_SEND)
    return _shout_outs(actor).filter(sender=_person(actor))


def shout_outs_community(*, actor: Actor) -> QuerySet[ShoutOut]:
    """The shout-outs colleagues may see: only those whose recipient appears."""
    require(actor, Action.ENGAGEMENT_VIEW)
    return _shout_outs(actor).filter(appears(actor.organization, "recipient"))


def shout_out_views(
    shout_outs: Iterable[ShoutOut], *, actor: Actor, own: bool = False
) -> list[ShoutOutView]:
    """Each shout-out with its names written for the reader. ``own``: the reader's own list
    (received or sent), where the other person is named in full; otherwise recipients who do
    not appear are left out."""
    organization = actor.organization
    views = []
    for shout_out in shout_outs:
        recipient = (
            shout_out.recipient.full_name if own else public_name(shout_out.recipient, organization)
        )
        if recipient is None:
            continue
        views.append(_view(shout_out, organization, recipient))
    return views


# --- Announcements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnouncementView:
    announcement: Announcement
    contest: Contest | None
    winners: list[str]  # the names of the winners who appear
    hidden_winners: int  # winners who chose not to appear
    score: int


def announcements_recent(*, actor: Actor, limit: int = COMMUNITY_SHOWN) -> list[AnnouncementView]:
    """The latest announcements, each with its winners named as they chose (two queries)."""
    require(actor, Action.ENGAGEMENT_VIEW)
    found = list(
        Announcement.objects.filter(organization=actor.organization)
        .select_related("contest")
        .order_by("-created_at", "-pk")[:limit]
    )
    return announcement_views(found, actor=actor)


def announcements_list(*, actor: Actor) -> QuerySet[Announcement]:
    require(actor, Action.ENGAGEMENT_VIEW)
    return (
        Announcement.objects.filter(organization=actor.organization)
        .select_related("contest")
        .order_by("-created_at", "-pk")
    )


def announcement_views(
    announcements: list[Announcement], *, actor: Actor
) -> list[AnnouncementView]:
    winners: dict[int, list[ContestWinner]] = defaultdict(list)
    contest_ids = [a.contest_id for a in announcements if a.contest_id]
    for winner in (
        ContestWinner.objects.filter(contest_id__in=contest_ids)
        .select_related("membership")
        .order_by("membership__full_name_kana", "pk")
    ):
        winners[winner.contest_id].append(winner)
    views = []
    for announcement in announcements:
        names, hidden, score = [], 0, 0
        for winner in winners.get(announcement.contest_id or 0, []):
            score = winner.score
            name = public_name(winner.membership, actor.organization)
            if name is None:
                hidden += 1
            else:
                names.append(name)
        views.append(AnnouncementView(announcement, announcement.contest, names, hidden, score))
    return views


# --- The feed's community block -------------------------------------------------------------------


@dataclass(frozen=True)
class Community:
    announcements: list[AnnouncementView]
    shout_outs: list[ShoutOutView]
    open_contests: int


def community(*, actor: Actor, limit: int = COMMUNITY_SHOWN) -> Community:
    """What the feed shows of the community: the latest announcements and the shout-outs
    colleagues may see, and how many contests one can join (four queries)."""
    require(actor, Action.ENGAGEMENT_VIEW)
    shout_outs = list(shout_outs_community(actor=actor)[:limit])
    open_contests = Contest.objects.filter(
        organization=actor.organization,
        status=Contest.Status.ACTIVE,
        ends_on__gte=local_today(actor.organization),
    ).count()
    return Community(
        announcements=announcements_recent(actor=actor, limit=limit),
        shout_outs=shout_out_views(shout_outs, actor=actor),
        open_contests=open_contests,
    )


# --- Monthly highlights ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    name: str
    title: str
    people: int  # unique people who clicked during the month


@dataclass(frozen=True)
class BadgeHighlight:
    name: str
    badge: Badge
    awarded_at: datetime


@dataclass(frozen=True)
class WinnerHighlight:
    name: str
    contest: Contest


@dataclass(frozen=True)
class Highlights:
    month: date  # its first day
    contributions: list[Contribution]
    badges: list[BadgeHighlight]
    winners: list[WinnerHighlight]

    @property
    def empty(self) -> bool:
        return not (self.contributions or self.badges or self.winners)


def month_bounds(month: date, organization: Organization) -> tuple[datetime, datetime]:
    zone = zone_of(organization)
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(following, time.min, tzinfo=zone),
    )


def highlights(*, actor: Actor, month: date | None = None) -> Highlights:
    """The month's highlights (this month by default; the organization's time zone): the
    shares that brought the most people, the badges earned and the contests won — only people
    who chose to appear, three queries."""
    require(actor, Action.ENGAGEMENT_VIEW)
    organization = actor.organization
    first = (month or local_today(organization)).replace(day=1)
    start, end = month_bounds(first, organization)
    rows = (
        DailyRollup.objects.filter(
            organization=organization,
            day__gte=first,
            day__lt=end.date(),
            membership__status=Membership.Status.ACTIVE,
        )
        .filter(appears(organization, "membership"))
        .values(
            "membership_id",
            "content_id",
            "membership__full_name",
            "membership__nickname",
            "membership__appear_as",
            "content__title",
        )
        .annotate(people=Sum("unique_clicks"))
        .filter(people__gt=0)
        .order_by("-people", "content_id", "membership_id")[:HIGHLIGHTS_SHOWN]
    )
    contributions = []
    for row in rows:
        name = public_name(
            Membership(
                full_name=row["membership__full_name"],
                nickname=row["membership__nickname"],
                appear_as=row["membership__appear_as"],
            ),
            organization,
        )
        if name is not None:
            contributions.append(Contribution(name, row["content__title"], row["people"]))
    badges = []
    for award in (
        BadgeAward.objects.filter(
            organization=organization, awarded_at__gte=start, awarded_at__lt=end
        )
        .filter(appears(organization, "membership"))
        .select_related("membership")
        .order_by("-awarded_at", "-pk")[: HIGHLIGHTS_SHOWN * 2]
    ):
        name = public_name(award.membership, organization)
        if name is not None and award.badge in BADGES:
            badges.append(BadgeHighlight(name, BADGES[award.badge], award.awarded_at))
    winners = []
    for winner in (
        ContestWinner.objects.filter(
            organization=organization,
            contest__finished_at__gte=start,
            contest__finished_at__lt=end,
        )
        .filter(appears(organization, "membership"))
        .select_related("membership", "contest")
        .order_by("-contest__finished_at", "membership__full_name_kana", "pk")[:HIGHLIGHTS_SHOWN]
    ):
        name = public_name(winner.membership, organization)
        if name is not None:
            winners.append(WinnerHighlight(name, winner.contest))
    return Highlights(first, contributions, badges, winners)


def month_of(value: str, *, actor: Actor) -> date:
    """``YYYY-MM`` → its first day; empty: this month."""
    if not value:
        return local_today(actor.organization).replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise DomainError(
            _("Give the month as YYYY-MM."),
            code="invalid_month",
            fields={"month": [_("Not a month.")]},
        ) from exc


# --- Sending --------------------------------------------------------------------------------------


def recipient_by_handle(*, actor: Actor, handle: str) -> Membership:
    """A colleague named by employee number, e-mail address or (unique) full name."""
    require(actor, Action.SHOUT_OUTS_SEND)
    handle = " ".join((handle or "").split())
    people = Membership.objects.filter(
        organization=actor.organization, status=Membership.Status.ACTIVE
    )
    found = (
        people.filter(Q(employee_number=handle) | Q(user__email__iexact=handle)).first()
        if handle
        else None
    )
    if found is None and handle:
        # Names are typed with an ASCII space, an ideographic one (U+3000) or none.
        spellings = {handle, handle.replace(" ", "\u3000"), handle.replace(" ", "")}
        named = list(people.filter(full_name__in=spellings)[:2])
        if len(named) > 1:
            raise DomainError(
                _("Several people have that name: use their employee number or e-mail address."),
                code="ambiguous_name",
                fields={"person": [_("Several people have that name.")]},
            )
        found = named[0] if named else None
    if found is None:
        raise NotFound(
            _("Nobody here has that employee number, e-mail address or name."),
            fields={"person": [_("Not found.")]},
        )
    return found


def shout_out_content_choices(*, actor: Actor, limit: int = 30) -> list[tuple[int, str]]:
    """The latest published content, for "about" in the shout-out form."""
    require(actor, Action.SHOUT_OUTS_SEND)
    return list(
        ContentItem.objects.filter(
            organization=actor.organization, status=ContentItem.Status.PUBLISHED
        )
        .order_by("-published_at", "-pk")
        .values_list("pk", "title")[:limit]
    )
