"""Placeholder: pages are being written."""

from django.http import Http404, HttpRequest, HttpResponse


def login_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def logout_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def two_factor_verify(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def security(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def password_change(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def two_factor_setup(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def two_factor_disable(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def recovery_codes(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def password_reset_request(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def password_reset_sent(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def password_reset_confirm(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def organization_switch(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
