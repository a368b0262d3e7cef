"""The template snippet in Wagtail admin: listing, editing, preview as HTML and PDF, and the
publishing gate, through real HTTP requests."""

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from templates_lib.models import CollateralTemplate

from .. import pdf as pdfread
from ..factories.templates_lib import HEADLINE, make_template

URL = "wagtailsnippets_templates_lib_collateraltemplate"
FIELD_ATTRS = (
    "key",
    "label",
    "help_text",
    "slot",
    "section",
    "lock_mode",
    "default_text",
    "variants",
    "token_source",
    "max_chars",
    "max_lines",
)
FIELD_FLAGS = (
    "allow_upload",
    "is_required",
    "allow_bold",
    "allow_italic",
    "allow_lists",
    "allow_links",
    "needs_review",
)


def form_data(template: CollateralTemplate, **overrides) -> dict:
    fields = []
    for field in template.field_list():
        row = {"id": field.pk, **{attr: getattr(field, attr) or "" for attr in FIELD_ATTRS}}
        row["default_image"] = field.default_image_id or ""
        row["collection"] = field.collection_id or ""
        row.update({flag: "on" for flag in FIELD_FLAGS if getattr(field, flag)})
        row.update(overrides.pop(f"field_{field.key}", {}))
        fields.append(row)
    data = {
        "title": template.title,
        "description": template.description,
        "layout": template.layout,
        "page_size": template.page_size,
        "orientation": template.orientation,
        "tags": "",
        "keywords": template.keywords,
        "fields": inline_formset(fields, initial=len(fields)),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_brand_manager_sees_the_template_listing(brand_client, onepager):
    response = brand_client.get(reverse(f"{URL}:list"))

    assert response.status_code == 200
    assert onepager.title in response.text


def test_listing_filters_by_kind(brand_client, onepager):
    response = brand_client.get(reverse(f"{URL}:list"), {"kind": "brochure"})

    assert response.status_code == 200
    assert onepager.title not in response.text


def test_listing_searches_titles(brand_client, onepager):
    make_template(title="Harbour datasheet")

    response = brand_client.get(reverse(f"{URL}:list"), {"q": "harbour"})

    assert "Harbour datasheet" in response.text
    assert onepager.title not in response.text


def test_sales_rep_is_refused_by_wagtail_admin(rep_client, onepager):
    response = rep_client.get(reverse(f"{URL}:list"))

    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_brand_manager_saves_a_draft_with_a_changed_field(brand_client, onepager):
    data = form_data(onepager, field_subheadline={"max_chars": 60})

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 302
    onepager.refresh_from_db()
    assert onepager.has_unpublished_changes
    draft = onepager.latest_revision.as_object()
    assert next(f for f in draft.field_list() if f.key == "subheadline").max_chars == 60


def test_a_field_in_a_slot_the_layout_lacks_is_refused_with_everything_kept(brand_client, onepager):
    data = form_data(onepager, title="Renamed while invalid", field_subheadline={"slot": "no_such_slot"})

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 200
    assert "has no slot" in response.text
    assert "Renamed while invalid" in response.text
    onepager.refresh_from_db()
    assert onepager.title == "Test one-pager"


def test_a_free_field_in_a_contact_slot_is_refused(brand_client, onepager):
    data = form_data(onepager, field_contact={"lock_mode": "free", "max_chars": 40})

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 200
    assert "A contact block slot can be locked, token, not free." in response.text


@pytest.mark.slow
def test_publishing_a_template_that_overflows_is_refused_with_what_was_typed_kept(brand_client, onepager):
    data = form_data(onepager, field_subheadline={"max_chars": 400, "max_lines": ""}, **{"action-publish": "publish"})

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 200
    assert "Not published" in response.text
    assert "Subheadline: At its maximum length this field would overflow" in response.text
    onepager.refresh_from_db()
    assert next(f for f in onepager.live_revision.as_object().field_list() if f.key == "subheadline").max_chars == 80


@pytest.mark.slow
def test_publishing_a_template_that_fits_goes_live(brand_client, onepager):
    data = form_data(onepager, field_subheadline={"max_chars": 60}, **{"action-publish": "publish"})

    brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    onepager.refresh_from_db()
    assert next(f for f in onepager.live_revision.as_object().field_list() if f.key == "subheadline").max_chars == 60


def _preview(client, template, mode):
    url = reverse(f"{URL}:preview_on_edit", args=[template.pk])
    client.post(url, form_data(template))
    return client.get(url, {"mode": mode})


@pytest.mark.slow
def test_preview_as_html_shows_the_default_content(brand_client, onepager):
    response = _preview(brand_client, onepager, "html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert HEADLINE in response.text
    assert "Alex Example" in response.text  # token fields show their sample value


@pytest.mark.slow
def test_preview_as_pdf_is_a_pdf_of_the_default_content(brand_client, onepager):
    response = _preview(brand_client, onepager, "pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert HEADLINE in pdfread.text(response.content)


def test_brand_kit_is_edited_in_wagtail_settings(brand_client, brand_kit):
    response = brand_client.get(reverse("wagtailsettings:edit", args=["brand", "brandkit"]), follow=True)

    assert response.status_code == 200
    assert "Colour palette" in response.text


@pytest.mark.parametrize("path", ["/admin/", "/admin/images/", "/admin/snippets/templates_lib/collateraltemplate/"])
def test_partner_users_are_refused_by_wagtail_admin(client, partner_user, path):
    client.force_login(partner_user)

    response = client.get(path)

    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_brand_manager_shares_a_template_with_an_organisation_from_its_edit_form(brand_client, onepager):
    from templates_lib.services.audience import template_shared_organisation_ids

    from ..factories.accounts import OrganisationFactory

    chosen, other = OrganisationFactory(name="Chosen"), OrganisationFactory(name="Other")

    data = form_data(onepager)
    data["shared_organisations"] = [chosen.pk]

    brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert template_shared_organisation_ids(template=onepager) == {chosen.pk}
    assert other.pk not in template_shared_organisation_ids(template=onepager)


def test_unticking_every_organisation_unshares_the_template(brand_client, onepager):
    from templates_lib.services.audience import template_share, template_shared_organisation_ids

    from ..factories.accounts import OrganisationFactory

    template_share(template=onepager, organisation=OrganisationFactory(name="Was shared"))

    brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), form_data(onepager))

    assert template_shared_organisation_ids(template=onepager) == set()
