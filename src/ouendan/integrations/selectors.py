"""Reads of connected accounts: a person's connections and scheduled posts, an organization's
posting settings, and the connector for an account (configured from settings)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ouendan.accounts.crypto import decrypt
from ouendan.accounts.models import Organization
from ouendan.accounts.permissions import Action, Actor, require
from ouendan.core.errors import NotFound
from ouendan.integrations.base import AppCredentials, Connector, ConnectorConfig, Grant, Profile
from ouendan.integrations.bluesky import BlueskyConnector
from ouendan.integrations.linkedin import LinkedInConnector
from ouendan.integrations.mastodon import MastodonConnector
from ouendan.integrations.models import (
    ConnectedAccount,
    NetworkApp,
    PostingSettings,
    ScheduledPost,
)
from ouendan.integrations.x import XConnector
from ouendan.networks import Network

CONNECTORS: dict[Network, type[Connector]] = {
    Network.BLUESKY: BlueskyConnector,
    Network.MASTODON: MastodonConnector,
    Network.LINKEDIN: LinkedInConnector,
    Network.X: XConnector,
}
DIRECT_NETWORKS = tuple(CONNECTORS)
# Networks whose OAuth client is the organization's own (an admin registers it at the network).
ORGANIZATION_APPS = (Network.LINKEDIN, Network.X)


def require_person(actor: Actor) -> None:
    """Connections and posts are a person's own: an organization token has none."""
    if actor.membership is None:
        raise PermissionDenied(_("Only a person can have connected accounts."))


# --- Settings ---------------------------------------------------------------------------------


def posting_settings_of(organization: Organization) -> PostingSettings:
    """The organization's posting settings (made with the defaults on first use)."""
    found, _created = PostingSettings.objects.get_or_create(
        organization=organization,
        defaults={"networks": [Network.BLUESKY.value, Network.MASTODON.value]},
    )
    return found


def network_apps(*, actor: Actor) -> dict[str, NetworkApp]:
    require(actor, Action.NETWORK_APPS_MANAGE)
    return {
        app.network: app
        for app in NetworkApp.objects.filter(
            organization=actor.organization, network__in=ORGANIZATION_APPS
        )
    }


def app_credentials(app: NetworkApp) -> AppCredentials:
    secret = decrypt(app.client_secret) if app.client_secret else ""
    return AppCredentials(client_id=app.client_id, client_secret=secret)


def organization_app(organization_id: int, network: str, instance: str = "") -> NetworkApp | None:
    return NetworkApp.objects.filter(
        organization_id=organization_id, network=network, instance=instance
    ).first()


def network_available(organization: Organization, network: str) -> bool:
    """Whether people of the organization may connect ``network`` now: switched on by the
    program, and (LinkedIn, X) the organization's app is configured."""
    if network not in DIRECT_NETWORKS or network not in posting_settings_of(organization).networks:
        return False
    if network in ORGANIZATION_APPS:
        return organization_app(organization.pk, network) is not None
    return True


# --- Connectors -------------------------------------------------------------------------------


def connector_config(network: str, instance: str = "") -> ConnectorConfig:
    """Where the connector talks to. Hosts people type (Mastodon servers, a Bluesky PDS other
    than the default) are guarded against pointing us at private addresses."""
    if network == Network.BLUESKY:
        url = instance or settings.BLUESKY_SERVICE_URL
        return ConnectorConfig(api_url=url, guarded=url != settings.BLUESKY_SERVICE_URL)
    if network == Network.MASTODON:
        return ConnectorConfig(api_url=instance, guarded=True)
    if network == Network.LINKEDIN:
        return ConnectorConfig(
            api_url=settings.LINKEDIN_API_URL,
            auth_url=settings.LINKEDIN_OAUTH_URL,
            api_version=settings.LINKEDIN_API_VERSION,
            extra={"scopes": settings.LINKEDIN_SCOPES},
        )
    if network == Network.X:
        return ConnectorConfig(api_url=settings.X_API_URL, auth_url=settings.X_AUTHORIZE_URL)
    raise ValueError(f"no connector for {network}")


def connector_for(organization_id: int, network: str, instance: str = "") -> Connector:
    """The connector for an account of ``network`` (with the OAuth client it needs)."""
    app = organization_app(
        organization_id, network, instance if network == Network.MASTODON else ""
    )
    credentials = app_credentials(app) if app is not None else None
    return CONNECTORS[Network(network)](connector_config(network, instance), credentials)


def account_grant(account: ConnectedAccount) -> Grant:
    return Grant(
        access_token=decrypt(account.access_token),
        refresh_token=decrypt(account.refresh_token) if account.refresh_token else "",
        expires_at=account.expires_at,
        refresh_expires_at=account.refresh_expires_at,
        scopes=frozenset(account.scopes.split()),
    )


def account_profile(account: ConnectedAccount) -> Profile:
    return Profile(
        remote_id=account.remote_id,
        handle=account.handle,
        display_name=account.display_name,
        profile_url=account.profile_url,
        followers=account.followers,
        text_limit=account.text_limit,
    )


# --- A person's connections and posts -------------------------------------------------------


def accounts_mine(*, actor: Actor) -> QuerySet[ConnectedAccount]:
    """The actor's live connections (connected or needing a reconnect)."""
    require(actor, Action.FEED_VIEW)
    require_person(actor)
    return (
        ConnectedAccount.objects.filter(
            organization=actor.organization, membership=actor.membership
        )
        .exclude(status=ConnectedAccount.Status.DISCONNECTED)
        .order_by("network", "pk")
    )


def account_get(*, actor: Actor, account_id: int) -> ConnectedAccount:
    found = accounts_mine(actor=actor).filter(pk=account_id).first()
    if found is None:
        raise NotFound(_("That connected account does not exist."))
    return found


def account_for_network(*, actor: Actor, network: str) -> ConnectedAccount | None:
    return accounts_mine(actor=actor).filter(network=network).first()


POST_TABS = {
    "upcoming": (ScheduledPost.State.SCHEDULED, ScheduledPost.State.PUBLISHING,
                 ScheduledPost.State.HELD),
    "published": (ScheduledPost.State.PUBLISHED,),
    "failed": (ScheduledPost.State.FAILED,),
    "cancelled": (ScheduledPost.State.CANCELLED,),
}  # fmt: skip


def posts_mine(*, actor: Actor, tab: str = "") -> QuerySet[ScheduledPost]:
    require(actor, Action.FEED_VIEW)
    require_person(actor)
    posts = ScheduledPost.objects.filter(
        organization=actor.organization, membership=actor.membership
    ).select_related("content", "account", "share__link")
    if tab in POST_TABS:
        posts = posts.filter(state__in=POST_TABS[tab])
    if tab in ("published", "cancelled"):
        return posts.order_by("-scheduled_for", "-pk")
    return posts.order_by("scheduled_for", "pk")


def post_get(*, actor: Actor, post_id: int) -> ScheduledPost:
    found = posts_mine(actor=actor).filter(pk=post_id).first()
    if found is None:
        raise NotFound(_("That scheduled post does not exist."))
    return found
