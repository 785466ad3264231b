"""Badges: given by the awarding job when the ledger meets a badge's criteria, or by another
part of the program (the contests) through ``badge_award``. Each is earned once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ouendan.accounts.models import Membership
from ouendan.core.errors import DomainError
from ouendan.engagement.badges import BADGES, PersonRecord
from ouendan.engagement.models import BadgeAward, PointEntry
from ouendan.engagement.periods import week_of, zone_of

SOURCE_MAX = 120


def badge_award(*, membership: Membership, badge_key: str, source_key: str) -> BadgeAward | None:
    """Give the person the badge (``contest_winner`` for the top of a contest, with the
    contest as ``source_key``); ``None`` when they already have it."""
    if badge_key not in BADGES:
        raise DomainError(_("There is no such badge."), code="unknown_badge")
    try:
        with transaction.atomic():
            return BadgeAward.objects.create(
                organization_id=membership.organization_id,
                membership=membership,
                badge=badge_key,
                source_key=source_key[:SOURCE_MAX],
            )
    except IntegrityError:
        return None


def counted_entries() -> Q:
    """Entries that count for badges and streaks: not reversed, not waiting for a review."""
    return ~Q(status=PointEntry.Status.REVERSED) & ~Q(status=PointEntry.Status.PENDING, flag__gt="")


def person_records(membership_ids: set[int]) -> dict[int, PersonRecord]:
    """Each person's record for the criteria, read in two queries."""
    people = {
        m.pk: m
        for m in Membership.objects.filter(pk__in=membership_ids).select_related("organization")
    }
    records: dict[int, PersonRecord] = defaultdict(PersonRecord)
    shares = (
        PointEntry.objects.filter(counted_entries(), membership_id__in=people, reason="share")
        .order_by("occurred_at", "pk")
        .values_list("membership_id", "occurred_at", "source_key")
    )
    for membership_id, at, key in shares:
        record = records[membership_id]
        record.shares.append((at, key))
        record.share_weeks.add(week_of(at, zone_of(people[membership_id].organization)))
    applications = (
        PointEntry.objects.filter(
            counted_entries(),
            membership_id__in=people,
            reason="conversion",
            params__type="application",
        )
        .order_by("occurred_at", "pk")
        .values_list("membership_id", "source_key")
    )
    for membership_id, key in applications:
        records[membership_id].applications.append(key)
    return {pk: records[pk] for pk in people}


def badges_evaluate(*, membership_ids: Iterable[int]) -> int:
    """Give each person the badges their ledger now earns; returns how many were new."""
    ids = set(membership_ids)
    if not ids:
        return 0
    records = person_records(ids)
    organizations = dict(Membership.objects.filter(pk__in=ids).values_list("pk", "organization_id"))
    have = set(
        BadgeAward.objects.filter(membership_id__in=ids).values_list("membership_id", "badge")
    )
    new = []
    for membership_id, record in records.items():
        for badge in BADGES.values():
            if badge.criteria is None or (membership_id, badge.key) in have:
                continue
            source = badge.criteria(record)
            if source is not None:
                new.append(
                    BadgeAward(
                        organization_id=organizations[membership_id],
                        membership_id=membership_id,
                        badge=badge.key,
                        source_key=source[:SOURCE_MAX],
                    )
                )
    BadgeAward.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
