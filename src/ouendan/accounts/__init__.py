"""Organizations, people, memberships and roles, permissions, invitations, sign-in and audit."""
