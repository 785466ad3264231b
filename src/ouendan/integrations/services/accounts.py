"""Connecting and disconnecting accounts, keeping their tokens fresh, and telling people before
a connection lapses.

Tokens are encrypted before they are stored and decrypted only to make a call. A connection
is refreshed before its tokens lapse; when the network refuses (revoked, expired), the account
is marked ``needs_reconnect`` and its owner is told once, by e-mail and on the page.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ouendan.accounts.audit import audit_record
from ouendan.accounts.crypto import decrypt, encrypt, secret_hash
from ouendan.accounts.permissions import Action, Actor, require, system_actor
from ouendan.core.errors import Conflict, DomainError
from ouendan.integrations.base import AuthExpired, Connector, ConnectorError, Grant, Profile
from ouendan.integrations.mastodon import app_register
from ouendan.integrations.models import ConnectedAccount, NetworkApp, OAuthAttempt
from ouendan.integrations.oauth import code_verifier_new, state_new
from ouendan.integrations.selectors import (
    account_get,
    account_grant,
    connector_config,
    connector_for,
    network_available,
    organization_app,
    posting_settings_of,
    require_person,
)
from ouendan.networks import RULES, Network
from ouendan.sharing.intents import mastodon_instance_clean
from ouendan.sharing.services.audience import audience_release, audience_set

logger = logging.getLogger("ouendan.integrations")

OAUTH_TTL = timedelta(minutes=10)
REFRESH_AHEAD = timedelta(minutes=5)  # access tokens this close to their end are refreshed first
RENEW_AHEAD = timedelta(days=14)  # refresh tokens this close to their end are renewed
WARN_AHEAD = timedelta(days=7)  # people are told this long before a connection lapses


def failure_reason(code: str) -> str | None:
    """Our own explanation of a connector failure, in the reader's language (``None``: the
    network refused with its own words, which are shown as they are)."""
    reasons = {
        "app_password_required": _(
            "Use an app password (Bluesky: Settings → Privacy and security → App passwords), "
            "never your account password."
        ),
        "login_failed": _("The network did not accept that handle and app password."),
        "address_refused": _("That server is not a public address."),
        "not_mastodon": _("That server does not answer like a Mastodon server."),
        "timeout": _("The network did not answer in time."),
        "unreachable": _("The network could not be reached."),
        "interrupted": _("The connection to the network broke off before it answered."),
        "server_error": _("The network had a problem on its side."),
        "redirected": _("The network answered in a way Ouendan does not expect."),
        "rate_limited": _("The network asked us to slow down."),
        "app_missing": _("Your organization's app for this network is no longer set up."),
        "network_disabled": _("Your organization has switched off direct posting to this network."),
        "api_version": _(
            "The network no longer accepts the API version Ouendan is set to use: tell your "
            "administrator."
        ),
        "account_needs_reconnect": _(
            "The network no longer accepts your connection: reconnect it, then try again."
        ),
        "cannot_tell": _("We could not confirm whether it was published."),
    }
    return reasons.get(code)


def connect_error(exc: ConnectorError, network: str) -> DomainError:
    """What a person is told when connecting failed."""
    message = failure_reason(exc.code) or _(
        "%(network)s did not accept the connection: %(reason)s"
    ) % {"network": network_label(network), "reason": exc.message}
    return DomainError(message, code="connect_failed")


def network_label(network: str) -> str:
    try:
        return str(RULES[Network(network)].label)
    except ValueError:
        return network


def mastodon_base_url(value: str) -> str:
    """``https://mastodon.social`` from what a person types (host, URL or ``@me@host``); a
    loopback ``host:port`` only where tests allow loopback (their fake server, over http)."""
    host = mastodon_instance_clean(value)
    if host:
        return f"https://{host}"
    candidate = value.strip().removeprefix("http://").strip("/")
    if settings.INTEGRATIONS_ALLOW_LOOPBACK:
        name, _sep, port = candidate.rpartition(":")
        try:
            loopback = name == "localhost" or ipaddress.ip_address(name).is_loopback
        except ValueError:
            loopback = False
        if loopback and port.isdigit():
            return f"http://{candidate}"
    raise DomainError(
        _("Enter your Mastodon server, e.g. mastodon.social."),
        code="invalid_instance",
        fields={"instance": [_("Not a server name.")]},
    )


def _require_available(actor: Actor, network: str) -> None:
    require_person(actor)
    if network not in (Network.BLUESKY, Network.MASTODON, Network.LINKEDIN, Network.X):
        raise DomainError(
            _("%(network)s cannot be posted to by an app: keep sharing with the share button.")
            % {"network": network},
            code="not_connectable",
            fields={"network": [_("Not available for direct posting.")]},
        )
    if network not in posting_settings_of(actor.organization).networks:
        raise DomainError(
            _("Direct posting to %(network)s is not switched on in your organization.")
            % {"network": network_label(network)},
            code="network_disabled",
            fields={"network": [_("Not switched on.")]},
        )
    if not network_available(actor.organization, network):
        raise DomainError(
            _("Your organization's administrator has not set up its app for %(network)s yet.")
            % {"network": network_label(network)},
            code="app_missing",
            fields={"network": [_("No app yet.")]},
        )


def _account_save(
    *, actor: Actor, network: str, instance: str, grant: Grant, profile: Profile
) -> ConnectedAccount:
    """Store a new or renewed connection (one live connection per person and network)."""
    assert actor.membership is not None
    now = timezone.now()
    values = {
        "organization": actor.organization,
        "instance": instance,
        "remote_id": profile.remote_id,
        "handle": profile.handle[:255],
        "display_name": profile.display_name[:255],
        "profile_url": profile.profile_url[:500],
        "followers": profile.followers,
        "followers_at": now if profile.followers is not None else None,
        "text_limit": profile.text_limit,
        "status": ConnectedAccount.Status.ACTIVE,
        "last_error": "",
        "last_error_at": None,
        "lapse_warned_at": None,
        "rate_limited_until": None,
        "disconnected_at": None,
        **_token_fields(grant),
    }
    with transaction.atomic():
        existing = (
            ConnectedAccount.objects.select_for_update()
            .filter(membership=actor.membership, network=network)
            .exclude(status=ConnectedAccount.Status.DISCONNECTED)
            .first()
        )
        try:
            if existing is not None:
                for field, value in values.items():
                    setattr(existing, field, value)
                existing.save()
                account = existing
            else:
                account = ConnectedAccount.objects.create(
                    membership=actor.membership, network=network, **values
                )
        except IntegrityError as exc:  # connected twice at the same moment
            raise Conflict(_("This account was just connected."), code="conflict") from exc
        audit_record(
            actor=actor,
            action="connection.connected",
            target=account,
            data={"network": network, "handle": account.handle, "renewed": existing is not None},
        )
        # The follower count is the potential reach of the person's shares (sharing keeps it).
        audience_set(
            actor=actor,
            membership=actor.membership,
            network=network,
            followers=profile.followers,
            source="network",
            now=now,
        )
    return account


def _token_fields(grant: Grant) -> dict[str, object]:
    return {
        "access_token": encrypt(grant.access_token),
        "refresh_token": encrypt(grant.refresh_token) if grant.refresh_token else "",
        "expires_at": grant.expires_at,
        "refresh_expires_at": grant.refresh_expires_at,
        "scopes": " ".join(sorted(grant.scopes))[:500],
    }


# --- Bluesky: handle and app password ---------------------------------------------------------


def account_connect_bluesky(
    *, actor: Actor, handle: str, app_password: str, service: str = ""
) -> ConnectedAccount:
    """Connect a Bluesky account with an app password (the password itself is not kept)."""
    require(actor, Action.CONNECTIONS_MANAGE)
    _require_available(actor, Network.BLUESKY)
    handle = handle.strip().lstrip("@")
    fields: dict[str, list[str]] = {}
    if not handle:
        fields["handle"] = [_("Required.")]
    if not app_password.strip():
        fields["app_password"] = [_("Required.")]
    if fields:
        raise DomainError(_("Enter your handle and an app password."), fields=fields)
    service = service.strip().rstrip("/")
    if service and not service.startswith(("https://", "http://")):
        service = f"https://{service}"
    instance = "" if service in ("", settings.BLUESKY_SERVICE_URL) else service
    connector = connector_for(actor.organization.pk, Network.BLUESKY, instance)
    try:
        grant, profile = connector.login(identifier=handle, password=app_password)
    except ConnectorError as exc:
        error = connect_error(exc, Network.BLUESKY)
        if exc.code == "app_password_required":
            error.fields = {"app_password": [error.message]}
        raise error from exc
    return _account_save(
        actor=actor, network=Network.BLUESKY, instance=instance, grant=grant, profile=profile
    )


# --- OAuth: Mastodon, LinkedIn, X -------------------------------------------------------------


def callback_url(network: str) -> str:
    return f"{settings.BASE_URL}{reverse('integrations:callback', args=[network])}"


def _mastodon_app(actor: Actor, base_url: str) -> NetworkApp:
    """Ouendan's app on that Mastodon server, registered the first time it is needed (and
    again when the site's address, hence the callback, has changed since)."""
    redirect_uri = callback_url(Network.MASTODON)
    app = organization_app(actor.organization.pk, Network.MASTODON, base_url)
    if app is not None and app.redirect_uri == redirect_uri:
        return app
    try:
        credentials = app_register(
            connector_config(Network.MASTODON, base_url),
            redirect_uri=redirect_uri,
            website=settings.BASE_URL,
        )
    except ConnectorError as exc:
        raise connect_error(exc, Network.MASTODON) from exc
    app, _created = NetworkApp.objects.update_or_create(
        organization=actor.organization,
        network=Network.MASTODON,
        instance=base_url,
        defaults={
            "client_id": credentials.client_id,
            "client_secret": encrypt(credentials.client_secret),
            "redirect_uri": redirect_uri,
        },
    )
    return app


def account_authorize_start(*, actor: Actor, network: str, instance: str = "") -> str:
    """Begin an OAuth connection: the address at the network where the person grants access."""
    require(actor, Action.CONNECTIONS_MANAGE)
    _require_available(actor, network)
    if network == Network.BLUESKY:
        raise DomainError(
            _("Bluesky connects with an app password, not a sign-in page."), code="use_password"
        )
    base_url = mastodon_base_url(instance) if network == Network.MASTODON else ""
    if network == Network.MASTODON:
        _mastodon_app(actor, base_url)
    state, verifier = state_new(), code_verifier_new()
    redirect_uri = callback_url(network)
    assert actor.membership is not None
    OAuthAttempt.objects.filter(created_at__lt=timezone.now() - OAUTH_TTL).delete()
    OAuthAttempt.objects.create(
        organization=actor.organization,
        membership=actor.membership,
        network=network,
        instance=base_url,
        state_hash=secret_hash(state),
        code_verifier=encrypt(verifier),
        redirect_uri=redirect_uri,
    )
    connector = connector_for(actor.organization.pk, network, base_url)
    return connector.authorize(redirect_uri=redirect_uri, state=state, code_verifier=verifier)


def account_authorize_finish(
    *, actor: Actor, network: str, state: str, code: str, error: str = ""
) -> ConnectedAccount:
    """The person came back from the network. The attempt is used once, by the same person
    who started it (a connection cannot be planted in someone else's session)."""
    require(actor, Action.CONNECTIONS_MANAGE)
    require_person(actor)
    with transaction.atomic():
        attempt = (
            OAuthAttempt.objects.select_for_update()
            .filter(state_hash=secret_hash(state or "-"), network=network)
            .first()
        )
        if attempt is not None:
            attempt.delete()  # used once, whatever happens next
    if (
        attempt is None
        or attempt.membership_id != getattr(actor.membership, "pk", None)
        or attempt.created_at < timezone.now() - OAUTH_TTL
    ):
        raise DomainError(
            _("This connection link has expired or was not started here. Please try again."),
            code="oauth_state",
        )
    if error or not code:
        raise DomainError(
            _("%(network)s did not grant access (%(reason)s).")
            % {"network": network_label(network), "reason": error or _("no code")},
            code="oauth_denied",
        )
    connector = connector_for(actor.organization.pk, network, attempt.instance)
    try:
        grant = connector.exchange(
            code=code,
            redirect_uri=attempt.redirect_uri,
            code_verifier=decrypt(attempt.code_verifier),
        )
        profile = connector.profile(grant)
    except ConnectorError as exc:
        raise connect_error(exc, network) from exc
    return _account_save(
        actor=actor, network=network, instance=attempt.instance, grant=grant, profile=profile
    )


# --- Disconnecting ----------------------------------------------------------------------------


def account_disconnect(*, actor: Actor, account_id: int) -> ConnectedAccount:
    """Stop Ouendan posting for this account: tokens revoked at the network where it can be
    done, forgotten here, and what was still to be posted cancelled."""
    require(actor, Action.CONNECTIONS_MANAGE)
    return account_close(actor=actor, account=account_get(actor=actor, account_id=account_id))


def account_close(*, actor: Actor, account: ConnectedAccount) -> ConnectedAccount:
    """Disconnect an account (its owner, or an admin removing the organization's app)."""
    from ouendan.integrations.services.publishing import post_cancel_for_account

    revoked = True
    try:
        connector_for(account.organization_id, account.network, account.instance).revoke(
            account_grant(account)
        )
    except (ConnectorError, ValueError) as exc:  # the network or our key: forget it anyway
        logger.info("revoking %s failed: %s", account.network, exc)
        revoked = False
    with transaction.atomic():
        cancelled = post_cancel_for_account(actor=actor, account=account)
        account.status = ConnectedAccount.Status.DISCONNECTED
        account.disconnected_at = timezone.now()
        account.access_token = ""
        account.refresh_token = ""
        account.save()
        # Its last follower count stays; the person may correct it from now on.
        audience_release(membership_id=account.membership_id, network=account.network)
        audit_record(
            actor=actor,
            action="connection.disconnected",
            target=account,
            data={"network": account.network, "revoked": revoked, "cancelled_posts": cancelled},
        )
    return account


# --- Fresh tokens -----------------------------------------------------------------------------


def _needs_reconnect(account: ConnectedAccount, reason: str) -> None:
    fresh = ConnectedAccount.objects.filter(
        pk=account.pk, status=ConnectedAccount.Status.ACTIVE
    ).update(
        status=ConnectedAccount.Status.NEEDS_RECONNECT,
        last_error=reason[:500],
        last_error_at=timezone.now(),
    )
    account.status = ConnectedAccount.Status.NEEDS_RECONNECT
    if fresh:
        # No longer kept by the network: the person may correct it until they reconnect.
        audience_release(membership_id=account.membership_id, network=account.network)
        audit_record(
            actor=system_actor(account.organization, "integrations"),
            action="connection.lapsed",
            target=account,
            data={"network": account.network, "reason": reason[:200]},
        )
        _tell_owner(account, lapsed=True)


def account_refresh(account: ConnectedAccount, connector: Connector) -> Grant:
    """New tokens now, stored before they are used (a rotated refresh token must not be lost).
    ``AuthExpired`` when the network refuses: the account then needs a reconnect."""
    try:
        grant = connector.refresh(account_grant(account))
    except AuthExpired as exc:
        _needs_reconnect(account, exc.message)
        raise
    ConnectedAccount.objects.filter(pk=account.pk).update(
        **_token_fields(grant), updated_at=timezone.now()
    )
    for field, value in _token_fields(grant).items():
        setattr(account, field, value)
    return grant


def account_fresh_grant(account: ConnectedAccount, connector: Connector, *, now: datetime) -> Grant:
    """The account's tokens, refreshed first when the access token is about to end."""
    grant = account_grant(account)
    if grant.expires_at is not None and grant.expires_at - now < REFRESH_AHEAD:
        return account_refresh(account, connector)
    return grant


def accounts_renew(*, now: datetime) -> int:
    """Periodic: renew connections whose refresh token nears its end, and tell people whose
    connection will lapse and cannot be renewed (LinkedIn without refresh tokens)."""
    renewed = 0
    live = ConnectedAccount.objects.filter(status=ConnectedAccount.Status.ACTIVE).select_related(
        "organization", "membership__user"
    )
    for account in live.exclude(refresh_token="").filter(refresh_expires_at__lt=now + RENEW_AHEAD):
        connector = connector_for(account.organization_id, account.network, account.instance)
        try:
            grant = account_refresh(account, connector)
            renewed += 1
        except ConnectorError as exc:
            logger.info("renewing %s %s failed: %s", account.network, account.pk, exc)
            continue
        _followers_refresh(account, connector, grant, now=now)
    for account in live.filter(refresh_token="", expires_at__lt=now):
        _needs_reconnect(account, "the network's access has ended")
    for account in live.filter(
        refresh_token="", expires_at__lt=now + WARN_AHEAD, lapse_warned_at__isnull=True
    ):
        if ConnectedAccount.objects.filter(pk=account.pk, lapse_warned_at__isnull=True).update(
            lapse_warned_at=now
        ):
            _tell_owner(account, lapsed=False)
    return renewed


def _followers_refresh(
    account: ConnectedAccount, connector: Connector, grant: Grant, *, now: datetime
) -> None:
    """A renewal also reads the follower count again (the potential reach of the person's next
    shares); a network that does not answer keeps the count known so far."""
    try:
        followers = connector.profile(grant).followers
    except ConnectorError as exc:
        logger.info("reading followers of %s %s failed: %s", account.network, account.pk, exc)
        return
    if followers is None:
        return
    with transaction.atomic():
        ConnectedAccount.objects.filter(pk=account.pk).update(followers=followers, followers_at=now)
        audience_set(
            actor=system_actor(account.organization, "integrations"),
            membership=account.membership,
            network=account.network,
            followers=followers,
            source="network",
            now=now,
        )
    account.followers, account.followers_at = followers, now


def _tell_owner(account: ConnectedAccount, *, lapsed: bool) -> None:
    """An e-mail in the person's language: their connection ended, or ends soon."""
    user = account.membership.user
    if not user.email:
        return
    link = f"{settings.BASE_URL}{reverse('integrations:accounts')}"
    with translation.override(user.language or account.organization.locale):
        values = {"network": network_label(account.network), "handle": account.handle}
        if lapsed:
            subject = _("Your %(network)s connection has stopped working") % values
            lead = (
                _(
                    "Ouendan can no longer post to %(network)s as %(handle)s: the network no "
                    "longer accepts the connection. Reconnect it; posts that could not go out "
                    "are in My scheduled posts, with Try again."
                )
                % values
            )
        else:
            subject = _("Your %(network)s connection ends soon") % values
            lead = (
                _(
                    "%(network)s ends Ouendan's access to %(handle)s within a week. Reconnect to "
                    "keep posting from Ouendan."
                )
                % values
            )
        body = f"{lead}\n\n{link}\n"
    send_mail(subject, body, None, [user.email])


def account_require(*, actor: Actor, network: str) -> ConnectedAccount:
    """The actor's working connection to ``network`` (for posting)."""
    account = ConnectedAccount.objects.filter(
        organization=actor.organization,
        membership=actor.membership,
        network=network,
        status=ConnectedAccount.Status.ACTIVE,
    ).first()
    if account is None:
        raise Conflict(
            _("Connect your %(network)s account first.") % {"network": network_label(network)},
            code="not_connected",
        )
    return account
