"""Every URL of Ouendan. Each app's pages live under its own prefix."""

from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from ouendan import views
from ouendan.api import api
from ouendan.core import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("accounts/", include("ouendan.accounts.urls")),
    path("content/", include("ouendan.content.urls")),
    path("governance/", include("ouendan.governance.urls")),
    path("feed/", include("ouendan.sharing.urls")),
    path("connected/", include("ouendan.integrations.urls")),
    path("engagement/", include("ouendan.engagement.urls")),
    path("analytics/", include("ouendan.analytics.urls")),
    # Answered by tracking.redirect in front of Django when served over ASGI; this is the
    # same for WSGI servers and the test server.
    path("r/", include("ouendan.tracking.urls")),
    # Conversions: the snippet (/t.js), its collection endpoint (/t/c), the settings page.
    path("", include("ouendan.tracking.conversion_urls")),
    path("", include(([path("", views.home, name="home")], "core"))),
]

if settings.DEMO or settings.TESTING:
    from ouendan.demo.views import demo_feed

    # The demo's offline press-release feed (its feed source polls it).
    urlpatterns.append(
        path("demo/feeds/news.xml", demo_feed, name="demo_feed"),
    )

if settings.DEBUG or settings.DEMO:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
