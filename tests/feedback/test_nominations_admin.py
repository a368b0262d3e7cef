"""The brand team's nominations in Wagtail admin: the list, one nomination's page, making a draft
template and declining, and crafted requests from everyone else."""

from django.urls import reverse

import pytest

from approvals.models import Notification
from feedback.models import NominationStatus
from templates_lib.models import CollateralTemplate

from ..factories.approvals import make_document
from ..factories.feedback import make_nomination

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def nomination(onepager, partner_user):
    document = make_document(onepager, partner_user, title="Harbour flyer", values={"subheadline": "Our words."})
    return make_nomination(document, reason=f"Closed two deals {XSS}")


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def index_url():
    return reverse("template_nominations:index")


def review_url(nomination):
    return reverse("template_nominations:review", args=[nomination.pk])


def convert_url(nomination):
    return reverse("template_nominations:convert", args=[nomination.pk])


def decline_url(nomination):
    return reverse("template_nominations:decline", args=[nomination.pk])


def test_the_list_shows_document_author_organisation_and_escaped_reason(brand_client, nomination):
    response = brand_client.get(index_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Harbour flyer" in html
    assert review_url(nomination) in html
    assert "Brightpath Partners" in html
    assert "Closed two deals &lt;img src=x onerror=alert(1)&gt;" in html
    assert XSS not in html
    assert "Make draft template" in html


def test_the_status_filter_hides_other_statuses(brand_client, nomination, brand_manager):
    from feedback.services.nominations import nomination_decline

    nomination_decline(nomination=nomination, user=brand_manager, reason="Not now.")

    response = brand_client.get(index_url(), {"status": NominationStatus.PENDING})

    assert "Harbour flyer" not in response.content.decode()


def test_the_nomination_page_previews_the_approved_document(brand_client, nomination):
    response = brand_client.get(review_url(nomination))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<iframe" in html
    assert "Our words." in html  # inside the escaped srcdoc
    assert "Nominated by" in html
    assert XSS not in html


def test_an_unknown_nomination_is_not_found(brand_client, nomination):
    response = brand_client.get(reverse("template_nominations:review", args=[nomination.pk + 1000]))

    assert response.status_code == 404


def test_making_a_draft_template_goes_to_its_edit_page(brand_client, nomination):
    response = brand_client.post(convert_url(nomination))

    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.CONVERTED
    assert response.status_code == 302
    assert response.url == reverse(
        "wagtailsnippets_templates_lib_collateraltemplate:edit", args=[nomination.draft_template_id]
    )


def test_the_drafts_edit_page_credits_the_author(brand_client, nomination):
    brand_client.post(convert_url(nomination))
    nomination.refresh_from_db()

    response = brand_client.get(
        reverse("wagtailsnippets_templates_lib_collateraltemplate:edit", args=[nomination.draft_template_id])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nominated by" in html
    assert "from their document “Harbour flyer”" in html


def test_the_drafts_edit_page_links_to_the_nomination(brand_client, nomination):
    brand_client.post(convert_url(nomination))
    nomination.refresh_from_db()

    response = brand_client.get(
        reverse("wagtailsnippets_templates_lib_collateraltemplate:edit", args=[nomination.draft_template_id])
    )

    assert f'href="{review_url(nomination)}"' in response.content.decode()


def test_a_get_on_convert_changes_nothing(brand_client, nomination):
    response = brand_client.get(convert_url(nomination))

    nomination.refresh_from_db()
    assert response.status_code == 405
    assert nomination.status == NominationStatus.PENDING


def test_converting_twice_says_it_was_decided_and_makes_one_draft(brand_client, nomination):
    brand_client.post(convert_url(nomination))

    response = brand_client.post(convert_url(nomination), follow=True)

    assert "already decided" in response.content.decode()
    assert CollateralTemplate.objects.count() == 2


def test_declining_with_a_reason_tells_the_author(brand_client, nomination, partner_user):
    response = brand_client.post(decline_url(nomination), {"reason": "We have one like it."})

    nomination.refresh_from_db()
    assert response.status_code == 302
    assert (nomination.status, nomination.decision_reason) == (NominationStatus.DECLINED, "We have one like it.")
    assert Notification.objects.get(recipient=partner_user).body == "We have one like it."


def test_declining_without_a_reason_shows_the_form_again(brand_client, nomination):
    response = brand_client.post(decline_url(nomination), {"reason": "  "})

    nomination.refresh_from_db()
    assert response.status_code == 422
    assert "Say why it is declined" in response.content.decode()
    assert nomination.status == NominationStatus.PENDING


def test_an_overlong_decline_reason_keeps_what_was_typed(brand_client, nomination):
    typed = "No " * 2000

    response = brand_client.post(decline_url(nomination), {"reason": typed})

    nomination.refresh_from_db()
    assert response.status_code == 422
    assert typed.strip() in response.content.decode()
    assert nomination.status == NominationStatus.PENDING


@pytest.mark.parametrize("who", ["rep_client", "analyst_client", "partner_manager_client", "partner_client"])
@pytest.mark.parametrize("route", [convert_url, decline_url])
def test_everyone_else_is_refused_the_decisions(request, nomination, who, route):
    client = request.getfixturevalue(who)

    response = client.post(route(nomination), {"reason": "Crafted"})

    nomination.refresh_from_db()
    assert response.status_code in (302, 403)
    assert nomination.status == NominationStatus.PENDING
    assert CollateralTemplate.objects.count() == 1
    assert not Notification.objects.exists()


@pytest.mark.parametrize("who", ["rep_client", "analyst_client", "partner_client"])
def test_everyone_else_is_refused_the_list_and_the_page(request, nomination, who):
    client = request.getfixturevalue(who)

    for url in (index_url(), review_url(nomination)):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "Harbour flyer" not in response.content.decode()


@pytest.fixture
def partner_client(client, partner_user):
    client.force_login(partner_user)
    return client


@pytest.fixture
def partner_manager_client(client, manager):
    client.force_login(manager)
    return client
