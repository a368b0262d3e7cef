"""Template requests in Wagtail admin: marketing's list in demand order, a request's page, triage
with what each decision needs, and the example image for marketing only."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from accounts.roles import Role
from approvals.models import Notification
from feedback.models import RequestStatus

from ..factories.accounts import UserFactory
from ..factories.brand import png_bytes
from ..factories.deals import DealFactory
from ..factories.feedback import make_request


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def with_example(rep):
    return make_request(rep, title="Ferry kit", example_image=SimpleUploadedFile("idea.png", png_bytes(), "image/png"))


def edit_url(request):
    return reverse("template_requests:edit", args=[request.pk])


def test_marketing_lists_every_request_by_demand_with_per_currency_totals(rep, partner_user, brand_client):
    make_request(rep, title="Few deals")
    make_request(
        partner_user,
        title="Partner <b>ask</b>",
        deal=DealFactory(owner=partner_user, amount=Decimal("900"), currency="SEK"),
    )

    response = brand_client.get(reverse("template_requests:index"))

    assert response.status_code == 200
    assert response.text.index("Partner &lt;b&gt;ask&lt;/b&gt;") < response.text.index("Few deals")
    assert "SEK 900" in response.text


def test_the_list_filters_by_status(rep, brand_client, brand_manager):
    make_request(rep, title="Still open")
    done = make_request(rep, title="Declined one")
    brand_client.post(edit_url(done), {"status": "declined", "decision_reason": "No budget"}, follow=True)

    response = brand_client.get(reverse("template_requests:index"), {"status": "open"})

    assert "Still open" in response.text
    assert "Declined one" not in response.text


def test_the_request_page_lists_who_needs_it_and_their_deals(rep, brand_client):
    request = make_request(rep, deal=DealFactory(owner=rep, name="Fjord fleet", amount=Decimal("1200"), currency="EUR"))

    response = brand_client.get(reverse("template_requests:inspect", args=[request.pk]))

    assert response.status_code == 200
    assert "Fjord fleet" in response.text
    assert "(requester)" in response.text
    assert "EUR 1,200" in response.text


def test_declining_without_a_reason_is_refused_and_keeps_the_choice(rep, brand_client):
    request = make_request(rep)

    response = brand_client.post(edit_url(request), {"status": "declined", "decision_reason": ""})

    assert response.status_code == 200
    assert "Say why the request is declined" in response.text
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_done_without_the_answering_template_is_refused(rep, brand_client):
    request = make_request(rep)

    response = brand_client.post(edit_url(request), {"status": "done", "decision_reason": "Made it"})

    assert "Choose the template that answers the request." in response.text
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_triage_saves_the_decision_and_tells_the_requester(
    rep, brand_client, brand_manager, onepager, django_capture_on_commit_callbacks
):
    request = make_request(rep)

    with django_capture_on_commit_callbacks(execute=True):
        response = brand_client.post(
            edit_url(request), {"status": "done", "decision_reason": "", "answered_by": onepager.pk}
        )

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.answered_by, request.decided_by) == ("done", onepager, brand_manager)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [rep.pk]


def test_analysts_triage_too(rep, analyst_client):
    request = make_request(rep)

    response = analyst_client.post(edit_url(request), {"status": "accepted", "decision_reason": ""})

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_there_is_no_add_view(brand_client):
    with pytest.raises(Exception, match="NoReverseMatch|Reverse"):
        reverse("template_requests:add")


def test_reps_cannot_open_the_admin_list_or_triage(rep, rep_client):
    request = make_request(rep)

    listing = rep_client.get(reverse("template_requests:index"))
    triage = rep_client.post(edit_url(request), {"status": "declined", "decision_reason": "Self-serve"})

    assert listing.status_code in (302, 403)
    assert triage.status_code in (302, 403)
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_marketing_sees_the_example_image(with_example, brand_client):
    response = brand_client.get(reverse("template_requests:example", args=[with_example.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_the_inspect_page_shows_the_example_to_marketing(with_example, brand_client):
    response = brand_client.get(reverse("template_requests:inspect", args=[with_example.pk]))

    assert reverse("template_requests:example", args=[with_example.pk]) in response.text


def test_a_rep_cannot_fetch_the_example_through_admin(with_example, roles, client):
    colleague = UserFactory()
    colleague.groups.add(roles[Role.SALES_REP])
    client.force_login(colleague)

    response = client.get(reverse("template_requests:example", args=[with_example.pk]))

    assert response.status_code in (302, 403)


def test_a_colleague_cannot_fetch_the_example_by_its_upload_url(with_example, roles, client):
    colleague = UserFactory()
    colleague.groups.add(roles[Role.SALES_REP])
    client.force_login(colleague)

    response = client.get(with_example.example_image.file.url)

    assert response.status_code == 404


def test_the_requester_fetches_their_example_by_its_upload_url(with_example, rep_client):
    response = rep_client.get(with_example.example_image.file.url)

    assert response.status_code == 200


def test_a_superuser_opens_the_triage_page_without_add_or_delete(rep, admin_client):
    request = make_request(rep)

    response = admin_client.get(edit_url(request))

    assert response.status_code == 200
    assert "/delete/" not in response.text


def test_a_superuser_lists_requests_without_an_add_button(rep, admin_client):
    make_request(rep, title="Visible to admins")

    response = admin_client.get(reverse("template_requests:index"))

    assert response.status_code == 200
    assert "Visible to admins" in response.text
    assert "/template_requests/add/" not in response.text
