"""The awarding job: turns what people did into ledger entries, once.

Each run reads, per source, what is new since its cursor (``AwardCursor``, one row per source,
locked while that source is worked on): posted shares, human unique clicks (the ones tracking
has counted: ``aggregated``, ``unique``, not a bot, not the sharer), conversions, and accepted
suggestions; then streaks for the people who shared, held points that are due, and badges.

Safe to run twice or in two workers at once: a source is worked on by one run at a time (its
cursor row is locked), every entry's ``source_key`` is unique per organization, and cursors
re-read a margin behind themselves so that a row committed after a higher id is not missed.

The fraud check: a share's click points wait for a person's review (``flag``) when one visitor
clicked it many times, or when a burst of people clicked right after it was shared. Other
points wait ``hold_hours`` (the rules) before they count, so that a pattern found later still
stops them; with a hold of 0 they count at once.

Finishing training earns ``training_points`` by the rules, but nothing emits that event yet
(there is no training app): ``training_award`` is where it will come in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ouendan.accounts.models import Membership
from ouendan.content.models import Suggestion
from ouendan.engagement.models import AwardCursor, PointEntry, PointRules, ShareTally
from ouendan.engagement.periods import week_of, zone_of
from ouendan.engagement.services.badges import badges_evaluate, counted_entries
from ouendan.engagement.services.ledger import entries_add
from ouendan.engagement.services.rules import RuleBooks
from ouendan.engagement.streaks import streak_weeks_due
from ouendan.sharing.models import Share
from ouendan.tracking.models import Click, Conversion, TrackedLink

Reason, Status, Flag = PointEntry.Reason, PointEntry.Status, PointEntry.Flag

BATCH = 2000
# Ids re-read behind each id cursor: on PostgreSQL a row can commit after one with a higher id.
REWIND = 500
# A share not posted (confirmed, or clicked by a person) this long after it was made earns
# nothing, and the share cursor stops waiting for it.
SHARE_WAIT = timedelta(days=14)
# Accepted suggestions are read by decision time, with this overlap for late commits.
SUGGESTION_OVERLAP = timedelta(hours=1)
# Weeks looked back at when a share may complete a streak (the widest window is 12 weeks).
STREAK_LOOKBACK = timedelta(weeks=24)
TITLE_MAX = 120


@dataclass
class AwardSummary:
    """What one run did, per source (entries given to the ledger)."""

    shares: int = 0
    clicks: int = 0
    conversions: int = 0
    suggestions: int = 0
    streaks: int = 0
    confirmed: int = 0
    flagged: int = 0
    badges: int = 0
    touched: set[int] = field(default_factory=set)  # people whose ledger changed


def points_award(*, now: datetime | None = None) -> AwardSummary:
    """One run of the job over every organization."""
    now = now or timezone.now()
    books = RuleBooks()
    summary = AwardSummary()
    summary.shares, sharers = _award_shares(now, books)
    summary.touched |= sharers
    summary.clicks = _award_clicks(now, books, summary.touched)
    summary.conversions = _award_conversions(now, books, summary.touched)
    summary.suggestions = _award_suggestions(now, books, summary.touched)
    summary.streaks = _award_streaks(now, books, sharers, summary.touched)
    summary.confirmed, summary.flagged = _confirm_due(now, books)
    summary.badges = badges_evaluate(membership_ids=summary.touched)
    return summary


# --- Shared pieces --------------------------------------------------------------------------------


def _locked_cursor(source: str) -> AwardCursor:
    """The source's cursor, locked until the surrounding transaction ends."""
    AwardCursor.objects.get_or_create(source=source)
    return AwardCursor.objects.select_for_update().get(source=source)


def _entry(
    *,
    rules: PointRules,
    membership_id: int,
    points: int,
    reason: str,
    params: dict[str, Any],
    source_key: str,
    occurred_at: datetime,
    now: datetime,
    flag: str = "",
) -> PointEntry:
    """A new entry: flagged entries wait for review; the others wait out the hold (counted
    from when the event happened), or count at once when it is over."""
    hold_until = None if flag else occurred_at + timedelta(hours=rules.hold_hours)
    confirmed = not flag and hold_until is not None and hold_until <= now
    return PointEntry(
        organization_id=rules.organization_id,
        membership_id=membership_id,
        points=points,
        reason=reason,
        params=params,
        source_key=source_key,
        status=Status.CONFIRMED if confirmed else Status.PENDING,
        flag=flag,
        hold_until=hold_until,
        rule_version=rules,
        occurred_at=occurred_at,
    )


def _share_params(share_id: int | None, network: str, title: str) -> dict[str, Any]:
    return {"share": share_id, "network": network, "title": (title or "")[:TITLE_MAX]}


# --- Shares ---------------------------------------------------------------------------------------


def _award_shares(now: datetime, books: RuleBooks) -> tuple[int, set[int]]:
    """Posted shares earn ``share_points`` (by the rules in force when shared). A share not
    posted yet keeps the cursor behind it until it is, or until ``SHARE_WAIT`` has passed."""
    with transaction.atomic():
        cursor = _locked_cursor("shares")
        seen = max(0, cursor.position - REWIND)
        waiting: int | None = None
        entries: list[PointEntry] = []
        while True:
            rows = list(
                Share.objects.filter(pk__gt=seen)
                .order_by("pk")
                .values(
                    "pk",
                    "organization_id",
                    "membership_id",
                    "network",
                    "content__title",
                    "created_at",
                    "confirmed_at",
                    "link__first_click_at",
                )[:BATCH]
            )
            for row in rows:
                if row["confirmed_at"] is None and row["link__first_click_at"] is None:
                    if waiting is None and row["created_at"] > now - SHARE_WAIT:
                        waiting = row["pk"] - 1
                    continue
                rules = books.of(row["organization_id"]).at(row["created_at"])
                if not rules.share_points:
                    continue
                entries.append(
                    _entry(
                        rules=rules,
                        membership_id=row["membership_id"],
                        points=rules.share_points,
                        reason=Reason.SHARE,
                        params=_share_params(row["pk"], row["network"], row["content__title"]),
                        source_key=f"share:{row['pk']}",
                        occurred_at=row["created_at"],
                        now=now,
                    )
                )
            if rows:
                seen = rows[-1]["pk"]
            if len(rows) < BATCH:
                break
        added = entries_add(entries)
        # Behind the first share still waiting to be posted (even one that committed late,
        # behind the cursor), else after the last share read.
        cursor.position = waiting if waiting is not None else max(cursor.position, seen)
        cursor.save(update_fields=["position", "updated_at"])
    return len(added), {e.membership_id for e in added}


# --- Clicks ---------------------------------------------------------------------------------------


def fraud_flag(clicks: list[dict[str, Any]], shared_at: datetime, rules: PointRules) -> str:
    """The pattern that sends a share's click points to review, or ``""``. ``clicks``: the
    share's human clicks (the sharer's own excluded), unique or not."""
    per_visitor = Counter((c["day"], c["visitor_hash"]) for c in clicks)
    if per_visitor and max(per_visitor.values()) >= rules.repeat_clicks:
        return Flag.REPEAT_VISITOR
    burst_end = shared_at + timedelta(minutes=rules.burst_minutes)
    burst = sum(1 for c in clicks if c["unique"] and shared_at <= c["at"] <= burst_end)
    if burst >= rules.burst_clicks:
        return Flag.BURST
    return ""


def _human_clicks(link_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each link's human clicks that tracking has counted, the sharer's own excluded, in id
    order."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        Click.objects.filter(link_id__in=list(link_ids), aggregated=True, bot=False, is_self=False)
        .order_by("id")
        .values("id", "link_id", "at", "day", "visitor_hash", "unique")
    )
    for row in rows.iterator(chunk_size=2000):
        found[row["link_id"]].append(dict(row))
    return found


def _award_clicks(now: datetime, books: RuleBooks, touched: set[int]) -> int:
    """Each share's new unique human clicks earn ``click_points`` each, up to ``click_cap``
    per share (both by the rules in force at each click), in one entry per run and share."""
    with transaction.atomic():
        cursor = _locked_cursor("clicks")
        start = max(0, cursor.position - REWIND)
        frontier = (
            Click.objects.filter(aggregated=False)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        counted = Click.objects.filter(pk__gt=start, aggregated=True)
        end = max(counted.order_by("-id").values_list("id", flat=True).first() or 0, start)
        if frontier is not None:  # the cursor stays behind clicks tracking has not counted
            end = min(end, frontier - 1)
        link_ids = set(
            counted.filter(unique=True, bot=False, is_self=False)
            .values_list("link_id", flat=True)
            .distinct()
        )
        added = _award_clicks_of(link_ids, now, books, touched) if link_ids else 0
        cursor.position = max(cursor.position, end)
        cursor.save(update_fields=["position", "updated_at"])
    return added


def _award_clicks_of(link_ids: set[int], now: datetime, books: RuleBooks, touched: set[int]) -> int:
    links = {
        row["pk"]: row
        for row in TrackedLink.objects.filter(pk__in=link_ids).values(
            "pk",
            "organization_id",
            "share_id",
            "membership_id",
            "network",
            "content__title",
            "share__created_at",
        )
    }
    # Tallies are only written under the clicks cursor's lock: the new ones are made with
    # their counts at the end, the others updated.
    tallies = {
        t.share_id: t
        for t in ShareTally.objects.filter(share_id__in=[r["share_id"] for r in links.values()])
    }
    clicks = _human_clicks(links)
    entries: list[PointEntry] = []
    changed: list[ShareTally] = []
    made: list[ShareTally] = []
    for link_id, link in links.items():
        tally = tallies.get(link["share_id"])
        if tally is None:
            tally = ShareTally(organization_id=link["organization_id"], share_id=link["share_id"])
            made.append(tally)
        unique = [c for c in clicks.get(link_id, []) if c["unique"]]
        new = unique[tally.considered :]
        if not new:
            continue
        book = books.of(link["organization_id"])
        shared_at = link["share__created_at"]
        flag = fraud_flag(clicks.get(link_id, []), shared_at, book.at(shared_at))
        earned: dict[int, dict[str, Any]] = {}  # rules version → what its clicks earned
        for offset, click in enumerate(new, start=tally.considered + 1):
            rules = book.at(click["at"])
            if tally.counted >= rules.click_cap or not rules.click_points:
                continue
            tally.counted += 1
            group = earned.setdefault(rules.pk, {"rules": rules, "clicks": 0})
            group["clicks"] += 1
            group["upto"], group["at"] = offset, click["at"]
        tally.considered += len(new)
        if tally.pk is not None:
            changed.append(tally)
        for group in earned.values():
            rules = group["rules"]
            params = _share_params(link["share_id"], link["network"], link["content__title"])
            entries.append(
                _entry(
                    rules=rules,
                    membership_id=link["membership_id"],
                    points=group["clicks"] * rules.click_points,
                    reason=Reason.CLICKS,
                    params={**params, "clicks": group["clicks"]},
                    source_key=f"clicks:share:{link['share_id']}:{group['upto']}",
                    occurred_at=group["at"],
                    now=now,
                    flag=flag,
                )
            )
    ShareTally.objects.bulk_create(made, batch_size=500)
    for tally in changed:  # few per run: one statement each is cheaper than a bulk CASE
        ShareTally.objects.filter(pk=tally.pk).update(
            considered=tally.considered, counted=tally.counted, updated_at=timezone.now()
        )
    added = entries_add(entries)
    touched.update(e.membership_id for e in added)
    return len(added)


# --- Conversions ----------------------------------------------------------------------------------


def _award_conversions(now: datetime, books: RuleBooks, touched: set[int]) -> int:
    """A conversion earns its sharer the points its type has in the rules in force when it
    happened; one whose click was a bot's or the sharer's own earns nothing."""
    with transaction.atomic():
        cursor = _locked_cursor("conversions")
        seen = max(0, cursor.position - REWIND)
        entries: list[PointEntry] = []
        while True:
            rows = list(
                Conversion.objects.filter(pk__gt=seen)
                .order_by("pk")
                .values(
                    "pk",
                    "organization_id",
                    "membership_id",
                    "network",
                    "type__key",
                    "type__label",
                    "content__title",
                    "link__share_id",
                    "click__bot",
                    "click__is_self",
                    "occurred_at",
                )[:BATCH]
            )
            for row in rows:
                if row["click__bot"] or row["click__is_self"]:
                    continue
                rules = books.of(row["organization_id"]).at(row["occurred_at"])
                points = rules.points_for_conversion(row["type__key"])
                if not points:
                    continue
                params = _share_params(row["link__share_id"], row["network"], row["content__title"])
                params.update(type=row["type__key"], type_label=row["type__label"])
                entries.append(
                    _entry(
                        rules=rules,
                        membership_id=row["membership_id"],
                        points=points,
                        reason=Reason.CONVERSION,
                        params=params,
                        source_key=f"conversion:{row['pk']}",
                        occurred_at=row["occurred_at"],
                        now=now,
                    )
                )
            if rows:
                seen = rows[-1]["pk"]
            if len(rows) < BATCH:
                break
        added = entries_add(entries)
        touched.update(e.membership_id for e in added)
        cursor.position = max(cursor.position, seen)
        cursor.save(update_fields=["position", "updated_at"])
    return len(added)


# --- Suggestions and training ---------------------------------------------------------------------


def _award_suggestions(now: datetime, books: RuleBooks, touched: set[int]) -> int:
    """An accepted suggestion earns the person who made it ``suggestion_points``."""
    with transaction.atomic():
        cursor = _locked_cursor("suggestions")
        accepted = Suggestion.objects.filter(
            status=Suggestion.Status.ACCEPTED,
            suggested_by__isnull=False,
            decided_at__isnull=False,
        )
        if cursor.at is not None:
            accepted = accepted.filter(decided_at__gte=cursor.at - SUGGESTION_OVERLAP)
        entries = []
        for row in accepted.order_by("decided_at").values(
            "pk", "organization_id", "suggested_by_id", "title", "url", "decided_at"
        ):
            decided_at = row["decided_at"]
            assert decided_at is not None  # filtered above
            rules = books.of(row["organization_id"]).at(decided_at)
            if not rules.suggestion_points:
                continue
            entries.append(
                _entry(
                    rules=rules,
                    membership_id=row["suggested_by_id"],
                    points=rules.suggestion_points,
                    reason=Reason.SUGGESTION,
                    params={
                        "suggestion": row["pk"],
                        "title": (row["title"] or row["url"])[:TITLE_MAX],
                    },
                    source_key=f"suggestion:{row['pk']}",
                    occurred_at=decided_at,
                    now=now,
                )
            )
        added = entries_add(entries)
        touched.update(e.membership_id for e in added)
        cursor.at = now
        cursor.save(update_fields=["at", "updated_at"])
    return len(added)


def training_award(
    *, membership: Membership, training_id: int, title: str, finished_at: datetime
) -> bool:
    """Finishing a training earns ``training_points`` (the rules in force then), once per
    training. Nothing calls this yet: the training app will. Returns whether it was new."""
    books = RuleBooks()
    rules = books.of(membership.organization_id).at(finished_at)
    if not rules.training_points:
        return False
    entry = _entry(
        rules=rules,
        membership_id=membership.pk,
        points=rules.training_points,
        reason=Reason.TRAINING,
        params={"training": training_id, "title": title[:TITLE_MAX]},
        source_key=f"training:{training_id}:{membership.pk}",
        occurred_at=finished_at,
        now=timezone.now(),
    )
    return len(entries_add([entry])) == 1


# --- Streaks --------------------------------------------------------------------------------------


def _award_streaks(now: datetime, books: RuleBooks, sharers: set[int], touched: set[int]) -> int:
    """A share that makes it ``streak_weeks`` of the last ``streak_window`` weeks with a share
    earns ``streak_points``, at most once per window (weeks in the organization's time zone)."""
    if not sharers:
        return 0
    with transaction.atomic():
        _locked_cursor("streaks")
        people = {
            m.pk: m
            for m in Membership.objects.filter(pk__in=sharers).select_related("organization")
        }
        since = now - STREAK_LOOKBACK
        rows = (
            PointEntry.objects.filter(
                counted_entries(),
                membership_id__in=people,
                reason__in=[Reason.SHARE, Reason.STREAK],
                occurred_at__gte=since,
            )
            .order_by("occurred_at", "pk")
            .values_list("membership_id", "reason", "occurred_at", "params")
        )
        shares: dict[int, dict[date, datetime]] = defaultdict(dict)  # week → its first share
        streaks: dict[int, set[date]] = defaultdict(set)
        for membership_id, reason, at, params in rows:
            zone = zone_of(people[membership_id].organization)
            if reason == Reason.SHARE:
                shares[membership_id].setdefault(week_of(at, zone), at)
            elif params.get("week"):
                streaks[membership_id].add(date.fromisoformat(params["week"]))
        entries = []
        for membership_id, weeks in shares.items():
            book = books.of(people[membership_id].organization_id)
            rules = book.at(max(weeks.values()))
            for week in streak_weeks_due(
                set(weeks),
                streaks[membership_id],
                weeks=rules.streak_weeks,
                size=rules.streak_window,
            ):
                at = weeks[week]
                rules = book.at(at)
                if not rules.streak_points:
                    continue
                entries.append(
                    _entry(
                        rules=rules,
                        membership_id=membership_id,
                        points=rules.streak_points,
                        reason=Reason.STREAK,
                        params={"week": week.isoformat(), "weeks": rules.streak_weeks,
                                "size": rules.streak_window},
                        source_key=f"streak:{membership_id}:{week.isoformat()}",
                        occurred_at=at,
                        now=now,
                    )
                )  # fmt: skip
        added = entries_add(entries)
        touched.update(e.membership_id for e in added)
        return len(added)


# --- Held points that are due ---------------------------------------------------------------------


def _confirm_due(now: datetime, books: RuleBooks) -> tuple[int, int]:
    """Unflagged pending entries whose hold is over count now; click points are checked once
    more first (clicks that came meanwhile may show a pattern), and flagged instead."""
    with transaction.atomic():
        _locked_cursor("holds")
        due = list(
            PointEntry.objects.filter(status=Status.PENDING, flag="", hold_until__lte=now)
            .order_by("hold_until")
            .values("pk", "organization_id", "reason", "params", "occurred_at")[:BATCH]
        )
        share_ids = {e["params"].get("share") for e in due if e["reason"] == Reason.CLICKS}
        links = {
            row["share_id"]: row
            for row in TrackedLink.objects.filter(share_id__in=share_ids).values(
                "pk", "share_id", "share__created_at"
            )
        }
        clicks = _human_clicks(link["pk"] for link in links.values())
        flagged: dict[str, list[int]] = defaultdict(list)
        confirm = []
        for entry in due:
            link = links.get(entry["params"].get("share"))
            if entry["reason"] == Reason.CLICKS and link is not None:
                shared_at = link["share__created_at"]
                rules = books.of(entry["organization_id"]).at(shared_at)
                flag = fraud_flag(clicks.get(link["pk"], []), shared_at, rules)
                if flag:
                    flagged[flag].append(entry["pk"])
                    continue
            confirm.append(entry["pk"])
        confirmed = PointEntry.objects.filter(
            pk__in=confirm, status=Status.PENDING, flag=""
        ).update(status=Status.CONFIRMED)
        flagged_count = 0
        for flag, ids in flagged.items():
            flagged_count += PointEntry.objects.filter(
                pk__in=ids, status=Status.PENDING, flag=""
            ).update(flag=flag, hold_until=None)
    return confirmed, flagged_count
