"""Tracked links and their counters: issuing a share's link, folding raw clicks into counters."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from ouendan.tracking.links import CODE_ALPHABET, CODE_LENGTH
from ouendan.tracking.models import AggregationLock, Click, TrackedLink
from ouendan.tracking.visitors import salt_day, visitor_hash, visitor_salt

if TYPE_CHECKING:
    from ouendan.sharing.models import Share

UTM_MEDIUM = "employee_advocacy"
AGGREGATE_BATCH = 5000
_UPDATE_CHUNK = 500


def tracked_destination(url: str, *, network: str, campaign: str, share_id: int) -> str:
    """The content's URL with our UTM parameters (replacing any of the same name; every other
    parameter and the fragment kept), as an ASCII URI."""
    parts = urlsplit(iri_to_uri(url))
    ours = {
        "utm_source": network,
        "utm_medium": UTM_MEDIUM,
        "utm_campaign": campaign,
        "utm_content": str(share_id),
    }
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ours]
    return urlunsplit(parts._replace(query=urlencode([*kept, *ours.items()])))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class Sharer:
    """Where the share was made from, to recognise the sharer's own clicks that day."""

    address: str = ""
    user_agent: str = ""


def tracked_link_create(*, share: Share, destination: str, sharer: Sharer | None) -> TrackedLink:
    """The share's link with a fresh unguessable code."""
    for _ in range(5):
        try:
            with transaction.atomic():
                link = TrackedLink.objects.create(
                    organization_id=share.organization_id,
                    share=share,
                    content_id=share.content_id,
                    membership_id=share.membership_id,
                    network=share.network,
                    code=_new_code(),
                    destination=destination,
                )
        except IntegrityError:
            continue  # the code was taken (or will be, one in 10^14): draw another
        if sharer is not None and (sharer.address or sharer.user_agent):
            link.sharer_visitor_hash = visitor_hash(
                visitor_salt(salt_day(timezone.now())),
                address=sharer.address,
                user_agent=sharer.user_agent,
                link_id=link.pk,
            )
            link.save(update_fields=["sharer_visitor_hash"])
        return link
    raise RuntimeError("no free tracked-link code after 5 draws")


@dataclass
class _Counts:
    clicks: int = 0
    unique: int = 0
    bots: int = 0
    selves: int = 0
    human_times: list[datetime] = field(default_factory=list)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _UPDATE_CHUNK] for i in range(0, len(ids), _UPDATE_CHUNK)]


def clicks_aggregate(*, batch_size: int = AGGREGATE_BATCH) -> int:
    """Fold every click not counted yet into its link's counters; returns how many.

    Safe to run twice or in two workers at once: a locked row serialises the folding, and each
    click is marked as counted in the same transaction as the counters it changed.
    """
    AggregationLock.objects.get_or_create(name="clicks")
    total = 0
    while True:
        done = _aggregate_batch(batch_size)
        total += done
        if done < batch_size:
            return total


@transaction.atomic
def _aggregate_batch(batch_size: int) -> int:
    AggregationLock.objects.select_for_update().get(name="clicks")
    clicks = list(
        Click.objects.filter(aggregated=False)
        .order_by("id")
        .values("id", "link_id", "day", "visitor_hash", "bot", "is_self", "at")[:batch_size]
    )
    if not clicks:
        return 0
    humans = [c for c in clicks if not c["bot"] and not c["is_self"]]
    seen = set(
        Click.objects.filter(
            unique=True,
            link_id__in={c["link_id"] for c in humans},
            visitor_hash__in={c["visitor_hash"] for c in humans},
        ).values_list("link_id", "day", "visitor_hash")
    )
    counts: dict[int, _Counts] = defaultdict(_Counts)
    unique_ids: list[int] = []
    for click in clicks:
        link_counts = counts[click["link_id"]]
        if click["bot"]:
            link_counts.bots += 1
        elif click["is_self"]:
            link_counts.selves += 1
        else:
            link_counts.clicks += 1
            link_counts.human_times.append(click["at"])
            key = (click["link_id"], click["day"], click["visitor_hash"])
            if key not in seen:
                seen.add(key)
                unique_ids.append(click["id"])
                link_counts.unique += 1
    for link_id, c in counts.items():
        changes: dict[str, object] = {
            "clicks": F("clicks") + c.clicks,
            "unique_clicks": F("unique_clicks") + c.unique,
            "bot_hits": F("bot_hits") + c.bots,
            "self_clicks": F("self_clicks") + c.selves,
        }
        if c.human_times:
            first, last = Value(min(c.human_times)), Value(max(c.human_times))
            changes["first_click_at"] = Coalesce("first_click_at", first)
            changes["last_click_at"] = Greatest(Coalesce("last_click_at", last), last)
        TrackedLink.objects.filter(pk=link_id).update(**changes)
    for chunk in _chunks(unique_ids):
        Click.objects.filter(id__in=chunk).update(unique=True)
    for chunk in _chunks([c["id"] for c in clicks]):
        Click.objects.filter(id__in=chunk).update(aggregated=True)
    return len(clicks)
