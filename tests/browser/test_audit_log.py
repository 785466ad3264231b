"""The audit log in a real browser: real actions are listed newest first, the action filter narrows
the list, and "Verify now" checks the chain and says so."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from ouendan.accounts.models import AuditEvent, Membership
from ouendan.accounts.services.organizations import (
    department_create,
    department_update,
    location_create,
)
from tests.browser.conftest import person
from tests.factories import actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_japanese(text: str) -> str:
    """What the page should show for an English msgid, in the browser's language (ja)."""
    with translation.override("ja"):
        return gettext(text)


def _seqs(page: Page) -> list[int]:
    """The event numbers (#seq) of the rows, top to bottom."""
    texts = page.locator("table tbody tr th .muted").all_inner_texts()
    return [int(text.strip().lstrip("#")) for text in texts]


def test_the_audit_log_lists_filters_and_verifies(page: Page, admin: Membership):
    who = actor(admin)
    sales = department_create(actor=who, name="営業本部", code="S100")
    department_create(actor=who, name="東日本営業部", parent_id=sales.pk)
    location_create(actor=who, name="名古屋工場")
    department_update(actor=who, department_id=sales.pk, name="営業統括本部")
    org = admin.organization
    person(admin).sign_in(page)  # signing in is recorded too

    page.goto(reverse("accounts:audit"))
    expect(page.locator("h1")).to_have_text(in_japanese("Audit log"))
    rows = page.locator("table tbody tr")
    total = AuditEvent.objects.filter(organization=org).count()
    assert total >= 4
    expect(rows).to_have_count(total)

    # Newest first: the numbers go down, and the actions are in the reverse of their order.
    seqs = _seqs(page)
    assert seqs == sorted(seqs, reverse=True)
    assert seqs == list(
        AuditEvent.objects.filter(organization=org).order_by("-seq").values_list("seq", flat=True)
    )
    ours = [
        in_japanese("Department changed"),
        in_japanese("Location added"),
        in_japanese("Department added"),
    ]
    action_cells = [
        text.splitlines()[0] for text in rows.locator("td:nth-child(3)").all_inner_texts()
    ]
    positions = [action_cells.index(label) for label in ours]
    assert positions == sorted(positions)
    changed = rows.filter(has_text=in_japanese("Department changed"))
    expect(changed).to_contain_text("営業統括本部")
    expect(changed).to_contain_text(admin.full_name)

    # The action filter narrows the list to the department additions.
    filters = page.locator("form.filters")
    filters.locator("select[name='action']").select_option("department.created")
    with page.expect_navigation():
        filters.locator("button[type='submit']").click()
    expect(page).to_have_url(re.compile(r"[?&]action=department\.created(&|$)"))
    expect(rows).to_have_count(2)
    for index in range(2):
        expect(rows.nth(index).locator("td").nth(1)).to_contain_text(
            in_japanese("Department added")
        )
    expect(rows.nth(0)).to_contain_text("東日本営業部")
    expect(rows.nth(1)).to_contain_text("営業")
    expect(page.locator("form.filters select[name='action']")).to_have_value("department.created")
    expect(page.locator("form.filters a[href='/accounts/audit/']")).to_be_visible()

    # "Verify now" checks the chain and keeps the filter and the success banner.
    with page.expect_navigation():
        page.get_by_role("button", name=in_japanese("Verify now")).click()
    expect(page).to_have_url(re.compile(r"[?&]action=department\.created(&|$)"))
    expect(page.locator(".message.success")).to_have_text(
        in_japanese("The audit log was verified just now: it is intact.")
    )
    expect(page.locator(".alert.success[role='status']")).to_be_visible()
    expect(page.locator(".alert.error")).to_have_count(0)
    expect(rows).to_have_count(2)
