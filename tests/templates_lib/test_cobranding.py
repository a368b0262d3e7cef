from templates_lib.tokens import NameInsteadOfLogo, TokenContext, resolve_token

from ..factories.accounts import OrganisationFactory, partner_member
from ..factories.brand import ImageFactory


def test_an_unapproved_partner_logo_shows_the_organisation_name(db):
    organisation = OrganisationFactory(name="Brightpath", logo=ImageFactory(), is_logo_approved=False)
    member = partner_member(organisation, username="p1")

    assert resolve_token("organisation.logo", TokenContext(user=member)) == NameInsteadOfLogo("Brightpath")


def test_an_approved_partner_logo_is_used(db):
    logo = ImageFactory()
    organisation = OrganisationFactory(name="Brightpath", logo=logo, is_logo_approved=True)
    member = partner_member(organisation, username="p1")

    assert resolve_token("organisation.logo", TokenContext(user=member)) == logo.pk


def test_partner_name_and_contact_tokens(db):
    organisation = OrganisationFactory(name="Brightpath", contact_email="sales@brightpath.example")
    member = partner_member(organisation, username="p1")

    assert resolve_token("organisation.name", TokenContext(user=member)) == "Brightpath"
    assert resolve_token("organisation.contact", TokenContext(user=member))["email"] == "sales@brightpath.example"


def test_internal_users_have_no_organisation_tokens(rep):
    assert resolve_token("organisation.name", TokenContext(user=rep)) == ""
    assert not resolve_token("organisation.logo", TokenContext(user=rep))
