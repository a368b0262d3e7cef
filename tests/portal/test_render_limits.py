"""One request must not stall the portal: the hostile rich-text shapes of the security run (tens of
kilobytes of empty, stray or deeply nested tags) get a clear field error at once, from the live
preview's copy-fit check as from a save, and nothing of them is stored."""

import time

from django.urls import reverse

import pytest

from templates_lib.models import CollateralDocument
from templates_lib.rendering import isolation
from templates_lib.rendering.errors import RenderLimitError

from ..factories.approvals import make_document

HOSTILE = {
    "empty paragraphs": ("<p></p>" * 4300, "Story is too long: 29 KB; the limit is 16 KB."),
    "empty bold": ("<strong></strong>" * 900, "This text has too much formatting: 1800 tags; the limit is 400."),
    "stray closing tags": ("x" + "</strong>" * 1500, "This text has too much formatting: 1500 tags; the limit is 400."),
    "unclosed bold": ("<strong>x" * 1000, "This text has too much formatting: 1000 tags; the limit is 400."),
    "nested bold": (
        "<strong>" * 300 + "deep" + "</strong>" * 300,
        "This text has too much formatting: 600 tags; the limit is 400.",
    ),
    "nested a little less": (
        "<strong>" * 150 + "deep" + "</strong>" * 150,
        "Formatting is nested too deeply here: 150 levels; the limit is 8.",
    ),
}


def _form(body: str) -> dict:
    return {
        "title": "Hostile",
        "eyebrow": "For sales teams",
        "subheadline": "Hello",
        "body": body,
        "benefits": "Faster",
    }


@pytest.mark.parametrize("shape", list(HOSTILE))
def test_the_live_preview_answers_a_hostile_shape_at_once_with_the_reason(rep_client, onepager, shape):
    value, message = HOSTILE[shape]
    started = time.monotonic()

    response = rep_client.post(reverse("portal:template-preview", args=[onepager.public_id]), _form(value))

    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert message in response.text


@pytest.mark.parametrize("shape", list(HOSTILE))
def test_the_copyfit_check_answers_a_hostile_shape_at_once_without_laying_it_out(rep_client, onepager, shape):
    value, _ = HOSTILE[shape]
    started = time.monotonic()

    response = rep_client.post(reverse("portal:template-preview", args=[onepager.public_id]) + "?fit=1", _form(value))

    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert 'id="fit-body"' in response.text


@pytest.mark.parametrize("shape", list(HOSTILE))
def test_a_hostile_shape_is_refused_on_save_and_nothing_is_stored(rep_client, onepager, rep, shape):
    value, message = HOSTILE[shape]

    response = rep_client.post(reverse("portal:template-personalise", args=[onepager.public_id]), _form(value))

    assert response.status_code == 422
    assert message in response.text
    assert not CollateralDocument.objects.filter(owner=rep).exists()


# --- When a render breaks a limit, the page says so: never a server error ----------------------

STOPPED = "Laying this document out took longer than 20 seconds, so it was stopped."


@pytest.fixture
def renderer_stops(monkeypatch):
    """Every render call breaks its limit, as a runaway layout does (the limits themselves are
    tested in tests/templates_lib/rendering/test_isolation.py)."""

    def stop(name, *args, **kwargs):
        raise RenderLimitError(STOPPED)

    monkeypatch.setattr(isolation, "run", stop)


def test_a_save_whose_layout_is_stopped_is_refused_with_the_reason(rep_client, onepager, rep, renderer_stops):
    response = rep_client.post(reverse("portal:template-personalise", args=[onepager.public_id]), _form("<p>Ours</p>"))

    assert response.status_code == 422
    assert f"We could not check that the text fits its space: {STOPPED}" in response.text
    assert not CollateralDocument.objects.filter(owner=rep).exists()


def test_a_library_thumbnail_whose_render_is_stopped_answers_503(rep_client, onepager, renderer_stops):
    url = reverse("portal:template-thumbnail", args=[onepager.public_id, onepager.live_revision_id, 0])

    response = rep_client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_a_template_page_whose_page_count_cannot_be_rendered_still_opens(rep_client, onepager, renderer_stops):
    response = rep_client.get(reverse("portal:template-detail", args=[onepager.public_id]))

    assert response.status_code == 200
    assert onepager.title in response.text


def test_a_draft_pdf_whose_render_is_stopped_shows_the_reason(rep_client, onepager, rep, renderer_stops):
    document = make_document(onepager, rep)

    response = rep_client.get(reverse("portal:document-draft-pdf", args=[document.public_id]))

    assert response.status_code == 422
    assert STOPPED in response.text
