"""The audit log page: filters, time zone, pagination, integrity banner, query count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import AuditEvent, Organization
from ouendan.accounts.roles import Role
from ouendan.accounts.selectors import AuditFilter, audit_list
from tests.conftest import signed_in
from tests.factories import DepartmentFactory, actor, make_person

AUDIT = reverse("accounts:audit")


def _seqs(response) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="muted small">#(\d+)</span>', response.text)]


@pytest.fixture
def events(admin_actor, org, advocate):
    dept = DepartmentFactory(organization=org, name="広報部")
    audit_record(
        actor=admin_actor,
        action="person.updated",
        target=advocate,
        data={"title": "係長", "roles": ["advocate", "curator"]},
    )
    audit_record(actor=admin_actor, action="department.created", target=dept)
    audit_record(
        actor=actor(advocate), action="auth.password_changed", target=advocate.user, data={}
    )
    return {"dept": dept}


def test_admins_read_the_log_newest_first(admin_client, events, advocate):
    response = admin_client.get(AUDIT)
    assert response.status_code == 200
    assert _seqs(response) == [3, 2, 1]
    html = response.text
    assert "person.updated" in html  # the code beside its human label
    assert '<span class="mono">title</span>: 係長' in html
    assert '<span class="mono">roles</span>: advocate, curator' in html
    assert reverse("accounts:person_detail", args=[advocate.pk]) in html
    assert "応援 一郎" in html and "管理 花子" in html


@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.MANAGER, Role.ADVOCATE])
def test_other_roles_are_forbidden(org, role):
    client = signed_in(make_person(org, roles=[role]))
    assert client.get(AUDIT).status_code == 403


def test_filters(admin_client, events, advocate):
    assert _seqs(admin_client.get(AUDIT, {"action": "department.created"})) == [2]
    assert _seqs(admin_client.get(AUDIT, {"actor": "応援"})) == [3]
    assert _seqs(admin_client.get(AUDIT, {"target_type": "accounts.membership"})) == [1]
    assert _seqs(
        admin_client.get(AUDIT, {"target_type": "accounts.membership", "target_id": advocate.pk})
    ) == [1]
    html = admin_client.get(AUDIT).text
    options = re.findall(
        r'<option value="([^"]*)"', html.split('name="action"')[1].split("</select>")[0]
    )
    assert options == ["", "auth.password_changed", "department.created", "person.updated"]


def test_unknown_filter_values_show_an_error_and_nothing_breaks(admin_client, events):
    response = admin_client.get(AUDIT, {"action": "made.up", "date_from": "yesterday"})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.text


def test_the_date_range_is_read_in_the_organizations_time_zone(admin_actor, org, events):
    """+14:00 and −11:00 are 25 hours apart: their calendar dates for one instant always differ."""
    now = timezone.now()
    kiritimati = now.astimezone(timezone.get_fixed_timezone(14 * 60)).date()
    pago_pago = now.astimezone(timezone.get_fixed_timezone(-11 * 60)).date()
    Organization.objects.filter(pk=org.pk).update(time_zone="Pacific/Kiritimati")
    admin = actor(admin_actor.membership)

    def found(start, end) -> int:
        return audit_list(actor=admin, filters=AuditFilter(date_from=start, date_to=end)).count()

    assert found(kiritimati, kiritimati) == 3
    assert found(pago_pago, pago_pago) == 0
    assert found(None, kiritimati - timedelta(days=1)) == 0
    assert found(kiritimati + timedelta(days=1), None) == 0


def test_the_page_filters_by_local_dates(admin_client, events):
    today = timezone.localdate(timezone=timezone.get_default_timezone())  # Asia/Tokyo
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert len(_seqs(admin_client.get(AUDIT, {"date_from": today.isoformat()}))) == 3
    assert _seqs(admin_client.get(AUDIT, {"date_from": tomorrow})) == []
    response = admin_client.get(AUDIT, {"date_from": tomorrow, "date_to": today.isoformat()})
    assert 'id="id_date_to_error"' in response.text  # end before start


def test_pagination_keeps_filters(admin_client, admin_actor):
    for i in range(60):
        audit_record(actor=admin_actor, action="test.bulk", data={"i": i})
    audit_record(actor=admin_actor, action="test.other")
    page1 = admin_client.get(AUDIT, {"action": "test.bulk"})
    assert _seqs(page1) == list(range(60, 10, -1))
    older = re.search(r'rel="next" href="([^"]+)"', page1.text).group(1).replace("&amp;", "&")
    assert "action=test.bulk" in older and "page=2" in older
    assert _seqs(admin_client.get(AUDIT + older)) == list(range(10, 0, -1))


def test_intact_chain_banner(admin_client, events):
    html = admin_client.get(AUDIT).text
    assert 'class="alert success"' in html and 'class="alert error"' not in html


def test_tampering_is_shown_with_the_first_broken_link(admin_client, events):
    second = AuditEvent.objects.get(seq=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditevent SET target_label = %s WHERE id = %s",
            ["改ざん", second.pk],
        )
    html = admin_client.get(AUDIT).text
    assert 'class="alert error" role="alert"' in html
    assert re.search(r"#2\b", html.split('role="alert"')[1].split("</div>")[0])


def test_another_organizations_events_never_show(admin_client, events, other_admin):
    audit_record(actor=actor(other_admin), action="other.secret", data={"k": "他社の秘密"})
    html = admin_client.get(AUDIT).text
    assert "他社の秘密" not in html and "other.secret" not in html


def test_query_count_does_not_grow_with_events(
    admin_client, admin_actor, advocate, django_assert_max_num_queries
):
    def record(n: int) -> None:
        for i in range(n):
            audit_record(actor=admin_actor, action="person.updated", target=advocate, data={"i": i})

    record(5)
    with CaptureQueriesContext(connection) as ctx:
        admin_client.get(AUDIT)
    few = len(ctx.captured_queries)
    record(55)
    with django_assert_max_num_queries(few):
        assert len(_seqs(admin_client.get(AUDIT))) == 50


def test_the_page_shows_the_recorded_check_and_verify_now_refreshes_it(admin_client, events):
    assert 'class="alert success"' in admin_client.get(AUDIT).text  # first visit checks once
    second = AuditEvent.objects.get(seq=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditevent SET action = %s WHERE id = %s", ["forged", second.pk]
        )
    # Pages show the recorded outcome (the hourly job or "verify now" refreshes it) …
    assert 'class="alert error"' not in admin_client.get(AUDIT).text
    # … and "verify now" finds the change at once.
    response = admin_client.post(AUDIT)
    assert response.status_code == 302
    html = admin_client.get(AUDIT).text
    assert 'class="alert error" role="alert"' in html and "#2" in html


def test_the_hourly_job_checks_every_organization(admin_actor, other_admin, events):
    from ouendan.accounts.models import AuditChainHead
    from ouendan.accounts.tasks import audit_chains_verify_task

    audit_record(actor=actor(other_admin), action="other.event")
    assert audit_chains_verify_task.call() == 0
    heads = AuditChainHead.objects.all()
    assert all(head.verified_at is not None and head.broken_seq is None for head in heads)
    AuditEvent.objects.filter(organization=other_admin.organization).update(action="forged")
    assert audit_chains_verify_task.call() == 1
    broken = AuditChainHead.objects.get(organization=other_admin.organization)
    assert broken.broken_seq == 1 and "altered" in broken.broken_reason
