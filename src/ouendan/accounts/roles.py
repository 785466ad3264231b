"""The roles a person can hold in an organization (several at once)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organization admin")
    PROGRAM_MANAGER = "program_manager", _("Program manager")
    CURATOR = "curator", _("Curator")
    REVIEWER = "reviewer", _("Reviewer")
    MANAGER = "manager", _("Manager")
    ADVOCATE = "advocate", _("Advocate")
    EXECUTIVE_VIEWER = "executive_viewer", _("Executive viewer")
