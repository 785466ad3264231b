"""Placeholder: pages are being written."""

from django.http import Http404, HttpRequest, HttpResponse


def personal_tokens(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def token_revoke(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def organization_tokens(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
