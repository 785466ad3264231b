"""Conversions: the snippet and its collection endpoint (public, at the site's root, short
because they sit in the company's pages) and the settings page under ``/conversions/``."""

from django.urls import path

from ouendan.tracking.views import settings, snippet

app_name = "conversions"

urlpatterns = [
    path("t.js", snippet.snippet_js, name="snippet"),
    path("t/c", snippet.conversion_collect, name="collect"),
    path("conversions/", settings.conversions_page, name="settings"),
    path("conversions/settings/", settings.settings_update_view, name="settings_update"),
    path("conversions/secret/", settings.secret_rotate_view, name="secret_rotate"),
    path("conversions/types/", settings.type_create_view, name="type_create"),
    path(
        "conversions/types/<int:conversion_type_id>/",
        settings.type_update_view,
        name="type_update",
    ),
]
