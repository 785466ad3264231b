"""Placeholder: pages are being written."""

from django.http import Http404, HttpRequest, HttpResponse


def audit_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
