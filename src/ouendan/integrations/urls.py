"""Pages of connected accounts: connections, posts made for you, the organization's settings."""

from django.urls import path, register_converter

from ouendan.integrations.views import accounts, posts, settings


class NetworkConverter:
    """Only the networks Ouendan can post to appear in these URLs."""

    regex = "bluesky|mastodon|linkedin|x"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(NetworkConverter, "network")

app_name = "integrations"

urlpatterns = [
    path("", accounts.accounts_page, name="accounts"),
    path("bluesky/", accounts.bluesky_connect_view, name="bluesky_connect"),
    path("<network:network>/authorize/", accounts.authorize_view, name="authorize"),
    path("callback/<network:network>/", accounts.callback_view, name="callback"),
    path("<int:account_id>/disconnect/", accounts.disconnect_view, name="disconnect"),
    path("posts/", posts.posts_page, name="posts"),
    path("compose/<int:content_id>/", posts.compose_panel, name="compose"),
    path("compose/<int:content_id>/post/", posts.post_new_view, name="post_new"),
    path("posts/<int:post_id>/cancel/", posts.post_cancel_view, name="post_cancel"),
    path("posts/<int:post_id>/reschedule/", posts.post_reschedule_view, name="post_reschedule"),
    path("posts/<int:post_id>/retry/", posts.post_retry_view, name="post_retry"),
    path("settings/", settings.settings_page, name="settings"),
    path("settings/update/", settings.settings_update_view, name="settings_update"),
    path("settings/apps/<network:network>/", settings.app_set_view, name="app_set"),
    path("settings/apps/<network:network>/remove/", settings.app_remove_view, name="app_remove"),
]
