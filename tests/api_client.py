"""Calling the JSON API in tests: a bearer-token client, tokens for people, and the error check."""

from __future__ import annotations

import json
from datetime import timedelta
from itertools import count

from django.test import Client
from django.utils import timezone

from ouendan.accounts.crypto import secret_hash
from ouendan.accounts.models import ApiToken, Membership

_serial = count()


class Api:
    """A client that sends a bearer token and JSON bodies."""

    def __init__(self, raw: str) -> None:
        self.client = Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})

    def _send(self, method: str, path: str, body: object = None, **params: object):
        url = f"/api/v1{path}"
        if method == "get":
            return self.client.get(url, params)
        data = json.dumps(body if body is not None else {})
        return getattr(self.client, method)(url, data, content_type="application/json")

    def get(self, path: str, **params: object):
        return self._send("get", path, **params)

    def post(self, path: str, body: object = None):
        return self._send("post", path, body)

    def patch(self, path: str, body: object = None):
        return self._send("patch", path, body)

    def put(self, path: str, body: object = None):
        return self._send("put", path, body)

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}")


def token_for(membership: Membership, scopes: tuple[str, ...] = ("read", "write")) -> str:
    raw = f"oud_test-token-{next(_serial)}-{membership.pk}"
    ApiToken.objects.create(
        organization=membership.organization,
        kind=ApiToken.Kind.PERSONAL,
        membership=membership,
        name="tests",
        prefix=raw[:8],
        key_hash=secret_hash(raw),
        scopes=list(scopes),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return raw


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]
