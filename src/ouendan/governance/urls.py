"""Pages of the governance app."""

from django.urls import path

from ouendan.governance.views import compliance, crisis, policy, reviews, workflows

app_name = "governance"

urlpatterns = [
    path("compliance/", compliance.compliance_settings, name="compliance"),
    path("compliance/try/", compliance.compliance_try, name="compliance_try"),
    path("reviews/", reviews.review_queue_page, name="reviews"),
    path("reviews/<int:content_id>/", reviews.review_page, name="review"),
    path("reviews/<int:content_id>/panel/", reviews.review_panel, name="review_panel"),
    path("reviews/<int:content_id>/decide/", reviews.review_decide_view, name="review_decide"),
    path("workflows/", workflows.workflows_page, name="workflows"),
    path("workflows/new/", workflows.workflow_create_view, name="workflow_create"),
    path("workflows/stage-row/", workflows.workflow_stage_row, name="workflow_stage_row"),
    path("workflows/<int:workflow_id>/", workflows.workflow_edit, name="workflow_edit"),
    path(
        "workflows/<int:workflow_id>/delete/",
        workflows.workflow_delete_view,
        name="workflow_delete",
    ),
    path("crisis/", crisis.crisis_page, name="crisis"),
    path("crisis/pause/", crisis.crisis_pause_view, name="crisis_pause"),
    path("crisis/resume/", crisis.crisis_resume_view, name="crisis_resume"),
    path("policy/", policy.policy_page, name="policy"),
    path("policy/acknowledge/", policy.policy_acknowledge_view, name="policy_acknowledge"),
    path("policy/new/", policy.policy_publish_view, name="policy_publish"),
    path("policy/versions/<int:number>/", policy.policy_version_view, name="policy_version"),
    path(
        "policy/versions/<int:number>/acknowledgments.csv",
        policy.policy_acknowledgments_csv,
        name="policy_acknowledgments_csv",
    ),
]
