"""``/r/<code>`` when Django serves it (see ``tracking.views``)."""

from django.urls import path

from ouendan.tracking.views import tracked_link_redirect

app_name = "tracking"

urlpatterns = [path("<str:code>", tracked_link_redirect, name="redirect")]
