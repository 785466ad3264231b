"""Posting through connected accounts, exactly once.

A scheduled post moves: scheduled → publishing → published | failed; held while the
organization is paused (released when it resumes); cancelled by its owner. How it stays one
post whatever happens:

- **One worker at a time.** ``publishing`` is taken with a conditional ``UPDATE … WHERE state =
  'scheduled'`` (one row changes for one worker, zero for the others), stamped ``claimed_at``.
- **The same key every attempt.** ``idempotency_key`` goes to networks that deduplicate
  (Mastodon's ``Idempotency-Key``, Bluesky's record key).
- **Ask before sending again.** Any attempt after one whose outcome is unknown — a timeout, a
  dropped connection, a 5xx, or a worker killed mid-publish (its claim outlives the lease and
  ``posts_reconcile`` marks it ``uncertain``) — first asks the network whether the post is
  there (``Connector.find``, by its record key or its tracked link). Where the API cannot say
  (LinkedIn without ``r_member_social``), the post fails with ``cannot_tell`` and its owner
  checks their profile before choosing "Try again": never a blind second post.
- **Retries with backoff** for retryable errors (1, 5, 15, 60 minutes, or the network's own
  ``Retry-After``), at most ``MAX_ATTEMPTS``; permanent errors fail at once with the network's
  reason, shown to the owner.

Scheduling respects the organization's sharing hours, each person's daily cap, and spreads
colleagues' posts of the same item on the same network apart.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.permissions import Action, Actor, require, system_actor
from ouendan.content.models import ContentImage, ContentItem
from ouendan.core.errors import Conflict, DomainError
from ouendan.governance.selectors import crisis_pause_active, paused_organization_ids
from ouendan.integrations.base import (
    AuthExpired,
    Card,
    Connector,
    ConnectorError,
    Grant,
    OutgoingPost,
    Published,
    RateLimited,
)
from ouendan.integrations.models import ConnectedAccount, PostingSettings, ScheduledPost
from ouendan.integrations.selectors import (
    account_profile,
    connector_for,
    post_get,
    posting_settings_of,
    require_person,
)
from ouendan.integrations.services.accounts import (
    account_fresh_grant,
    account_refresh,
    account_require,
    network_label,
)
from ouendan.networks import Network, text_measure
from ouendan.sharing.selectors import feed_item_check
from ouendan.sharing.services.shares import share_create, share_discard, share_mark_posted
from ouendan.tracking.links import tracked_url
from ouendan.tracking.selectors import busiest_hours
from ouendan.tracking.services import Sharer

logger = logging.getLogger("ouendan.integrations")

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (60, 300, 900, 3600)
LEASE = timedelta(minutes=5)  # a claim older than this belongs to a worker that died
HORIZON = timedelta(days=60)
PAST_TOLERANCE = timedelta(minutes=2)
UNCERTAIN = frozenset({"timeout", "interrupted", "server_error"})  # may have reached the network
CARD_IMAGE_MAX = 1_000_000
State = ScheduledPost.State
OPEN_STATES = (State.SCHEDULED, State.PUBLISHING, State.HELD, State.PUBLISHED)


# --- Planning a time --------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    at: datetime
    notes: list[str] = field(default_factory=list)  # why the time differs from the one asked


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return timezone.localtime(moment, zone)


def _within_hours(moment: datetime, rules: PostingSettings, zone: ZoneInfo) -> datetime:
    """The same moment if it is inside the sharing hours, else the next time they open."""
    local = _local(moment, zone)
    start, end = rules.hours_start, rules.hours_end
    if start <= local.time() < end:
        return moment
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    return datetime.combine(day, start, tzinfo=zone)


def _spread(
    moment: datetime, *, rules: PostingSettings, zone: ZoneInfo, content_id: int, network: str,
    exclude: int | None,
) -> datetime:  # fmt: skip
    """Move ``moment`` until no other post of this item on this network is within the spread."""
    gap = timedelta(minutes=rules.spread_minutes)
    if not gap:
        return moment
    taken = sorted(
        ScheduledPost.objects.filter(content_id=content_id, network=network, state__in=OPEN_STATES)
        .exclude(pk=exclude or 0)
        .filter(scheduled_for__gt=moment - gap, scheduled_for__lt=moment + HORIZON)
        .values_list("scheduled_for", flat=True)
    )
    for other in taken:
        if abs(other - moment) < gap:
            moment = _within_hours(other + gap, rules, zone)
    return moment


def post_time_plan(
    *, actor: Actor, content_id: int, network: str, at: datetime | None, now: datetime,
    exclude: int | None = None,
) -> Plan:  # fmt: skip
    """When a post asked for ``at`` (``None``: now) will go out, and why it moved."""
    rules = posting_settings_of(actor.organization)
    zone = ZoneInfo(actor.organization.time_zone)
    asked = at or now
    if asked < now - PAST_TOLERANCE:
        raise DomainError(
            _("Choose a time in the future."), code="time_past", fields={"at": [_("In the past.")]}
        )
    if asked > now + HORIZON:
        raise DomainError(
            _("Posts can be scheduled at most 60 days ahead."),
            code="time_too_far",
            fields={"at": [_("Too far ahead.")]},
        )
    notes: list[str] = []
    moment = max(asked, now)
    inside = _within_hours(moment, rules, zone)
    if inside != moment:
        notes.append(
            _("Moved into your organization's sharing hours (%(start)s–%(end)s).")
            % {
                "start": rules.hours_start.strftime("%H:%M"),
                "end": rules.hours_end.strftime("%H:%M"),
            }
        )
    spread = _spread(
        inside, rules=rules, zone=zone, content_id=content_id, network=network, exclude=exclude
    )
    if spread != inside:
        notes.append(
            _("Moved to %(time)s so that colleagues' posts of this item do not go out together.")
            % {"time": _local(spread, zone).strftime("%H:%M")}
        )
    _check_cap(actor, rules, zone, spread, exclude)
    return Plan(at=spread, notes=notes)


def _check_cap(
    actor: Actor, rules: PostingSettings, zone: ZoneInfo, moment: datetime, exclude: int | None
) -> None:
    day = _local(moment, zone).date()
    start = datetime.combine(day, time.min, tzinfo=zone)
    planned = (
        ScheduledPost.objects.filter(
            membership=actor.membership,
            state__in=OPEN_STATES,
            scheduled_for__gte=start,
            scheduled_for__lt=start + timedelta(days=1),
        )
        .exclude(pk=exclude or 0)
        .count()
    )
    if planned >= rules.daily_cap:
        raise DomainError(
            _(
                "You already have %(count)d posts on %(day)s; your organization allows "
                "%(cap)d a day. Choose another day."
            )
            % {"count": planned, "day": day.strftime("%Y-%m-%d"), "cap": rules.daily_cap},
            code="daily_cap",
            fields={"at": [_("Daily limit reached.")]},
        )


DEFAULT_HOURS = (12, 8, 19)  # lunch, the commute, the evening: when colleagues read
MIN_CLICKS_FOR_HOURS = 30


def posting_time_suggest(*, actor: Actor, content_id: int, network: str, now: datetime) -> Plan:
    """A good time to post: the hour this organization's links on ``network`` were clicked
    most in the last 30 days (within the sharing hours), else lunchtime; then spread."""
    require(actor, Action.POSTS_SCHEDULE)
    require_person(actor)
    feed_item_check(actor=actor, content_id=content_id)
    rules = posting_settings_of(actor.organization)
    zone = ZoneInfo(actor.organization.time_zone)
    hours = busiest_hours(
        organization_id=actor.organization.pk,
        network=network,
        since=now - timedelta(days=30),
        zone=zone,
        minimum=MIN_CLICKS_FOR_HOURS,
    ) or list(DEFAULT_HOURS)
    allowed = [h for h in hours if rules.hours_start <= time(h) < rules.hours_end] or [
        rules.hours_start.hour
    ]
    earliest = now + timedelta(minutes=10)
    local = _local(earliest, zone)
    best = allowed[0]
    candidate = datetime.combine(local.date(), time(best), tzinfo=zone)
    if candidate < earliest:
        candidate += timedelta(days=1)
    return post_time_plan(actor=actor, content_id=content_id, network=network, at=candidate,
                          now=now)  # fmt: skip


# --- Scheduling -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheduled:
    post: ScheduledPost
    notes: list[str]
    findings: list[dict[str, object]]


def _check_length(account: ConnectedAccount, text: str) -> None:
    """Mastodon servers set their own limit; the scanner knows the default one."""
    if account.network != Network.MASTODON or not account.text_limit:
        return
    if text_measure(text=text, network=Network.MASTODON).length > account.text_limit:
        raise DomainError(
            _("Your Mastodon server allows %(limit)d characters; this post is longer.")
            % {"limit": account.text_limit},
            code="too_long",
            fields={"text": [_("Too long.")]},
        )


def post_schedule(
    *,
    actor: Actor,
    content_id: int,
    network: str,
    text: str | None = None,
    at: datetime | None = None,
    sharer: Sharer | None = None,
    now: datetime | None = None,
) -> Scheduled:
    """Let Ouendan post an item of the actor's feed through their connected account, now
    (``at`` is ``None``) or at a time. The text goes through every check a share does."""
    require(actor, Action.POSTS_SCHEDULE)
    require_person(actor)
    feed_item_check(actor=actor, content_id=content_id)
    now = now or timezone.now()
    account = account_require(actor=actor, network=network)
    if network not in posting_settings_of(actor.organization).networks:
        raise Conflict(
            _("Direct posting to %(network)s is switched off in your organization.")
            % {"network": network_label(network)},
            code="network_disabled",
        )
    plan = post_time_plan(actor=actor, content_id=content_id, network=network, at=at, now=now)
    with transaction.atomic():
        result = share_create(
            actor=actor,
            content_id=content_id,
            network=Network(network),
            text=text,
            sharer=sharer,
            direct=True,
        )
        _check_length(account, result.share.text)
        assert actor.membership is not None
        post = ScheduledPost.objects.create(
            organization=actor.organization,
            membership=actor.membership,
            account=account,
            share=result.share,
            content_id=content_id,
            network=network,
            text=result.share.text,
            scheduled_for=plan.at,
            next_attempt_at=plan.at,
            idempotency_key=uuid.uuid4().hex,
        )
        audit_record(
            actor=actor,
            action="post.scheduled",
            target=post,
            data={"network": network, "content": content_id, "at": plan.at.isoformat()},
        )
        if plan.at <= now:
            _enqueue_on_commit(post.pk)
    findings = list(result.share.findings)
    return Scheduled(post=post, notes=plan.notes, findings=findings)


def _enqueue_on_commit(post_id: int) -> None:
    from ouendan.integrations.tasks import post_publish_task

    transaction.on_commit(lambda: post_publish_task.enqueue(post_id))


def post_reschedule(
    *, actor: Actor, post_id: int, at: datetime, now: datetime | None = None
) -> Plan:
    """A new time for a post that has not gone out (a failed one is tried again then)."""
    require(actor, Action.POSTS_SCHEDULE)
    now = now or timezone.now()
    post = post_get(actor=actor, post_id=post_id)
    if post.state not in (State.SCHEDULED, State.HELD, State.FAILED):
        raise Conflict(_("This post can no longer be changed."), code="not_changeable")
    plan = post_time_plan(
        actor=actor, content_id=post.content_id, network=post.network, at=at, now=now,
        exclude=post.pk,
    )  # fmt: skip
    with transaction.atomic():
        changed = ScheduledPost.objects.filter(
            pk=post.pk, state__in=(State.SCHEDULED, State.HELD, State.FAILED)
        ).update(
            state=State.SCHEDULED,
            scheduled_for=plan.at,
            next_attempt_at=plan.at,
            attempts=0,
            error_code="",
            error_message="",
            updated_at=now,
        )
        if not changed:
            raise Conflict(_("This post can no longer be changed."), code="not_changeable")
        audit_record(
            actor=actor, action="post.rescheduled", target=post, data={"at": plan.at.isoformat()}
        )
        if plan.at <= now:
            _enqueue_on_commit(post.pk)
    return plan


def post_retry(*, actor: Actor, post_id: int, checked: bool = False) -> ScheduledPost:
    """Try a failed post again now. When we could not tell whether it went out, the owner
    must say they checked (``checked``) that it is not on their profile."""
    require(actor, Action.POSTS_SCHEDULE)
    post = post_get(actor=actor, post_id=post_id)
    if post.state != State.FAILED:
        raise Conflict(_("Only a failed post can be tried again."), code="not_failed")
    if post.account.status != ConnectedAccount.Status.ACTIVE:
        raise Conflict(
            _("Reconnect your %(network)s account first.")
            % {"network": network_label(post.network)},
            code="not_connected",
        )
    if post.uncertain and not checked:
        raise DomainError(
            _("Check your profile first: if the post is already there, do not send it again."),
            code="check_first",
            fields={"checked": [_("Required.")]},
        )
    now = timezone.now()
    with transaction.atomic():
        ScheduledPost.objects.filter(pk=post.pk, state=State.FAILED).update(
            state=State.SCHEDULED,
            next_attempt_at=now,
            attempts=0,
            uncertain=False if checked else F("uncertain"),
            error_code="",
            error_message="",
            updated_at=now,
        )
        audit_record(actor=actor, action="post.retried", target=post, data={"checked": checked})
        _enqueue_on_commit(post.pk)
    post.refresh_from_db()
    return post


def post_cancel(*, actor: Actor, post_id: int) -> ScheduledPost:
    require(actor, Action.POSTS_SCHEDULE)
    post = post_get(actor=actor, post_id=post_id)
    with transaction.atomic():
        if not _cancel(actor, post):
            raise Conflict(
                _("This post is being published or has been published."), code="not_changeable"
            )
    post.refresh_from_db()
    return post


def _cancel(actor: Actor, post: ScheduledPost) -> bool:
    changed = ScheduledPost.objects.filter(
        pk=post.pk, state__in=(State.SCHEDULED, State.HELD, State.FAILED)
    ).update(state=State.CANCELLED, updated_at=timezone.now())
    if changed:
        audit_record(actor=actor, action="post.cancelled", target=post, data={})
        # A post that may have reached the network keeps its share: if it is out there, its
        # link must go on working. One that certainly never went out leaves nothing behind.
        if post.share_id is not None and not post.uncertain:
            share_discard(actor=actor, share_id=post.share_id)
    return bool(changed)


def post_cancel_for_account(*, actor: Actor, account: ConnectedAccount) -> int:
    """Cancel what was still to be posted through an account being disconnected."""
    return sum(
        _cancel(actor, post)
        for post in ScheduledPost.objects.filter(
            account=account, state__in=(State.SCHEDULED, State.HELD, State.FAILED)
        )
    )


# --- Publishing (the worker) ------------------------------------------------------------------


def _card(post: ScheduledPost) -> Card:
    item: ContentItem = post.content
    link = post.share.link if post.share is not None else None
    url = tracked_url(link.code) if link is not None else item.url or ""
    image, image_type = None, ""
    first = ContentImage.objects.filter(content=item).exclude(file="").first()
    if first is not None:
        try:
            with default_storage.open(first.file.name, "rb") as handle:
                data = handle.read(CARD_IMAGE_MAX + 1)
            if len(data) <= CARD_IMAGE_MAX:
                image = data
                image_type = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        except OSError:
            image = None
    return Card(
        url=url, title=item.title, description=item.summary, image=image, image_type=image_type
    )


def _outgoing(post: ScheduledPost) -> OutgoingPost:
    assert post.first_attempt_at is not None
    return OutgoingPost(
        key=post.idempotency_key,
        text=post.text,
        card=_card(post),
        created_at=post.first_attempt_at,
        language=post.content.language or "ja",
    )


def _send(
    connector: Connector, account: ConnectedAccount, grant: Grant, post: ScheduledPost
) -> Published:
    outgoing = _outgoing(post)
    profile = account_profile(account)
    if post.uncertain:  # an earlier attempt may have got through: ask before sending
        found = connector.find(grant, profile, outgoing)
        if found is not None:
            return found
    return connector.publish(grant, profile, outgoing)


def post_publish(*, post_id: int, now: datetime | None = None) -> str:
    """Publish one due post (the task; safe to run twice or concurrently). Returns what
    happened: ``published``, ``retry``, ``failed``, ``held`` or ``skipped``."""
    now = now or timezone.now()
    post = ScheduledPost.objects.select_related("organization").filter(pk=post_id).first()
    if post is None:
        return "skipped"
    if crisis_pause_active(post.organization_id) is not None:
        if ScheduledPost.objects.filter(pk=post_id, state=State.SCHEDULED).update(
            state=State.HELD, updated_at=now
        ):
            return "held"
        return "skipped"
    claimed = ScheduledPost.objects.filter(
        pk=post_id, state=State.SCHEDULED, next_attempt_at__lte=now
    ).update(
        state=State.PUBLISHING,
        claimed_at=now,
        attempts=F("attempts") + 1,
        first_attempt_at=Coalesce("first_attempt_at", Value(now)),
        updated_at=now,
    )
    if not claimed:
        return "skipped"  # another worker has it, or it is not due, or it was cancelled
    post = ScheduledPost.objects.select_related(
        "organization", "account__organization", "account__membership__user", "content",
        "share__link",
    ).get(pk=post_id)  # fmt: skip
    account = post.account
    if account.status != ConnectedAccount.Status.ACTIVE:
        return _fail(post, now, "account_needs_reconnect", account.last_error)
    if post.network not in posting_settings_of(post.organization).networks:
        return _fail(post, now, "network_disabled", "")
    connector = connector_for(account.organization_id, account.network, account.instance)
    try:
        try:
            grant = account_fresh_grant(account, connector, now=now)
            published = _send(connector, account, grant, post)
        except AuthExpired:
            grant = account_refresh(account, connector)  # once; AuthExpired again: reconnect
            published = _send(connector, account, grant, post)
    except AuthExpired as exc:
        return _fail(post, now, "account_needs_reconnect", exc.message)
    except ConnectorError as exc:
        return _after_error(post, account, exc, now)
    return _succeed(post, published, now)


def _claimed(post: ScheduledPost) -> Q:
    return Q(pk=post.pk, state=State.PUBLISHING, claimed_at=post.claimed_at)


def _succeed(post: ScheduledPost, published: Published, now: datetime) -> str:
    with transaction.atomic():
        done = ScheduledPost.objects.filter(_claimed(post)).update(
            state=State.PUBLISHED,
            published_at=now,
            remote_id=published.remote_id[:255],
            remote_url=published.url[:500],
            uncertain=False,
            error_code="",
            error_message="",
            updated_at=now,
        )
        if not done:
            # Our claim was taken over (we outlived the lease): the reconciliation's attempt
            # will find this post at the network and record it.
            logger.warning("post %s published after its claim lapsed", post.pk)
            return "skipped"
        if post.share_id is not None:
            share_mark_posted(share_id=post.share_id, at=now)
        audit_record(
            actor=system_actor(post.organization, "integrations"),
            action="post.published",
            target=post,
            data={"network": post.network, "remote_id": published.remote_id[:255]},
        )
    return "published"


def _fail(post: ScheduledPost, now: datetime, code: str, message: str) -> str:
    with transaction.atomic():
        if not ScheduledPost.objects.filter(_claimed(post)).update(
            state=State.FAILED, error_code=code[:32], error_message=message[:500], updated_at=now
        ):
            return "skipped"
        audit_record(
            actor=system_actor(post.organization, "integrations"),
            action="post.failed",
            target=post,
            data={"network": post.network, "code": code, "attempts": post.attempts},
        )
    return "failed"


def _after_error(
    post: ScheduledPost, account: ConnectedAccount, exc: ConnectorError, now: datetime
) -> str:
    uncertain = post.uncertain or exc.code in UNCERTAIN
    if uncertain and not post.uncertain:
        ScheduledPost.objects.filter(pk=post.pk).update(uncertain=True)
        post.uncertain = True
    if exc.permanent or post.attempts >= MAX_ATTEMPTS:
        return _fail(post, now, exc.code, exc.message)
    wait = BACKOFF_SECONDS[min(post.attempts, len(BACKOFF_SECONDS)) - 1]
    wait = max(wait, int(exc.retry_after or 0))
    later = now + timedelta(seconds=wait)
    if isinstance(exc, RateLimited):
        ConnectedAccount.objects.filter(pk=account.pk).update(rate_limited_until=later)
    ScheduledPost.objects.filter(_claimed(post)).update(
        state=State.SCHEDULED,
        next_attempt_at=later,
        error_code=exc.code[:32],
        error_message=exc.message[:500],
        updated_at=now,
    )
    return "retry"


def posts_due(*, now: datetime) -> list[int]:
    """Periodic: hold what comes due in paused organizations, release what was held where the
    pause has ended, and return the posts to publish now."""
    paused = paused_organization_ids()
    if paused:
        ScheduledPost.objects.filter(
            state=State.SCHEDULED, next_attempt_at__lte=now, organization_id__in=paused
        ).update(state=State.HELD, updated_at=now)
    for post in (
        ScheduledPost.objects.filter(state=State.HELD)
        .exclude(organization_id__in=paused)
        .select_related("organization")
        .order_by("scheduled_for", "pk")
    ):
        _release(post, now)
    return list(
        ScheduledPost.objects.filter(state=State.SCHEDULED, next_attempt_at__lte=now)
        .exclude(organization_id__in=paused)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )


def _release(post: ScheduledPost, now: datetime) -> None:
    """A post held by the pause goes out again inside the sharing hours, spread from the
    colleagues' posts released with it (not all at the minute the pause ends)."""
    rules = posting_settings_of(post.organization)
    zone = ZoneInfo(post.organization.time_zone)
    at = _within_hours(max(now, post.scheduled_for), rules, zone)
    at = _spread(
        at, rules=rules, zone=zone, content_id=post.content_id, network=post.network,
        exclude=post.pk,
    )  # fmt: skip
    ScheduledPost.objects.filter(pk=post.pk, state=State.HELD).update(
        state=State.SCHEDULED, scheduled_for=at, next_attempt_at=at, updated_at=now
    )


def posts_reconcile(*, now: datetime) -> list[int]:
    """Periodic: posts whose worker died mid-publish (the claim outlived the lease) are tried
    again as ``uncertain`` — the next attempt asks the network before sending anything."""
    stale = list(
        ScheduledPost.objects.filter(
            state=State.PUBLISHING, claimed_at__lt=now - LEASE
        ).values_list("pk", "claimed_at")
    )
    reset = []
    for pk, claimed_at in stale:
        if ScheduledPost.objects.filter(
            pk=pk, state=State.PUBLISHING, claimed_at=claimed_at
        ).update(
            state=State.SCHEDULED,
            uncertain=True,
            next_attempt_at=now,
            error_code="interrupted",
            error_message="",
            updated_at=now,
        ):
            reset.append(pk)
    return reset
