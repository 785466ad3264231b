"""The permission matrix, checked for every (role × action) pair against a grid written here.

The grid below is the specification, written independently of ``MATRIX``: changing who may do
what means changing both, on purpose. Adding an Action or a Role without a row or a column here
fails ``test_the_grid_covers_every_action_and_role``.
"""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from ouendan.accounts.api_auth import TOKEN_PREFIX, actor_for_token
from ouendan.accounts.crypto import new_secret, secret_hash
from ouendan.accounts.models import ApiToken, Organization
from ouendan.accounts.permissions import Action, Actor, can, require
from ouendan.accounts.roles import Role
from tests.factories import actor, make_person

# Columns, in this order. ✓ = allowed, · = not allowed. "writes": W = a writing action, R = read.
COLUMNS = (
    Role.ORG_ADMIN,
    Role.PROGRAM_MANAGER,
    Role.CURATOR,
    Role.REVIEWER,
    Role.MANAGER,
    Role.ADVOCATE,
    Role.EXECUTIVE_VIEWER,
)

GRID = """
action                 | admin  pm  curator  reviewer  manager  advocate  exec | writes
org.view               |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   R
org.manage             |   ✓    ·      ·        ·         ·        ·       ·  |   W
departments.view       |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   R
departments.manage     |   ✓    ✓      ·        ·         ·        ·       ·  |   W
people.view            |   ✓    ✓      ·        ·         ✓        ·       ·  |   R
people.manage          |   ✓    ✓      ·        ·         ·        ·       ·  |   W
people.import          |   ✓    ✓      ·        ·         ·        ·       ·  |   W
people.offboard        |   ✓    ·      ·        ·         ·        ·       ·  |   W
people.security_reset  |   ✓    ·      ·        ·         ·        ·       ·  |   W
roles.assign           |   ✓    ·      ·        ·         ·        ·       ·  |   W
invitations.manage     |   ✓    ✓      ·        ·         ·        ·       ·  |   W
audit.view             |   ✓    ·      ·        ·         ·        ·       ·  |   R
tokens.personal        |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   W
tokens.organization    |   ✓    ·      ·        ·         ·        ·       ·  |   W
content.view           |   ✓    ✓      ✓        ✓         ·        ·       ·  |   R
content.manage         |   ✓    ✓      ✓        ·         ·        ·       ·  |   W
content.review         |   ·    ✓      ·        ✓         ·        ·       ·  |   W
campaigns.manage       |   ✓    ✓      ✓        ·         ·        ·       ·  |   W
sources.manage         |   ✓    ✓      ✓        ·         ·        ·       ·  |   W
topics.view            |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   R
topics.manage          |   ✓    ✓      ✓        ·         ·        ·       ·  |   W
topics.subscribe       |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   W
suggestions.create     |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   W
suggestions.review     |   ✓    ✓      ✓        ·         ·        ·       ·  |   W
compliance.scan        |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   R
compliance.manage      |   ✓    ·      ·        ✓         ·        ·       ·  |   W
policy.read            |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   R
policy.acknowledge     |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   W
policy.manage          |   ✓    ✓      ·        ✓         ·        ·       ·  |   W
crisis.pause           |   ✓    ✓      ·        ·         ·        ·       ·  |   W
workflows.manage       |   ✓    ✓      ·        ·         ·        ·       ·  |   W
feed.view              |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   R
shares.create          |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   W
connections.manage     |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   W
posts.schedule         |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   W
posting.manage         |   ✓    ✓      ·        ·         ·        ·       ·  |   W
network_apps.manage    |   ✓    ·      ·        ·         ·        ·       ·  |   W
conversions.record     |   ✓    ·      ·        ·         ·        ·       ·  |   W
conversions.manage     |   ✓    ✓      ·        ·         ·        ·       ·  |   W
analytics.view         |   ✓    ✓      ·        ·         ✓        ·       ✓  |   R
analytics.manage       |   ✓    ✓      ·        ·         ·        ·       ·  |   W
engagement.view        |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   R
engagement.manage      |   ✓    ✓      ·        ·         ·        ·       ·  |   W
points.view_own        |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   R
appearance.choose      |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   W
contests.join          |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   W
contests.manage        |   ✓    ✓      ·        ·         ·        ·       ·  |   W
rewards.redeem         |   ✓    ✓      ✓        ✓         ✓        ✓       ✓  |   W
rewards.manage         |   ✓    ✓      ·        ·         ·        ·       ·  |   W
shout_outs.send        |   ✓    ✓      ·        ·         ✓        ·       ·  |   W
"""


def _parse_grid() -> tuple[dict[str, dict[Role, bool]], dict[str, bool]]:
    allowed: dict[str, dict[Role, bool]] = {}
    writes: dict[str, bool] = {}
    lines = [line for line in GRID.strip().splitlines() if line.strip()]
    for line in lines[1:]:  # the first line is the header
        name, marks, kind = (part.strip() for part in line.split("|"))
        cells = marks.split()
        assert len(cells) == len(COLUMNS), f"row {name!r} has {len(cells)} columns"
        assert set(cells) <= {"✓", "·"}, f"row {name!r} has a mark other than ✓ or ·"
        assert kind in {"R", "W"}, f"row {name!r}: writes must be R or W"
        assert name not in allowed, f"row {name!r} appears twice"
        allowed[name] = {role: cell == "✓" for role, cell in zip(COLUMNS, cells, strict=True)}
        writes[name] = kind == "W"
    return allowed, writes


EXPECTED, WRITES = _parse_grid()
PAIRS = [(action_name, role) for action_name in EXPECTED for role in COLUMNS]


def _actor(roles: frozenset[Role] | set[Role], scopes: frozenset[str] | None = None) -> Actor:
    # can() reads only roles and scopes; an unsaved organization is enough.
    organization = Organization(name="x", slug="x")
    return Actor(organization=organization, roles=frozenset(roles), scopes=scopes)


def test_the_grid_covers_every_action_and_role():
    assert set(EXPECTED) == {a.value for a in Action}, "every Action needs a row in GRID"
    assert set(COLUMNS) == set(Role), "every Role needs a column in GRID"
    assert len(COLUMNS) == len(set(COLUMNS)) == 7


@pytest.mark.parametrize(("action_name", "role"), PAIRS, ids=[f"{a}-{r.value}" for a, r in PAIRS])
def test_single_role(action_name: str, role: Role):
    assert can(_actor({role}), Action(action_name)) is EXPECTED[action_name][role]


@pytest.mark.parametrize("action_name", list(EXPECTED))
def test_which_actions_write(action_name: str):
    assert Action(action_name).writes is WRITES[action_name]


def test_an_actor_without_roles_can_do_nothing():
    nobody = _actor(set())
    assert not any(can(nobody, action) for action in Action)


def test_several_roles_give_the_union_for_every_combination():
    for size in range(2, len(COLUMNS) + 1):
        for roles in itertools.combinations(COLUMNS, size):
            who = _actor(set(roles))
            for action in Action:
                expected = any(EXPECTED[action.value][r] for r in roles)
                assert can(who, action) is expected, (roles, action)


def test_a_person_with_several_roles_gets_the_union(org):
    # A manager who is also a curator: sees people (manager) and nothing more than either role.
    person = make_person(org, roles=[Role.CURATOR, Role.MANAGER])
    who = actor(person)
    assert who.roles == {Role.CURATOR, Role.MANAGER}
    for action in Action:
        expected = EXPECTED[action.value][Role.CURATOR] or EXPECTED[action.value][Role.MANAGER]
        assert can(who, action) is expected, action
    assert can(who, Action.PEOPLE_VIEW)
    assert not can(who, Action.PEOPLE_MANAGE)


@pytest.mark.parametrize("scopes", [frozenset({"read"}), frozenset()])
def test_a_token_without_write_scope_cannot_write(scopes: frozenset[str]):
    every_role = _actor(set(Role), scopes=scopes)
    for action in Action:
        if WRITES[action.value]:
            assert not can(every_role, action), action
        else:
            assert can(every_role, action), action


def test_a_write_scoped_token_follows_the_matrix():
    for role in COLUMNS:
        who = _actor({role}, scopes=frozenset({"read", "write"}))
        for action in Action:
            assert can(who, action) is EXPECTED[action.value][role]


def _stored_token(org: Organization, **fields: object) -> str:
    raw = TOKEN_PREFIX + new_secret()
    ApiToken.objects.create(
        organization=org,
        name="test",
        prefix=raw[:12],
        key_hash=secret_hash(raw),
        **fields,
    )
    return raw


def test_a_read_scoped_organization_token_cannot_write(org):
    raw = _stored_token(org, kind=ApiToken.Kind.ORGANIZATION, scopes=["read"], roles=list(Role))
    who = actor_for_token(raw)
    assert who is not None and who.organization == org
    for action in Action:
        assert can(who, action) is not WRITES[action.value], action


def test_a_read_scoped_personal_token_of_an_admin_cannot_write(org, admin):
    raw = _stored_token(org, kind=ApiToken.Kind.PERSONAL, membership=admin, scopes=["read"])
    who = actor_for_token(raw)
    assert who is not None and who.membership == admin and Role.ORG_ADMIN in who.roles
    for action in Action:
        expected = EXPECTED[action.value][Role.ORG_ADMIN] and not WRITES[action.value]
        assert can(who, action) is expected, action


def test_require_raises_permission_denied_naming_the_action():
    advocate = _actor({Role.ADVOCATE})
    require(advocate, Action.ORG_VIEW)  # allowed: returns quietly
    with pytest.raises(PermissionDenied, match=r"people\.offboard"):
        require(advocate, Action.PEOPLE_OFFBOARD)
    with pytest.raises(PermissionDenied):
        require(_actor(set(Role), scopes=frozenset({"read"})), Action.ORG_MANAGE)
