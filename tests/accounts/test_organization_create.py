"""Creating an organization outside the demo: the operator's command and its first admin."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from ouendan.accounts.audit import audit_verify
from ouendan.accounts.models import AuditEvent, Invitation, Organization
from ouendan.accounts.roles import Role


def create(**options: str) -> str:
    out = io.StringIO()
    call_command("organization_create", stdout=out, **options)
    return out.getvalue()


def test_the_first_admin_joins_through_the_printed_link(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        output = create(
            name="株式会社テスト工業", slug="test-kogyo", admin_email="Boss@Example.com"
        )
    org = Organization.objects.get(slug="test-kogyo")
    assert (org.name, org.locale, org.time_zone) == ("株式会社テスト工業", "ja", "Asia/Tokyo")
    invitation = Invitation.objects.get(organization=org)
    assert invitation.email == "boss@example.com" and invitation.roles == [Role.ORG_ADMIN]
    link = re.search(r"https?://\S+/accounts/invite/(\S+)/", output)
    assert link, output
    page = Client().get(f"/accounts/invite/{link.group(1)}/")
    assert page.status_code == 200 and "株式会社テスト工業" in page.content.decode()
    actions = list(
        AuditEvent.objects.filter(organization=org).order_by("seq").values_list("action", flat=True)
    )
    assert actions[0] == "organization.created"
    assert audit_verify(org) is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"time_zone": "Mars/Base"}, "Mars/Base"),
        ({"admin_email": "not-an-address"}, "not-an-address"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(db, options, message):
    base = {"name": "株式会社A", "slug": "a-corp", "admin_email": "a@example.com", "locale": "en"}
    with pytest.raises(CommandError, match=message):
        create(**{**base, **options})
    assert not Organization.objects.exists()
    assert not Invitation.objects.exists()


def test_a_taken_slug_is_refused(db):
    create(name="株式会社A", slug="same", admin_email="a@example.com")
    with pytest.raises(CommandError):
        create(name="株式会社B", slug="same", admin_email="b@example.com")
    assert Organization.objects.filter(slug="same").count() == 1
