"""Pages of sharing: the feed, the share flow, my impact, and my sharing profile."""

from django.urls import path

from ouendan.sharing.views import feed, impact, profile, share

app_name = "sharing"

urlpatterns = [
    path("", feed.feed_page, name="feed"),
    path("impact/", impact.impact_page, name="impact"),
    path("profile/", profile.profile_page, name="profile"),
    path("<int:content_id>/", share.share_page, name="share"),
    path("<int:content_id>/check/", share.share_check, name="share_check"),
    path("<int:content_id>/share/", share.share_submit, name="share_submit"),
    path("shares/<int:share_id>/", share.share_detail, name="share_detail"),
    path("shares/<int:share_id>/confirm/", share.share_confirm_view, name="share_confirm"),
    path("shares/<int:share_id>/metrics/", share.share_metrics_view, name="share_metrics"),
]
