"""Importing employees from a CSV in a browser: upload, preview, apply, find them in People."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from ouendan.accounts.models import Membership, Organization
from ouendan.accounts.roles import Role
from tests.browser.conftest import person, screenshot
from tests.factories import DepartmentFactory, LocationFactory, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "email,full_name,full_name_kana,department,location,title\n"
    "hanako.shinnyu@mirai.example,新入 花子,シンニュウ ハナコ,営業部,東京本社,主任\n"
    "jiro.tenkin@mirai.example,転勤 次郎,テンキン ジロウ,開発部,東京本社,\n"
)


def test_a_csv_is_previewed_applied_and_its_people_are_in_the_directory(
    page: Page, org: Organization
):
    # Fixed names and addresses: the screenshots stay the same from run to run.
    admin = make_person(
        org,
        roles=[Role.ORG_ADMIN],
        full_name="管理 花子",
        full_name_kana="カンリ ハナコ",
        user__email="hanako.kanri@mirai.example",
    )
    sales = DepartmentFactory(organization=org, name="営業部")
    development = DepartmentFactory(organization=org, name="開発部")
    tokyo = LocationFactory(organization=org, name="東京本社")
    make_person(
        org,
        full_name="佐藤 美咲",
        full_name_kana="サトウ ミサキ",
        user__email="misaki.sato@mirai.example",
        employee_number="M-0012",
        department=sales,
    )
    make_person(
        org,
        roles=[Role.CURATOR],
        full_name="鈴木 健太",
        full_name_kana="スズキ ケンタ",
        user__email="kenta.suzuki@mirai.example",
        employee_number="M-0031",
        department=development,
        location=tokyo,
        title="広報",
    )
    person(admin).sign_in(page)

    page.locator("#sidenav").locator(f"a[href='{reverse('accounts:import')}']").click()
    expect(page).to_have_url(reverse("accounts:import"))
    upload = page.locator(f"form[action$='{reverse('accounts:import')}']")
    upload.locator("input[name='file']").set_input_files(
        files=[{"name": "社員一覧.csv", "mimeType": "text/csv", "buffer": CSV.encode("utf-8")}]
    )
    with page.expect_navigation():
        upload.locator("button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/accounts/import/\d+/$"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    new_row = rows.filter(has_text="新入 花子")
    expect(new_row).to_contain_text("hanako.shinnyu@mirai.example")
    expect(new_row.locator(".badge.ok")).to_be_visible()
    expect(rows.filter(has_text="転勤 次郎").locator(".badge.ok")).to_be_visible()
    assert not Membership.objects.filter(user__email="hanako.shinnyu@mirai.example").exists()
    screenshot(page, "import-preview")

    apply = page.locator("form:has(input[name='operation'][value='apply'])")
    with page.expect_navigation():
        apply.locator("button[type='submit']").click()
    expect(page.locator(".messages .success")).to_be_visible()
    expect(apply).to_have_count(0)

    page.locator("#sidenav").locator(f"a[href='{reverse('accounts:people')}']").click()
    expect(page).to_have_url(reverse("accounts:people"))
    results = page.locator("#people-results")
    expect(results).to_contain_text("新入 花子")
    expect(results).to_contain_text("転勤 次郎")
    expect(results).to_contain_text("佐藤 美咲")

    hanako = Membership.objects.get(organization=org, user__email="hanako.shinnyu@mirai.example")
    assert (hanako.full_name, hanako.department, hanako.location, hanako.title) == (
        "新入 花子",
        sales,
        tokyo,
        "主任",
    )
    assert hanako.role_set() == {Role.ADVOCATE}
