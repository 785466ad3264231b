"""People are told by e-mail when their password or two-factor changes, so a takeover is noticed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from ouendan.accounts.models import Organization, User
from ouendan.accounts.services import security
from ouendan.accounts.services.security import two_factor_reset
from tests.accounts.test_two_factor import enable_two_factor
from tests.factories import PASSWORD

NEW = "a-brand-new-passphrase-2026"


def paris_time() -> str:
    with translation.override("en"):
        return date_format(timezone.now().astimezone(ZoneInfo("Europe/Paris")), "DATETIME_FORMAT")


def test_a_password_change_is_reported_in_the_persons_language_and_time_zone(
    advocate, immediate_tasks, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=advocate.user_id).update(language="en")
    Organization.objects.filter(pk=advocate.organization_id).update(time_zone="Europe/Paris")
    advocate.user.refresh_from_db()
    before = paris_time()
    with django_capture_on_commit_callbacks(execute=True):
        security.password_change(
            user=advocate.user, old_password=PASSWORD, new_password=NEW, client="c"
        )
    after = paris_time()
    (notice,) = mail.outbox
    assert notice.to == [advocate.user.email]
    assert notice.subject == "Your Ouendan password was changed"
    assert advocate.user.email in notice.body and "/accounts/password-reset/" in notice.body
    assert before in notice.body or after in notice.body  # the organization's time zone


def test_two_factor_on_off_and_an_admin_reset_are_each_reported(
    advocate, admin_actor, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enable_two_factor(advocate.user)
    with django_capture_on_commit_callbacks(execute=True):
        two_factor_reset(actor=admin_actor, membership_id=advocate.pk, reason="lost phone")
    with django_capture_on_commit_callbacks(execute=True):
        enable_two_factor(advocate.user)
    with django_capture_on_commit_callbacks(execute=True):
        security.totp_device_disable(user=advocate.user, password=PASSWORD, client="c")
    assert len(mail.outbox) == 4
    assert all(message.to == [advocate.user.email] for message in mail.outbox)
    subjects = [message.subject for message in mail.outbox]
    assert len(set(subjects)) == 3  # on, reset by an admin, on, off


def test_nobody_is_told_when_the_sign_in_is_gone(db):
    assert security.security_notice_send(user_id=999_999, notice="password_changed") is False
    assert mail.outbox == []
