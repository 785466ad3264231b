"""The compose API: the measure contract, the network list, validation and authentication."""

from __future__ import annotations

from django.test import Client

from tests.conftest import signed_in

MEASURE = "/api/v1/compose/measure"


def test_measure_answers_the_documented_shape(advocate):
    text = "新卒説明会を開催します https://example.co.jp/recruit"  # 11 × 2 + 1 + 23
    response = signed_in(advocate).post(
        MEASURE, {"text": text, "network": "x"}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("network", "length", "limit", "ok")} == {
        "network": "x",
        "length": 46,
        "limit": 280,
        "ok": True,
    }
    assert body["unit"] == "weighted" and body["remaining"] == 234 and body["problems"] == []


def test_a_problem_is_explained(advocate):
    response = signed_in(advocate, language="en").post(
        MEASURE, {"text": "あ" * 141, "network": "x"}, content_type="application/json"
    )
    body = response.json()
    assert body["ok"] is False and body["problems"][0]["code"] == "too_long"
    assert body["problems"][0]["message"]


def test_unknown_networks_and_huge_texts_are_refused(advocate):
    client = signed_in(advocate)
    unknown = client.post(
        MEASURE, {"text": "x", "network": "myspace"}, content_type="application/json"
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "invalid"
    huge = client.post(
        MEASURE, {"text": "x" * 10_001, "network": "x"}, content_type="application/json"
    )
    assert huge.status_code == 422


def test_the_network_list_covers_every_network(advocate):
    networks = signed_in(advocate).get("/api/v1/compose/networks").json()
    by_name = {item["network"]: item for item in networks}
    assert set(by_name) == {
        "x",
        "linkedin",
        "facebook",
        "instagram",
        "threads",
        "bluesky",
        "mastodon",
        "line",
    }
    assert by_name["x"]["limit"] == 280 and by_name["mastodon"]["urls_count"] == 23
    assert by_name["instagram"]["hashtag_limit"] == 5


def test_signed_out_callers_get_401(db):
    response = Client().post(
        MEASURE, {"text": "x", "network": "x"}, content_type="application/json"
    )
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
