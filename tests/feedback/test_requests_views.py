"""Template requests in the portal: list, new request, request page, "me too" and its undo."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from accounts.roles import Role
from feedback.models import RequestStatus, RequestSupport, TemplateRequest
from feedback.services.requests import request_decide, request_support_add

from ..factories.accounts import OrganisationFactory, UserFactory, partner_member
from ..factories.brand import png_bytes
from ..factories.deals import DealFactory
from ..factories.feedback import make_request


@pytest.fixture
def colleague(roles):
    user = UserFactory(username="colleague", first_name="Lee", last_name="Park")
    user.groups.add(roles[Role.SALES_REP])
    return user


@pytest.fixture
def colleague_client(client, colleague):
    client.force_login(colleague)
    return client


@pytest.fixture
def partner_client(client, partner_user):
    client.force_login(partner_user)
    return client


def detail_url(request):
    return reverse("portal:request-detail", args=[request.public_id])


def form_data(**changes):
    return {
        "kind": "new",
        "title": "Shipping case study",
        "purpose": "For ferry operators",
        "urgency": "this_week",
    } | changes


def test_the_list_shows_requests_with_their_demand(rep, rep_client):
    make_request(rep, title="Ferry one-pager", deal=DealFactory(owner=rep, amount=2000, currency="NOK"))

    response = rep_client.get(reverse("portal:requests"))

    assert response.status_code == 200
    assert "Ferry one-pager" in response.text
    assert "NOK 2,000" in response.text
    assert "You need this" in response.text


def test_the_list_searches_and_filters_by_status(rep, rep_client, brand_manager):
    make_request(rep, title="Ferry one-pager")
    declined = make_request(rep, title="Rail brochure")
    request_decide(request=declined, by=brand_manager, status=RequestStatus.DECLINED, reason="No")

    searched = rep_client.get(reverse("portal:requests"), {"q": "ferry"})
    filtered = rep_client.get(reverse("portal:requests"), {"status": "declined"})

    assert "Ferry one-pager" in searched.text
    assert "Rail brochure" not in searched.text
    assert "Rail brochure" in filtered.text
    assert "Ferry one-pager" not in filtered.text


def test_an_unknown_status_filter_is_refused_with_a_message(rep_client):
    response = rep_client.get(reverse("portal:requests"), {"status": "<b>x</b>"})

    assert response.status_code == 400
    assert "Choose a status from the list." in response.text
    assert "<b>x</b>" not in response.text


def test_the_list_is_paginated(rep, rep_client):
    for number in range(21):
        make_request(rep, title=f"Request {number:02d}")

    first = rep_client.get(reverse("portal:requests"))
    second = rep_client.get(reverse("portal:requests"), {"page": 2})

    assert "Page 1 of 2" in first.text
    assert second.text.count('class="strong"') == 1


def test_an_empty_list_invites_a_request(rep_client):
    response = rep_client.get(reverse("portal:requests"))

    assert "No requests yet" in response.text


def test_a_partner_lists_only_their_organisations_requests(rep, partner_user, partner_client, roles):
    other = partner_member(OrganisationFactory(name="Other"))
    other.groups.add(roles[Role.PARTNER_USER])
    make_request(partner_user, title="Ours")
    make_request(other, title="Theirs")
    make_request(rep, title="Internal")

    response = partner_client.get(reverse("portal:requests"))

    assert "Ours" in response.text
    assert "Theirs" not in response.text
    assert "Internal" not in response.text


def test_making_a_request_with_a_deal_and_an_example(rep, rep_client):
    deal = DealFactory(owner=rep)
    example = SimpleUploadedFile("idea.png", png_bytes(), "image/png")

    response = rep_client.post(
        reverse("portal:request-create"), form_data(deal=str(deal.public_id), example_image=example)
    )

    request = TemplateRequest.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(request)
    assert request.example_image.uploaded_by_user == rep
    assert request.supports.get().deal == deal


def test_a_rejected_request_keeps_what_was_typed(rep_client):
    response = rep_client.post(reverse("portal:request-create"), form_data(title="", purpose="Kept <words>"))

    assert response.status_code == 422
    assert "Kept &lt;words&gt;" in response.text
    assert "Everything you typed is still here" in response.text
    assert not TemplateRequest.objects.exists()


def test_a_bad_example_image_gets_a_clear_error_and_keeps_the_text(rep_client):
    bad = SimpleUploadedFile("idea.png", b"not an image at all", "image/png")

    response = rep_client.post(reverse("portal:request-create"), form_data(example_image=bad))

    assert response.status_code == 422
    assert "Shipping case study" in response.text
    assert "choose the example image again" in response.text
    assert not TemplateRequest.objects.exists()


def test_a_crafted_deal_of_someone_else_is_refused(rep_client, colleague):
    others = DealFactory(owner=colleague)

    response = rep_client.post(reverse("portal:request-create"), form_data(deal=str(others.public_id)))

    assert response.status_code == 422
    assert "Choose one of your open deals from the list." in response.text
    assert not TemplateRequest.objects.exists()


def test_an_overlong_title_is_refused(rep_client):
    response = rep_client.post(reverse("portal:request-create"), form_data(title="x" * 161))

    assert response.status_code == 422
    assert not TemplateRequest.objects.exists()


def test_a_change_request_starts_from_the_template_page_link(onepager, rep_client):
    response = rep_client.get(reverse("portal:request-create"), {"template": str(onepager.public_id)})

    assert response.status_code == 200
    assert f'value="{onepager.public_id}" selected' in response.text


def test_the_request_page_shows_the_decision_reason_to_the_requester(rep, rep_client, brand_manager):
    request = make_request(rep)
    request_decide(request=request, by=brand_manager, status=RequestStatus.DECLINED, reason="Use the <i>ferry</i> kit")

    response = rep_client.get(detail_url(request))

    assert "Marketing declined this request." in response.text
    assert "Use the &lt;i&gt;ferry&lt;/i&gt; kit" in response.text


def test_the_done_request_links_to_the_answering_template(rep, rep_client, brand_manager, onepager):
    request = make_request(rep)
    request_decide(request=request, by=brand_manager, status=RequestStatus.DONE, answered_by=onepager)

    response = rep_client.get(detail_url(request))

    assert reverse("portal:template-detail", args=[onepager.public_id]) in response.text


def test_the_example_image_is_shown_to_the_requester_only(rep, rep_client, colleague):
    request = make_request(rep, example_image=SimpleUploadedFile("idea.png", png_bytes(), "image/png"))
    image_url = request.example_image.file.url
    rep_page = rep_client.get(detail_url(request))
    rep_client.force_login(colleague)

    colleague_page = rep_client.get(detail_url(request))

    assert image_url in rep_page.text
    assert image_url not in colleague_page.text


def test_me_too_with_a_deal_is_counted(rep, colleague, colleague_client):
    request = make_request(rep)
    deal = DealFactory(owner=colleague)

    response = colleague_client.post(
        reverse("portal:request-me-too", args=[request.public_id]), {"deal": str(deal.public_id), "note": "Fjord"}
    )

    assert response.status_code == 302
    assert RequestSupport.objects.get(request=request, user=colleague).deal == deal


def test_me_too_twice_gets_a_clear_message(rep, colleague, colleague_client):
    request = make_request(rep)
    request_support_add(request=request, by=colleague)

    response = colleague_client.post(reverse("portal:request-me-too", args=[request.public_id]), {})

    assert response.status_code == 422
    assert "You already said you need this." in response.text
    assert request.supports.count() == 2


def test_withdrawing_a_me_too_is_one_click(rep, colleague, colleague_client):
    request = make_request(rep)
    request_support_add(request=request, by=colleague)

    response = colleague_client.post(reverse("portal:request-me-too-withdraw", args=[request.public_id]), follow=True)

    assert "Your “me too” is taken back." in response.text
    assert not request.supports.filter(user=colleague).exists()
    assert "Me too</button>" in response.text


def test_a_partner_gets_a_404_for_another_organisations_request(rep, partner_user, partner_client, roles):
    other = partner_member(OrganisationFactory(name="Other"))
    other.groups.add(roles[Role.PARTNER_USER])
    theirs = make_request(other)

    page = partner_client.get(detail_url(theirs))
    me_too = partner_client.post(reverse("portal:request-me-too", args=[theirs.public_id]), {})

    assert page.status_code == 404
    assert me_too.status_code == 404
    assert theirs.supports.count() == 1


def test_an_internal_request_is_a_404_for_a_partner(rep, partner_client):
    internal = make_request(rep)

    assert partner_client.get(detail_url(internal)).status_code == 404


def test_a_made_up_request_id_is_a_404(rep_client):
    response = rep_client.get(reverse("portal:request-detail", args=["00000000-0000-0000-0000-000000000000"]))

    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("portal:requests"))

    assert response.status_code == 302
    assert reverse("portal:login") in response.url
