import uuid

from django.urls import reverse

import pytest

from ..factories.templates_lib import make_template


@pytest.fixture
def templates(db, brand_kit):
    first = make_template(title="Harbour one-pager")
    first.tags.add("maritime")
    first.save()
    second = make_template(title="Signal datasheet")
    return first, second


def test_library_lists_published_templates(rep_client, templates):
    response = rep_client.get(reverse("portal:library"))

    assert response.status_code == 200
    assert "Harbour one-pager" in response.text
    assert "Signal datasheet" in response.text


def test_unpublished_templates_are_not_listed(rep_client, templates):
    make_template(title="Secret draft", publish=False)

    response = rep_client.get(reverse("portal:library"))

    assert "Secret draft" not in response.text


def test_search_finds_by_title(rep_client, templates):
    response = rep_client.get(reverse("portal:library"), {"q": "datasheet"})

    assert "Signal datasheet" in response.text
    assert "Harbour one-pager" not in response.text


def test_filter_by_kind_with_no_match_shows_an_empty_state(rep_client, templates):
    response = rep_client.get(reverse("portal:library"), {"kind": "brochure"})

    assert "No template matches" in response.text


def test_filter_by_tag(rep_client, templates):
    response = rep_client.get(reverse("portal:library"), {"tag": "maritime"})

    assert "Harbour one-pager" in response.text
    assert "Signal datasheet" not in response.text


def test_library_without_templates_says_so(rep_client, db, brand_kit):
    response = rep_client.get(reverse("portal:library"))

    assert "No templates yet" in response.text


def test_library_queries_do_not_grow_with_the_number_of_templates(rep_client, brand_kit, django_assert_max_num_queries):
    make_template(title="One")
    with django_assert_max_num_queries(100) as few:
        rep_client.get(reverse("portal:library"))
    for n in range(6):
        make_template(title=f"More {n}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        rep_client.get(reverse("portal:library"))


def test_template_detail_says_what_can_be_changed(rep_client, templates):
    response = rep_client.get(reverse("portal:template-detail", args=[templates[0].public_id]))

    assert response.status_code == 200
    assert "Subheadline (up to 80 characters)" in response.text
    assert "Locked by the brand team" in response.text


def test_an_unknown_template_is_not_found(rep_client, templates):
    response = rep_client.get(reverse("portal:template-detail", args=[uuid.uuid4()]))

    assert response.status_code == 404


@pytest.mark.slow
def test_thumbnail_is_a_png_of_page_one(rep_client, templates):
    template = templates[0]

    response = rep_client.get(
        reverse("portal:template-thumbnail", args=[template.public_id, template.live_revision_id, 0])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_brand_managers_see_the_admin_link_and_reps_do_not(client, rep, brand_manager, templates):
    client.force_login(rep)
    assert "Brand admin" not in client.get(reverse("portal:library")).text

    client.force_login(brand_manager)
    assert "Brand admin" in client.get(reverse("portal:library")).text


def test_health_check_answers_without_sign_in(client, db):
    response = client.get(reverse("healthz"))

    assert response.json() == {"status": "ok"}


def test_a_search_with_a_nul_byte_is_refused_with_a_message(rep_client, templates):
    response = rep_client.get(reverse("portal:library"), {"q": "data\x00sheet"})

    assert response.status_code == 400
    assert "Search: Null characters are not allowed." in response.text
    assert "Signal datasheet" in response.text  # the list itself is still there, unfiltered


def test_a_search_for_a_lone_quote_finds_nothing(rep_client, templates):
    response = rep_client.get(reverse("portal:library"), {"q": '"'})

    assert response.status_code == 200
    assert "No template matches" in response.text


def test_a_search_ignores_punctuation_around_its_words(rep_client, templates):
    response = rep_client.get(reverse("portal:library"), {"q": '"datasheet*'})

    assert "Signal datasheet" in response.text
    assert "Harbour one-pager" not in response.text


def test_an_unknown_kind_is_refused_while_the_other_filters_apply(rep_client, templates):
    response = rep_client.get(reverse("portal:library"), {"kind": "poster", "tag": "maritime"})

    assert response.status_code == 400
    assert "Kind: Choose a kind from the list." in response.text
    assert "Harbour one-pager" in response.text
    assert "Signal datasheet" not in response.text
