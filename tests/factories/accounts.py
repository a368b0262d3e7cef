from django.contrib.auth import get_user_model

import factory

from accounts.models import Organisation, Region, Tier
from accounts.roles import Role, ensure_role_groups
from accounts.services import organisation_member_add


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "Dana"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    job_title = "Account Executive"
    phone = "+44 20 7946 0102"
    password = factory.django.Password("correct horse battery staple")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Region {n}")
    code = factory.Sequence(lambda n: f"r{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Partner {n}")
    tier = factory.LazyFunction(lambda: Tier.objects.get(name="Silver"))


def partner_member(organisation: Organisation, **kwargs):
    user = UserFactory(**kwargs)
    organisation_member_add(organisation=organisation, user=user)
    return user


POLICY_ROLES = ["rep", "partner_a", "partner_manager_a", "partner_b", "brand_manager", "analyst", "admin"]


def policy_role_users(organisation_a: Organisation, organisation_b: Organisation, **partner_a_fields) -> dict:
    """The access-policy tables' people, one per column (POLICY_ROLES), each in their role's group:
    an internal rep; organisation A's partner user and partner manager; organisation B's partner
    user; a brand manager; a marketing analyst; an administrator."""
    groups = ensure_role_groups()
    users = {
        "rep": UserFactory(username="rep"),
        "partner_a": partner_member(organisation_a, username="partner_a", **partner_a_fields),
        "partner_manager_a": partner_member(organisation_a, username="partner_manager_a"),
        "partner_b": partner_member(organisation_b, username="partner_b"),
        "brand_manager": UserFactory(username="brand_manager"),
        "analyst": UserFactory(username="analyst"),
        "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
    }
    for role, group in (
        ("rep", Role.SALES_REP),
        ("partner_a", Role.PARTNER_USER),
        ("partner_manager_a", Role.PARTNER_MANAGER),
        ("partner_b", Role.PARTNER_USER),
        ("brand_manager", Role.BRAND_MANAGER),
        ("analyst", Role.MARKETING_ANALYST),
    ):
        users[role].groups.add(groups[group])
    return users
