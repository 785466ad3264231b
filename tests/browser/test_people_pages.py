"""The people pages in a real browser: an admin adds a person, edits them, marks them as a leaver
and reinstates them; a form the service refuses shows its errors on the fields."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Dialog, Page, expect

from ouendan.accounts.models import Membership
from ouendan.accounts.roles import Role
from tests.browser.conftest import person
from tests.factories import DepartmentFactory, LocationFactory, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_japanese(text: str) -> str:
    """What the page should show for an English msgid, in the browser's language (ja)."""
    with translation.override("ja"):
        return gettext(text)


def _submit(page: Page, form_selector: str = "form.form") -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type='submit']").click()


def _status_badge(page: Page):
    profile = page.locator("section[aria-labelledby='profile-heading']")
    return profile.locator("tr", has=page.locator("th", has_text=in_japanese("Status"))).locator(
        ".badge"
    )


def test_an_admin_adds_edits_offboards_and_reinstates_a_person(page: Page, admin: Membership):
    org = admin.organization
    sales = DepartmentFactory(organization=org, name="営業部")
    tokyo = LocationFactory(organization=org, name="東京本社")
    osaka = LocationFactory(organization=org, name="大阪支社")
    person(admin).sign_in(page)

    # Add: from the directory's form, with curator as well as advocate.
    page.goto(reverse("accounts:person_create"))
    form = page.locator("form.form")
    form.locator("input[name='email']").fill("misaki.sato@mirai.example")
    form.locator("input[name='full_name']").fill("佐藤 美咲")
    form.locator("input[name='full_name_kana']").fill("サトウ ミサキ")
    form.locator("input[name='employee_number']").fill("M-0012")
    form.locator("input[name='title']").fill("主任")
    form.locator("select[name='department']").select_option(str(sales.pk))
    form.locator("select[name='location']").select_option(str(tokyo.pk))
    advocate_box = form.get_by_label(in_japanese("Advocate"), exact=True)
    curator_box = form.get_by_label(in_japanese("Curator"), exact=True)
    expect(advocate_box).to_be_checked()
    expect(curator_box).to_be_enabled()  # an org admin may give any role
    curator_box.check()
    _submit(page)

    created = Membership.objects.get(organization=org, user__email="misaki.sato@mirai.example")
    expect(page).to_have_url(
        re.compile(re.escape(reverse("accounts:person_detail", args=[created.pk])) + "$")
    )
    expect(page.locator(".message.success")).to_contain_text("佐藤 美咲")
    expect(page.locator("h1")).to_have_text("佐藤 美咲")
    expect(page.locator(".page-header .muted")).to_have_text("サトウ ミサキ")
    tags = page.locator("section[aria-labelledby='profile-heading'] .tag")
    expect(tags).to_have_count(2)
    for role in ("Advocate", "Curator"):
        expect(tags.filter(has_text=in_japanese(role))).to_have_count(1)
    expect(_status_badge(page)).to_have_text(in_japanese("Active"))
    assert created.full_name_kana == "サトウ ミサキ"
    assert created.employee_number == "M-0012"
    assert created.department_id == sales.pk
    assert created.location_id == tokyo.pk
    assert created.role_set() == {Role.ADVOCATE, Role.CURATOR}
    assert created.status == Membership.Status.ACTIVE

    # Edit: a new job title and another location.
    page.locator(f"a[href='{reverse('accounts:person_edit', args=[created.pk])}']").click()
    expect(page).to_have_url(
        re.compile(re.escape(reverse("accounts:person_edit", args=[created.pk])) + "$")
    )
    form = page.locator("form.form")
    expect(form.locator("input[name='title']")).to_have_value("主任")
    form.locator("input[name='title']").fill("課長")
    form.locator("select[name='location']").select_option(str(osaka.pk))
    _submit(page)
    expect(page).to_have_url(
        re.compile(re.escape(reverse("accounts:person_detail", args=[created.pk])) + "$")
    )
    expect(page.locator(".message.success")).to_be_visible()
    profile = page.locator("section[aria-labelledby='profile-heading']")
    expect(profile).to_contain_text("課長")
    expect(profile.locator(f"a[href$='?location={osaka.pk}']")).to_have_text("大阪支社")
    created.refresh_from_db()
    assert (created.title, created.location_id) == ("課長", osaka.pk)
    assert created.role_set() == {Role.ADVOCATE, Role.CURATOR}  # untouched by the edit

    # Offboard: the confirmation page, a reason, confirm.
    page.locator(f"a[href='{reverse('accounts:person_offboard', args=[created.pk])}']").click()
    expect(page).to_have_url(
        re.compile(re.escape(reverse("accounts:person_offboard", args=[created.pk])) + "$")
    )
    created.refresh_from_db()
    assert created.status == Membership.Status.ACTIVE  # the page only asks
    page.locator("textarea[name='reason']").fill("退職(自己都合)")
    _submit(page)
    expect(page).to_have_url(
        re.compile(re.escape(reverse("accounts:person_detail", args=[created.pk])) + "$")
    )
    expect(page.locator(".message.success")).to_contain_text("佐藤 美咲")
    expect(page.locator(".alert.warning")).to_be_visible()
    expect(_status_badge(page)).to_have_text(in_japanese("Left"))
    expect(
        page.locator(f"a[href='{reverse('accounts:person_offboard', args=[created.pk])}']")
    ).to_have_count(0)
    created.refresh_from_db()
    assert created.status == Membership.Status.LEFT
    assert created.left_at is not None

    # Reinstate: the button asks for confirmation first.
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_navigation():
        page.locator(
            f"form[action='{reverse('accounts:person_reinstate', args=[created.pk])}'] button"
        ).click()
    assert len(dialogs) == 1 and "佐藤 美咲" in dialogs[0]
    expect(page.locator(".message.success")).to_contain_text("佐藤 美咲")
    expect(_status_badge(page)).to_have_text(in_japanese("Active"))
    expect(page.locator(".alert.warning")).to_have_count(0)
    created.refresh_from_db()
    assert created.status == Membership.Status.ACTIVE


def test_an_invalid_person_is_not_added_and_the_errors_are_on_the_fields(
    page: Page, admin: Membership
):
    make_person(admin.organization, full_name="既存 社員", employee_number="M-0100")
    before = Membership.objects.count()
    person(admin).sign_in(page)
    page.goto(reverse("accounts:person_create"))
    form = page.locator("form.form")

    # No name: the form refuses it, next to the name field.
    form.locator("input[name='email']").fill("new.person@mirai.example")
    _submit(page)
    form = page.locator("form.form")
    name_error = page.locator("#id_full_name_error")
    expect(name_error).to_have_text(in_japanese("This field is required."))
    expect(form.locator("input[name='full_name']")).to_have_attribute(
        "aria-describedby", re.compile("id_full_name_error")
    )
    expect(form.locator("input[name='email']")).to_have_value("new.person@mirai.example")
    assert Membership.objects.count() == before

    # A name, but an employee number someone already has: the service refuses it.
    form.locator("input[name='full_name']").fill("新人 太郎")
    form.locator("input[name='employee_number']").fill("M-0100")
    _submit(page)
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:person_create")) + "$"))
    expect(page.locator("#id_employee_number_error")).to_have_text(in_japanese("Already used."))
    expect(page.locator("#id_full_name_error")).to_have_count(0)
    expect(page.locator("form.form input[name='full_name']")).to_have_value("新人 太郎")
    assert Membership.objects.count() == before
    assert not Membership.objects.filter(user__email="new.person@mirai.example").exists()
