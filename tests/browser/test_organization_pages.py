"""The organization pages in a real browser: settings (name, time zone, logo), the department tree
(add a top-level and a child department, move the child) and locations (add, rename)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from ouendan.accounts.models import Department, Location, Membership, Organization
from tests.browser.conftest import person
from tests.factories import DepartmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_japanese(text: str) -> str:
    """What the page should show for an English msgid, in the browser's language (ja)."""
    with translation.override("ja"):
        return gettext(text)


def at(path: str) -> re.Pattern[str]:
    """The page's URL is ``path`` (a fragment the browser carried over a redirect is fine)."""
    return re.compile(re.escape(path) + "(#[^/]*)?$")


def _submit(form: Locator) -> None:
    with form.page.expect_navigation():
        form.locator("button[type='submit']").click()


def test_an_admin_changes_the_settings_and_uploads_a_logo(
    page: Page, admin: Membership, tmp_path: Path
):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (48, 48), (200, 30, 60)).save(logo, format="PNG")
    person(admin).sign_in(page)
    top_bar_logo = page.locator("a.brand img.brand-logo")
    expect(top_bar_logo).to_have_count(0)  # no logo yet: the top bar shows 応

    page.goto(reverse("accounts:settings"))
    form = page.locator("form.form")
    expect(form.locator("input[name='name']")).to_have_value("株式会社みらい製作所")
    expect(form.locator("select[name='time_zone']")).to_have_value("Asia/Tokyo")
    form.locator("input[name='name']").fill("株式会社みらいホールディングス")
    form.locator("select[name='time_zone']").select_option("America/New_York")
    form.locator("input[name='logo']").set_input_files(str(logo))
    _submit(form)

    expect(page).to_have_url(at(reverse("accounts:settings")))
    expect(page.locator(".message.success")).to_have_text(
        in_japanese("The organization settings were saved.")
    )
    expect(page.locator("a.brand .brand-name")).to_have_text("株式会社みらいホールディングス")
    expect(page.locator("form.form select[name='time_zone']")).to_have_value("America/New_York")
    org = Organization.objects.get(pk=admin.organization_id)
    assert org.name == "株式会社みらいホールディングス"
    assert org.time_zone == "America/New_York"
    assert org.logo.name.startswith("logos/")
    with Image.open(org.logo.path) as stored:
        assert (stored.format, stored.size) == ("PNG", (48, 48))
    # The logo is in the top bar, on this page and the next.
    expect(top_bar_logo).to_have_attribute("src", org.logo.url)
    page.goto(reverse("accounts:people"))
    expect(top_bar_logo).to_be_visible()
    expect(top_bar_logo).to_have_attribute("src", org.logo.url)
    # …and the browser really shows an image there (it was served and decoded).
    # (A property read, not wait_for_function: that evaluates a string, which the CSP forbids.)
    expect(top_bar_logo).to_have_js_property("naturalWidth", 48)


def test_an_admin_adds_departments_and_moves_one(page: Page, admin: Membership):
    org = admin.organization
    other_parent = DepartmentFactory(organization=org, name="管理本部")
    person(admin).sign_in(page)
    page.goto(reverse("accounts:departments"))

    add = page.locator("section[aria-labelledby='add-department'] form")
    add.locator("input[name='name']").fill("営業本部")
    add.locator("input[name='code']").fill("S100")
    _submit(add)
    expect(page).to_have_url(at(reverse("accounts:departments")))
    expect(page.locator(".message.success")).to_contain_text("営業本部")
    top = Department.objects.get(organization=org, name="営業本部")
    assert (top.code, top.parent_id) == ("S100", None)

    add = page.locator("section[aria-labelledby='add-department'] form")
    add.locator("input[name='name']").fill("東日本営業部")
    add.locator("select[name='parent_id']").select_option(str(top.pk))
    _submit(add)
    expect(page.locator(".message.success")).to_contain_text("東日本営業部")
    child = Department.objects.get(organization=org, name="東日本営業部")
    assert child.parent_id == top.pk
    # The tree shows the child right under its parent, indented.
    rows = page.locator("table tbody tr")
    names = [name.strip() for name in rows.locator("td:first-child").all_inner_texts()]
    parent_row = next(i for i, name in enumerate(names) if name.startswith("営業本部"))
    assert "東日本営業部" in names[parent_row + 1]
    expect(rows.nth(parent_row + 1).locator("td.indent-1")).to_have_count(1)

    # Move the child under another department from its edit page.
    rows.nth(parent_row + 1).locator(
        f"a[href='{reverse('accounts:department_edit', args=[child.pk])}']"
    ).click()
    expect(page).to_have_url(at(reverse("accounts:department_edit", args=[child.pk])))
    form = page.locator("form.form")
    parent_select = form.locator("select[name='parent_id']")
    expect(parent_select).to_have_value(str(top.pk))
    expect(parent_select.locator(f"option[value='{child.pk}']")).to_have_count(0)
    parent_select.select_option(str(other_parent.pk))
    _submit(form)
    expect(page).to_have_url(at(reverse("accounts:departments")))
    expect(page.locator(".message.success")).to_contain_text("東日本営業部")
    child.refresh_from_db()
    assert child.parent_id == other_parent.pk
    names = [
        name.strip() for name in page.locator("table tbody tr td:first-child").all_inner_texts()
    ]
    moved_under = next(i for i, name in enumerate(names) if name.startswith("管理本部"))
    assert "東日本営業部" in names[moved_under + 1]


def test_an_admin_adds_and_renames_a_location(page: Page, admin: Membership):
    org = admin.organization
    person(admin).sign_in(page)
    page.goto(reverse("accounts:locations"))
    expect(page.locator(".empty-state")).to_be_visible()

    form = page.locator("#location-form form")
    form.locator("input[name='name']").fill("名古屋工場")
    form.locator("input[name='code']").fill("NGY")
    _submit(form)
    expect(page).to_have_url(at(reverse("accounts:locations")))
    expect(page.locator(".message.success")).to_contain_text("名古屋工場")
    location = Location.objects.get(organization=org, name="名古屋工場")
    assert location.code == "NGY"
    row = page.locator("table tbody tr", has_text="名古屋工場")
    expect(row).to_have_count(1)

    row.locator(f"a[href='?edit={location.pk}#location-form']").click()
    expect(page.locator("#location-form-title")).to_contain_text("名古屋工場")
    form = page.locator("#location-form form")
    expect(form.locator("input[name='name']")).to_have_value("名古屋工場")
    form.locator("input[name='name']").fill("名古屋第一工場")
    _submit(form)
    expect(page).to_have_url(at(reverse("accounts:locations")))
    expect(page.locator(".message.success")).to_contain_text("名古屋第一工場")
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr td").first).to_have_text("名古屋第一工場")
    location.refresh_from_db()
    assert (location.name, location.code) == ("名古屋第一工場", "NGY")
    assert Location.objects.filter(organization=org).count() == 1
