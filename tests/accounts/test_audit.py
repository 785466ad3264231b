"""The audit chain: appended by one function, any altered or removed row is named."""

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ouendan.accounts.audit import audit_record, audit_verify
from ouendan.accounts.models import AuditEvent


def _record_three(admin_actor):
    for i in range(3):
        audit_record(actor=admin_actor, action="test.event", data={"i": i, "名前": "花子"})


def test_chain_links_each_event_to_the_previous(admin_actor):
    _record_three(admin_actor)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert audit_verify(admin_actor.organization) is None


def test_altering_a_row_by_sql_is_reported_with_its_number(admin_actor):
    _record_three(admin_actor)
    second = AuditEvent.objects.get(seq=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditevent SET action = %s WHERE id = %s", ["test.forged", second.pk]
        )
    problem = audit_verify(admin_actor.organization)
    assert problem is not None and problem.seq == 2 and "altered" in problem.reason
    with pytest.raises(CommandError):
        call_command("audit_verify")


@pytest.mark.parametrize("removed_seq", [1, 2, 3])
def test_removing_a_row_by_sql_is_reported(admin_actor, removed_seq):
    _record_three(admin_actor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent WHERE seq = %s", [removed_seq])
    problem = audit_verify(admin_actor.organization)
    assert problem is not None and problem.seq == removed_seq and "missing" in problem.reason


def test_events_cannot_be_changed_through_the_orm(admin_actor):
    event = audit_record(actor=admin_actor, action="test.event")
    event.action = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_chains_are_separate_per_organization(admin_actor, other_admin):
    from tests.factories import actor

    audit_record(actor=admin_actor, action="a")
    audit_record(actor=actor(other_admin), action="b")
    assert AuditEvent.objects.filter(organization=admin_actor.organization).get().seq == 1
    assert AuditEvent.objects.filter(organization=other_admin.organization).get().seq == 1


def test_events_appended_while_verifying_are_left_for_the_next_check(admin_actor):
    """The verifier reads the head first; an event committed after that is not 'missing'."""
    from ouendan.accounts.models import AuditChainHead

    _record_three(admin_actor)
    head = AuditChainHead.objects.get(organization=admin_actor.organization)
    # An appender that has inserted #4 but whose head update is not visible yet.
    AuditEvent.objects.create(
        organization=admin_actor.organization,
        seq=head.seq + 1,
        action="test.late",
        prev_hash=head.hash,
        hash="f" * 64,
    )
    assert audit_verify(admin_actor.organization) is None


def test_many_events_chain_exactly_like_one_by_one(admin_actor):
    from ouendan.accounts.audit import AuditEntry, audit_record_many

    audit_record(actor=admin_actor, action="test.before")
    made = audit_record_many(
        actor=admin_actor,
        entries=[AuditEntry("test.bulk", admin_actor.membership, {"i": i}) for i in range(5)],
    )
    audit_record(actor=admin_actor, action="test.after")
    assert [e.seq for e in made] == [2, 3, 4, 5, 6]
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.action for e in events] == ["test.before", *["test.bulk"] * 5, "test.after"]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert audit_verify(admin_actor.organization) is None
    assert audit_record_many(actor=admin_actor, entries=[]) == []
