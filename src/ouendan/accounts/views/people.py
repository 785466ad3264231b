"""Placeholder: pages are being written."""

from django.http import Http404, HttpRequest, HttpResponse


def people_list_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def person_create_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def person_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def person_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def person_offboard_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def person_reinstate_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
