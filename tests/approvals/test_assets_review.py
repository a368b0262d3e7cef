from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from accounts.models import Organisation
from brand.models import UploadReview
from tests.factories.brand import ImageFactory

LOGOS = reverse("approvals_admin:logos")
UPLOADS = reverse("approvals_admin:uploads")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def pending_logo(partner_organisation, manager):
    logo = ImageFactory(title="Brightpath logo", review_state=UploadReview.PENDING, uploaded_by_user=manager)
    Organisation.objects.filter(pk=partner_organisation.pk).update(logo=logo, logo_submitted_at=timezone.now())
    partner_organisation.refresh_from_db()
    return partner_organisation


@pytest.fixture
def upload(partner_user):
    return ImageFactory(title="Harbour photo", review_state=UploadReview.PENDING, uploaded_by_user=partner_user)


def logo_decision(organisation):
    return reverse("approvals_admin:logo-decide", args=[organisation.pk])


def upload_decision(image):
    return reverse("approvals_admin:upload-decide", args=[image.pk])


# --- Partner logos --------------------------------------------------------------------------


def test_logos_tab_lists_the_logo_with_its_organisation_and_decision_buttons(brand_client, pending_logo):
    response = brand_client.get(LOGOS)

    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [pending_logo]
    assert "Brightpath Partners" in html
    assert "Partner logos (1)" in html
    assert logo_decision(pending_logo) in html


def test_approving_a_logo_through_the_queue(brand_client, pending_logo, brand_manager):
    response = brand_client.post(logo_decision(pending_logo), {"approve": "1"})

    assert response.status_code == 302
    assert response.url == LOGOS
    pending_logo.refresh_from_db()
    assert pending_logo.is_logo_approved
    assert pending_logo.logo.review_state == UploadReview.APPROVED
    assert ModelLogEntry.objects.filter(action="lastmile.logo.approved", user=brand_manager).count() == 1


def test_turning_a_logo_down_needs_a_note(brand_client, pending_logo):
    logo_id = pending_logo.logo_id

    response = brand_client.post(logo_decision(pending_logo), {"approve": "0", "note": ""})

    assert any("Say why the logo is turned down" in message for message in messages_of(response))
    pending_logo.refresh_from_db()
    assert pending_logo.logo_id == logo_id
    assert not pending_logo.is_logo_approved


def test_turning_a_logo_down_with_a_note(brand_client, pending_logo):
    brand_client.post(logo_decision(pending_logo), {"approve": "0", "note": "Too low resolution"})

    pending_logo.refresh_from_db()
    assert pending_logo.logo_id is None
    assert pending_logo.logo_review_note == "Too low resolution"


def test_a_second_logo_decision_is_refused_clearly(brand_client, pending_logo):
    brand_client.post(logo_decision(pending_logo), {"approve": "1"})

    response = brand_client.post(logo_decision(pending_logo), {"approve": "0", "note": "Changed my mind"})

    assert any("already reviewed" in message for message in messages_of(response))
    pending_logo.refresh_from_db()
    assert pending_logo.is_logo_approved
    assert ModelLogEntry.objects.filter(action__startswith="lastmile.logo.").count() == 1


def test_an_analyst_cannot_decide_a_logo(client, analyst, pending_logo):
    client.force_login(analyst)

    response = client.post(logo_decision(pending_logo), {"approve": "1"})

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    pending_logo.refresh_from_db()
    assert not pending_logo.is_logo_approved


def test_deciding_needs_a_post(brand_client, pending_logo):
    assert brand_client.get(logo_decision(pending_logo)).status_code == 405


# --- Uploaded images ------------------------------------------------------------------------


def test_uploads_tab_lists_the_image_with_its_uploader(brand_client, upload):
    response = brand_client.get(UPLOADS)

    html = response.content.decode()
    assert list(response.context["object_list"]) == [upload]
    assert "Harbour photo" in html
    assert "Brightpath Partners" in html
    assert "Uploaded images (1)" in html


def test_approving_an_uploaded_image(brand_client, upload, brand_manager):
    brand_client.post(upload_decision(upload), {"approve": "1"})

    upload.refresh_from_db()
    assert upload.review_state == UploadReview.APPROVED
    assert upload.reviewed_by == brand_manager


def test_turning_an_image_down_needs_a_note(brand_client, upload):
    response = brand_client.post(upload_decision(upload), {"approve": "0"})

    assert any("Say why the image is turned down" in message for message in messages_of(response))
    upload.refresh_from_db()
    assert upload.review_state == UploadReview.PENDING


def test_turning_an_image_down_records_the_note(brand_client, upload):
    brand_client.post(upload_decision(upload), {"approve": "0", "note": "Shows a competitor's product"})

    upload.refresh_from_db()
    assert upload.review_state == UploadReview.REJECTED
    assert upload.review_note == "Shows a competitor's product"


def test_a_second_image_decision_is_refused_clearly(brand_client, upload):
    brand_client.post(upload_decision(upload), {"approve": "0", "note": "No"})

    response = brand_client.post(upload_decision(upload), {"approve": "1"})

    assert any("already reviewed" in message for message in messages_of(response))
    upload.refresh_from_db()
    assert upload.review_state == UploadReview.REJECTED


def test_a_decision_without_approve_or_turn_down_changes_nothing(brand_client, upload):
    response = brand_client.post(upload_decision(upload), {"note": "?"})

    assert any("Choose approve or turn down" in message for message in messages_of(response))
    upload.refresh_from_db()
    assert upload.review_state == UploadReview.PENDING


def test_empty_tabs_say_nothing_is_waiting(brand_client):
    assert "No uploaded images are waiting" in brand_client.get(UPLOADS).content.decode()
    assert "No partner logos are waiting" in brand_client.get(LOGOS).content.decode()


def test_a_logo_replaced_before_review_leaves_the_queue(brand_client, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.services import organisation_logo_upload
    from tests.factories.brand import png_bytes

    first = organisation_logo_upload(manager=manager, file=SimpleUploadedFile("a.png", png_bytes(), "image/png"))
    organisation_logo_upload(manager=manager, file=SimpleUploadedFile("b.png", png_bytes(), "image/png"))

    first.refresh_from_db()
    assert first.review_state == UploadReview.REJECTED
    assert first.title not in brand_client.get(UPLOADS).text


@pytest.fixture
def americas_reviewer(brand_manager):
    from tests.factories.accounts import RegionFactory

    brand_manager.review_regions.set([RegionFactory(name="Americas", code="amer")])
    return brand_manager


def test_a_reviewer_limited_to_regions_sees_only_their_regions_logos(client, americas_reviewer, pending_logo):
    from tests.factories.accounts import RegionFactory

    Organisation.objects.filter(pk=pending_logo.pk).update(region=RegionFactory(name="EMEA", code="emea"))
    client.force_login(americas_reviewer)

    assert pending_logo.name not in client.get(LOGOS).text


def test_a_reviewer_limited_to_regions_cannot_decide_another_regions_logo(client, americas_reviewer, pending_logo):
    from tests.factories.accounts import RegionFactory

    Organisation.objects.filter(pk=pending_logo.pk).update(region=RegionFactory(name="EMEA", code="emea"))
    client.force_login(americas_reviewer)

    client.post(logo_decision(pending_logo), {"approve": "1"})

    pending_logo.refresh_from_db()
    assert not pending_logo.is_logo_approved
