"""The API contract: ``/api/v1/openapi.json`` is a valid OpenAPI 3 document that names the public
paths, documents the one error schema, and guards every operation; the docs page stays on-site."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

METHODS = ("get", "post", "put", "patch", "delete")

# The public contract, (path, method) → written yet? Flip to True when an endpoint lands; a True
# entry that disappears fails, a False one that is missing is reported as skipped.
CONTRACT: dict[tuple[str, str], bool] = {
    ("/api/v1/me", "get"): True,
    ("/api/v1/auth/token", "post"): True,
    ("/api/v1/people", "get"): True,
    ("/api/v1/departments", "get"): True,
    ("/api/v1/people", "post"): True,
    ("/api/v1/people/{person_id}", "patch"): True,
    ("/api/v1/departments", "post"): True,
    ("/api/v1/compose/measure", "post"): True,
    ("/api/v1/content", "get"): True,
    ("/api/v1/content", "post"): True,
    ("/api/v1/content/{content_id}", "get"): True,
    ("/api/v1/content/{content_id}", "patch"): True,
    ("/api/v1/content/{content_id}/submit", "post"): True,
    ("/api/v1/content/{content_id}/archive", "post"): True,
    ("/api/v1/content/{content_id}/variants", "get"): True,
    ("/api/v1/content/{content_id}/variants", "post"): True,
    ("/api/v1/content/{content_id}/variants/{variant_id}", "patch"): True,
    ("/api/v1/content/{content_id}/variants/{variant_id}", "delete"): True,
    ("/api/v1/content/preview", "post"): True,
    ("/api/v1/campaigns", "get"): True,
    ("/api/v1/campaigns", "post"): True,
    ("/api/v1/campaigns/{campaign_id}", "patch"): True,
    ("/api/v1/sources", "get"): True,
    ("/api/v1/sources", "post"): True,
    ("/api/v1/sources/{source_id}", "patch"): True,
    ("/api/v1/suggestions", "get"): True,
    ("/api/v1/suggestions", "post"): True,
    ("/api/v1/suggestions/{suggestion_id}/accept", "post"): True,
    ("/api/v1/suggestions/{suggestion_id}/decline", "post"): True,
    ("/api/v1/topics", "get"): True,
    ("/api/v1/topics", "post"): True,
    ("/api/v1/compliance/scan", "post"): True,
    ("/api/v1/policy", "get"): True,
    ("/api/v1/policy/acknowledge", "post"): True,
    ("/api/v1/content/{content_id}/review", "get"): True,
    ("/api/v1/content/{content_id}/approve", "post"): True,
    ("/api/v1/content/{content_id}/request-changes", "post"): True,
    ("/api/v1/content/{content_id}/reject", "post"): True,
    ("/api/v1/reviews", "get"): True,
    ("/api/v1/workflows", "get"): True,
    ("/api/v1/workflows", "post"): True,
    ("/api/v1/workflows/{workflow_id}", "patch"): True,
    ("/api/v1/crisis-pause", "get"): True,
    ("/api/v1/crisis-pause", "post"): True,
    ("/api/v1/crisis-pause/resume", "post"): True,
    ("/api/v1/compliance/settings", "get"): True,
    ("/api/v1/feed", "get"): True,
    ("/api/v1/content/{content_id}/shares", "post"): True,
    ("/api/v1/shares", "get"): True,
    ("/api/v1/shares/{share_id}", "get"): True,
    ("/api/v1/shares/{share_id}/confirm", "post"): True,
    ("/api/v1/shares/{share_id}/metrics", "put"): True,
    ("/api/v1/me/audience", "get"): True,
    ("/api/v1/me/audience", "put"): True,
    ("/api/v1/connected-accounts", "get"): True,
    ("/api/v1/connected-accounts/bluesky", "post"): True,
    ("/api/v1/connected-accounts/{network}/authorize", "post"): True,
    ("/api/v1/connected-accounts/{account_id}", "delete"): True,
    ("/api/v1/scheduled-posts", "get"): True,
    ("/api/v1/scheduled-posts", "post"): True,
    ("/api/v1/scheduled-posts/suggest-time", "get"): True,
    ("/api/v1/scheduled-posts/{post_id}", "get"): True,
    ("/api/v1/scheduled-posts/{post_id}", "patch"): True,
    ("/api/v1/scheduled-posts/{post_id}/cancel", "post"): True,
    ("/api/v1/scheduled-posts/{post_id}/retry", "post"): True,
    ("/api/v1/posting-settings", "get"): True,
    ("/api/v1/posting-settings", "put"): True,
    ("/api/v1/network-apps", "get"): True,
    ("/api/v1/network-apps/{network}", "put"): True,
    ("/api/v1/network-apps/{network}", "delete"): True,
    ("/api/v1/me/points", "get"): True,
    ("/api/v1/me/badges", "get"): True,
    ("/api/v1/me/appearance", "get"): True,
    ("/api/v1/me/appearance", "put"): True,
    ("/api/v1/leaderboard", "get"): True,
    ("/api/v1/point-rules", "get"): True,
    ("/api/v1/point-rules", "put"): True,
    ("/api/v1/point-rules/versions", "get"): True,
    ("/api/v1/point-entries", "get"): True,
    ("/api/v1/point-entries/{entry_id}/confirm", "post"): True,
    ("/api/v1/point-entries/{entry_id}/reverse", "post"): True,
    ("/api/v1/point-adjustments", "post"): True,
    # Conversions (issue 7): reported by the company's site; types and settings by the program.
    ("/api/v1/conversions", "post"): True,
    ("/api/v1/conversion-types", "get"): True,
    ("/api/v1/conversion-types", "post"): True,
    ("/api/v1/conversion-types/{conversion_type_id}", "patch"): True,
    ("/api/v1/tracking-settings", "get"): True,
    ("/api/v1/tracking-settings", "put"): True,
    ("/api/v1/tracking-settings/signing-secret", "post"): True,
    # Measure and report (issue 7)
    ("/api/v1/analytics/summary", "get"): True,
    ("/api/v1/analytics/trend", "get"): True,
    ("/api/v1/analytics/rankings/{by}", "get"): True,
    ("/api/v1/analytics/export/{table}", "get"): True,
    ("/api/v1/analytics/reports", "get"): True,
    ("/api/v1/analytics/reports", "post"): True,
    ("/api/v1/analytics/reports/{report_id}", "get"): True,
    ("/api/v1/analytics/reports/{report_id}/pdf", "get"): True,
    ("/api/v1/analytics/report-schedule", "get"): True,
    ("/api/v1/analytics/report-schedule", "put"): True,
    ("/api/v1/analytics/goals", "get"): True,
    ("/api/v1/analytics/goals", "post"): True,
    ("/api/v1/analytics/goals/{goal_id}", "get"): True,
    ("/api/v1/analytics/goals/{goal_id}", "patch"): True,
    ("/api/v1/analytics/goals/{goal_id}", "delete"): True,
    ("/api/v1/analytics/roi", "get"): True,
    ("/api/v1/analytics/settings", "get"): True,
    ("/api/v1/analytics/settings", "put"): True,
    # Contests, rewards and recognition (issue 8)
    ("/api/v1/contests", "get"): True,
    ("/api/v1/contests", "post"): True,
    ("/api/v1/contests/{contest_id}", "get"): True,
    ("/api/v1/contests/{contest_id}", "patch"): True,
    ("/api/v1/contests/{contest_id}/cancel", "post"): True,
    ("/api/v1/contests/{contest_id}/join", "post"): True,
    ("/api/v1/contests/{contest_id}/leave", "post"): True,
    ("/api/v1/contests/{contest_id}/standings", "get"): True,
    ("/api/v1/rewards", "get"): True,
    ("/api/v1/rewards", "post"): True,
    ("/api/v1/rewards/{reward_id}", "get"): True,
    ("/api/v1/rewards/{reward_id}", "patch"): True,
    ("/api/v1/rewards/{reward_id}/redeem", "post"): True,
    ("/api/v1/me/redemptions", "get"): True,
    ("/api/v1/redemptions", "get"): True,
    ("/api/v1/redemptions/{redemption_id}/approve", "post"): True,
    ("/api/v1/redemptions/{redemption_id}/reject", "post"): True,
    ("/api/v1/redemptions/{redemption_id}/cancel", "post"): True,
    ("/api/v1/reward-budgets", "get"): True,
    ("/api/v1/reward-budgets", "post"): True,
    ("/api/v1/reward-budgets/{budget_id}", "patch"): True,
    ("/api/v1/shout-outs", "get"): True,
    ("/api/v1/shout-outs", "post"): True,
    ("/api/v1/announcements", "get"): True,
    ("/api/v1/highlights", "get"): True,
}

# Operations anyone may call without credentials, with the reason.
PUBLIC_OPERATIONS: dict[tuple[str, str], str] = {
    ("/api/v1/auth/token", "post"): "exchanges an e-mail and password for a token",
}


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith("#/"), f"only local references are expected, got {ref}"
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        assert part in node, f"dangling reference {ref}"
        node = node[part]
    return node


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def is_error_schema(document: dict[str, Any], schema: dict[str, Any]) -> bool:
    """``{"error": {"code", "message", "fields"}}``, whatever the component is called."""
    if "$ref" in schema:
        schema = resolve(document, schema["$ref"])
    error = schema.get("properties", {}).get("error")
    if not error:
        return False
    if "$ref" in error:
        error = resolve(document, error["$ref"])
    return {"code", "message", "fields"} <= set(error.get("properties", {}))


def error_schemas(document: dict[str, Any]) -> list[str]:
    schemas = document.get("components", {}).get("schemas", {})
    return [name for name, schema in schemas.items() if is_error_schema(document, schema)]


def test_the_document_is_openapi_3(document):
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    assert document["paths"], "no paths"
    assert all(path.startswith("/api/v1/") for path in document["paths"])


def test_every_reference_resolves(document):
    for ref in refs(document):
        resolve(document, ref)


def test_operation_ids_are_unique(document):
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("path", "method"), list(CONTRACT), ids=[f"{m.upper()} {p}" for p, m in CONTRACT]
)
def test_the_public_contract_is_listed(document, path, method):
    listed = path in document["paths"] and method in document["paths"][path]
    if CONTRACT[(path, method)]:
        assert listed, f"{method.upper()} {path} is part of the public contract"
    elif not listed:
        pytest.skip(f"{method.upper()} {path} is not written yet")


def test_only_the_listed_operations_are_public(document):
    public = {
        (path, method)
        for path, method, operation in operations(document)
        if not operation.get("security")
    }
    assert public <= set(PUBLIC_OPERATIONS), (
        f"operations without authentication: {sorted(public - set(PUBLIC_OPERATIONS))} — add "
        "auth, or list them in PUBLIC_OPERATIONS with a reason"
    )


def test_every_guarded_operation_refuses_an_anonymous_caller_with_the_error_schema(
    document, client
):
    checked = 0
    for path, method, operation in operations(document):
        if not operation.get("security"):
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, "{}", content_type="application/json")
        assert response.status_code == 401, f"{method.upper()} {path}: {response.status_code}"
        body = response.json()
        assert set(body) == {"error"}, body
        assert body["error"]["code"] == "unauthenticated"
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]
        assert body["error"]["fields"] == {}
        checked += 1
    assert checked >= 1


def test_components_include_the_error_schema(document):
    if not error_schemas(document):
        pytest.skip(
            "the API declares no error responses: no {error: {code, message, fields}} schema "
            "in components (operations use response={200: …} only)"
        )
    assert error_schemas(document)


def test_every_operation_documents_its_4xx_errors(document):
    if not error_schemas(document):
        pytest.skip("the API declares no error responses yet (see the test above)")
    missing = []
    for path, method, operation in operations(document):
        documented = [
            status
            for status, response in operation.get("responses", {}).items()
            if status.startswith("4")
            and any(
                is_error_schema(document, media.get("schema", {}))
                for media in response.get("content", {}).values()
            )
        ]
        if not documented:
            missing.append(f"{method.upper()} {path}")
    assert not missing, f"operations without a documented 4xx error schema: {missing}"


class _Resources(HTMLParser):
    """Every URL a page asks the browser to load (scripts, styles, images, frames, icons)."""

    ATTRS = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = self.ATTRS.get(tag)
        for name, value in attrs:
            if value and (name == wanted or name == "srcset"):
                self.urls.append(value)
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline.append(data)


def test_the_docs_page_loads_nothing_from_outside_the_site(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = _Resources()
    page.feed(response.content.decode())
    assert page.urls, "the docs page loads no script or style at all?"
    outside = [u for u in page.urls if re.match(r"^(https?:)?//", u)]
    assert not outside, f"the docs page loads from outside the site: {outside}"
    in_scripts = [u for text in page.inline for u in re.findall(r"(?:https?:)?//[^\s\"']+", text)]
    assert not in_scripts, f"inline scripts/settings point outside the site: {in_scripts}"
    # What it loads is shipped with an installed package, found by the static files finders.
    for url in page.urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not an installed asset"
