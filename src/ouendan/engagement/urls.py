"""Pages of recognition: my points, the leaderboard, how I appear, the rules, the review;
contests, rewards, shout-outs and the feed's community block."""

from django.urls import path

from ouendan.engagement.views import (
    contests,
    leaderboard,
    points,
    recognition,
    review,
    rewards,
    rules,
)

app_name = "engagement"

urlpatterns = [
    path("", points.points_page, name="points"),
    path("leaderboard/", leaderboard.leaderboard_page, name="leaderboard"),
    path("appearance/", leaderboard.appearance_page, name="appearance"),
    path("rules/", rules.rules_page, name="rules"),
    path("review/", review.review_page, name="review"),
    path("review/adjust/", review.adjust_view, name="adjust"),
    path("review/<int:entry_id>/confirm/", review.confirm_view, name="confirm"),
    path("review/<int:entry_id>/reverse/", review.reverse_view, name="reverse"),
    # Contests
    path("contests/", contests.contests_page, name="contests"),
    path("contests/new/", contests.contest_create_view, name="contest_new"),
    path("contests/<int:contest_id>/", contests.contest_page, name="contest"),
    path("contests/<int:contest_id>/edit/", contests.contest_edit_view, name="contest_edit"),
    path(
        "contests/<int:contest_id>/standings/",
        contests.contest_standings_view,
        name="contest_standings",
    ),
    path("contests/<int:contest_id>/join/", contests.contest_join_view, name="contest_join"),
    path("contests/<int:contest_id>/leave/", contests.contest_leave_view, name="contest_leave"),
    path("contests/<int:contest_id>/cancel/", contests.contest_cancel_view, name="contest_cancel"),
    # Rewards
    path("rewards/", rewards.rewards_page, name="rewards"),
    path("rewards/<int:reward_id>/redeem/", rewards.reward_redeem_view, name="reward_redeem"),
    path(
        "rewards/requests/<int:redemption_id>/withdraw/",
        rewards.redemption_cancel_view,
        name="redemption_cancel",
    ),
    path("rewards/program/", rewards.rewards_program_page, name="rewards_program"),
    path("rewards/new/", rewards.reward_create_view, name="reward_new"),
    path("rewards/<int:reward_id>/edit/", rewards.reward_edit_view, name="reward_edit"),
    path(
        "rewards/requests/<int:redemption_id>/approve/",
        rewards.redemption_approve_view,
        name="redemption_approve",
    ),
    path(
        "rewards/requests/<int:redemption_id>/decline/",
        rewards.redemption_reject_view,
        name="redemption_reject",
    ),
    path("rewards/budgets/new/", rewards.budget_create_view, name="budget_new"),
    path("rewards/budgets/<int:budget_id>/edit/", rewards.budget_edit_view, name="budget_edit"),
    # Shout-outs, highlights and the feed's community block
    path("recognition/", recognition.recognition_page, name="recognition"),
    path("recognition/send/", recognition.shout_out_send_view, name="shout_out_send"),
    path("community/", recognition.community_view, name="community"),
]
