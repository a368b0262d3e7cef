from django.contrib.auth import get_user_model

import factory

from accounts.models import Organisation, Region, Tier
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
