"""Keys the accounts app keeps in the session."""

# The organization the person is acting in (when they belong to several).
ORGANIZATION = "ouendan_organization_id"
# Set once the second factor was checked in this session (or the person needs none).
TWO_FACTOR_VERIFIED = "ouendan_two_factor_verified"
# Between password and second factor: the user id waiting for a TOTP code.
TWO_FACTOR_PENDING_USER = "ouendan_two_factor_pending_user"
