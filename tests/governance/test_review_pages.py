"""Review and workflow pages: the review panel and page of an item (stage, who, when, what
changed), deciding from the page, the reviewer's queue, and keeping workflows."""

from __future__ import annotations

import pytest

from ouendan.accounts.roles import Role
from ouendan.content.services.items import ContentData, content_submit, content_update
from ouendan.governance.models import Workflow, WorkflowStage
from ouendan.governance.services.workflows import StageData, WorkflowData, workflow_create
from tests.conftest import signed_in
from tests.content.conftest import decide, draft
from tests.factories import DepartmentFactory, actor, make_person

HTMX = {"HX-Request": "true"}


@pytest.fixture
def pm(org):
    return make_person(org, roles=[Role.PROGRAM_MANAGER], full_name="広報 美咲")


@pytest.fixture
def legal(org):
    return make_person(org, roles=[Role.REVIEWER], full_name="法務 健")


@pytest.fixture
def workflow(pm) -> Workflow:
    return workflow_create(
        actor=actor(pm),
        data=WorkflowData(
            name="広報 → 法務",
            stages=[
                StageData(name="広報", role=Role.PROGRAM_MANAGER),
                StageData(name="法務", role=Role.REVIEWER, sla_hours=24),
            ],
        ),
    )


def submitted(curator_actor, title="新卒採用説明会を開催します"):
    item = draft(curator_actor, title)
    return content_submit(actor=curator_actor, content_id=item.pk)


def test_the_panel_shows_the_stage_who_and_when(workflow, pm, legal, curator, curator_actor):
    item = submitted(curator_actor)
    decide(actor=actor(pm), content_id=item.pk, decision="approve")
    panel = (
        signed_in(curator, language="en")
        .get(f"/governance/reviews/{item.pk}/panel/", headers=HTMX)
        .content.decode()
    )
    assert "広報 → 法務" in panel
    assert 'class="stage stage-done"' in panel and "広報 美咲" in panel
    assert 'class="stage stage-current"' in panel and "Waiting" in panel
    assert "Your decision" not in panel  # the curator is not a reviewer of 法務
    legal_panel = (
        signed_in(legal, language="en")
        .get(f"/governance/reviews/{item.pk}/panel/", headers=HTMX)
        .content.decode()
    )
    assert "Your decision on stage 2" in legal_panel
    page = signed_in(legal).get(f"/governance/reviews/{item.pk}/").content.decode()
    assert "審査" in page or "レビュー" in page
    assert (
        signed_in(legal).get(f"/governance/reviews/{item.pk}/panel/").status_code == 302
    )  # not htmx: the page itself


def test_deciding_from_the_page(workflow, pm, legal, curator_actor):
    item = submitted(curator_actor)
    client = signed_in(pm, language="en")
    refused = client.post(
        f"/governance/reviews/{item.pk}/decide/",
        {"decision": "changes", "comment": "", "version": item.version},
        follow=True,
    )
    assert "Say what should change" in refused.content.decode()
    client.post(
        f"/governance/reviews/{item.pk}/decide/",
        {"decision": "approve", "version": item.version},
    )
    response = signed_in(legal, language="en").post(
        f"/governance/reviews/{item.pk}/decide/",
        {"decision": "changes", "comment": "出典を追記してください", "version": item.version},
        follow=True,
    )
    assert "Sent back to the curator" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "draft" and item.review_comment == "出典を追記してください"


def test_the_panel_links_what_changed_since_the_approval(workflow, pm, legal, curator_actor):
    item = submitted(curator_actor)
    decide(actor=actor(pm), content_id=item.pk, decision="approve")
    decide(actor=actor(legal), content_id=item.pk, decision="approve")
    content_update(actor=curator_actor, content_id=item.pk, data=ContentData(title="変更後"))
    item.refresh_from_db()
    panel = (
        signed_in(pm, language="en")
        .get(f"/governance/reviews/{item.pk}/panel/", headers=HTMX)
        .content.decode()
    )
    assert "What changed since the last approval" in panel
    assert f"?version={item.version}&amp;against={item.approved_version}" in panel
    history = signed_in(pm).get(
        f"/content/{item.pk}/history/",
        {"version": item.version, "against": item.approved_version},
    )
    assert "変更後" in history.content.decode()


def test_the_queue_lists_whats_waiting_and_has_an_empty_state(
    org, workflow, pm, legal, curator_actor, django_assert_max_num_queries
):
    client = signed_in(legal, language="en")
    assert "Nothing waits for you" in client.get("/governance/reviews/").content.decode()
    items = [submitted(curator_actor, f"記事{n}") for n in range(3)]
    for item in items:
        decide(actor=actor(pm), content_id=item.pk, decision="approve")
    page = client.get("/governance/reviews/").content.decode()
    assert all(f"記事{n}" in page for n in range(3))
    for n in range(3, 8):
        decide(
            actor=actor(pm), content_id=submitted(curator_actor, f"記事{n}").pk, decision="approve"
        )
    with django_assert_max_num_queries(14):
        page = client.get("/governance/reviews/").content.decode()
    assert page.count("2. 法務") == 8
    assert "記事0" not in signed_in(pm).get("/governance/reviews/").content.decode()


def test_adding_a_workflow_on_its_page(org, pm):
    dept = DepartmentFactory(organization=org, name="法務部")
    client = signed_in(pm, language="en")
    assert "No workflow yet" in client.get("/governance/workflows/").content.decode()
    form = client.get("/governance/workflows/new/").content.decode()
    assert form.count('class="field stage-fields"') == 2
    row = client.get("/governance/workflows/stage-row/", {"index": 2}, headers=HTMX)
    assert 'name="stages-2-name"' in row.content.decode()
    assert 'name="stages-TOTAL_FORMS" value="3"' in row.content.decode()
    response = client.post(
        "/governance/workflows/new/",
        {
            "name": "広報 → 法務",
            "scope": "",
            "active": "on",
            "stages-TOTAL_FORMS": "3",
            "stages-INITIAL_FORMS": "0",
            "stages-0-name": "広報",
            "stages-0-role": "program_manager",
            "stages-0-sla_hours": "24",
            "stages-1-name": "法務",
            "stages-1-role": "reviewer",
            "stages-1-department": str(dept.pk),
            "stages-1-sla_hours": "48",
            "stages-2-name": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    workflow = Workflow.objects.get()
    assert [
        (s.name, s.reviewer_role, s.department_id, s.sla_hours) for s in workflow.stages.all()
    ] == [("広報", "program_manager", None, 24), ("法務", "reviewer", dept.pk, 48)]
    listing = client.get("/governance/workflows/").content.decode()
    assert "広報 → 法務" in listing and "法務部" in listing


def test_named_reviewers_by_address_and_errors_on_the_form(org, pm, legal, workflow):
    client = signed_in(pm, language="en")
    base = {
        "name": "広報 → 法務",
        "scope": "",
        "active": "on",
        "stages-TOTAL_FORMS": "1",
        "stages-INITIAL_FORMS": "0",
        "stages-0-name": "法務",
        "stages-0-sla_hours": "48",
    }
    unknown = client.post(
        f"/governance/workflows/{workflow.pk}/", base | {"stages-0-emails": "nobody@x.example"}
    )
    assert unknown.status_code == 200 and "Not a member here" in unknown.content.decode()
    assert [s.name for s in workflow.stages.all()] == ["広報", "法務"]
    saved = client.post(
        f"/governance/workflows/{workflow.pk}/", base | {"stages-0-emails": legal.user.email}
    )
    assert saved.status_code == 302
    stage = WorkflowStage.objects.get(workflow=workflow)
    assert list(stage.reviewers.all()) == [legal]
    clash = client.post("/governance/workflows/new/", base | {"name": "二つ目の既定"})
    assert clash.status_code == 200
    assert "already covers that topic or campaign" in clash.content.decode()
    assert Workflow.objects.count() == 1


def test_removing_a_workflow(pm, workflow):
    client = signed_in(pm, language="en")
    response = client.post(f"/governance/workflows/{workflow.pk}/delete/", follow=True)
    assert "Workflow removed" in response.content.decode()
    assert not Workflow.objects.exists()


def test_the_workflows_list_has_a_constant_query_count(org, pm, django_assert_max_num_queries):
    for n in range(6):
        workflow_create(
            actor=actor(pm),
            data=WorkflowData(
                name=f"フロー{n}",
                active=n == 0,
                stages=[StageData(name="広報"), StageData(name="法務", role=Role.REVIEWER)],
            ),
        )
    client = signed_in(pm)
    with django_assert_max_num_queries(12):
        page = client.get("/governance/workflows/").content.decode()
    assert all(f"フロー{n}" in page for n in range(6))


def test_workflow_pages_are_for_program_managers_and_admins(org, workflow, curator, legal):
    for person in (curator, legal, make_person(org)):
        client = signed_in(person)
        assert client.get("/governance/workflows/").status_code == 403
        assert client.get(f"/governance/workflows/{workflow.pk}/").status_code == 403
        assert client.post(f"/governance/workflows/{workflow.pk}/delete/").status_code == 403
    assert Workflow.objects.count() == 1


def test_after_a_resubmission_the_panel_keeps_earlier_reviews_and_the_diff(
    workflow, pm, curator_actor
):
    item = submitted(curator_actor)
    read = item.version
    decide(actor=actor(pm), content_id=item.pk, decision="changes", comment="日付が違います")
    content_update(actor=curator_actor, content_id=item.pk, data=ContentData(title="日付を修正"))
    content_submit(actor=curator_actor, content_id=item.pk)
    item.refresh_from_db()
    panel = (
        signed_in(pm, language="en")
        .get(f"/governance/reviews/{item.pk}/panel/", headers=HTMX)
        .content.decode()
    )
    assert "Earlier reviews" in panel and "日付が違います" in panel
    assert f"What changed since version {read} was reviewed" in panel
    assert f"?version={item.version}&amp;against={read}" in panel
