"""People services: validation changes nothing, roles are guarded, leavers lose access at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ouendan.accounts.api_auth import actor_for_token
from ouendan.accounts.crypto import secret_hash
from ouendan.accounts.models import (
    ApiToken,
    AuditEvent,
    Invitation,
    Membership,
    RoleGrant,
    User,
)
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import PeopleFilter, people_list
from ouendan.accounts.services.people import (
    PersonData,
    person_create,
    person_offboard,
    person_reinstate,
    person_update,
)
from ouendan.core.errors import Conflict, DomainError, NotFound
from tests.factories import DepartmentFactory, LocationFactory, actor, make_person


@pytest.fixture
def manager_actor(org):
    return actor(make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 次郎"))


def _roles(membership: Membership) -> set[str]:
    return set(RoleGrant.objects.filter(membership=membership).values_list("role", flat=True))


# --- create --------------------------------------------------------------------------------------


def test_create_makes_a_sign_in_membership_roles_and_an_audit_event(admin_actor, org):
    dept = DepartmentFactory(organization=org, name="人事部")
    person = person_create(
        actor=admin_actor,
        email="  Sato.Hanako@Example.COM ",
        data=PersonData(
            full_name=" 佐藤 花子 ",
            full_name_kana="サトウ ハナコ",
            employee_number="E0001",
            department_id=dept.pk,
            language="en",
        ),
        roles=["advocate", "curator"],
    )
    assert person.user.email == "sato.hanako@example.com"
    assert person.user.language == "en"
    assert person.full_name == "佐藤 花子"
    assert person.department == dept
    assert _roles(person) == {"advocate", "curator"}
    event = AuditEvent.objects.get(action="person.created")
    assert event.target_id == str(person.pk)
    assert event.data["roles"] == ["advocate", "curator"]


@pytest.mark.parametrize(
    ("email", "data", "field"),
    [
        ("a@example.com", PersonData(full_name="   "), "full_name"),
        ("not-an-address", PersonData(full_name="山田"), "email"),
        ("a@example.com", PersonData(full_name="山田", language="fr"), "language"),
        ("a@example.com", PersonData(full_name="山" * 121), "full_name"),
        ("a@example.com", PersonData(full_name="山田", title="x" * 121), "title"),
    ],
)
def test_create_refuses_bad_input_and_changes_nothing(admin_actor, email, data, field):
    before = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as exc_info:
        person_create(actor=admin_actor, email=email, data=data)
    assert field in exc_info.value.fields
    assert exc_info.value.message
    after = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_create_refuses_another_organizations_department(admin_actor, other_org):
    foreign = DepartmentFactory(organization=other_org)
    with pytest.raises(NotFound):
        person_create(
            actor=admin_actor,
            email="a@example.com",
            data=PersonData(full_name="山田", department_id=foreign.pk),
        )


def test_duplicate_employee_number_is_a_conflict(admin_actor, org):
    make_person(org, employee_number="E0042")
    with pytest.raises(Conflict) as exc_info:
        person_create(
            actor=admin_actor,
            email="new@example.com",
            data=PersonData(full_name="新人", employee_number="E0042"),
        )
    assert "employee_number" in exc_info.value.fields
    assert not User.objects.filter(email="new@example.com").exists()


def test_same_employee_number_in_another_organization_is_fine(admin_actor, other_org):
    make_person(other_org, employee_number="E0042")
    person = person_create(
        actor=admin_actor,
        email="new@example.com",
        data=PersonData(full_name="新人", employee_number="E0042"),
    )
    assert person.employee_number == "E0042"


def test_existing_member_cannot_be_added_twice(admin_actor, advocate):
    with pytest.raises(Conflict) as exc_info:
        person_create(
            actor=admin_actor, email=advocate.user.email.upper(), data=PersonData(full_name="x")
        )
    assert "email" in exc_info.value.fields


def test_someone_who_left_elsewhere_can_join_and_sign_in_again(admin_actor, other_org):
    former = make_person(other_org)
    User.objects.filter(pk=former.user_id).update(is_active=False)
    person = person_create(
        actor=admin_actor, email=former.user.email, data=PersonData(full_name="転職 者")
    )
    person.user.refresh_from_db()
    assert person.user_id == former.user_id and person.user.is_active


def test_non_admin_cannot_grant_curator(manager_actor):
    with pytest.raises(DomainError) as exc_info:
        person_create(
            actor=manager_actor,
            email="c@example.com",
            data=PersonData(full_name="学芸 員"),
            roles=["advocate", "curator"],
        )
    assert exc_info.value.code == "permission_denied"
    assert not User.objects.filter(email="c@example.com").exists()


def test_non_admin_may_enrol_an_advocate(manager_actor):
    person = person_create(
        actor=manager_actor, email="a@example.com", data=PersonData(full_name="応援 三郎")
    )
    assert _roles(person) == {"advocate"}


def test_advocate_cannot_create_anyone(org):
    advocate_actor = actor(make_person(org))
    with pytest.raises(PermissionDenied):
        person_create(actor=advocate_actor, email="x@example.com", data=PersonData(full_name="x"))


def test_unknown_role_is_refused(admin_actor):
    with pytest.raises(DomainError) as exc_info:
        person_create(
            actor=admin_actor, email="x@example.com", data=PersonData(full_name="x"), roles=["ceo"]
        )
    assert "roles" in exc_info.value.fields


# --- update --------------------------------------------------------------------------------------


def test_update_changes_only_what_is_given_and_audits_it(admin_actor, org, advocate):
    loc = LocationFactory(organization=org, name="大阪工場")
    person_update(
        actor=admin_actor,
        membership_id=advocate.pk,
        data=PersonData(title="係長", location_id=loc.pk),
    )
    advocate.refresh_from_db()
    assert advocate.title == "係長" and advocate.location == loc
    assert advocate.full_name == "応援 一郎"
    event = AuditEvent.objects.get(action="person.updated")
    assert event.data == {"title": "係長", "location": "大阪工場"}


def test_update_without_changes_records_nothing(admin_actor, advocate):
    person_update(
        actor=admin_actor, membership_id=advocate.pk, data=PersonData(full_name="応援 一郎")
    )
    assert not AuditEvent.objects.exists()


def test_update_to_a_taken_employee_number_is_a_conflict(admin_actor, org, advocate):
    make_person(org, employee_number="E1")
    with pytest.raises(Conflict):
        person_update(
            actor=admin_actor, membership_id=advocate.pk, data=PersonData(employee_number="E1")
        )
    advocate.refresh_from_db()
    assert advocate.employee_number == ""


def test_update_of_another_organizations_person_is_not_found(admin_actor, other_admin):
    with pytest.raises(NotFound):
        person_update(actor=admin_actor, membership_id=other_admin.pk, data=PersonData(title="x"))


def test_non_admin_cannot_make_someone_curator(manager_actor, advocate):
    with pytest.raises(DomainError) as exc_info:
        person_update(
            actor=manager_actor,
            membership_id=advocate.pk,
            data=PersonData(),
            roles=["advocate", "curator"],
        )
    assert exc_info.value.code == "permission_denied"
    assert _roles(advocate) == {"advocate"}


def test_non_admin_can_remove_the_advocate_role(manager_actor, org):
    person = make_person(org, roles=[Role.ADVOCATE, Role.CURATOR])
    person_update(
        actor=manager_actor, membership_id=person.pk, data=PersonData(), roles=["curator"]
    )
    assert _roles(person) == {"curator"}


def test_last_admin_cannot_lose_org_admin(admin_actor, admin):
    with pytest.raises(DomainError) as exc_info:
        person_update(
            actor=admin_actor, membership_id=admin.pk, data=PersonData(), roles=["advocate"]
        )
    assert exc_info.value.code == "last_admin"
    assert _roles(admin) == {"org_admin"}


def test_an_admin_can_step_down_when_another_remains(admin_actor, org, admin):
    make_person(org, roles=[Role.ORG_ADMIN])
    person_update(actor=admin_actor, membership_id=admin.pk, data=PersonData(), roles=["advocate"])
    assert _roles(admin) == {"advocate"}


def test_a_leaver_admin_does_not_count_as_the_other_admin(admin_actor, org, admin):
    make_person(org, roles=[Role.ORG_ADMIN], status=Membership.Status.LEFT)
    with pytest.raises(DomainError):
        person_update(
            actor=admin_actor, membership_id=admin.pk, data=PersonData(), roles=["advocate"]
        )


# --- leavers -------------------------------------------------------------------------------------


def _token(membership: Membership, raw: str) -> ApiToken:
    return ApiToken.objects.create(
        organization=membership.organization,
        kind=ApiToken.Kind.PERSONAL,
        membership=membership,
        name="laptop",
        prefix=raw[:8],
        key_hash=secret_hash(raw),
        scopes=["read", "write"],
    )


def test_offboard_ends_access_and_keeps_history(admin_actor, org, advocate):
    raw = "oud_offboard-test-token-1"
    _token(advocate, raw)
    Invitation.objects.create(
        organization=org,
        email=advocate.user.email,
        token_hash="x" * 64,
        expires_at=timezone.now() + timezone.timedelta(days=3),
    )
    stamp = advocate.user.security_stamp
    assert actor_for_token(raw) is not None

    person_offboard(actor=admin_actor, membership_id=advocate.pk, reason="自己都合退職")

    advocate.refresh_from_db()
    advocate.user.refresh_from_db()
    assert advocate.status == Membership.Status.LEFT and advocate.left_at is not None
    assert advocate.user.security_stamp != stamp
    assert not advocate.user.is_active
    assert actor_for_token(raw) is None
    assert Invitation.objects.get().status == Invitation.Status.REVOKED
    event = AuditEvent.objects.get(action="person.offboarded")
    assert event.data == {"reason": "自己都合退職", "tokens_revoked": 1, "invitations_revoked": 1}
    # History stays: the row is there, just filtered out of the default directory.
    assert advocate not in people_list(actor=admin_actor)
    assert advocate in people_list(actor=admin_actor, filters=PeopleFilter(status="left"))


def test_offboard_keeps_the_sign_in_of_someone_still_employed_elsewhere(
    admin_actor, other_org, advocate
):
    make_person(other_org, user=advocate.user)
    person_offboard(actor=admin_actor, membership_id=advocate.pk)
    advocate.user.refresh_from_db()
    assert advocate.user.is_active


def test_last_admin_cannot_be_offboarded(org, admin):
    # Even by a system actor (every role, no person), the last admin stays.
    from ouendan.accounts.permissions import system_actor

    with pytest.raises(DomainError) as exc_info:
        person_offboard(actor=system_actor(org), membership_id=admin.pk)
    assert exc_info.value.code == "last_admin"
    admin.refresh_from_db()
    assert admin.status == Membership.Status.ACTIVE


def test_admins_cannot_offboard_themselves(admin_actor, org, admin):
    make_person(org, roles=[Role.ORG_ADMIN])
    with pytest.raises(DomainError) as exc_info:
        person_offboard(actor=admin_actor, membership_id=admin.pk)
    assert exc_info.value.code == "self_offboard"


def test_program_manager_cannot_offboard(manager_actor, advocate):
    with pytest.raises(PermissionDenied):
        person_offboard(actor=manager_actor, membership_id=advocate.pk)


def test_overlong_reason_is_refused(admin_actor, advocate):
    with pytest.raises(DomainError):
        person_offboard(actor=admin_actor, membership_id=advocate.pk, reason="x" * 501)
    advocate.refresh_from_db()
    assert advocate.is_active


def test_reinstate_brings_a_leaver_back_without_tokens(admin_actor, advocate):
    raw = "oud_reinstate-test-token"
    _token(advocate, raw)
    person_offboard(actor=admin_actor, membership_id=advocate.pk)
    person_reinstate(actor=admin_actor, membership_id=advocate.pk)
    advocate.refresh_from_db()
    advocate.user.refresh_from_db()
    assert advocate.is_active and advocate.left_at is None and advocate.user.is_active
    assert actor_for_token(raw) is None
    assert AuditEvent.objects.filter(action="person.reinstated").count() == 1
