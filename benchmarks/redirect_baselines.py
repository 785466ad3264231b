"""The two baselines ``redirect.py`` measures ours against, served by granian like ours.

- ``bare_app``: the least Python can do on this machine for a tracked link, a bare ASGI app
  answering the same 302 from a dict (no lookup, no capture): the ceiling.
- ``urlpatterns`` (with ``DJANGO_SETTINGS_MODULE=redirect_baselines``): the obvious way to write
  the redirect, a plain Django view behind the project's own middleware that looks the code up
  through Django's cache (the database on a miss) and redirects, recording nothing.
"""

from __future__ import annotations

import os

from ouendan.settings import *  # noqa: F403 - the project's settings, with one URL

LOCATION = os.environ.get("BENCH_LOCATION", "https://www.example.co.jp/").encode()
ROOT_URLCONF = "redirect_baselines"


async def bare_app(scope: dict, receive: object, send: object) -> None:
    if scope["type"] != "http":
        return
    await send(  # type: ignore[operator]
        {
            "type": "http.response.start",
            "status": 302,
            "headers": [
                (b"location", LOCATION),
                (b"cache-control", b"no-store"),
                (b"content-length", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})  # type: ignore[operator]


def _view(request, code):  # type: ignore[no-untyped-def]
    from django.core.cache import cache
    from django.http import Http404, HttpResponseRedirect

    from ouendan.tracking.models import TrackedLink

    destination = cache.get(f"bench:{code}")
    if destination is None:
        destination = (
            TrackedLink.objects.filter(code=code).values_list("destination", flat=True).first()
        )
        if destination is None:
            raise Http404
        cache.set(f"bench:{code}", destination, 300)
    response = HttpResponseRedirect(destination)
    response["Cache-Control"] = "no-store"
    return response


def _urls() -> list:
    from django.urls import path

    return [path("r/<str:code>", _view)]


urlpatterns = _urls() if os.environ.get("DJANGO_SETTINGS_MODULE") == "redirect_baselines" else []
