"""Reactions to posts made through connected accounts, read back from the networks.

Where a personal account's numbers can be read (Bluesky likes, reposts and replies; Mastodon
favourites, boosts and replies; LinkedIn when ``r_member_postAnalytics`` was granted), the
periodic job reads each recent post at most every ``SYNC_EVERY``, politely: an account the
network rate-limits is left alone until the time it names, and the rest of its posts wait for
the next run. Everything else can be entered by hand on the share (``sharing.services.metrics``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Q

from ouendan.integrations.base import AuthExpired, Connector, ConnectorError, Grant, RateLimited
from ouendan.integrations.models import ConnectedAccount, ScheduledPost
from ouendan.integrations.selectors import CONNECTORS, account_profile, connector_for
from ouendan.integrations.services.accounts import account_fresh_grant, account_refresh
from ouendan.sharing.services.metrics import Reactions, share_metrics_record

logger = logging.getLogger("ouendan.integrations")

SYNC_FOR = timedelta(days=30)  # posts older than this keep their last numbers
SYNC_EVERY = timedelta(hours=6)
BATCH = 200


def metrics_sync(*, now: datetime, limit: int = BATCH) -> int:
    """Read the numbers of recent published posts whose turn has come; returns how many."""
    networks = [network for network, connector in CONNECTORS.items() if connector.has_metrics]
    due = (
        ScheduledPost.objects.filter(
            state=ScheduledPost.State.PUBLISHED,
            network__in=networks,
            published_at__gte=now - SYNC_FOR,
            account__status=ConnectedAccount.Status.ACTIVE,
            share__isnull=False,
        )
        .exclude(remote_id="")
        .filter(
            Q(account__rate_limited_until__isnull=True) | Q(account__rate_limited_until__lte=now)
        )
        .filter(Q(metrics_at__isnull=True) | Q(metrics_at__lt=now - SYNC_EVERY))
        .select_related("share")
        .order_by("metrics_at", "published_at")[:limit]
    )
    synced = 0
    # One account object per account for the whole run: a refresh (Bluesky rotates its refresh
    # token) must be seen by that account's next post, not redone from a stale copy.
    sessions: dict[int, tuple[ConnectedAccount, Connector, Grant] | None] = {}
    for post in due:
        if post.account_id not in sessions:
            sessions[post.account_id] = _session(post.account_id, now)
        session = sessions[post.account_id]
        if session is None:
            continue
        account, connector, grant = session
        try:
            try:
                numbers = connector.metrics(grant, account_profile(account), post.remote_id)
            except AuthExpired:  # ended early (revoked, or the clock): refresh once, ask again
                grant = account_refresh(account, connector)
                sessions[post.account_id] = (account, connector, grant)
                numbers = connector.metrics(grant, account_profile(account), post.remote_id)
        except RateLimited as exc:
            until = now + timedelta(seconds=exc.retry_after or 900)
            ConnectedAccount.objects.filter(pk=account.pk).update(rate_limited_until=until)
            sessions[post.account_id] = None  # the rest of its posts wait for the next run
            continue
        except ConnectorError as exc:
            logger.info("metrics of post %s: %s", post.pk, exc)
            sessions[post.account_id] = None
            continue
        ScheduledPost.objects.filter(pk=post.pk).update(metrics_at=now)
        if numbers is None:  # the network gives no numbers for it (deleted, or no scope)
            continue
        assert post.share is not None
        share_metrics_record(
            share=post.share,
            reactions=Reactions(
                likes=numbers.likes,
                reposts=numbers.reposts,
                replies=numbers.replies,
                impressions=numbers.impressions,
            ),
            now=now,
        )
        synced += 1
    return synced


def _session(account_id: int, now: datetime) -> tuple[ConnectedAccount, Connector, Grant] | None:
    account = ConnectedAccount.objects.get(pk=account_id)
    connector = connector_for(account.organization_id, account.network, account.instance)
    try:
        return account, connector, account_fresh_grant(account, connector, now=now)
    except ConnectorError as exc:  # AuthExpired included: the account now needs a reconnect
        logger.info("metrics of account %s: %s", account_id, exc)
        return None
