"""Finding templates: search matches tags and kinds as well as titles and descriptions, and the
library shows the templates the user used last."""

from django.urls import reverse
from django.utils import timezone

import pytest

from approvals.services import document_create
from portal.demo.templates_data import DEMO_TEMPLATES
from templates_lib.models import CollateralDocument, CollateralTemplate

from ..factories.templates_lib import make_template


@pytest.fixture
def templates(db, brand_kit):
    harbour = make_template(title="Harbour one-pager")
    harbour.tags.add("client meeting")
    harbour.save()
    signal = make_template(title="Signal datasheet")
    signal.tags.add("renewal")
    signal.save()
    gala = make_template(title="Summer gala")
    CollateralTemplate.objects.filter(pk=gala.pk).update(kind="event_flyer")
    return harbour, signal, gala


def _search(client, query):
    response = client.get(reverse("portal:library"), {"q": query})
    assert response.status_code == 200
    return response.text


def test_a_tag_finds_its_templates(rep_client, templates):
    text = _search(rep_client, "meeting")

    assert "Harbour one-pager" in text
    assert "Signal datasheet" not in text
    assert "Summer gala" not in text


def test_a_plural_finds_the_singular_tag(rep_client, templates):
    text = _search(rep_client, "renewals")

    assert "Signal datasheet" in text
    assert "Harbour one-pager" not in text


def test_the_start_of_a_tag_finds_it(rep_client, templates):
    assert "Signal datasheet" in _search(rep_client, "renew")


def test_a_kinds_name_finds_its_templates(rep_client, templates):
    text = _search(rep_client, "event")

    assert "Summer gala" in text
    assert "Harbour one-pager" not in text


def test_every_word_must_match_somewhere(rep_client, templates):
    text = _search(rep_client, "harbour meeting")

    assert "Harbour one-pager" in text
    assert "Signal datasheet" not in text
    assert "No template matches" in _search(rep_client, "harbour renewal")


def test_a_tag_search_never_finds_an_unpublished_template(rep_client, templates):
    draft = make_template(title="Secret meeting kit", publish=False)
    draft.tags.add("meeting")
    draft.save()

    assert "Secret meeting kit" not in _search(rep_client, "meeting")


def test_a_tag_search_never_finds_a_template_outside_the_partners_audience(client, partner_user, templates):
    client.force_login(partner_user)

    assert "Harbour one-pager" not in _search(client, "meeting")


def test_the_demo_templates_are_tagged_for_meetings_renewals_and_events():
    tags = {tag for spec in DEMO_TEMPLATES for tag in spec.get("tags", [])}

    assert {"meeting", "renewal", "event"} <= tags


def _use(template, owner, *, title, days_ago=0):
    document = document_create(template=template, owner=owner, values={}, title=title, check_fit=False)
    CollateralDocument.objects.filter(pk=document.pk).update(updated_at=timezone.now() - timezone.timedelta(days_ago))
    return document


def _recent_section(text):
    start = text.find('id="recent-heading"')
    return text[start : text.find("</section>", start)] if start != -1 else ""


def test_the_library_shows_the_templates_i_used_last_first(rep_client, rep, templates):
    harbour, signal, _gala = templates
    _use(harbour, rep, title="Old", days_ago=5)
    _use(signal, rep, title="New", days_ago=1)

    recent = _recent_section(rep_client.get(reverse("portal:library")).text)

    assert "Recently used" in recent
    assert recent.index("Signal datasheet") < recent.index("Harbour one-pager")
    assert "Summer gala" not in recent


def test_someone_elses_documents_do_not_make_my_recently_used_row(rep_client, analyst, templates):
    _use(templates[0], analyst, title="Theirs")

    text = rep_client.get(reverse("portal:library")).text

    assert "Recently used" not in text


def test_a_deleted_document_no_longer_counts_as_use(rep_client, rep, templates):
    document = _use(templates[0], rep, title="Gone")
    CollateralDocument.objects.filter(pk=document.pk).update(deleted_at=timezone.now())

    assert "Recently used" not in rep_client.get(reverse("portal:library")).text


def test_a_search_hides_the_recently_used_row(rep_client, rep, templates):
    _use(templates[0], rep, title="Mine")

    assert "Recently used" not in _search(rep_client, "datasheet")


def test_recently_used_titles_are_escaped(rep_client, rep, templates):
    CollateralTemplate.objects.filter(pk=templates[0].pk).update(title="<b>Bold</b> one-pager")
    _use(templates[0], rep, title="Mine")

    recent = _recent_section(rep_client.get(reverse("portal:library")).text)

    assert "&lt;b&gt;Bold&lt;/b&gt; one-pager" in recent
    assert "<b>Bold</b>" not in recent
