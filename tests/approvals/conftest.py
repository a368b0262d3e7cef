import pytest

from tests.factories.templates_lib import default_fields, make_template


def reviewed_fields(hero_image=None) -> list[dict]:
    """The default one-pager fields, with the subheadline reviewed by the brand team."""
    fields = default_fields(hero_image)
    for spec in fields:
        if spec["key"] == "subheadline":
            spec["needs_review"] = True
    return fields


@pytest.fixture
def reviewed_template(db, brand_kit):
    return make_template(title="Reviewed one-pager", fields=reviewed_fields())
