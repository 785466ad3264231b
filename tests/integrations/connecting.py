"""Connecting a test person's account to a fake network through the real services (the same
path a person takes: app password, or the OAuth round trip through the fake's consent page)."""

from __future__ import annotations

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
from tests.integrations.fakes import FakeBluesky, FakeLinkedIn, FakeMastodon, FakeNetwork, FakeX
from tests.integrations.fakes import approve

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


def connect(person: Actor, admin: Membership, fake: FakeNetwork) -> ConnectedAccount:
    """Connect ``person``'s account on ``fake`` (LinkedIn and X through the organization's app,
    which ``admin`` sets first)."""
    if isinstance(fake, FakeBluesky):
        account = fake.account
        return account_connect_bluesky(
            actor=person,
            handle=account.handle,
            app_password=account.password,
            service=fake.url,
        )
    if isinstance(fake, FakeLinkedIn | FakeX):
        network_app_set(
            actor=actor_of(admin),
            network="linkedin" if isinstance(fake, FakeLinkedIn) else "x",
            client_id=fake.client_id,
            client_secret=fake.client_secret,
        )
    network = {FakeMastodon: "mastodon", FakeLinkedIn: "linkedin", FakeX: "x"}[type(fake)]
    instance = f"127.0.0.1:{fake.port}" if isinstance(fake, FakeMastodon) else ""
    url = account_authorize_start(actor=person, network=network, instance=instance)
    back = approve(url)
    return account_authorize_finish(
        actor=person, network=network, state=back["state"], code=back["code"]
    )
