import pytest

from approvals.services import document_create
from brand.models import BrandColour
from templates_lib.rendering import cache as render_cache
from templates_lib.rendering.cache import render_job_for_document, render_pdf_cached, renders_storage
from templates_lib.rendering.profile import Profile

pytestmark = pytest.mark.slow


@pytest.fixture
def document(onepager, rep):
    return document_create(template=onepager, owner=rep, values={}, check_fit=False)


@pytest.fixture
def render_calls(monkeypatch):
    calls = []
    real = render_cache.render_collateral_pdf

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(render_cache, "render_collateral_pdf", counting)
    return calls


def test_a_repeat_of_an_unchanged_document_does_no_rendering(document, render_calls):
    first = render_pdf_cached(render_job_for_document(document, profile=Profile.PRINT))
    second = render_pdf_cached(render_job_for_document(document, profile=Profile.PRINT))

    assert first == second
    assert len(render_calls) == 1
    assert renders_storage().open(first).read(5) == b"%PDF-"


def test_changed_values_make_a_new_render(document, render_calls):
    render_pdf_cached(render_job_for_document(document, profile=Profile.PRINT))
    document.values = {**document.values, "subheadline": "New words"}

    render_pdf_cached(render_job_for_document(document, profile=Profile.PRINT))

    assert len(render_calls) == 2


def test_token_data_is_part_of_the_key(document):
    before = render_job_for_document(document, profile=Profile.PRINT).key
    document.owner.phone = "+1 555 0100"

    after = render_job_for_document(document, profile=Profile.PRINT).key

    assert before != after


def test_a_brand_kit_change_is_rendered_in_the_new_colour_not_served_from_cache(document, brand_kit):
    old_job = render_job_for_document(document, profile=Profile.DIGITAL)
    old_name = render_pdf_cached(old_job)
    BrandColour.objects.filter(brand_kit=brand_kit, role="primary").update(hex="#AA0011")

    new_job = render_job_for_document(document, profile=Profile.DIGITAL)
    new_name = render_pdf_cached(new_job)

    assert new_name != old_name
    assert old_job.brand.version != new_job.brand.version
    from templates_lib.rendering.html import render_collateral_html

    html = render_collateral_html(template=new_job.template, values=document.values, brand=new_job.brand)
    assert "--brand-primary: #AA0011;" in html


def test_the_print_and_digital_profiles_are_cached_separately(document):
    print_key = render_job_for_document(document, profile=Profile.PRINT).key
    digital_key = render_job_for_document(document, profile=Profile.DIGITAL).key

    assert print_key != digital_key


def test_a_failed_write_leaves_no_file_under_the_key(document, monkeypatch):
    job = render_job_for_document(document, profile=Profile.PRINT)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(render_cache.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        render_pdf_cached(job)

    assert not renders_storage().exists(job.storage_name)
    folder = renders_storage().path(job.storage_name).rsplit("/", 1)[0]
    import os

    assert [name for name in os.listdir(folder) if name.startswith(".partial-")] == []
