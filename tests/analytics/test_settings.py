"""The program's analytics settings: currency, earned-media rates (defaults until changed, back
to the default with one button) and ROI assumptions — checked all at once with clear messages,
nothing saved on a bad value, audited; the API's GET/PUT and the settings page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from ouendan.accounts.models import AuditEvent, Membership, Organization
from ouendan.accounts.roles import Role
from ouendan.analytics.metrics import DEFAULT_RATES, Rate
from ouendan.analytics.models import AnalyticsSettings, NetworkRate
from ouendan.analytics.selectors import rates_for
from ouendan.analytics.selectors.roi import rate_rows
from ouendan.analytics.services.settings import SettingsChanges, analytics_settings_update
from ouendan.core.errors import DomainError
from tests.api_client import Api, assert_error, token_for
from tests.conftest import signed_in
from tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm(org: Organization) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 花子")


def _state(org: Organization) -> tuple:
    settings = AnalyticsSettings.objects.filter(organization=org).values().first()
    rates = list(NetworkRate.objects.filter(organization=org).order_by("network").values())
    for row in [settings, *rates]:
        if row:
            row.pop("updated_at", None)
    return settings, rates


# --- The service ---------------------------------------------------------------------------------


def test_rates_are_the_defaults_until_changed_and_go_back_with_one_step(org, pm):
    who = actor(pm)
    rows = {row.network: row for row in rate_rows(actor=who)}
    assert all(row.is_default for row in rows.values())
    assert rows["x"].rate == DEFAULT_RATES["x"]
    # Sending every network's rate unchanged (a form does) keeps them defaults.
    analytics_settings_update(actor=who, changes=SettingsChanges(rates=dict(DEFAULT_RATES)))
    assert not NetworkRate.objects.exists()
    analytics_settings_update(
        actor=who,
        changes=SettingsChanges(rates={"x": Rate(Decimal("650.5"), Decimal(75), Decimal("0.25"))}),
    )
    assert rates_for(who)["x"] == Rate(Decimal("650.50"), Decimal(75), Decimal("0.250"))
    rows = {row.network: row for row in rate_rows(actor=who)}
    assert not rows["x"].is_default and rows["linkedin"].is_default
    analytics_settings_update(actor=who, changes=SettingsChanges(rates={"x": None}))
    assert not NetworkRate.objects.exists()
    assert rates_for(who)["x"] == DEFAULT_RATES["x"]
    actions = list(
        AuditEvent.objects.filter(action="analytics.settings_updated")
        .order_by("seq")
        .values_list("data", flat=True)
    )
    assert len(actions) == 2  # the unchanged defaults were not a change
    assert actions[0]["rates.x"]["after"] == {
        "cpm": "650.50", "cpc": "75.00", "reaction_weight": "0.250"
    }  # fmt: skip
    assert actions[1]["rates.x"]["after"] is None


def test_currency_and_roi_assumptions(org, pm):
    who = actor(pm)
    found = analytics_settings_update(
        actor=who,
        changes=SettingsChanges(
            currency="usd",
            licence_cost=Decimal("1200.5"),
            staff_hours=Decimal("40.25"),
            hourly_cost=Decimal(45),
            rewards_cost=Decimal(0),
            conversion_values={"application": Decimal(300), "lead": Decimal("12.5")},
        ),
    )
    assert found.currency == "USD"
    assert found.staff_hours == Decimal("40.3")
    assert found.conversion_values == {"application": "300.00", "lead": "12.50"}
    analytics_settings_update(actor=who, changes=SettingsChanges(conversion_values={"lead": None}))
    found.refresh_from_db()
    assert found.conversion_values == {"application": "300.00"}
    event = AuditEvent.objects.filter(action="analytics.settings_updated").order_by("seq").first()
    assert event.data["currency"] == {"before": "JPY", "after": "USD"}


def test_bad_values_are_all_named_and_nothing_changes(org, pm):
    who = actor(pm)
    analytics_settings_update(
        actor=who,
        changes=SettingsChanges(
            licence_cost=Decimal(5000),
            rates={"linkedin": Rate(Decimal(2500), Decimal(500), Decimal("0.4"))},
        ),
    )
    before, events = _state(org), AuditEvent.objects.count()
    with pytest.raises(DomainError) as raised:
        analytics_settings_update(
            actor=who,
            changes=SettingsChanges(
                currency="YEN",
                rates={
                    "x": Rate(Decimal(-1), Decimal(60), Decimal("0.5")),
                    "linkedin": Rate(Decimal(3000), Decimal(10_000_000), Decimal(11)),
                    "myspace": Rate(Decimal(1), Decimal(1), Decimal(1)),
                },
                licence_cost=Decimal("NaN"),
                staff_hours=Decimal(1_000_000),
                conversion_values={"application": Decimal(-3), "bribe": Decimal(1)},
            ),
        )
    assert set(raised.value.fields) == {
        "currency", "rates.x.cpm", "rates.linkedin.cpc", "rates.linkedin.reaction_weight",
        "rates.myspace", "licence_cost", "staff_hours", "conversion_values.application",
        "conversion_values.bribe",
    }  # fmt: skip
    assert raised.value.message
    assert _state(org) == before
    assert AuditEvent.objects.count() == events


def test_only_the_program_changes_settings(org, advocate):
    for role in (Role.MANAGER, Role.EXECUTIVE_VIEWER):
        with pytest.raises(Exception) as raised:
            analytics_settings_update(
                actor=actor(make_person(org, roles=[role])),
                changes=SettingsChanges(currency="USD"),
            )
        assert type(raised.value).__name__ == "PermissionDenied"


# --- The API -------------------------------------------------------------------------------------


def test_the_api_reads_and_changes_settings(org, pm):
    api = Api(token_for(pm))
    found = api.get("/analytics/settings")
    assert found.status_code == 200
    body = found.json()
    assert (body["currency"], body["fiscal_year_start"]) == ("JPY", 4)
    assert body["rates"]["x"] == {
        "cpm": 500.0, "cpc": 60.0, "reaction_weight": 0.5, "is_default": True,
        "default": {"cpm": 500.0, "cpc": 60.0, "reaction_weight": 0.5},
    }  # fmt: skip
    assert set(body["rates"]) == set(DEFAULT_RATES)
    assert {"key": "application", "label": "Application"} in body["conversion_types"]
    changed = api.put(
        "/analytics/settings",
        {"currency": "EUR", "rates": {"linkedin": {"cpm": 20, "cpc": 4.5, "reaction_weight": 1}},
         "roi": {"licence_cost": 900, "conversion_values": {"application": 250}}},
    )  # fmt: skip
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["currency"] == "EUR"
    assert body["rates"]["linkedin"]["cpc"] == 4.5
    assert body["rates"]["linkedin"]["is_default"] is False
    assert body["roi"]["licence_cost"] == 900 and body["roi"]["staff_hours"] == 0
    assert body["roi"]["conversion_values"] == {"application": 250}
    back = api.put("/analytics/settings", {"rates": {"linkedin": None}})
    assert back.json()["rates"]["linkedin"]["is_default"] is True
    assert back.json()["currency"] == "EUR"  # left out: unchanged


def test_the_api_explains_bad_settings_and_changes_nothing(org, pm):
    api = Api(token_for(pm))
    before = _state(org)
    error = assert_error(
        api.put(
            "/analytics/settings",
            {
                "currency": "XYZ",
                "rates": {"x": {"cpm": -5, "cpc": 1, "reaction_weight": 0}},
                "roi": {"hourly_cost": 99999999999},
                "fiscal_year_start": 0,
            },
        ),
        400,
        "invalid",
    )
    assert set(error["fields"]) == {"currency", "rates.x.cpm", "hourly_cost", "fiscal_year_start"}
    assert _state(org) == before
    assert_error(api.put("/analytics/settings", {"rates": {"x": {"cpm": 1}}}), 422, "invalid")


def test_roles_in_the_settings_api(org, pm, advocate, other_admin):
    analytics_settings_update(actor=actor(pm), changes=SettingsChanges(currency="USD"))
    for role in (Role.MANAGER, Role.EXECUTIVE_VIEWER):
        api = Api(token_for(make_person(org, roles=[role])))
        assert api.get("/analytics/settings").json()["currency"] == "USD"
        assert_error(api.put("/analytics/settings", {"currency": "JPY"}), 403, "permission_denied")
    assert_error(Api(token_for(advocate)).get("/analytics/settings"), 403, "permission_denied")
    stranger = Api(token_for(other_admin))
    assert stranger.get("/analytics/settings").json()["currency"] == "JPY"  # its own
    assert stranger.put("/analytics/settings", {"currency": "GBP"}).status_code == 200
    assert AnalyticsSettings.objects.get(organization=org).currency == "USD"


# --- The page ------------------------------------------------------------------------------------


def test_the_settings_page_saves_rates_and_resets_one(org, pm):
    client = signed_in(pm)
    page = client.get(reverse("analytics:settings"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="x_cpm"' in html and 'value="500"' in html
    form = {
        f"{network}_{part}": str(getattr(rate, part))
        for network, rate in DEFAULT_RATES.items()
        for part in ("cpm", "cpc", "reaction_weight")
    }
    form["x_cpc"] = "80"
    saved = client.post(reverse("analytics:settings_rates"), form)
    assert saved.status_code == 302
    assert list(NetworkRate.objects.values_list("network", "cpc")) == [("x", Decimal(80))]
    for name, value in (("facebook_reaction_weight", "twelve"), ("linkedin_cpm", "-1")):
        refused = client.post(reverse("analytics:settings_rates"), {**form, name: value})
        assert refused.status_code == 400
        assert f'id="id_{name}_error"' in refused.content.decode()
    assert NetworkRate.objects.count() == 1
    reset = client.post(reverse("analytics:settings_rates"), {"reset": "x"})
    assert reset.status_code == 302
    assert not NetworkRate.objects.exists()


def test_the_settings_page_saves_the_currency_and_assumptions(org, pm):
    client = signed_in(pm, language="en")
    general = reverse("analytics:settings_currency")
    assert client.post(general, {"currency": "USD", "fiscal_year_start": "1"}).status_code == 302
    assert client.post(general, {"currency": "ZZZ", "fiscal_year_start": "4"}).status_code == 400
    assert client.post(general, {"currency": "JPY", "fiscal_year_start": "13"}).status_code == 400
    saved = client.post(
        reverse("analytics:settings_roi"),
        {"licence_cost": "100000", "staff_hours": "20", "hourly_cost": "4000",
         "rewards_cost": "30000", "value_application": "50000", "value_lead": ""},
    )  # fmt: skip
    assert saved.status_code == 302
    found = AnalyticsSettings.objects.get(organization=org)
    assert (found.currency, found.fiscal_year_start, found.licence_cost) == (
        "USD", 1, Decimal(100000)
    )  # fmt: skip
    assert found.conversion_values == {"application": "50000.00"}
    refused = client.post(
        reverse("analytics:settings_roi"),
        {"licence_cost": "-1", "staff_hours": "20", "hourly_cost": "4000",
         "rewards_cost": "30000", "value_application": "50000"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "Cannot be negative." in refused.content.decode()
    found.refresh_from_db()
    assert found.licence_cost == Decimal(100000)


def test_the_settings_page_is_the_programs(org, advocate):
    for role in (Role.MANAGER, Role.EXECUTIVE_VIEWER):
        client = signed_in(make_person(org, roles=[role]))
        assert client.get(reverse("analytics:settings")).status_code == 403
        assert client.post(reverse("analytics:settings_rates"), {"reset": "x"}).status_code == 403
    assert signed_in(advocate).get(reverse("analytics:settings")).status_code == 403
