"""Reviews and workflows over the API: an item's review, deciding a stage, the queue, and the
workflows themselves (program managers and org admins)."""

from __future__ import annotations

import pytest

from ouendan.accounts.roles import Role
from ouendan.content.models import Topic
from ouendan.content.services.items import ContentData, content_submit, content_update
from ouendan.governance.models import Workflow
from ouendan.governance.services.workflows import StageData, WorkflowData, workflow_create
from tests.api_client import Api, assert_error, token_for
from tests.content.conftest import draft
from tests.factories import DepartmentFactory, actor, make_person


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
                StageData(name="法務", role=Role.REVIEWER),
            ],
        ),
    )


def submitted(curator_actor, title="新卒採用説明会を開催します"):
    item = draft(curator_actor, title)
    return content_submit(actor=curator_actor, content_id=item.pk)


def test_the_review_shows_stages_decisions_and_who_may_decide(
    workflow, pm, legal, curator, curator_actor
):
    item = submitted(curator_actor)
    body = Api(token_for(curator)).get(f"/content/{item.pk}/review").json()
    assert body["status"] == "open" and body["workflow"] == "広報 → 法務"
    assert [(s["name"], s["state"]) for s in body["stages"]] == [
        ("広報", "current"),
        ("法務", "waiting"),
    ]
    assert body["can_decide"] is False and body["stage"] == 1
    approved = (
        Api(token_for(pm)).post(f"/content/{item.pk}/approve", {"version": item.version}).json()
    )
    assert approved["stage"] == 2
    assert approved["stages"][0]["state"] == "done"
    assert approved["stages"][0]["decided_by"] == "広報 美咲"
    asked = Api(token_for(legal)).post(
        f"/content/{item.pk}/request-changes", {"comment": "根拠を追記してください"}
    )
    assert asked.status_code == 200, asked.content
    assert asked.json()["status"] == "changes_requested"
    assert asked.json()["content_status"] == "draft"
    assert asked.json()["decisions"][-1]["comment"] == "根拠を追記してください"
    item.refresh_from_db()
    assert item.status == "draft"
    content_update(actor=curator_actor, content_id=item.pk, data=ContentData(title="根拠つき"))
    content_submit(actor=curator_actor, content_id=item.pk)
    again = Api(token_for(curator)).get(f"/content/{item.pk}/review").json()
    assert (again["status"], again["stage"], again["decisions"]) == ("open", 1, [])
    assert [(d["stage_name"], d["decision"]) for d in again["earlier"]] == [
        ("法務", "changes"),
        ("広報", "approve"),
    ]
    assert again["compare_version"] == item.version


def test_deciding_errors_have_codes(workflow, pm, legal, curator, curator_actor):
    item = submitted(curator_actor)
    assert_error(Api(token_for(legal)).post(f"/content/{item.pk}/approve"), 403)
    assert_error(
        Api(token_for(pm)).post(f"/content/{item.pk}/approve", {"version": 99}),
        409,
        "version_changed",
    )
    assert_error(Api(token_for(pm)).post(f"/content/{item.pk}/reject", {"comment": " "}), 400)
    assert_error(Api(token_for(pm)).post(f"/content/{item.pk}/request-changes", {}), 422)
    assert_error(Api(token_for(pm)).post("/content/999999/approve"), 404)
    rejected = Api(token_for(pm)).post(f"/content/{item.pk}/reject", {"comment": "時期尚早"})
    assert rejected.json()["status"] == "rejected"
    assert_error(Api(token_for(pm)).post(f"/content/{item.pk}/approve"), 409, "invalid_status")


def test_the_queue_lists_what_the_caller_may_decide(workflow, pm, legal, curator_actor):
    first = submitted(curator_actor, "一つ目")
    second = submitted(curator_actor, "二つ目")
    Api(token_for(pm)).post(f"/content/{first.pk}/approve")
    mine = Api(token_for(pm)).get("/reviews").json()
    assert [row["content_id"] for row in mine["items"]] == [second.pk]
    legal_queue = Api(token_for(legal)).get("/reviews", page_size=1).json()
    assert legal_queue["count"] == 1
    assert legal_queue["items"][0] | {"waiting_since": None} == {
        "content_id": first.pk,
        "title": "一つ目",
        "stage": 2,
        "stage_name": "法務",
        "version": first.version,
        "waiting_since": None,
        "overdue": False,
    }


def test_workflows_are_kept_over_the_api(org, pm, legal):
    api = Api(token_for(pm))
    dept = DepartmentFactory(organization=org, name="法務部")
    topic = Topic.objects.create(organization=org, name="IR")
    created = api.post(
        "/workflows",
        {
            "name": "IRの確認",
            "topic_id": topic.pk,
            "stages": [
                {"name": "広報", "role": "program_manager", "sla_hours": 12},
                {"name": "法務", "role": "reviewer", "department_id": dept.pk},
                {"name": "役員", "reviewer_ids": [legal.pk]},
            ],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["scope"] == "topic" and body["topic_id"] == topic.pk
    assert [(s["position"], s["name"], s["sla_hours"]) for s in body["stages"]] == [
        (1, "広報", 12),
        (2, "法務", 48),
        (3, "役員", 48),
    ]
    assert body["stages"][1]["department"] == "法務部"
    assert body["stages"][2]["reviewer_ids"] == [legal.pk]
    changed = api.patch(f"/workflows/{body['id']}", {"name": "IR", "active": False}).json()
    assert (changed["name"], changed["active"], len(changed["stages"])) == ("IR", False, 3)
    moved = api.patch(f"/workflows/{body['id']}", {"topic_id": None}).json()
    assert moved["scope"] == "default"
    listed = api.get("/workflows").json()
    assert [row["name"] for row in listed["items"]] == ["IR"]
    assert api.get(f"/workflows/{body['id']}").json()["name"] == "IR"
    assert api.delete(f"/workflows/{body['id']}").status_code == 204
    assert_error(api.get(f"/workflows/{body['id']}"), 404)


def test_workflow_input_is_checked(org, pm, workflow):
    api = Api(token_for(pm))
    assert_error(api.post("/workflows", {"name": "空", "stages": []}), 422)
    assert_error(api.post("/workflows", {"name": "x", "stages": [{"name": " "}]}), 400)
    assert_error(
        api.post("/workflows", {"name": "x", "stages": [{"name": "a", "role": "boss"}]}), 400
    )
    assert_error(
        api.post("/workflows", {"name": "x", "stages": [{"name": "a", "reviewer_ids": [999999]}]}),
        404,
    )
    advocate = make_person(org, full_name="社員 一郎")
    cannot_read = api.post(
        "/workflows", {"name": "x", "stages": [{"name": "a", "reviewer_ids": [advocate.pk]}]}
    )
    assert "社員 一郎" in assert_error(cannot_read, 400, "reviewer_cannot_read")["message"]
    taken = api.post("/workflows", {"name": "別の既定", "stages": [{"name": "確認"}]})
    assert_error(taken, 409, "conflict")
    assert Workflow.objects.count() == 1


def test_only_program_managers_and_admins_keep_workflows(org, workflow, curator, legal):
    for person in (curator, legal, make_person(org)):
        api = Api(token_for(person))
        assert_error(api.get("/workflows"), 403)
        assert_error(api.post("/workflows", {"name": "x", "stages": [{"name": "a"}]}), 403)
        assert_error(api.delete(f"/workflows/{workflow.pk}"), 403)
    assert Workflow.objects.count() == 1
