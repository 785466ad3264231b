"""The people directory and person pages: who may see them, search, filters, forms, leavers."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from ouendan.accounts.audit import audit_record
from ouendan.accounts.models import Membership, RoleGrant
from ouendan.accounts.roles import Role
from tests.conftest import signed_in
from tests.factories import DepartmentFactory, LocationFactory, make_person

PEOPLE = reverse("accounts:people")


def _names(response) -> list[str]:
    """The names in the directory table, in order."""
    html = response.content.decode()
    return re.findall(r'href="/accounts/people/\d+/">([^<]+)</a>', html)


@pytest.fixture
def directory(org, admin):
    """A small company: 本社 > 製造本部 > 第一製造部, 営業部; two sites."""
    head = DepartmentFactory(organization=org, name="本社")
    plant = DepartmentFactory(organization=org, name="製造本部", parent=head)
    line = DepartmentFactory(organization=org, name="第一製造部", parent=plant)
    sales = DepartmentFactory(organization=org, name="営業部")
    tokyo = LocationFactory(organization=org, name="東京本社")
    osaka = LocationFactory(organization=org, name="大阪工場")
    people = {
        "sato": make_person(
            org,
            full_name="佐藤 花子",
            full_name_kana="サトウ ハナコ",
            employee_number="E1001",
            department=line,
            location=osaka,
            title="工場長",
            roles=[Role.ADVOCATE, Role.MANAGER],
        ),
        "ito": make_person(
            org,
            full_name="伊藤 健",
            full_name_kana="イトウ ケン",
            employee_number="E1002",
            department=sales,
            location=tokyo,
            title="営業課長",
        ),
        "ueda": make_person(
            org,
            full_name="上田 翔",
            full_name_kana="ウエダ ショウ",
            employee_number="E1003",
            department=plant,
            location=osaka,
            roles=[Role.CURATOR],
        ),
        "kato": make_person(
            org,
            full_name="加藤 退職",
            full_name_kana="カトウ タイショク",
            status=Membership.Status.LEFT,
            department=sales,
        ),
    }
    Membership.objects.filter(pk=admin.pk).update(full_name_kana="カンリ ハナコ")
    return {"head": head, "plant": plant, "line": line, "sales": sales, "tokyo": tokyo, **people}


# --- who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.PROGRAM_MANAGER, Role.MANAGER])
def test_directory_opens_for_people_roles(org, role):
    client = signed_in(make_person(org, roles=[role]))
    assert client.get(PEOPLE).status_code == 200


@pytest.mark.parametrize("role", [Role.ADVOCATE, Role.CURATOR, Role.EXECUTIVE_VIEWER])
def test_directory_is_forbidden_for_other_roles(org, role):
    person = make_person(org, roles=[role])
    client = signed_in(person)
    assert client.get(PEOPLE).status_code == 403
    assert client.get(reverse("accounts:person_detail", args=[person.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(PEOPLE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- listing, search and filters -----------------------------------------------------------------


def test_directory_lists_active_people_by_reading_with_their_details(admin_client, directory):
    response = admin_client.get(PEOPLE)
    html = response.content.decode()
    assert _names(response) == ["伊藤 健", "上田 翔", "管理 花子", "佐藤 花子"]
    assert "加藤 退職" not in html
    assert "サトウ ハナコ" in html and "E1001" in html
    assert "本社 &gt; 製造本部 &gt; 第一製造部" in html
    assert "大阪工場" in html
    with translation.override("ja"):  # the organization's language
        assert f'<li class="tag">{Role.MANAGER.label}</li>' in html
    assert re.search(r'id="people-count"[^>]*>\s*<span data-total="4">', html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("佐藤", ["佐藤 花子"]),
        ("さとう", ["佐藤 花子"]),  # hiragana finds the katakana reading
        ("イトウ", ["伊藤 健"]),
        ("E1003", ["上田 翔"]),
        ("e100", ["伊藤 健", "上田 翔", "佐藤 花子"]),
        ("工場長", ["佐藤 花子"]),
        ("person", None),  # every factory e-mail matches
        ("佐藤　花子", ["佐藤 花子"]),  # an ideographic space separates words too
        ("佐藤 営業", []),
    ],
)
def test_search(admin_client, directory, query, expected):
    response = admin_client.get(PEOPLE, {"q": query})
    assert response.status_code == 200
    if expected is None:
        assert len(_names(response)) == 4
    else:
        assert _names(response) == expected


def test_search_by_email(admin_client, directory):
    email = directory["ito"].user.email
    assert _names(admin_client.get(PEOPLE, {"q": email.upper()})) == ["伊藤 健"]


def test_department_filter_includes_sub_departments(admin_client, directory):
    response = admin_client.get(PEOPLE, {"department": directory["plant"].pk})
    assert _names(response) == ["上田 翔", "佐藤 花子"]
    response = admin_client.get(PEOPLE, {"department": directory["line"].pk})
    assert _names(response) == ["佐藤 花子"]


def test_location_role_and_status_filters(admin_client, directory):
    assert _names(admin_client.get(PEOPLE, {"location": directory["tokyo"].pk})) == ["伊藤 健"]
    assert _names(admin_client.get(PEOPLE, {"role": "curator"})) == ["上田 翔"]
    assert _names(admin_client.get(PEOPLE, {"status": "left"})) == ["加藤 退職"]
    assert len(_names(admin_client.get(PEOPLE, {"status": "all"}))) == 5
    left = admin_client.get(PEOPLE, {"status": "left"}).content.decode()
    assert '<span class="badge">' in left


def test_invalid_filter_values_are_ignored(admin_client, directory, other_org):
    foreign = DepartmentFactory(organization=other_org)
    response = admin_client.get(
        PEOPLE, {"department": foreign.pk, "location": "abc", "role": "king", "page": "x"}
    )
    assert response.status_code == 200
    assert len(_names(response)) == 4


def test_no_match_offers_to_clear_the_filters(admin_client, directory):
    html = admin_client.get(PEOPLE, {"q": "存在しない人"}).content.decode()
    assert 'class="empty-state"' in html and "<table" not in html
    assert f'class="button secondary" href="{PEOPLE}"' in html


def test_first_run_points_managers_at_invitations_and_import(admin_client):
    html = admin_client.get(PEOPLE).content.decode()
    assert 'id="first-run-title"' in html
    assert reverse("accounts:invitations") in html and reverse("accounts:import") in html


def test_first_run_hint_is_not_for_people_who_cannot_add_anyone(org, admin):
    Membership.objects.exclude(pk=admin.pk).delete()
    client = signed_in(admin)
    RoleGrant.objects.filter(membership=admin).update(role=Role.MANAGER)
    html = client.get(PEOPLE).content.decode()
    assert 'id="first-run-title"' not in html


def test_pagination_keeps_the_filters(admin_client, org, directory):
    for i in range(55):
        make_person(
            org, full_name=f"営業 {i:02}", full_name_kana=f"エイギョウ {i:02}", title="営業"
        )
    page1 = admin_client.get(PEOPLE, {"q": "営業"})
    html = page1.content.decode()
    assert len(_names(page1)) == 50
    assert re.search(r'id="people-count"[^>]*>\s*<span data-total="56">', html)
    next_link = re.search(r'rel="next" href="([^"]+)"', html).group(1)
    assert "q=%E5%96%B6%E6%A5%AD" in next_link and "page=2" in next_link
    page2 = admin_client.get(PEOPLE + next_link.replace("&amp;", "&"))
    assert len(_names(page2)) == 6


def test_htmx_search_answers_with_the_results_fragment(admin_client, directory):
    response = admin_client.get(PEOPLE, {"q": "佐藤"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "佐藤 花子" in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "HX-Request" in response["Vary"]


def test_the_page_works_without_javascript(admin_client, directory):
    html = admin_client.get(PEOPLE, {"q": "佐藤"}).content.decode()
    assert '<form method="get" action="/accounts/people/"' in html
    assert 'id="people-results"' in html and 'hx-trigger="input changed delay:300ms' in html


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_directory_query_count_does_not_grow_with_people(
    org, admin, admin_client, django_assert_max_num_queries
):
    dept = DepartmentFactory(organization=org)
    loc = LocationFactory(organization=org)
    filtered = f"{PEOPLE}?department={dept.pk}&role=curator&q=%E5%B1%B1%E7%94%B0"
    for _ in range(4):
        make_person(org, department=dept, location=loc, roles=[Role.ADVOCATE, Role.CURATOR])
    few = _count_queries(admin_client, PEOPLE)
    few_filtered = _count_queries(admin_client, filtered)
    for _ in range(55):
        make_person(org, department=dept, location=loc, roles=[Role.ADVOCATE, Role.CURATOR])
    with django_assert_max_num_queries(few):
        assert len(_names(admin_client.get(PEOPLE))) == 50
    with django_assert_max_num_queries(few_filtered):
        assert len(_names(admin_client.get(filtered + "&page=2"))) == 9
    assert few <= 12


# --- a person's page -----------------------------------------------------------------------------


def test_person_page_shows_profile_path_and_history_to_admins(admin_client, admin_actor, directory):
    sato = directory["sato"]
    audit_record(actor=admin_actor, action="person.updated", target=sato, data={"title": "工場長"})
    html = admin_client.get(reverse("accounts:person_detail", args=[sato.pk])).content.decode()
    assert "佐藤 花子" in html and "サトウ ハナコ" in html
    assert "本社 &gt; 製造本部 &gt; 第一製造部" in html
    assert "工場長" in html and "E1001" in html
    assert "person.updated" in html  # the history table shows the code beside its label
    assert reverse("accounts:person_edit", args=[sato.pk]) in html
    assert reverse("accounts:person_offboard", args=[sato.pk]) in html


def test_managers_see_the_person_but_not_history_or_actions(org, directory):
    client = signed_in(make_person(org, roles=[Role.MANAGER]))
    sato = directory["sato"]
    html = client.get(reverse("accounts:person_detail", args=[sato.pk])).content.decode()
    assert "佐藤 花子" in html
    assert reverse("accounts:person_edit", args=[sato.pk]) not in html
    assert reverse("accounts:person_offboard", args=[sato.pk]) not in html
    assert 'id="history-heading"' not in html


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("accounts:person_detail", "get"),
        ("accounts:person_edit", "get"),
        ("accounts:person_edit", "post"),
        ("accounts:person_offboard", "get"),
        ("accounts:person_offboard", "post"),
        ("accounts:person_reinstate", "post"),
    ],
)
def test_another_organizations_person_is_not_found(admin_client, other_admin, name, method):
    url = reverse(name, args=[other_admin.pk])
    assert getattr(admin_client, method)(url).status_code == 404
    other_admin.refresh_from_db()
    assert other_admin.is_active


# --- create and edit -----------------------------------------------------------------------------


def test_admin_adds_a_person_with_roles(admin_client, org, directory):
    response = admin_client.post(
        reverse("accounts:person_create"),
        {
            "email": "new.hire@example.com",
            "full_name": "新人 太郎",
            "full_name_kana": "シンジン タロウ",
            "employee_number": "E2001",
            "department": directory["sales"].pk,
            "location": "",
            "title": "",
            "language": "en",
            "roles": ["advocate", "curator"],
        },
    )
    person = Membership.objects.get(full_name="新人 太郎")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:person_detail", args=[person.pk])
    assert person.department == directory["sales"] and person.user.language == "en"
    assert person.role_set() == {Role.ADVOCATE, Role.CURATOR}
    assert [str(m) for m in get_messages(response.wsgi_request)]


def test_create_form_shows_service_errors_and_changes_nothing(admin_client, directory):
    before = Membership.objects.count()
    response = admin_client.post(
        reverse("accounts:person_create"),
        {"email": "dup@example.com", "full_name": "重複", "employee_number": "E1001"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "E1001" in html
    assert 'id="id_employee_number_error"' in html
    assert Membership.objects.count() == before


def test_program_manager_sees_locked_roles_and_cannot_grant_curator(org, directory):
    client = signed_in(make_person(org, roles=[Role.PROGRAM_MANAGER]))
    form = client.get(reverse("accounts:person_create")).content.decode()
    assert re.search(r'value="curator" id="[^"]+"[^>]*disabled', form)
    assert not re.search(r'value="advocate" id="[^"]+"[^>]*disabled', form)
    response = client.post(
        reverse("accounts:person_create"),
        {"email": "x@example.com", "full_name": "x", "roles": ["advocate", "curator"]},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(full_name="x").exists()


def test_program_manager_edit_keeps_roles_they_cannot_change(org, directory):
    client = signed_in(make_person(org, roles=[Role.PROGRAM_MANAGER]))
    ueda = directory["ueda"]  # a curator
    response = client.post(
        reverse("accounts:person_edit", args=[ueda.pk]),
        {"full_name": "上田 翔", "title": "広報担当", "roles": ["advocate"]},
    )
    assert response.status_code == 302
    ueda.refresh_from_db()
    assert ueda.title == "広報担当"
    assert ueda.role_set() == {Role.ADVOCATE, Role.CURATOR}


def test_edit_form_is_prefilled_and_saves(admin_client, directory):
    sato = directory["sato"]
    url = reverse("accounts:person_edit", args=[sato.pk])
    html = admin_client.get(url).content.decode()
    assert 'value="佐藤 花子"' in html and sato.user.email in html
    assert 'name="email"' not in html
    response = admin_client.post(
        url,
        {
            "full_name": "佐藤 花子",
            "full_name_kana": "サトウ ハナコ",
            "employee_number": "E1001",
            "department": "",
            "location": directory["tokyo"].pk,
            "title": "本部長",
            "language": "",
            "roles": ["advocate"],
        },
    )
    assert response.status_code == 302
    sato.refresh_from_db()
    assert sato.department is None and sato.location == directory["tokyo"]
    assert sato.title == "本部長" and sato.role_set() == {Role.ADVOCATE}


def test_last_admin_cannot_remove_their_own_admin_role(admin_client, admin):
    response = admin_client.post(
        reverse("accounts:person_edit", args=[admin.pk]),
        {"full_name": admin.full_name, "roles": ["advocate"]},
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert RoleGrant.objects.filter(membership=admin, role=Role.ORG_ADMIN).exists()


@pytest.mark.parametrize("name", ["accounts:person_create", "accounts:person_edit"])
def test_managers_cannot_open_the_forms(org, advocate, name):
    client = signed_in(make_person(org, roles=[Role.MANAGER]))
    args = [advocate.pk] if name == "accounts:person_edit" else []
    assert client.get(reverse(name, args=args)).status_code == 403


# --- leavers -------------------------------------------------------------------------------------


def test_offboarding_asks_first_then_signs_the_person_out(admin_client, advocate):
    leaver_client = signed_in(advocate)
    assert leaver_client.get(reverse("core:home")).status_code == 200

    url = reverse("accounts:person_offboard", args=[advocate.pk])
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert 'name="reason"' in confirm.content.decode()
    advocate.refresh_from_db()
    assert advocate.is_active  # the GET changed nothing

    response = admin_client.post(url, {"reason": "一身上の都合"}, follow=True)
    assert response.status_code == 200
    advocate.refresh_from_db()
    assert advocate.status == Membership.Status.LEFT
    assert [m.level_tag for m in response.context["messages"]] == ["success"]

    next_request = leaver_client.get(reverse("core:home"))
    assert next_request.status_code == 302
    assert next_request["Location"].startswith(reverse("accounts:login"))


def test_offboarding_yourself_is_refused_on_the_page(admin_client, org, admin):
    make_person(org, roles=[Role.ORG_ADMIN])
    response = admin_client.post(reverse("accounts:person_offboard", args=[admin.pk]))
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_program_managers_cannot_offboard(org, advocate):
    client = signed_in(make_person(org, roles=[Role.PROGRAM_MANAGER]))
    url = reverse("accounts:person_offboard", args=[advocate.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    advocate.refresh_from_db()
    assert advocate.is_active


def test_reinstate(admin_client, admin_actor, advocate):
    from ouendan.accounts.services.people import person_offboard

    person_offboard(actor=admin_actor, membership_id=advocate.pk)
    detail = admin_client.get(reverse("accounts:person_detail", args=[advocate.pk]))
    assert reverse("accounts:person_reinstate", args=[advocate.pk]) in detail.content.decode()
    url = reverse("accounts:person_reinstate", args=[advocate.pk])
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url)
    assert response.status_code == 302
    advocate.refresh_from_db()
    assert advocate.is_active
    assert signed_in(advocate).get(reverse("core:home")).status_code == 200
