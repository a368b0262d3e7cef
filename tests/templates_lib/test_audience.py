"""Who sees which template: internal audience, regions, tiers, organisations shared by grant."""

from django.contrib.auth.models import Permission

import pytest

from accounts.models import Tier
from templates_lib.models import TemplateGroupGrant
from templates_lib.selectors import template_library, templates_for_user
from templates_lib.services.audience import template_share, template_unshare

from ..factories.accounts import OrganisationFactory, RegionFactory, UserFactory, partner_member
from ..factories.templates_lib import make_template


def titles(user, **filters):
    return sorted(t.title for t in template_library(user, **filters))


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="Org A")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Org B", tier=Tier.objects.get(name="Gold"))


@pytest.fixture
def shared_with_b(brand_kit, org_b):
    template = make_template(title="Private to B", audience_internal=False)
    template_share(template=template, organisation=org_b)
    return template


def test_internal_users_see_templates_for_all_internal_users(brand_kit, rep):
    make_template(title="For everyone inside")

    assert titles(rep) == ["For everyone inside"]


def test_internal_users_see_templates_for_their_region_only(brand_kit):
    emea, na = RegionFactory(code="emea"), RegionFactory(code="na")
    template = make_template(title="EMEA only", audience_internal=False)
    template.audience_regions.add(emea)
    template.save()
    template.save_revision().publish()

    assert titles(UserFactory(username="in-emea", region=emea)) == ["EMEA only"]
    assert titles(UserFactory(username="in-na", region=na)) == []


def test_partners_do_not_see_internal_templates(brand_kit, org_a):
    make_template(title="Internal only")

    assert titles(partner_member(org_a, username="a1")) == []


def test_a_template_shared_with_an_organisation_is_seen_by_its_members_only(shared_with_b, org_a, org_b):
    assert titles(partner_member(org_b, username="b1")) == ["Private to B"]
    assert titles(partner_member(org_a, username="a1")) == []


def test_search_never_reveals_another_organisations_template(shared_with_b, org_a):
    member_of_a = partner_member(org_a, username="a1")

    assert titles(member_of_a, query="Private") == []
    assert titles(member_of_a, query="B") == []


def test_a_template_for_a_tier_is_seen_by_partners_of_that_tier(brand_kit, org_a, org_b):
    template = make_template(title="For Gold partners", audience_internal=False)
    template.audience_tiers.add(Tier.objects.get(name="Gold"))
    template.save()
    template.save_revision().publish()

    assert titles(partner_member(org_b, username="b1")) == ["For Gold partners"]
    assert titles(partner_member(org_a, username="a1")) == []


def test_unsharing_takes_access_away(shared_with_b, org_b):
    member = partner_member(org_b, username="b1")

    template_unshare(template=shared_with_b, organisation=org_b)

    assert titles(member) == []


def test_members_of_an_inactive_organisation_see_nothing(shared_with_b, org_b):
    member = partner_member(org_b, username="b1")
    org_b.is_active = False
    org_b.save()

    assert list(templates_for_user(member)) == []


def test_a_partner_given_a_global_view_permission_by_mistake_still_sees_only_their_audience(shared_with_b, org_a):
    member = partner_member(org_a, username="a1")
    member.user_permissions.add(Permission.objects.get(codename="view_collateraltemplate"))

    assert titles(member) == []


def test_brand_managers_and_analysts_see_every_published_template(shared_with_b, brand_manager, analyst):
    assert titles(brand_manager) == ["Private to B"]
    assert titles(analyst) == ["Private to B"]


def test_grants_are_deleted_with_their_template(shared_with_b, org_b):
    template_id = shared_with_b.pk
    shared_with_b.delete()

    assert not TemplateGroupGrant.objects.filter(content_object_id=template_id).exists()
