"""Connecting a test person's account to a fake network through the real services (the same
path a person takes: app password, or the OAuth round trip through the fake's consent page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ouendan.accounts.models import Membership
from ouendan.accounts.permissions import Actor
from ouendan.integrations.models import ConnectedAccount
from ouendan.integrations.services.accounts import (
    account_authorize_finish,
    account_authorize_start,
    account_connect_bluesky,
)
from ouendan.integrations.services.settings import (
    PostingRules,
    network_app_set,
    posting_settings_update,
)
from tests.factories import actor as actor_of
from tests.integrations.fakes import FakeBluesky, FakeLinkedIn, FakeNetwork, FakeX, approve

ALL = ["bluesky", "mastodon", "linkedin", "x"]


def point_settings_at(settings: Any, fake: FakeNetwork) -> None:
    """Fixed API hosts (LinkedIn, X) come from settings: point them at the fake."""
    settings.INTEGRATIONS_ALLOW_LOOPBACK = True
    if isinstance(fake, FakeLinkedIn):
        settings.LINKEDIN_API_URL = fake.url
        settings.LINKEDIN_OAUTH_URL = f"{fake.url}/oauth/v2"
    if isinstance(fake, FakeX):
        settings.X_API_URL = fake.url
        settings.X_AUTHORIZE_URL = f"{fake.url}/i/oauth2/authorize"


def allow_networks(admin: Membership, networks: list[str] | None = None, **rules: Any) -> None:
    from datetime import time

    posting_settings_update(
        actor=actor_of(admin),
        rules=PostingRules(
            networks=networks or ALL,
            hours_start=rules.get("hours_start", time(0, 0)),
            hours_end=rules.get("hours_end", time(23, 59)),
            daily_cap=rules.get("daily_cap", 10),
            spread_minutes=rules.get("spread_minutes", 0),
        ),
    )


@dataclass(frozen=True)
class Endpoint:
    """What connecting needs to know of a fake network (it may run in another process)."""

    network: str
    url: str
    port: int
    handle: str = ""
    password: str = ""
    client_id: str = ""
    client_secret: str = ""


def endpoint_of(fake: FakeNetwork) -> Endpoint:
    if isinstance(fake, FakeBluesky):
        account = fake.account
        return Endpoint("bluesky", fake.url, fake.port, account.handle, account.password)
    if isinstance(fake, FakeLinkedIn | FakeX):
        network = "linkedin" if isinstance(fake, FakeLinkedIn) else "x"
        return Endpoint(
            network, fake.url, fake.port, client_id=fake.client_id, client_secret=fake.client_secret
        )
    return Endpoint("mastodon", fake.url, fake.port)


def connect(person: Actor, admin: Membership | None, fake: FakeNetwork) -> ConnectedAccount:
    """Connect ``person``'s account on ``fake`` (LinkedIn and X through the organization's app,
    which ``admin`` sets first)."""
    return connect_to(person, admin, endpoint_of(fake))


def connect_to(person: Actor, admin: Membership | None, to: Endpoint) -> ConnectedAccount:
    if to.network == "bluesky":
        return account_connect_bluesky(
            actor=person, handle=to.handle, app_password=to.password, service=to.url
        )
    if to.network in ("linkedin", "x"):
        assert admin is not None, "LinkedIn and X need the organization's app: pass the admin"
        network_app_set(
            actor=actor_of(admin),
            network=to.network,
            client_id=to.client_id,
            client_secret=to.client_secret,
        )
    instance = f"127.0.0.1:{to.port}" if to.network == "mastodon" else ""
    url = account_authorize_start(actor=person, network=to.network, instance=instance)
    back = approve(url)
    return account_authorize_finish(
        actor=person, network=to.network, state=back["state"], code=back["code"]
    )


def ready(fake: FakeNetwork, person: Actor, admin: Membership, settings: Any) -> ConnectedAccount:
    """The usual start of a test: settings pointed at the fake, every network switched on for
    the organization, ``person`` connected."""
    point_settings_at(settings, fake)
    allow_networks(admin)
    return connect(person, admin, fake)
