"""In a real browser: an admin resets someone's two-factor from the person's page, and deletes an
unused department and location, answering the confirmation dialog (cancel first, then accept)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Dialog, Page, expect

from ouendan.accounts.models import Department, Location, Membership, TotpDevice
from tests.browser.conftest import enable_two_factor, person
from tests.factories import DepartmentFactory, LocationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_resets_two_factor_from_the_person_page(
    page: Page, admin: Membership, advocate: Membership
):
    enable_two_factor(advocate.user)
    person(admin).sign_in(page)
    page.goto(reverse("accounts:person_detail", args=[advocate.pk]))
    page.locator(
        f"a[href='{reverse('accounts:person_two_factor_reset', args=[advocate.pk])}']"
    ).click()
    page.locator("textarea[name='reason']").fill("スマートフォン紛失(電話で本人確認)")
    with page.expect_navigation():
        page.locator("form.form button[type='submit']").click()
    assert page.url.endswith(reverse("accounts:person_detail", args=[advocate.pk]))
    expect(page.locator(".message.success")).to_be_visible()
    assert not TotpDevice.objects.filter(user=advocate.user).exists()
    # The page now says it is off, and offers no reset any more.
    expect(page.locator(".badge", has_text="無効")).to_be_visible()
    expect(page.locator("a[href$='/reset-two-factor/']")).to_have_count(0)


def _answer_dialogs(page: Page, answers: list[bool]) -> None:
    def answer(dialog: Dialog) -> None:
        if answers.pop(0):
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)


def test_an_admin_deletes_an_unused_department_after_confirming(page: Page, admin: Membership):
    dept = DepartmentFactory(organization=admin.organization, name="廃止予定課")
    person(admin).sign_in(page)
    page.goto(reverse("accounts:department_edit", args=[dept.pk]))
    answers = [False, True]
    _answer_dialogs(page, answers)
    delete = page.locator(
        f"form[action='{reverse('accounts:department_delete', args=[dept.pk])}'] button"
    )
    delete.click()  # cancelled: nothing is sent
    assert Department.objects.filter(pk=dept.pk).exists()
    with page.expect_navigation():
        delete.click()
    assert page.url.endswith(reverse("accounts:departments"))
    expect(page.locator(".message.success")).to_contain_text("廃止予定課")
    assert not Department.objects.filter(pk=dept.pk).exists()


def test_an_admin_deletes_an_unused_location_from_the_list(page: Page, admin: Membership):
    location = LocationFactory(organization=admin.organization, name="旧倉庫")
    person(admin).sign_in(page)
    page.goto(reverse("accounts:locations"))
    _answer_dialogs(page, [True])
    with page.expect_navigation():
        page.locator(
            f"form[action='{reverse('accounts:location_delete', args=[location.pk])}'] button"
        ).click()
    expect(page.locator(".message.success")).to_contain_text("旧倉庫")
    assert not Location.objects.filter(pk=location.pk).exists()
