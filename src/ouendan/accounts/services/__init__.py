"""Every write to organizations, people, invitations, imports, tokens and sign-in state.

Import from the submodule that owns the entity: ``services.people.person_create``, and so on.
"""
