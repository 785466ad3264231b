"""Test data: factories that build rows directly (fast); services are tested on their own."""

from __future__ import annotations

from collections.abc import Iterable

import factory

from ouendan.accounts.models import Department, Location, Membership, Organization, RoleGrant, User
from ouendan.accounts.permissions import Actor, actor_for_membership
from ouendan.accounts.roles import Role

PASSWORD = "correct-horse-battery"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"部署{n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"拠点{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"山田 太郎{n}")
    full_name_kana = factory.Sequence(lambda n: f"ヤマダ タロウ{n}")


def make_person(
    organization: Organization,
    roles: Iterable[Role] = (Role.ADVOCATE,),
    **fields: object,
) -> Membership:
    membership = MembershipFactory(organization=organization, **fields)
    RoleGrant.objects.bulk_create(RoleGrant(membership=membership, role=r) for r in roles)
    return membership


def actor(membership: Membership) -> Actor:
    membership = Membership.objects.select_related("organization", "user").get(pk=membership.pk)
    return actor_for_membership(membership)
