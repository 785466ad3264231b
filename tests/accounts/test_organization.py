"""Organization settings: name, language, time zone, two-factor rule and logo."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ouendan.accounts.models import AuditEvent, Organization
from ouendan.accounts.roles import Role
from ouendan.accounts.services.organizations import LOGO_MAX_BYTES, organization_update
from ouendan.core.errors import DomainError
from tests.conftest import signed_in
from tests.factories import actor, make_person

SETTINGS = reverse("accounts:settings")


def png(name: str = "logo.png", size: tuple[int, int] = (64, 32)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (179, 38, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def form_data(org: Organization, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": org.name,
        "locale": org.locale,
        "time_zone": org.time_zone,
    }
    if org.require_two_factor:
        data["require_two_factor"] = "on"
    data.update(changes)
    return data


def test_settings_page_shows_the_current_values(admin_client, org):
    response = admin_client.get(SETTINGS)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="株式会社みらい製作所"' in html
    assert "<code>mirai</code>" in html  # the slug, read-only
    assert 'name="slug"' not in html
    zone_select = html.split('name="time_zone"')[1].split("</select>")[0]
    zones = re.findall(r'<option value="([^"]+)"', zone_select)
    assert zones[0] == "Asia/Tokyo"
    assert "Europe/Berlin" in zones and zones[1:] == sorted(zones[1:])
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.MANAGER, Role.ADVOCATE])
def test_settings_are_for_org_admins_only(org, role):
    client = signed_in(make_person(org, roles=[role]))
    assert client.get(SETTINGS).status_code == 403
    assert client.post(SETTINGS, form_data(org, name="乗っ取り")).status_code == 403
    assert Organization.objects.get(pk=org.pk).name == "株式会社みらい製作所"


def test_saving_settings(admin_client, org):
    response = admin_client.post(
        SETTINGS,
        form_data(
            org,
            name="株式会社みらい製作所 ホールディングス",
            locale="en",
            time_zone="Europe/Berlin",
            require_two_factor="on",
        ),
        follow=True,
    )
    assert response.status_code == 200
    org.refresh_from_db()
    assert org.name == "株式会社みらい製作所 ホールディングス"
    assert (org.locale, org.time_zone, org.require_two_factor) == ("en", "Europe/Berlin", True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    event = AuditEvent.objects.get(action="organization.updated")
    assert event.data["time_zone"] == "Europe/Berlin" and event.data["require_two_factor"] is True


def test_saving_unchanged_settings_records_nothing(admin_client, org):
    assert admin_client.post(SETTINGS, form_data(org)).status_code == 302
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "changes", [{"name": "  "}, {"time_zone": "Mars/Olympus"}, {"locale": "fr"}]
)
def test_bad_settings_are_refused_and_change_nothing(admin_client, org, changes):
    response = admin_client.post(SETTINGS, form_data(org, **changes))
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    org.refresh_from_db()
    assert (org.name, org.locale, org.time_zone) == ("株式会社みらい製作所", "ja", "Asia/Tokyo")


def test_logo_upload_replace_and_remove(admin_client, org, django_capture_on_commit_callbacks):
    admin_client.post(SETTINGS, form_data(org, logo=png()))
    org.refresh_from_db()
    first = org.logo.name
    assert first and default_storage.exists(first)
    assert org.logo.url in admin_client.get(SETTINGS).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(SETTINGS, form_data(org, logo=png("new.png")))
    org.refresh_from_db()
    assert org.logo.name != first and default_storage.exists(org.logo.name)
    assert not default_storage.exists(first)  # the replaced file is gone

    second = org.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(SETTINGS, form_data(org, remove_logo="on"))
    org.refresh_from_db()
    assert not org.logo and not default_storage.exists(second)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png"),
        SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (LOGO_MAX_BYTES + 1)),
    ],
    ids=["not-an-image", "too-large"],
)
def test_bad_logos_are_refused(admin_client, org, upload):
    response = admin_client.post(SETTINGS, form_data(org, logo=upload, name="新しい名前"))
    assert response.status_code == 200
    assert 'id="id_logo_error"' in response.content.decode()
    org.refresh_from_db()
    assert not org.logo and org.name == "株式会社みらい製作所"


def test_service_refuses_non_admins_and_unknown_zones(org, admin_actor):
    with pytest.raises(PermissionDenied):
        organization_update(actor=actor(make_person(org, roles=[Role.PROGRAM_MANAGER])), name="x")
    with pytest.raises(DomainError) as exc_info:
        organization_update(actor=admin_actor, time_zone="Asia/Edo")
    assert "time_zone" in exc_info.value.fields
    with pytest.raises(DomainError):
        organization_update(actor=admin_actor, name="x" * 201)
