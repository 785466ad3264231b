"""Placeholder: pages are being written."""

from django.http import Http404, HttpRequest, HttpResponse


def invitation_list_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def invitation_revoke_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def invitation_resend_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def invitation_accept_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
