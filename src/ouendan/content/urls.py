"""Pages of the content app: the library and its editor, campaigns, feeds, suggestions, topics."""

from django.urls import path

from ouendan.content.views import (
    campaigns,
    editor,
    library,
    lifecycle,
    sources,
    suggestions,
    topics,
)

app_name = "content"

urlpatterns = [
    # The library, one item and its history (views/library.py)
    path("", library.library, name="library"),
    path("<int:content_id>/", library.content_detail, name="detail"),
    path("<int:content_id>/history/", library.content_history, name="history"),
    # The editor and its live parts (views/editor.py)
    path("new/", editor.content_create_view, name="create"),
    path("<int:content_id>/edit/", editor.content_edit, name="edit"),
    path("preview/", editor.preview, name="preview"),
    path("measure/", editor.measure, name="measure"),
    path("variant-row/", editor.variant_row, name="variant_row"),
    # The lifecycle and images (views/lifecycle.py)
    path("<int:content_id>/submit/", lifecycle.submit, name="submit"),
    path("<int:content_id>/withdraw/", lifecycle.withdraw, name="withdraw"),
    path("<int:content_id>/publish/", lifecycle.publish, name="publish"),
    path("<int:content_id>/archive/", lifecycle.archive, name="archive"),
    path("<int:content_id>/restore/", lifecycle.restore, name="restore"),
    path("<int:content_id>/images/", lifecycle.image_add, name="image_add"),
    path(
        "<int:content_id>/images/<int:image_id>/delete/",
        lifecycle.image_delete,
        name="image_delete",
    ),
    # Campaigns (views/campaigns.py)
    path("campaigns/", campaigns.campaigns, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create_view, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path(
        "campaigns/<int:campaign_id>/archive/",
        campaigns.campaign_archive_view,
        name="campaign_archive",
    ),
    # Feed sources (views/sources.py)
    path("sources/", sources.sources, name="sources"),
    path("sources/new/", sources.source_create_view, name="source_create"),
    path("sources/<int:source_id>/", sources.source_detail, name="source_detail"),
    path("sources/<int:source_id>/poll/", sources.source_poll_view, name="source_poll"),
    path("sources/<int:source_id>/delete/", sources.source_delete_view, name="source_delete"),
    # Suggestions (views/suggestions.py)
    path("suggest/", suggestions.suggest, name="suggest"),
    path("suggestions/", suggestions.suggestions, name="suggestions"),
    path(
        "suggestions/<int:suggestion_id>/accept/",
        suggestions.suggestion_accept_view,
        name="suggestion_accept",
    ),
    path(
        "suggestions/<int:suggestion_id>/decline/",
        suggestions.suggestion_decline_view,
        name="suggestion_decline",
    ),
    path(
        "suggestions/<int:suggestion_id>/withdraw/",
        suggestions.suggestion_withdraw_view,
        name="suggestion_withdraw",
    ),
    # Topics (views/topics.py)
    path("topics/", topics.topics, name="topics"),
    path("topics/<int:topic_id>/follow/", topics.topic_follow_view, name="topic_follow"),
    path("topics/<int:topic_id>/edit/", topics.topic_edit, name="topic_edit"),
    path("topics/<int:topic_id>/delete/", topics.topic_delete_view, name="topic_delete"),
]
