"""Invitations: invite → e-mail with the link → accept → member; single use, expiry, revoke,
resend, the periodic expiry job, and the pages."""

from __future__ import annotations

import re
import signal
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ouendan.accounts import crypto
from ouendan.accounts.models import AuditEvent, Invitation, Membership, User
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.accounts.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitations_expire,
)
from ouendan.accounts.sessions import ORGANIZATION
from ouendan.accounts.tasks import invitations_expire_task
from ouendan.core.errors import Conflict, DomainError, NotFound
from tests.conftest import signed_in
from tests.factories import DepartmentFactory, actor, make_person

PASSWORD = "kagayaku-mirai-2026"


@pytest.fixture
def program_manager(org) -> Membership:
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 次郎")


def link_in(message) -> str:
    match = re.search(r"http://\S+/accounts/invite/(\S+?)/", message.body)
    assert match, message.body
    return match.group(1)


def invite(actor: Actor, email: str = "sato@example.com", **kwargs) -> tuple[Invitation, str]:
    return invitation_create(actor=actor, email=email, **kwargs)


# --- The lifecycle --------------------------------------------------------------------------------


def test_invite_mails_the_link_and_accepting_makes_a_member_with_the_roles(
    admin_actor, immediate_tasks, django_capture_on_commit_callbacks, client
):
    dept = DepartmentFactory(organization=admin_actor.organization, name="広報部")
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(
            admin_actor,
            email="Sato.Ken@Example.com",
            full_name="佐藤 健",
            roles=[Role.ADVOCATE, Role.CURATOR],
            department_id=dept.pk,
        )
    assert invitation.email == "sato.ken@example.com"
    assert invitation.token_hash == crypto.secret_hash(token)
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert invitation.expires_at > timezone.now() + timedelta(days=6)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sato.ken@example.com"]
    assert link_in(message) == token
    assert "http://127.0.0.1:8000" + reverse("accounts:invitation_accept", args=[token]) in (
        message.body
    )
    assert admin_actor.organization.name in message.subject
    assert message.alternatives and token in message.alternatives[0][0]

    page = client.get(reverse("accounts:invitation_accept", args=[token]))
    assert page.status_code == 200
    assert admin_actor.organization.name in page.content.decode()
    assert "管理 花子" in page.content.decode()  # the inviter

    response = client.post(
        reverse("accounts:invitation_accept", args=[token]),
        {"full_name": "佐藤 健", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    member = Membership.objects.get(user__email="sato.ken@example.com")
    assert member.organization == admin_actor.organization
    assert member.role_set() == {Role.ADVOCATE, Role.CURATOR}
    assert member.department == dept
    assert member.user.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == member.user_id
    assert client.session[ORGANIZATION] == admin_actor.organization.pk
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.accepted_at
    event = AuditEvent.objects.get(action="invitation.accepted")
    assert event.actor_user_id == member.user_id
    assert event.data["membership_id"] == member.pk


def test_the_email_is_written_in_the_organizations_language(
    admin_actor, immediate_tasks, django_capture_on_commit_callbacks
):
    org = admin_actor.organization
    org.locale = "en"
    org.save()
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_actor)
    # English msgids: the e-mail is English for an English organization whatever the catalog.
    assert "invited you to" in mail.outbox[0].subject


def test_the_real_worker_sends_the_email_after_commit(transactional_db, org):
    """The database task backend and ``manage.py db_worker --batch``, as in production."""
    admin = make_person(org, roles=[Role.ORG_ADMIN], full_name="管理 花子")
    invitation, token = invite(actor(admin))  # committed: on_commit enqueues for real
    assert mail.outbox == []
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert [m.to for m in mail.outbox] == [[invitation.email]]
    assert link_in(mail.outbox[0]) == token


def test_the_queue_never_holds_the_token_in_clear(admin_actor, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = invite(admin_actor)
    stored = DBTaskResult.objects.get()
    assert token not in str(stored.args_kwargs)


def test_a_link_works_once(admin_actor):
    _invitation, token = invite(admin_actor)
    invitation_accept(token=token, full_name="佐藤 健", password=PASSWORD)
    with pytest.raises(DomainError) as exc:
        invitation_accept(token=token, full_name="別人", password=PASSWORD)
    assert exc.value.code == "invitation_used"
    assert Membership.objects.filter(user__email="sato@example.com").count() == 1


def test_an_expired_link_is_refused_and_the_page_says_so(admin_actor, client):
    invitation, token = invite(admin_actor)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(DomainError) as exc:
        invitation_accept(token=token, full_name="佐藤 健", password=PASSWORD)
    assert exc.value.code == "invitation_expired"
    response = client.get(
        reverse("accounts:invitation_accept", args=[token]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="sato@example.com").exists()


def test_a_revoked_link_is_refused(admin_actor, client):
    invitation, token = invite(admin_actor)
    invitation_revoke(actor=admin_actor, invitation_id=invitation.pk)
    invitation_revoke(actor=admin_actor, invitation_id=invitation.pk)  # twice: harmless
    with pytest.raises(DomainError) as exc:
        invitation_accept(token=token, full_name="佐藤 健", password=PASSWORD)
    assert exc.value.code == "invitation_revoked"
    post = client.post(
        reverse("accounts:invitation_accept", args=[token]),
        {"full_name": "x", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert post.status_code == 410
    assert not User.objects.filter(email="sato@example.com").exists()
    assert AuditEvent.objects.filter(action="invitation.revoked").count() == 1


def test_an_unknown_link_is_a_clear_404(client, db):
    response = client.get(reverse("accounts:invitation_accept", args=["not-a-token"]))
    assert response.status_code == 404
    assert 'class="alert error"' in response.content.decode()


def test_resend_gives_a_new_link_and_the_old_one_stops_working(
    admin_actor, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, old = invite(admin_actor)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        again, new = invitation_resend(actor=admin_actor, invitation_id=invitation.pk)
    assert again.pk == invitation.pk and new != old
    assert again.expires_at > timezone.now() + timedelta(days=6)
    assert [link_in(m) for m in mail.outbox] == [old, new]
    with pytest.raises(DomainError) as exc:
        invitation_accept(token=old, full_name="佐藤 健", password=PASSWORD)
    assert exc.value.code == "invitation_invalid"
    invitation_accept(token=new, full_name="佐藤 健", password=PASSWORD)


def test_a_stale_email_task_sends_nothing(
    admin_actor, immediate_tasks, django_capture_on_commit_callbacks
):
    from ouendan.accounts.tasks import invitation_email_send_task

    invitation, old = invite(admin_actor)  # its e-mail task never ran (callbacks not executed)
    invitation_resend(actor=admin_actor, invitation_id=invitation.pk)
    result = invitation_email_send_task.enqueue(invitation.pk, crypto.encrypt(old))
    assert result.return_value is False
    assert mail.outbox == []


def test_an_expired_invitation_can_be_sent_again(admin_actor):
    invitation, _token = invite(admin_actor)
    Invitation.objects.filter(pk=invitation.pk).update(
        status=Invitation.Status.EXPIRED, expires_at=timezone.now() - timedelta(days=1)
    )
    again, token = invitation_resend(actor=admin_actor, invitation_id=invitation.pk)
    assert again.status == Invitation.Status.PENDING
    invitation_accept(token=token, full_name="佐藤 健", password=PASSWORD)


def test_accepted_invitations_cannot_be_resent_or_revoked(admin_actor):
    invitation, token = invite(admin_actor)
    invitation_accept(token=token, full_name="佐藤 健", password=PASSWORD)
    with pytest.raises(Conflict):
        invitation_resend(actor=admin_actor, invitation_id=invitation.pk)
    with pytest.raises(Conflict):
        invitation_revoke(actor=admin_actor, invitation_id=invitation.pk)


def test_inviting_a_pending_address_again_replaces_the_invitation(
    admin_actor, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, old = invite(admin_actor, full_name="佐藤")
    with django_capture_on_commit_callbacks(execute=True):
        second, new = invite(admin_actor, email="SATO@example.com", full_name="佐藤 健")
    assert second.pk == first.pk
    assert Invitation.objects.count() == 1
    assert second.full_name == "佐藤 健"
    assert len(mail.outbox) == 2
    with pytest.raises(DomainError):
        invitation_accept(token=old, full_name="佐藤 健", password=PASSWORD)
    invitation_accept(token=new, password=PASSWORD)
    assert Membership.objects.get(user__email="sato@example.com").full_name == "佐藤 健"


def test_members_and_leavers_are_not_invited(admin_actor, advocate):
    with pytest.raises(Conflict) as exc:
        invite(admin_actor, email=advocate.user.email.upper())
    assert exc.value.code == "already_member"
    Membership.objects.filter(pk=advocate.pk).update(status=Membership.Status.LEFT)
    with pytest.raises(Conflict) as exc:
        invite(admin_actor, email=advocate.user.email)
    assert exc.value.code == "person_left"
    assert not Invitation.objects.exists()


def test_bad_input_changes_nothing(admin_actor, other_org):
    foreign = DepartmentFactory(organization=other_org)
    for kwargs in (
        {"email": "not-an-address"},
        {"roles": ["wizard"]},
        {"department_id": foreign.pk},
        {"full_name": "長" * 121},
    ):
        with pytest.raises(DomainError):
            invitation_create(actor=admin_actor, **{"email": "ok@example.com", **kwargs})
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_only_an_org_admin_invites_with_roles_other_than_advocate(program_manager):
    pm = actor(program_manager)
    with pytest.raises(DomainError) as exc:
        invite(pm, roles=[Role.CURATOR])
    assert exc.value.code == "permission_denied"
    assert not Invitation.objects.exists()
    invitation, _token = invite(pm, roles=[Role.ADVOCATE])
    assert invitation.roles == [Role.ADVOCATE]


def test_advocates_cannot_invite(advocate):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        invite(actor(advocate))


def test_another_organizations_invitation_is_not_found(admin_actor, other_admin):
    invitation, _token = invite(actor(other_admin))
    for service in (invitation_revoke, invitation_resend):
        with pytest.raises(NotFound):
            service(actor=admin_actor, invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


# --- Accepting with an existing sign-in ---------------------------------------------------------


def test_an_existing_sign_in_must_sign_in_instead_of_setting_a_password(admin_actor, other_admin):
    existing = other_admin.user
    _invitation, token = invite(admin_actor, email=existing.email)
    with pytest.raises(DomainError) as exc:
        invitation_accept(token=token, full_name="x", password=PASSWORD)
    assert exc.value.code == "sign_in_required"
    membership = invitation_accept(token=token, full_name="他社 管理者", user=existing)
    existing.refresh_from_db()
    assert membership.user == existing and existing.check_password("correct-horse-battery")
    assert membership.role_set() == {Role.ADVOCATE}


def test_the_accept_page_asks_an_existing_user_to_sign_in(admin_actor, other_admin, client):
    _invitation, token = invite(admin_actor, email=other_admin.user.email)
    url = reverse("accounts:invitation_accept", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("accounts:login") + "?" + urlencode({"next": url}) in page.content.decode()
    assert 'name="password"' not in page.content.decode()
    client.post(url, {"full_name": "x", "password": PASSWORD, "password_confirm": PASSWORD})
    assert not Membership.objects.filter(
        organization=admin_actor.organization, user=other_admin.user
    ).exists()

    joined = signed_in(other_admin).post(url, {"full_name": "他社 管理者"})
    assert joined.status_code == 302
    assert Membership.objects.filter(
        organization=admin_actor.organization, user=other_admin.user
    ).exists()


def test_a_weak_password_is_refused_with_the_reasons(admin_actor, client):
    _invitation, token = invite(admin_actor)
    url = reverse("accounts:invitation_accept", args=[token])
    response = client.post(
        url, {"full_name": "佐藤 健", "password": "12345678", "password_confirm": "12345678"}
    )
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    with pytest.raises(DomainError) as exc:
        invitation_accept(token=token, full_name="佐藤 健", password="password")
    assert exc.value.code == "invalid_password" and exc.value.fields["password"]
    assert not User.objects.filter(email="sato@example.com").exists()
    mismatch = client.post(
        url, {"full_name": "佐藤 健", "password": PASSWORD, "password_confirm": PASSWORD + "x"}
    )
    assert mismatch.status_code == 400
    assert not User.objects.filter(email="sato@example.com").exists()


# --- Expiry job -----------------------------------------------------------------------------------


def test_the_expiry_job_is_idempotent_and_audits_one_event_per_organization(
    admin_actor, other_admin
):
    now = timezone.now()
    for i in range(3):
        invite(admin_actor, email=f"late{i}@example.com")
    invite(actor(other_admin), email="late@other.example")
    fresh, _token = invite(admin_actor, email="fresh@example.com")
    Invitation.objects.exclude(pk=fresh.pk).update(expires_at=now - timedelta(hours=1))

    assert invitations_expire(now=now) == 4
    assert invitations_expire(now=now) == 0
    assert Invitation.objects.filter(status=Invitation.Status.EXPIRED).count() == 4
    assert Invitation.objects.get(pk=fresh.pk).status == Invitation.Status.PENDING
    events = AuditEvent.objects.filter(action="invitations.expired")
    assert sorted(e.data["count"] for e in events) == [1, 3]


def test_the_periodic_task_runs_the_expiry(admin_actor, immediate_tasks):
    invitation, _token = invite(admin_actor)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    result = invitations_expire_task.enqueue()
    assert result.return_value == 1
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.EXPIRED


# --- Pages ----------------------------------------------------------------------------------------


def test_the_list_page_invites_filters_and_paginates(
    admin, admin_client, immediate_tasks, django_capture_on_commit_callbacks
):
    url = reverse("accounts:invitations")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"email": "new@example.com", "full_name": "新人", "roles": ["advocate", "curator"]}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@example.com")
    assert invitation.roles == ["advocate", "curator"]
    assert len(mail.outbox) == 1
    for i in range(55):
        invite(actor(admin), email=f"bulk{i}@example.com")
    first = admin_client.get(url)
    assert first.status_code == 200
    assert first.content.decode().count('action="/accounts/invitations/') >= 50
    assert admin_client.get(url, {"page": 2}).status_code == 200
    invitation_revoke(actor=actor(admin), invitation_id=invitation.pk)
    revoked = admin_client.get(url, {"status": "revoked"}).content.decode()
    assert "new@example.com" in revoked and "bulk1@example.com" not in revoked


def test_the_list_page_shows_the_service_refusal(admin_client, advocate):
    response = admin_client.post(
        reverse("accounts:invitations"), {"email": advocate.user.email, "roles": ["advocate"]}
    )
    assert response.status_code == 400
    assert 'class="alert error"' in response.content.decode()


def test_revoke_and_resend_buttons(
    admin, admin_client, immediate_tasks, django_capture_on_commit_callbacks
):
    invitation, _token = invite(actor(admin))
    with django_capture_on_commit_callbacks(execute=True):
        resent = admin_client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert resent.status_code == 302 and len(mail.outbox) == 1
    revoked = admin_client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    assert revoked.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.REVOKED
    assert (
        admin_client.get(reverse("accounts:invitation_revoke", args=[invitation.pk])).status_code
        == 405
    )


def test_pages_refuse_another_organization_and_advocates(admin_actor, other_admin, advocate):
    invitation, _token = invite(admin_actor)
    other = signed_in(other_admin)
    for name in ("accounts:invitation_revoke", "accounts:invitation_resend"):
        assert other.post(reverse(name, args=[invitation.pk])).status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.PENDING
    assert signed_in(advocate).get(reverse("accounts:invitations")).status_code == 403


def test_a_program_manager_sees_only_the_advocate_role(program_manager):
    page = signed_in(program_manager).get(reverse("accounts:invitations")).content.decode()
    assert 'value="advocate"' in page and 'value="curator"' not in page
