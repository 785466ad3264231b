"""An org admin resets someone's two-factor authentication (they lost their phone): the service,
its refusals and audit, the person page and its confirmation page, the API, and what the person
lives through afterwards (signed out everywhere, then setting it up again)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ouendan.accounts import crypto
from ouendan.accounts.audit import audit_verify
from ouendan.accounts.models import AuditEvent, Membership, RecoveryCode, TotpDevice, User
from ouendan.accounts.roles import Role
from ouendan.accounts.services import security
from ouendan.accounts.services.people import person_offboard
from ouendan.accounts.services.security import OTHER_ORGANIZATION_ADMIN, two_factor_reset
from ouendan.core.errors import Conflict, DomainError, NotFound
from tests.accounts.test_api_people import PERSON_KEYS, Api, assert_error, token_for
from tests.accounts.test_two_factor import (
    SETUP,
    VERIFY,
    enable_two_factor,
    password_step,
    totp_for,
)
from tests.conftest import signed_in
from tests.factories import actor, make_person
from tests.test_accessibility import audit_html

HOME = "/"
LOGIN = reverse("accounts:login")


def reset_url(person: Membership) -> str:
    return reverse("accounts:person_two_factor_reset", args=[person.pk])


def detail_url(person: Membership) -> str:
    return reverse("accounts:person_detail", args=[person.pk])


def stamp(person: Membership) -> object:
    return User.objects.get(pk=person.user_id).security_stamp


def resets() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="auth.two_factor_reset").order_by("pk"))


@pytest.fixture
def with_phone(advocate: Membership) -> Membership:
    """An advocate who turned two-factor on (and has ten recovery codes)."""
    enable_two_factor(advocate.user)
    return advocate


# --- the service ---------------------------------------------------------------------------------


def test_reset_removes_the_device_and_codes_signs_out_and_audits(admin_actor, with_phone, org):
    before = stamp(with_phone)

    returned = two_factor_reset(
        actor=admin_actor, membership_id=with_phone.pk, reason="  スマートフォン紛失  "
    )

    assert returned.pk == with_phone.pk
    assert not TotpDevice.objects.filter(user=with_phone.user).exists()
    assert not RecoveryCode.objects.filter(user=with_phone.user).exists()
    assert stamp(with_phone) != before
    [event] = resets()
    assert event.organization == org
    assert event.actor_user == admin_actor.user
    assert (event.target_type, event.target_id) == ("accounts.membership", str(with_phone.pk))
    assert event.data == {
        "reason": "スマートフォン紛失",
        "recovery_codes_removed": 10,
        "other_organizations": 0,
    }
    assert audit_verify(org) is None


def test_used_recovery_codes_are_removed_but_not_counted(admin_actor, advocate):
    _totp, codes = enable_two_factor(advocate.user)
    security.second_factor_verify(user=advocate.user, code=codes[0], client="test")
    two_factor_reset(actor=admin_actor, membership_id=advocate.pk)
    assert not RecoveryCode.objects.filter(user=advocate.user).exists()
    assert resets()[0].data["recovery_codes_removed"] == 9


def test_resetting_yourself_is_refused(admin_actor, admin):
    enable_two_factor(admin.user)
    before = stamp(admin)
    with translation.override("en"), pytest.raises(DomainError) as refused:
        two_factor_reset(actor=admin_actor, membership_id=admin.pk)
    assert refused.value.code == "self_two_factor_reset"
    assert "security page" in refused.value.message
    assert TotpDevice.objects.filter(user=admin.user, confirmed_at__isnull=False).exists()
    assert RecoveryCode.objects.filter(user=admin.user).count() == 10
    assert stamp(admin) == before
    assert resets() == []


def test_another_organizations_person_is_not_found(admin_actor, other_admin):
    enable_two_factor(other_admin.user)
    before = stamp(other_admin)
    with pytest.raises(NotFound):
        two_factor_reset(actor=admin_actor, membership_id=other_admin.pk)
    assert TotpDevice.objects.filter(user=other_admin.user).exists()
    assert stamp(other_admin) == before
    assert resets() == []


def test_someone_without_two_factor_has_nothing_to_reset(admin_actor, advocate):
    security.totp_device_start(user=advocate.user)  # set-up started, never confirmed
    before = stamp(advocate)
    with pytest.raises(DomainError) as refused:
        two_factor_reset(actor=admin_actor, membership_id=advocate.pk)
    assert refused.value.code == "two_factor_not_enabled"
    assert advocate.full_name in refused.value.message
    assert TotpDevice.objects.filter(user=advocate.user).exists()  # the set-up is left alone
    assert stamp(advocate) == before
    assert resets() == []


def test_a_second_reset_finds_nothing_left(admin_actor, with_phone):
    two_factor_reset(actor=admin_actor, membership_id=with_phone.pk)
    with pytest.raises(DomainError) as refused:
        two_factor_reset(actor=admin_actor, membership_id=with_phone.pk)
    assert refused.value.code == "two_factor_not_enabled"
    assert len(resets()) == 1


def test_a_leaver_is_not_reset(admin_actor, with_phone):
    person_offboard(actor=admin_actor, membership_id=with_phone.pk)
    before = stamp(with_phone)
    with pytest.raises(Conflict) as refused:
        two_factor_reset(actor=admin_actor, membership_id=with_phone.pk)
    assert refused.value.code == "person_left"
    assert TotpDevice.objects.filter(user=with_phone.user).exists()
    assert stamp(with_phone) == before


def test_a_reason_that_is_too_long_changes_nothing(admin_actor, with_phone):
    with pytest.raises(DomainError) as refused:
        two_factor_reset(actor=admin_actor, membership_id=with_phone.pk, reason="x" * 501)
    assert "reason" in refused.value.fields
    assert TotpDevice.objects.filter(user=with_phone.user).exists()


@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.MANAGER, Role.CURATOR, Role.ADVOCATE])
def test_only_org_admins_may_reset(org, with_phone, role):
    who = actor(make_person(org, roles=[role]))
    with pytest.raises(PermissionDenied):
        two_factor_reset(actor=who, membership_id=with_phone.pk)
    assert TotpDevice.objects.filter(user=with_phone.user).exists()


def test_a_sign_in_shared_with_another_organization_is_reset_there_too(
    admin_actor, with_phone, org, other_org
):
    there = make_person(other_org, user=with_phone.user, full_name="兼務 一郎")
    two_factor_reset(actor=admin_actor, membership_id=with_phone.pk, reason="社内の理由")

    here_event = AuditEvent.objects.get(action="auth.two_factor_reset", organization=org)
    assert here_event.data["other_organizations"] == 1
    there_event = AuditEvent.objects.get(action="auth.two_factor_reset", organization=other_org)
    # The other organization learns that it happened, not who did it or why.
    assert there_event.target_id == str(there.pk)
    assert there_event.actor_label == OTHER_ORGANIZATION_ADMIN
    assert there_event.actor_user is None
    assert there_event.data == {"by_another_organization": True}
    assert "社内の理由" not in str(there_event.data)
    assert audit_verify(org) is None and audit_verify(other_org) is None


def test_memberships_that_have_left_elsewhere_are_not_counted(admin_actor, with_phone, other_org):
    make_person(other_org, user=with_phone.user, status=Membership.Status.LEFT)
    two_factor_reset(actor=admin_actor, membership_id=with_phone.pk)
    assert resets()[0].data["other_organizations"] == 0
    assert not AuditEvent.objects.filter(organization=other_org).exists()


# --- the pages -----------------------------------------------------------------------------------


def test_the_person_page_shows_the_state_and_offers_the_reset(admin_client, advocate):
    page = admin_client.get(detail_url(advocate))
    assert page.context["show_two_factor"] is True
    assert page.context["two_factor_since"] is None
    assert reset_url(advocate) not in page.text
    enable_two_factor(advocate.user)
    page = admin_client.get(detail_url(advocate))
    assert page.context["two_factor_since"] is not None
    assert 'class="badge ok"' in page.text
    assert reset_url(advocate) in page.text


def test_your_own_page_offers_no_reset(admin):
    enable_two_factor(admin.user)  # signs out other sessions: sign in afterwards
    page = signed_in(admin).get(detail_url(admin))
    assert page.context["two_factor_since"] is not None
    assert reset_url(admin) not in page.text


def test_a_required_but_missing_second_factor_is_flagged(admin_client, org):
    other_admin = make_person(org, roles=[Role.ORG_ADMIN])
    page = admin_client.get(detail_url(other_admin))
    assert page.context["two_factor_required"] is True
    assert 'class="badge danger"' in page.text


@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.MANAGER])
def test_people_viewers_other_than_admins_see_neither_state_nor_button(org, with_phone, role):
    client = signed_in(make_person(org, roles=[role]))
    page = client.get(detail_url(with_phone))
    assert page.status_code == 200
    assert page.context["show_two_factor"] is False
    assert page.context["two_factor_since"] is None
    assert reset_url(with_phone) not in page.text
    assert client.get(reset_url(with_phone)).status_code == 403
    assert client.post(reset_url(with_phone)).status_code == 403
    assert TotpDevice.objects.filter(user=with_phone.user).exists()


def test_advocates_are_forbidden(org, with_phone):
    client = signed_in(make_person(org, roles=[Role.ADVOCATE]))
    assert client.get(reset_url(with_phone)).status_code == 403
    assert client.post(reset_url(with_phone), {"reason": "x"}).status_code == 403
    assert TotpDevice.objects.filter(user=with_phone.user).exists()


def test_the_reset_asks_first_then_signs_the_person_out(admin_client, with_phone):
    old_session = signed_in(with_phone)
    assert old_session.get(HOME).status_code == 200

    confirm = admin_client.get(reset_url(with_phone))
    assert confirm.status_code == 200
    assert 'name="reason"' in confirm.text and with_phone.user.email in confirm.text
    assert TotpDevice.objects.filter(user=with_phone.user).exists()  # the GET changed nothing

    response = admin_client.post(reset_url(with_phone), {"reason": "スマホ紛失(本人確認済み)"})
    assert response.status_code == 302
    assert response["Location"] == detail_url(with_phone)
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    assert not TotpDevice.objects.filter(user=with_phone.user).exists()
    assert resets()[0].data["reason"] == "スマホ紛失(本人確認済み)"

    # The session they had (perhaps on the lost phone) is over.
    after = old_session.get(HOME)
    assert after.status_code == 302 and after["Location"].startswith(LOGIN)


def test_afterwards_they_sign_in_with_their_password_and_can_set_it_up_again(
    admin_client, with_phone
):
    old_secret = TotpDevice.objects.get(user=with_phone.user).secret_encrypted
    admin_client.post(reset_url(with_phone))
    browser = Client()
    response = password_step(browser, with_phone.user)
    assert response.status_code == 302 and response["Location"] != VERIFY
    assert browser.get(HOME).status_code == 200  # optional for an advocate: no code asked

    assert browser.get(SETUP).status_code == 200
    device = TotpDevice.objects.get(user=with_phone.user)
    assert crypto.decrypt(device.secret_encrypted) != crypto.decrypt(old_secret)
    response = browser.post(SETUP, {"code": totp_for(with_phone.user).now()})
    assert response.status_code == 302
    assert TotpDevice.objects.get(user=with_phone.user).confirmed_at is not None
    assert RecoveryCode.objects.filter(user=with_phone.user).count() == 10


def test_an_admin_who_was_reset_must_set_it_up_again_before_anything_else(admin, org):
    enable_two_factor(admin.user)
    old_session = signed_in(admin)
    colleague = make_person(org, roles=[Role.ORG_ADMIN])
    assert signed_in(colleague).post(reset_url(admin)).status_code == 302

    assert old_session.get(HOME)["Location"].startswith(LOGIN)
    browser = Client()
    response = password_step(browser, admin.user, next="/accounts/people/")
    assert response["Location"] != VERIFY  # no device any more: no code asked
    follow = browser.get("/accounts/people/")
    assert follow.status_code == 302 and follow["Location"].startswith(SETUP)
    browser.get(SETUP)
    browser.post(SETUP, {"code": totp_for(admin.user).now()})
    assert browser.get("/accounts/people/").status_code == 200


def test_your_own_reset_page_sends_you_to_the_security_page(admin):
    enable_two_factor(admin.user)
    admin_client = signed_in(admin)
    response = admin_client.get(reset_url(admin))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:security")
    response = admin_client.post(reset_url(admin))
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)][-1] == "error"
    assert TotpDevice.objects.filter(user=admin.user).exists()


@pytest.mark.parametrize("status", ["no device", "left"])
def test_with_nothing_to_reset_the_page_goes_back_to_the_person(
    admin_client, admin_actor, advocate, status
):
    if status == "left":
        enable_two_factor(advocate.user)
        person_offboard(actor=admin_actor, membership_id=advocate.pk)
    response = admin_client.get(reset_url(advocate))
    assert response.status_code == 302 and response["Location"] == detail_url(advocate)
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["info"]


def test_a_reset_that_someone_else_already_did_is_reported(admin_client, admin_actor, with_phone):
    page = admin_client.get(reset_url(with_phone))
    assert page.status_code == 200
    two_factor_reset(actor=admin_actor, membership_id=with_phone.pk)  # a colleague, meanwhile
    response = admin_client.post(reset_url(with_phone))
    assert response.status_code == 302 and response["Location"] == detail_url(with_phone)
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert len(resets()) == 1


def test_a_reason_that_is_too_long_is_shown_on_the_form(admin_client, with_phone):
    response = admin_client.post(reset_url(with_phone), {"reason": "x" * 501})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert TotpDevice.objects.filter(user=with_phone.user).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organizations_person_is_404(admin_client, other_admin, method):
    enable_two_factor(other_admin.user)
    assert getattr(admin_client, method)(reset_url(other_admin)).status_code == 404
    assert TotpDevice.objects.filter(user=other_admin.user).exists()


def test_the_page_says_when_it_is_required_and_when_other_organizations_share_it(
    admin, with_phone, org, other_org
):
    client = signed_in(admin, language="en")
    optional = client.get(reset_url(with_phone))
    assert optional.context["required"] is False
    assert optional.context["other_organizations"] == 0
    assert "other organization" not in optional.text

    make_person(other_org, user=with_phone.user)
    org.require_two_factor = True
    org.save()
    required = client.get(reset_url(with_phone))
    assert required.context["required"] is True
    assert "1 other organization with the same sign-in" in required.text
    assert "must set up two-factor authentication again" in required.text


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_confirmation_page_meets_the_accessibility_basics(admin, with_phone, language):
    page = signed_in(admin, language=language).get(reset_url(with_phone))
    assert page.status_code == 200
    assert audit_html(page.text) == []


# --- the API -------------------------------------------------------------------------------------


def api_reset_path(person: Membership) -> str:
    return f"/people/{person.pk}/two-factor/reset"


def test_api_reset_answers_with_the_person(admin, with_phone):
    old_session = signed_in(with_phone)
    response = Api(token_for(admin)).post(api_reset_path(with_phone), {"reason": "紛失"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == PERSON_KEYS and body["id"] == with_phone.pk
    assert not TotpDevice.objects.filter(user=with_phone.user).exists()
    assert resets()[0].data["reason"] == "紛失"
    assert old_session.get(HOME).status_code == 302


def test_api_reset_needs_no_body(admin, with_phone):
    api = Api(token_for(admin))
    response = api.client.post(
        f"/api/v1{api_reset_path(with_phone)}", "", content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert resets()[0].data["reason"] == ""


def test_api_reset_errors(admin, with_phone, advocate, org, other_admin):
    api = Api(token_for(admin))
    enable_two_factor(admin.user)
    error = assert_error(api.post(api_reset_path(admin)), 400, "self_two_factor_reset")
    assert error["fields"] == {}
    assert_error(api.post(api_reset_path(make_person(org))), 400, "two_factor_not_enabled")
    enable_two_factor(other_admin.user)
    assert_error(api.post(api_reset_path(other_admin)), 404, "not_found")
    assert_error(api.post(api_reset_path(with_phone), {"reason": "x" * 501}), 422, "invalid")
    program_manager = make_person(org, roles=[Role.PROGRAM_MANAGER])
    assert_error(
        Api(token_for(program_manager)).post(api_reset_path(with_phone)), 403, "permission_denied"
    )
    assert_error(
        Api(token_for(admin, scopes=("read",))).post(api_reset_path(with_phone)),
        403,
        "permission_denied",
    )
    assert TotpDevice.objects.filter(user=with_phone.user).exists()
    assert TotpDevice.objects.filter(user=other_admin.user).exists()
    assert resets() == []


def test_api_reset_of_a_leaver(admin, admin_actor, with_phone):
    person_offboard(actor=admin_actor, membership_id=with_phone.pk)
    error = assert_error(Api(token_for(admin)).post(api_reset_path(with_phone)), 409, "person_left")
    assert with_phone.full_name in error["message"]


def test_the_operator_resets_the_only_admin_from_the_command_line(admin, org):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    enable_two_factor(admin.user)
    out = io.StringIO()
    call_command(
        "two_factor_reset",
        organization=org.slug,
        email=admin.user.email.upper(),
        reason="phone lost, identity checked by a call",
        stdout=out,
    )
    assert not TotpDevice.objects.filter(user=admin.user).exists()
    event = resets()[-1]
    assert event.actor_label == "manage.py two_factor_reset" and event.actor_user is None
    assert "signed out" in out.getvalue()
    with pytest.raises(CommandError):  # nothing left to reset
        call_command("two_factor_reset", organization=org.slug, email=admin.user.email, reason="x")
    with pytest.raises(CommandError):  # not in that organization
        call_command("two_factor_reset", organization="nope", email=admin.user.email, reason="x")
