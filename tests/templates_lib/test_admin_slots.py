"""Building a template in Wagtail admin: each field's slot is chosen from the layout's slots
(name, label and type), not typed from memory."""

import re

from django.urls import reverse

from templates_lib.forms import slot_choices

from .test_admin import URL, form_data


def _slot_select(html: str, index: int) -> str:
    match = re.search(rf'<select name="fields-{index}-slot".*?</select>', html, re.S)
    assert match, f"no slot choice for row {index}"
    return match.group(0)


def test_the_templates_own_layout_is_offered_first_with_labels_and_types():
    groups = slot_choices("datasheet")

    assert groups[0][0] == "Keel datasheet (this template’s layout)"
    assert ("features", "Features · bullet list") in groups[0][1]


def test_a_slot_in_a_repeatable_section_says_so():
    [brochure] = [options for label, options in slot_choices("brochure") if label.startswith("Atlas brochure")]

    assert ("chapter_title", "Chapter title · text · per section") in brochure


def test_each_field_of_the_edit_form_chooses_its_slot_from_the_layout(brand_client, onepager):
    response = brand_client.get(reverse(f"{URL}:edit", args=[onepager.pk]))

    assert response.status_code == 200
    select = _slot_select(response.text, 0)
    assert 'label="Harbour one-pager (this template’s layout)"' in select
    assert re.search(r'<option value="headline" selected>Headline · text</option>', select)
    assert '<option value="hero_image">Hero image · image</option>' in select


def test_the_add_field_row_offers_the_slots_too(brand_client, onepager):
    response = brand_client.get(reverse(f"{URL}:edit", args=[onepager.pk]))

    assert '<select name="fields-__prefix__-slot"' in response.text


def test_a_slot_the_layout_lacks_is_refused_and_shown_as_typed(brand_client, onepager):
    data = form_data(onepager, field_subheadline={"slot": "no_such_slot"})

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 200
    assert "has no slot" in response.text
    assert '<option value="no_such_slot" selected>no_such_slot (not a slot of any layout)</option>' in response.text


def test_a_hostile_slot_value_is_escaped(brand_client, onepager):
    data = form_data(onepager, field_subheadline={"slot": "<script>x</script>"})

    response = brand_client.post(reverse(f"{URL}:edit", args=[onepager.pk]), data)

    assert response.status_code == 200
    assert "<script>x</script>" not in response.text
