"""Pages of the accounts app (sign-in, people, organization, invitations, import, tokens, audit)."""

from django.urls import path

from ouendan.accounts.views import audit, auth, imports, invitations, organization, people, tokens

app_name = "accounts"

urlpatterns = [
    # Sign-in and security (views/auth.py)
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("login/two-factor/", auth.two_factor_verify, name="two_factor_verify"),
    path("security/", auth.security, name="security"),
    path("security/password/", auth.password_change, name="password_change"),
    path("security/two-factor/setup/", auth.two_factor_setup, name="two_factor_setup"),
    path("security/two-factor/disable/", auth.two_factor_disable, name="two_factor_disable"),
    path("security/recovery-codes/", auth.recovery_codes, name="recovery_codes"),
    path("password-reset/", auth.password_reset_request, name="password_reset"),
    path("password-reset/sent/", auth.password_reset_sent, name="password_reset_sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("organization/switch/", auth.organization_switch, name="organization_switch"),
    # Personal and organization API tokens (views/tokens.py)
    path("tokens/", tokens.personal_tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("organization/tokens/", tokens.organization_tokens, name="org_tokens"),
    # People directory (views/people.py)
    path("people/", people.people_list_view, name="people"),
    path("people/new/", people.person_create_view, name="person_create"),
    path("people/<int:membership_id>/", people.person_detail, name="person_detail"),
    path("people/<int:membership_id>/edit/", people.person_edit, name="person_edit"),
    path(
        "people/<int:membership_id>/offboard/", people.person_offboard_view, name="person_offboard"
    ),
    path(
        "people/<int:membership_id>/reinstate/",
        people.person_reinstate_view,
        name="person_reinstate",
    ),
    path(
        "people/<int:membership_id>/reset-two-factor/",
        people.person_two_factor_reset_view,
        name="person_two_factor_reset",
    ),
    # Organization settings, departments and locations (views/organization.py)
    path("organization/", organization.settings_view, name="settings"),
    path("organization/departments/", organization.departments, name="departments"),
    path(
        "organization/departments/<int:department_id>/",
        organization.department_edit,
        name="department_edit",
    ),
    path(
        "organization/departments/<int:department_id>/delete/",
        organization.department_delete_view,
        name="department_delete",
    ),
    path("organization/locations/", organization.locations, name="locations"),
    path(
        "organization/locations/<int:location_id>/delete/",
        organization.location_delete_view,
        name="location_delete",
    ),
    # Invitations (views/invitations.py); accepting one needs no sign-in
    path("invitations/", invitations.invitation_list_view, name="invitations"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        invitations.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:invitation_id>/resend/",
        invitations.invitation_resend_view,
        name="invitation_resend",
    ),
    path("invite/<str:token>/", invitations.invitation_accept_view, name="invitation_accept"),
    # CSV import of employees (views/imports.py)
    path("import/", imports.import_upload, name="import"),
    path("import/<int:batch_id>/", imports.import_preview, name="import_preview"),
    path("import/template.csv", imports.import_template, name="import_template"),
    # Audit log (views/audit.py)
    path("audit/", audit.audit_list, name="audit"),
]
