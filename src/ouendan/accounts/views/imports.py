"""Placeholder: pages are being written."""

from django.http import Http404, HttpRequest, HttpResponse


def import_upload(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def import_preview(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def import_template(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
