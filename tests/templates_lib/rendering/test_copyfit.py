import pytest

from approvals.services import document_create
from templates_lib.rendering.errors import RenderError
from templates_lib.rendering.pdf import render_collateral_pdf
from templates_lib.services.documents import DocumentValuesError
from templates_lib.services.publishing import TemplatePublishError, template_publish, template_publish_problems
from templates_lib.services.validation import document_values_clean
from templates_lib.tokens import TokenContext

from ...factories.templates_lib import changed_fields, make_template

pytestmark = pytest.mark.slow

LONG = "Forecasts you can defend, content you can measure, and pipeline you can trust every quarter. " * 5


def _roomy_subheadline_fields(max_chars=400, max_lines=None):
    return changed_fields({"subheadline": {"max_chars": max_chars, "max_lines": max_lines}})


@pytest.fixture
def roomy(db, brand_kit):
    return make_template(fields=_roomy_subheadline_fields(), publish=False)


def test_text_that_overflows_its_box_is_an_error_on_its_field(roomy, rep):
    result = document_values_clean(
        template=roomy, submitted={"subheadline": LONG[:400]}, token_context=TokenContext(user=rep)
    )

    assert list(result.errors) == ["subheadline"]
    [message] = result.errors["subheadline"]
    assert message.startswith("Too long for this space by about ")
    assert message.endswith(" characters.")


def test_the_overflow_estimate_grows_with_the_excess(roomy, rep):
    def excess(text):
        result = document_values_clean(template=roomy, submitted={"subheadline": text}, token_context=None)
        return int(result.errors["subheadline"][0].split("about ")[1].split(" ")[0])

    assert excess(LONG[:400]) > excess(LONG[:250])


def test_text_that_fits_has_no_copyfit_error(roomy, rep):
    result = document_values_clean(
        template=roomy, submitted={"subheadline": "Short and sweet."}, token_context=TokenContext(user=rep)
    )

    assert result.is_valid


def test_an_overflowing_document_is_not_saved(db, brand_kit, rep):
    template = make_template(fields=_roomy_subheadline_fields())

    with pytest.raises(DocumentValuesError) as error:
        document_create(template=template, owner=rep, values={"subheadline": LONG[:400]})

    assert list(error.value.errors) == ["subheadline"]
    [message] = error.value.errors["subheadline"]
    assert message.startswith("Too long for this space by about ")
    assert not rep.documents.exists()


def test_the_renderer_refuses_to_deliver_a_clipped_pdf(roomy, rep):
    with pytest.raises(RenderError, match="subheadline"):
        render_collateral_pdf(template=roomy, values={"subheadline": LONG[:400]}, token_context=TokenContext(user=rep))


def test_a_template_that_overflows_at_its_limits_reports_the_field(roomy):
    problems = template_publish_problems(template=roomy)

    assert list(problems) == ["subheadline"]
    assert "At its maximum length this field would overflow" in problems["subheadline"]


def test_a_template_that_overflows_at_its_limits_cannot_be_published(roomy):
    with pytest.raises(TemplatePublishError):
        template_publish(template=roomy)

    roomy.refresh_from_db()
    assert not roomy.live


def test_a_template_that_fits_at_its_limits_can_be_published(db, brand_kit):
    template = make_template(publish=False)

    template_publish(template=template)

    template.refresh_from_db()
    assert template.live


def test_a_free_field_without_a_character_limit_blocks_publishing(db, brand_kit):
    template = make_template(fields=_roomy_subheadline_fields(max_chars=None), publish=False)

    problems = template_publish_problems(template=template)

    assert problems == {"subheadline": "A free field needs a maximum number of characters before publishing."}
