"""CSV import of employees: encodings, headers, row problems in the reader's language, the
all-or-nothing apply, idempotence, matching by employee number, leavers, new departments, size."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from ouendan.accounts.models import (
    ApiToken,
    AuditEvent,
    Department,
    ImportBatch,
    Location,
    Membership,
    RoleGrant,
    User,
)
from ouendan.accounts.permissions import Actor
from ouendan.accounts.roles import Role
from ouendan.accounts.services.imports import (
    import_batch_apply,
    import_batch_cancel,
    import_batch_create,
    import_batch_report,
    import_template_csv,
)
from ouendan.core.errors import DomainError, NotFound
from tests.conftest import signed_in
from tests.factories import DepartmentFactory, LocationFactory, actor, make_person

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HEADER = ["email", "employee_number", "full_name", "department", "roles", "status"]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(actor: Actor, data: bytes, *, create_missing: bool = False, name: str = "people.csv"):
    return import_batch_create(
        actor=actor, file=io.BytesIO(data), file_name=name, create_missing=create_missing
    )


def codes(batch: ImportBatch) -> list[tuple[int, str]]:
    return [(problem["row"], problem["code"]) for problem in batch.errors]


def actions(batch: ImportBatch) -> dict[int, str]:
    return {row["row"]: row["action"] for row in batch.rows}


def state() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Membership, RoleGrant, Department, Location, AuditEvent)
    }


@pytest.fixture
def sales(org) -> Department:
    return DepartmentFactory(organization=org, name="営業部", code="S100")


# --- Reading files --------------------------------------------------------------------------------


def test_utf8_with_bom_and_english_headers_creates_people(admin_actor, sales):
    data = csv_bytes(
        [
            HEADER,
            ["sato@example.com", "1001", "佐藤 健", "営業部", "advocate;curator", "active"],
            ["kato@example.com", "1002", "加藤 愛", "S100", "", ""],
        ]
    )
    batch = upload(admin_actor, data)
    assert batch.encoding == "utf-8-sig"
    assert batch.errors == []
    assert actions(batch) == {2: "create", 3: "create"}
    assert batch.summary["create"] == 2

    import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    sato = Membership.objects.get(user__email="sato@example.com")
    assert sato.full_name == "佐藤 健" and sato.employee_number == "1001"
    assert sato.department == sales
    assert sato.role_set() == {Role.ADVOCATE, Role.CURATOR}
    kato = Membership.objects.get(user__email="kato@example.com")
    assert kato.department == sales  # by code
    assert kato.role_set() == {Role.ADVOCATE}  # the default
    assert not kato.user.has_usable_password()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    event = AuditEvent.objects.get(action="people.imported")
    assert event.data["create"] == 2 and event.data["update"] == 0
    assert AuditEvent.objects.filter(action="person.created").count() == 2


def test_utf8_without_bom(admin_actor):
    data = csv_bytes([["email", "full_name"], ["a@example.com", "青木 蒼"]], "utf-8")
    batch = upload(admin_actor, data)
    assert batch.encoding == "utf-8" and batch.errors == []


def test_a_cp932_excel_file_with_japanese_headers(admin_actor):
    """The fixture is what Excel in Japan saves as "CSV": Shift_JIS (CP932, with 髙), half-width
    kana, 、-separated Japanese role names, 在籍, a path with " > " and an unknown 備考 column."""
    batch = upload(admin_actor, (FIXTURES / "people_cp932.csv").read_bytes(), create_missing=True)
    assert batch.encoding == "cp932"
    assert batch.errors == [], batch.errors
    assert batch.summary["ignored_columns"] == ["備考"]
    assert batch.summary["new_departments"] == ["広報部", "開発本部 / 第一開発部"]
    import_batch_apply(actor=admin_actor, batch_id=batch.pk)

    yamada = Membership.objects.get(employee_number="00101")
    assert yamada.full_name == "山田 太郎"
    assert yamada.full_name_kana == "ヤマダ タロウ"  # half-width kana made full-width
    assert yamada.role_set() == {Role.ADVOCATE, Role.CURATOR}
    assert yamada.user.language == "ja"
    assert yamada.department.name == "第一開発部"
    assert yamada.department.parent.name == "開発本部"
    suzuki = Membership.objects.get(employee_number="00102")
    assert suzuki.department == yamada.department  # "A > B" is the same path as "A/B"
    takahashi = Membership.objects.get(employee_number="00103")
    assert takahashi.full_name == "髙橋 一郎"
    assert takahashi.location.name == "大阪支社"
    assert Department.objects.filter(name="第一開発部").count() == 1


def test_tab_separated_utf16_from_excel_unicode_text(admin_actor):
    text = "メールアドレス\t氏名\r\nueda@example.com\t上田 潤\r\n"
    batch = upload(admin_actor, b"\xff\xfe" + text.encode("utf-16-le"))
    assert batch.errors == [] and actions(batch) == {2: "create"}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"PK\x03\x04rest-of-a-zip", "import_not_csv"),
        (b"", "import_empty"),
        (csv_bytes([["email"]]), "import_empty"),
        (csv_bytes([["name", "phone"], ["x", "y"]]), "import_header"),
        (csv_bytes([["email", "Email"], ["a@example.com", "b@example.com"]]), "import_header"),
        (b"email\n" + b"x@example.com\n" * 10_001, "import_too_many_rows"),
        (b"email\n" + b"a" * (5 * 1024 * 1024), "import_too_large"),
        (b"email\n\xff\xfe\xfd\x00\x81", "import_encoding"),
    ],
    ids=[
        "xlsx",
        "empty",
        "header-only",
        "no-key-column",
        "duplicate-column",
        "rows",
        "size",
        "bytes",
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(admin_actor, data, code):
    with pytest.raises(DomainError) as exc:
        upload(admin_actor, data)
    assert exc.value.code == code
    assert exc.value.message
    assert not ImportBatch.objects.exists()


def test_blank_lines_are_skipped_and_row_numbers_match_the_spreadsheet(admin_actor):
    data = csv_bytes(
        [["email", "full_name"], ["a@example.com", "阿部"], [], ["", ""], ["bad-address", "x"]]
    )
    batch = upload(admin_actor, data)
    assert codes(batch) == [(5, "email_invalid")]
    assert sorted(actions(batch)) == [2, 5]


# --- Row problems ---------------------------------------------------------------------------------


def test_row_problems_are_listed_with_codes_and_the_readers_language(admin_actor, advocate):
    data = csv_bytes(
        [
            [*HEADER, "language"],
            ["ok@example.com", "2001", "岡 一", "", "", "", ""],
            ["not-an-address", "", "x", "", "", "", ""],
            ["", "", "名無し", "", "", "", ""],
            ["ok@example.com", "2002", "二重", "", "", "", ""],
            ["new@example.com", "", "", "", "", "", ""],
            ["dept@example.com", "", "部署", "存在しない部", "", "", ""],
            ["role@example.com", "", "役割", "", "wizard", "", ""],
            ["lang@example.com", "", "言語", "", "", "", "fr"],
            ["status@example.com", "", "状態", "", "", "休職", ""],
            ["number@example.com", "2001", "番号", "", "", "", ""],
            ["", "9999", "番号だけ", "", "", "", ""],
            [advocate.user.email, "", "", "", "", "", "", "extra"],
        ]
    )
    batch = upload(admin_actor, data)
    assert codes(batch) == [
        (3, "email_invalid"),
        (4, "email_or_number_required"),
        (5, "email_duplicate"),
        (6, "full_name_required"),
        (7, "department_unknown"),
        (8, "role_unknown"),
        (9, "language_invalid"),
        (10, "status_invalid"),
        (11, "employee_number_duplicate"),
        (12, "email_required_new"),
        (13, "too_many_values"),
    ]
    assert batch.errors[2]["params"]["other"] == 2

    _rows, english = import_batch_report(batch, language="en")
    assert english[0]["message"] == "Row 3: the e-mail address is not valid (“not-an-address”)."
    assert english[2]["message"] == ("Row 5: the e-mail address ok@example.com is also on row 2.")
    rows, japanese = import_batch_report(batch, language="ja")
    assert [(p["row"], p["code"]) for p in japanese] == codes(batch)
    assert all(str(p["row"]) in p["message"] for p in japanese)
    row_three = next(r for r in rows if r.row == 3)
    assert row_three.action == "error" and row_three.errors == [japanese[0]["message"]]


def test_a_rejected_file_writes_nothing(admin_actor, advocate):
    before = state()
    data = csv_bytes(
        [
            HEADER,
            ["fine@example.com", "3001", "問題 なし", "", "", ""],
            [advocate.user.email, "", "改名", "", "", ""],
            ["broken", "", "x", "", "", ""],
        ]
    )
    batch = upload(admin_actor, data)
    assert actions(batch) == {2: "create", 3: "update", 4: "error"}
    with pytest.raises(DomainError) as exc:
        import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    assert exc.value.code == "import_has_errors"
    assert state() == before
    advocate.refresh_from_db()
    assert advocate.full_name == "応援 一郎"
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.UPLOADED


def test_rows_are_checked_again_when_applied(admin_actor, org):
    """Between preview and apply the address joined, and someone else got the number."""
    batch = upload(
        admin_actor, csv_bytes([HEADER, ["late@example.com", "4001", "遅刻", "", "", ""]])
    )
    assert batch.errors == []
    make_person(org, user__email="late@example.com")
    make_person(org, employee_number="4001", full_name="番号の 持ち主")
    before = state()
    with pytest.raises(DomainError) as exc:
        import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    assert exc.value.code == "import_has_errors"
    assert state() == before
    batch.refresh_from_db()
    assert codes(batch) == [(2, "employee_number_taken")]
    assert batch.status == ImportBatch.Status.UPLOADED


def test_a_row_that_would_now_do_something_else_is_shown_again_first(admin_actor, advocate):
    """Previewed as a new person; meanwhile a colleague got that employee number, so applying
    would now change that colleague's address instead. Nothing is written; the updated preview
    is applied only when the admin confirms it."""
    batch = upload(
        admin_actor, csv_bytes([HEADER, ["late@example.com", "4001", "遅刻", "", "", ""]])
    )
    Membership.objects.filter(pk=advocate.pk).update(employee_number="4001")
    before = state()
    with pytest.raises(DomainError) as exc:
        import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    assert exc.value.code == "import_changed"
    assert state() == before
    batch.refresh_from_db()
    assert actions(batch) == {2: "update"} and batch.errors == []
    import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    advocate.refresh_from_db()
    assert advocate.user.email == "late@example.com" and advocate.full_name == "遅刻"


# --- Applying -------------------------------------------------------------------------------------


def test_applying_the_same_file_twice_changes_nothing_the_second_time(admin_actor, sales):
    data = csv_bytes(
        [
            HEADER,
            ["sato@example.com", "1001", "佐藤 健", "営業部", "advocate", "在籍"],
            ["kato@example.com", "1002", "加藤 愛", "", "", ""],
        ]
    )
    first = upload(admin_actor, data)
    import_batch_apply(actor=admin_actor, batch_id=first.pk)
    import_batch_apply(actor=admin_actor, batch_id=first.pk)  # the same batch again: a no-op
    after_first = state()

    second = upload(admin_actor, data)
    assert actions(second) == {2: "unchanged", 3: "unchanged"}
    import_batch_apply(actor=admin_actor, batch_id=second.pk)
    after = state()
    assert after["AuditEvent"] == after_first["AuditEvent"] + 1  # only people.imported
    assert {k: v for k, v in after.items() if k != "AuditEvent"} == {
        k: v for k, v in after_first.items() if k != "AuditEvent"
    }
    assert AuditEvent.objects.filter(action="people.imported").first().data["unchanged"] == 2


def test_update_by_employee_number_changes_the_email_and_only_what_differs(admin_actor, org):
    person = make_person(
        org,
        full_name="旧姓 花子",
        employee_number="5001",
        title="主任",
        user__email="kyusei@example.com",
    )
    data = csv_bytes(
        [
            ["メールアドレス", "社員番号", "氏名", "役職", "言語"],
            ["shinsei@example.com", "5001", "新姓 花子", "", "en"],
        ]
    )
    batch = upload(admin_actor, data)
    assert actions(batch) == {2: "update"}
    assert batch.rows[0]["changes"] == {
        "email": ["kyusei@example.com", "shinsei@example.com"],
        "full_name": ["旧姓 花子", "新姓 花子"],
        "language": ["", "en"],
    }
    import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.full_name == "新姓 花子"
    assert person.title == "主任"  # an empty cell leaves the value as it was
    assert person.user.email == "shinsei@example.com" and person.user.language == "en"
    assert Membership.objects.count() == 2
    event = AuditEvent.objects.get(action="person.updated")
    assert event.data["full_name"] == "新姓 花子" and event.data["source"] == "import"


def test_an_email_shared_with_another_organization_is_not_changed(admin_actor, org, other_org):
    person = make_person(org, employee_number="5002", user__email="shared@example.com")
    make_person(other_org, user=person.user)
    batch = upload(
        admin_actor, csv_bytes([["email", "employee_number"], ["mine@example.com", "5002"]])
    )
    assert codes(batch) == [(2, "email_change_not_allowed")]


def test_a_number_matching_someone_else_than_the_email_is_a_problem(admin_actor, org, advocate):
    make_person(org, employee_number="6001", full_name="他の 人")
    batch = upload(
        admin_actor, csv_bytes([["email", "employee_number"], [advocate.user.email, "6001"]])
    )
    assert codes(batch) == [(2, "employee_number_taken")]
    assert "他の 人" in import_batch_report(batch, language="en")[1][0]["message"]


def test_the_same_person_twice_is_a_problem(admin_actor, org):
    person = make_person(org, employee_number="6002", user__email="twice@example.com")
    data = csv_bytes(
        [["email", "employee_number"], [person.user.email, ""], ["moved@example.com", "6002"]]
    )
    assert codes(upload(admin_actor, data)) == [(3, "same_person_twice")]


def test_status_left_runs_the_leaver_flow(admin_actor, org):
    leaver = make_person(org, employee_number="7001", full_name="退職 予定")
    token = ApiToken.objects.create(
        organization=org,
        kind=ApiToken.Kind.PERSONAL,
        membership=leaver,
        name="sync",
        prefix="x",
        key_hash="h" * 64,
    )
    stamp = leaver.user.security_stamp
    data = csv_bytes([["社員番号", "状態"], ["7001", "退職"], ["7999", "退職"]])
    batch = upload(admin_actor, data)
    assert actions(batch) == {2: "leave", 3: "unchanged"}  # 7999 never joined: nothing to do
    import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert leaver.status == Membership.Status.LEFT and leaver.left_at
    assert not leaver.user.is_active and leaver.user.security_stamp != stamp
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="person.offboarded", target_id=str(leaver.pk)).exists()
    # and back: 在籍 reinstates
    again = upload(admin_actor, csv_bytes([["社員番号", "状態"], ["7001", "在籍"]]))
    assert actions(again) == {2: "update"}
    import_batch_apply(actor=admin_actor, batch_id=again.pk)
    leaver.refresh_from_db()
    assert leaver.status == Membership.Status.ACTIVE


def test_program_managers_import_but_cannot_offboard_or_grant_roles(org, advocate):
    pm = actor(make_person(org, roles=[Role.PROGRAM_MANAGER]))
    data = csv_bytes(
        [
            HEADER,
            [advocate.user.email, "", "", "", "", "left"],
            ["new@example.com", "", "新人", "", "curator", ""],
            ["plain@example.com", "", "普通", "", "advocate", ""],
        ]
    )
    batch = upload(pm, data)
    assert codes(batch) == [(2, "offboard_not_allowed"), (3, "roles_not_allowed")]
    assert actions(batch)[4] == "create"


def test_advocates_cannot_import(advocate):
    with pytest.raises(PermissionDenied):
        upload(actor(advocate), csv_bytes([["email"], ["a@example.com"]]))


def test_the_last_admin_cannot_be_removed(admin_actor, admin):
    data = csv_bytes([["email", "roles"], [admin.user.email, "advocate"]])
    assert codes(upload(admin_actor, data)) == [(2, "last_admin")]
    self_leave = csv_bytes([["email", "status"], [admin.user.email, "left"]])
    assert codes(upload(admin_actor, self_leave)) == [(2, "self_offboard")]


def test_create_missing_departments_creates_the_path_and_locations(admin_actor, org):
    head = DepartmentFactory(organization=org, name="開発本部")
    data = csv_bytes(
        [
            ["email", "full_name", "department", "location"],
            ["a@example.com", "安藤", "開発本部/第一開発部/一課", "札幌"],
            ["b@example.com", "馬場", "開発本部 > 第一開発部", "札幌"],
            ["c@example.com", "千葉", "品質保証部", ""],
        ]
    )
    refused = upload(admin_actor, data)
    assert codes(refused) == [
        (2, "department_unknown"),
        (2, "location_unknown"),
        (3, "department_unknown"),
        (3, "location_unknown"),
        (4, "department_unknown"),
    ]
    batch = upload(admin_actor, data, create_missing=True)
    assert batch.errors == []
    import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    first = Department.objects.get(organization=org, name="第一開発部")
    assert first.parent == head
    assert Department.objects.get(name="一課").parent == first
    assert Membership.objects.get(user__email="b@example.com").department == first
    assert Department.objects.get(name="品質保証部").parent is None
    assert Location.objects.filter(organization=org, name="札幌").count() == 1
    assert AuditEvent.objects.filter(action="department.created").count() == 3


def test_ambiguous_department_names_need_a_path(admin_actor, org):
    for parent_name in ("東京支社", "大阪支社"):
        parent = DepartmentFactory(organization=org, name=parent_name)
        DepartmentFactory(organization=org, name="営業課", parent=parent)
    data = csv_bytes(
        [
            ["email", "full_name", "department"],
            ["a@example.com", "安藤", "営業課"],
            ["b@example.com", "馬場", "大阪支社/営業課"],
        ]
    )
    batch = upload(admin_actor, data)
    assert codes(batch) == [(2, "department_ambiguous")]
    assert actions(batch)[3] == "create"


def test_roles_by_label_and_japanese_separators(admin_actor, org):
    LocationFactory(organization=org, name="本社", code="HQ")
    data = csv_bytes(
        [
            ["email", "full_name", "ロール", "拠点"],
            ["a@example.com", "安藤", "Curator、レビュアー; advocate", "hq"],
        ]
    )
    batch = upload(admin_actor, data)
    assert batch.errors == []
    import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    person = Membership.objects.get(user__email="a@example.com")
    assert person.role_set() == {Role.CURATOR, Role.REVIEWER, Role.ADVOCATE}
    assert person.location.code == "HQ"


def test_existing_sign_ins_are_reused(admin_actor, other_admin):
    email = other_admin.user.email
    batch = upload(admin_actor, csv_bytes([["email", "full_name"], [email.upper(), "他社 管理者"]]))
    assert actions(batch) == {2: "create"}
    import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    assert User.objects.filter(email__iexact=email).count() == 1
    assert other_admin.user.memberships.count() == 2


def test_a_cancelled_batch_cannot_be_applied(admin_actor):
    batch = upload(admin_actor, csv_bytes([["email", "full_name"], ["a@example.com", "安藤"]]))
    import_batch_cancel(actor=admin_actor, batch_id=batch.pk)
    with pytest.raises(DomainError) as exc:
        import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    assert exc.value.code == "import_cancelled"
    assert not User.objects.filter(email="a@example.com").exists()


def test_another_organizations_batch_is_not_found(admin_actor, other_admin):
    batch = upload(
        actor(other_admin), csv_bytes([["email", "full_name"], ["a@example.com", "安藤"]])
    )
    with pytest.raises(NotFound):
        import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    with pytest.raises(NotFound):
        import_batch_cancel(actor=admin_actor, batch_id=batch.pk)
    client = signed_in(Membership.objects.get(pk=admin_actor.membership.pk))
    url = reverse("accounts:import_preview", args=[batch.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"operation": "apply"}).status_code == 404
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.UPLOADED


def test_fifteen_hundred_rows_apply_in_one_go(admin_actor, org):
    """A 1,500-person company's first import, then the same file again (all unchanged)."""
    for i in range(20):
        DepartmentFactory(organization=org, name=f"第{i}部", code=f"D{i:02d}")
    rows = [["社員番号", "氏名", "フリガナ", "メールアドレス", "部署", "役職", "ロール"]]
    for i in range(1500):
        rows.append(
            [
                f"{i:05d}",
                f"社員 {i}号",
                f"シャイン {i}",
                f"staff{i}@mirai.example",
                f"D{i % 20:02d}",
                "",
                "",
            ]
        )
    make_person(org, employee_number="00007", user__email="staff7@mirai.example", title="係長")
    data = csv_bytes(rows, "cp932")
    started = time.monotonic()
    batch = upload(admin_actor, data)
    assert batch.errors == []
    assert batch.summary["create"] == 1499 and batch.summary["update"] == 1
    import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    assert Membership.objects.filter(organization=org).count() == 1500 + 1  # + the admin
    assert (
        RoleGrant.objects.filter(membership__organization=org, role=Role.ADVOCATE).count() == 1500
    )
    again = upload(admin_actor, data)
    assert again.summary["unchanged"] == 1500
    assert time.monotonic() - started < 60  # seconds on SQLite in practice; generous for CI


# --- Pages ----------------------------------------------------------------------------------------


def test_upload_preview_and_apply_pages(admin, admin_client, sales):
    page = admin_client.get(reverse("accounts:import"))
    assert page.status_code == 200
    assert reverse("accounts:import_template") in page.content.decode()
    data = csv_bytes([HEADER, ["sato@example.com", "1001", "佐藤 健", "営業部", "", ""]])
    response = admin_client.post(
        reverse("accounts:import"),
        {"file": io.BytesIO(data), "create_missing": ""},
        format="multipart",
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:import_preview", args=[batch.pk])
    preview = admin_client.get(response["Location"])
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "佐藤 健" in body and 'value="apply"' in body
    assert 'name="welcome"' in body
    applied = admin_client.post(response["Location"], {"operation": "apply"})
    assert applied.status_code == 302
    assert Membership.objects.filter(user__email="sato@example.com").exists()
    assert 'value="apply"' not in admin_client.get(response["Location"]).content.decode()


def test_the_preview_page_lists_problems_in_english_and_offers_no_apply(admin, admin_actor):
    batch = upload(admin_actor, csv_bytes([["email", "full_name"], ["bad", "x"]]))
    client = signed_in(admin, language="en")
    client.cookies["ouendan_language"] = "en"
    body = client.get(reverse("accounts:import_preview", args=[batch.pk])).content.decode()
    assert "Row 2: the e-mail address is not valid" in body
    assert 'value="apply"' not in body
    assert (
        client.post(
            reverse("accounts:import_preview", args=[batch.pk]), {"operation": "apply"}
        ).status_code
        == 302
    )
    assert not User.objects.filter(email="bad").exists()


def test_a_file_level_problem_is_shown_on_the_upload_form(admin_client):
    response = admin_client.post(
        reverse("accounts:import"), {"file": io.BytesIO(b"PK\x03\x04zip")}, format="multipart"
    )
    assert response.status_code == 400
    assert 'class="alert error"' in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_template_is_utf8_with_bom_and_imports_as_is(admin, admin_client, admin_actor):
    response = admin_client.get(reverse("accounts:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[0].startswith("メールアドレス")
    assert import_template_csv(language="en").decode("utf-8-sig").startswith("email,")
    batch = upload(admin_actor, content, create_missing=True)
    assert batch.errors == [] and batch.summary["create"] == 2


def test_import_pages_refuse_advocates(advocate):
    client = signed_in(advocate)
    for name in ("accounts:import", "accounts:import_template"):
        assert client.get(reverse(name)).status_code == 403


def test_recent_batches_are_listed(admin_client, admin_actor):
    upload(
        admin_actor, csv_bytes([["email", "full_name"], ["a@example.com", "安藤"]]), name="人事.csv"
    )
    assert "人事.csv" in admin_client.get(reverse("accounts:import")).content.decode()
    assert timezone.now()


# --- Welcome e-mails ------------------------------------------------------------------------------


def test_new_people_can_be_told_how_to_sign_in_once_in_their_language(
    immediate_tasks, admin_actor, other_admin, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    from ouendan.accounts.services.imports import import_welcome_send

    data = csv_bytes(
        [
            ["email", "full_name", "language"],
            ["new@example.com", "新人 一", "en"],
            [other_admin.user.email, "他社 管理者", ""],
        ]
    )
    batch = upload(admin_actor, data)
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_apply(actor=admin_actor, batch_id=batch.pk, welcome=True)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"new@example.com", other_admin.user.email}
    newcomer = by_address["new@example.com"]
    assert "added you to" in newcomer.body  # their language (en), whatever the active one
    assert "/accounts/password-reset/" in newcomer.body
    assert "/accounts/login/" in by_address[other_admin.user.email].body  # keeps their password
    assert import_welcome_send(batch_id=batch.pk) == 0  # at most once
    assert len(mail.outbox) == 2
    assert ImportBatch.objects.get(pk=batch.pk).summary["welcomed"] == 2


def test_no_welcome_unless_asked(
    immediate_tasks, admin_actor, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    batch = upload(admin_actor, csv_bytes([["email", "full_name"], ["a@example.com", "安藤"]]))
    with django_capture_on_commit_callbacks(execute=True):
        import_batch_apply(actor=admin_actor, batch_id=batch.pk)
    assert mail.outbox == []


def test_old_import_files_are_forgotten(admin_actor, settings):
    from datetime import timedelta

    from ouendan.accounts.services.imports import import_batches_prune
    from ouendan.accounts.tasks import import_batches_prune_task

    settings.IMPORT_RETENTION_DAYS = 30
    rows = [HEADER, ["keep@example.com", "", "保持 太郎", "", "", ""]]
    old = import_batch_create(
        actor=admin_actor, file=io.BytesIO(csv_bytes(rows)), file_name="old.csv"
    )
    fresh = import_batch_create(
        actor=admin_actor, file=io.BytesIO(csv_bytes(rows)), file_name="new.csv"
    )
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert import_batches_prune(now=timezone.now()) == 1
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert import_batches_prune_task.enqueue() is not None
