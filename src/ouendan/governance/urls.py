"""Pages of the governance app."""

from django.urls import path

from ouendan.governance import views

app_name = "governance"

urlpatterns = [
    path("compliance/", views.compliance_settings, name="compliance"),
    path("compliance/try/", views.compliance_try, name="compliance_try"),
]
