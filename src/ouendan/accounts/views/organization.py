"""Placeholder: pages are being written."""

from django.http import Http404, HttpRequest, HttpResponse


def settings_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def departments(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def department_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def locations(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
