"""Uploads are private (SECURITY.md S24): users' uploaded images and partner logos, approved or
waiting, and their renditions are served only by `portal:upload-image`, to the people who may see
them; anyone else, signed in or not, gets the same 404 as for an image that does not exist, even
where a web server serves the media folder."""

import importlib
import re

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse

import pytest

from accounts.roles import Role
from accounts.services import organisation_logo_upload
from approvals.services import document_submit, logo_review
from brand.services import user_image_upload
from templates_lib.services.documents import document_share

from ..factories.accounts import OrganisationFactory, RegionFactory, UserFactory, partner_member
from ..factories.approvals import make_document, pending_round
from ..factories.brand import ImageFactory, png_bytes
from ..factories.templates_lib import changed_fields, make_template

# Every test here runs as if a web server served MEDIA_ROOT at MEDIA_URL, as the proxy does.
pytestmark = pytest.mark.urls("tests.portal.urls_media_server")

THUMBNAIL = "fill-240x160"  # the editor's picker
MISSING = "/private-media/uploads/0123456789abcdef0123456789abcdef.png"


def _png(name: str = "Holiday in Lisbon.png", size=(37, 23)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(*size), content_type="image/png")


def _public_urls_of(image, html: str) -> list[str]:
    """Every /media/ URL in `html` that leads to the image's file or one of its renditions."""
    names = {image.file.name, *image.renditions.values_list("file", flat=True)}
    return [url for url in re.findall(r"/media/[^\"'\s)<>&]+", html) if url.removeprefix("/media/") in names]


@pytest.fixture
def upload_template(db, brand_kit):
    return make_template(title="Uploadable", fields=changed_fields({"side_image": {"allow_upload": True}}))


@pytest.fixture
def world(roles, partner_organisation, partner_user, manager, brand_manager, analyst, rep, upload_template):
    """Brightpath (partner_user uploads an image and uses it in a document; a teammate), Elsewhere
    (a member and a manager), and the staff around them."""
    partner_organisation.region = RegionFactory(name="EMEA", code="emea")
    partner_organisation.save(update_fields=["region"])
    teammate = partner_member(partner_organisation, username="teammate")
    teammate.groups.add(roles[Role.PARTNER_USER])
    elsewhere = OrganisationFactory(name="Elsewhere Ltd")
    stranger = partner_member(elsewhere, username="stranger")
    stranger.groups.add(roles[Role.PARTNER_USER])
    elsewhere_manager = partner_member(elsewhere, username="elsewhere-manager")
    elsewhere_manager.groups.add(roles[Role.PARTNER_MANAGER])
    americas_reviewer = UserFactory(username="americas-reviewer")
    americas_reviewer.groups.add(roles[Role.BRAND_MANAGER])
    americas_reviewer.review_regions.set([RegionFactory(name="Americas", code="amer")])
    image = user_image_upload(user=partner_user, file=_png())
    document = make_document(upload_template, partner_user, values={"side_image": image.pk}, title="Harbour flyer")
    return {
        "image": image,
        "document": document,
        "anonymous": None,
        "uploader": partner_user,
        "partner manager": manager,
        "teammate": teammate,
        "other organisation's member": stranger,
        "other organisation's manager": elsewhere_manager,
        "rep": rep,
        "brand reviewer": brand_manager,
        "reviewer of another region": americas_reviewer,
        "analyst": analyst,
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _assert_same_as_missing(client: Client, url: str) -> None:
    refused, missing = client.get(url), client.get(MISSING)
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert b"PNG" not in refused.content


# --- URLs ------------------------------------------------------------------------------------------


def test_an_uploads_urls_are_the_permission_checked_view(rep):
    image = user_image_upload(user=rep, file=_png())

    urls = [image.file.url, image.get_rendition(THUMBNAIL).url]

    assert all(url.startswith("/private-media/") for url in urls)
    assert reverse("portal:upload-image", args=[image.file.name.removeprefix("private/")]) == urls[0]


# --- Who gets the bytes --------------------------------------------------------------------------

ALLOWED = ["uploader", "partner manager", "brand reviewer", "analyst", "superuser"]
REFUSED = [
    "anonymous",
    "teammate",
    "other organisation's member",
    "other organisation's manager",
    "rep",
    "reviewer of another region",
]


@pytest.mark.parametrize("who", ALLOWED)
def test_people_who_may_see_the_upload_get_its_original_and_renditions(world, who):
    image = world["image"]
    client = _client(world[who])

    original = client.get(image.file.url)
    thumbnail = client.get(image.get_rendition(THUMBNAIL).url)

    assert original.status_code == thumbnail.status_code == 200
    with image.open_file() as handle:
        assert b"".join(original.streaming_content) == handle.read()
    assert b"".join(thumbnail.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("who", REFUSED)
def test_anyone_else_gets_the_same_404_as_for_a_missing_image(world, who):
    image = world["image"]
    client = _client(world[who])

    _assert_same_as_missing(client, image.file.url)
    _assert_same_as_missing(client, image.get_rendition(THUMBNAIL).url)


def test_a_colleague_the_document_is_shared_with_sees_its_upload(world):
    image, teammate = world["image"], world["teammate"]
    document_share(document=world["document"], by=world["uploader"], email=teammate.email)

    response = _client(teammate).get(image.get_rendition(THUMBNAIL).url)

    assert response.status_code == 200


def test_the_image_answers_with_private_inline_headers_that_run_nothing(world):
    image = world["image"]

    response = _client(world["uploader"]).get(image.file.url)

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="holiday-in-lisbon.png"'
    assert response["Cache-Control"].startswith("private")
    assert "public" not in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert "Cookie" in response["Vary"]


def test_an_upload_whose_file_is_gone_is_a_404(world):
    image = world["image"]
    image.file.storage.delete(image.file.name)

    response = _client(world["uploader"]).get(image.file.url)

    assert response.status_code == 404


def test_a_library_image_is_not_served_by_the_private_view(world):
    library = ImageFactory()

    response = _client(world["superuser"]).get(
        reverse("portal:upload-image", args=[library.file.name.replace("original_images/", "uploads/")])
    )

    assert response.status_code == 404


# --- Partner logos ---------------------------------------------------------------------------------


@pytest.fixture
def logo(world, partner_organisation, manager):
    return organisation_logo_upload(manager=manager, file=_png("brightpath-logo.png"))


@pytest.fixture(params=["pending", "approved"])
def logo_in_state(request, logo, partner_organisation, brand_manager):
    if request.param == "approved":
        logo_review(organisation=partner_organisation, reviewer=brand_manager, approve=True)
    return logo


@pytest.mark.parametrize("who", ["anonymous", "other organisation's member", "other organisation's manager", "rep"])
def test_a_partner_logo_is_not_readable_outside_its_organisation(world, logo_in_state, who):
    client = _client(world[who])

    _assert_same_as_missing(client, logo_in_state.file.url)
    _assert_same_as_missing(client, logo_in_state.get_rendition("max-240x96").url)


@pytest.mark.parametrize("who", ["uploader", "teammate", "partner manager", "brand reviewer"])
def test_a_partner_logo_is_readable_by_its_organisation_and_the_brand_team(world, logo_in_state, who):
    response = _client(world[who]).get(logo_in_state.get_rendition("max-240x96").url)

    assert response.status_code == 200


# --- Development serving ---------------------------------------------------------------------------


@pytest.fixture
def debug_urls(settings):
    """portal.urls as `runserver` builds it with DEBUG on (it adds MEDIA_ROOT serving)."""
    import portal.urls

    settings.DEBUG = True
    importlib.reload(portal.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(portal.urls)
    clear_url_caches()


@pytest.mark.urls("portal.urls")
def test_development_media_serving_never_serves_an_upload(world, debug_urls):
    image, library = world["image"], ImageFactory()
    client = _client(world["superuser"])

    assert client.get(f"{settings.MEDIA_URL}{library.file.name}").status_code == 200
    for name in (image.file.name, image.get_rendition(THUMBNAIL).file.name):
        assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 404
        assert client.get(f"{settings.MEDIA_URL}{name.removeprefix('private/')}").status_code == 404


# --- Pages that show uploads link to the private view only -------------------------------------------


def test_the_editor_picker_shows_the_users_upload_without_a_public_url(world):
    image, client = world["image"], _client(world["uploader"])

    html = client.get(reverse("portal:document-edit", args=[world["document"].public_id])).text

    assert _public_urls_of(image, html) == []
    thumbnail = image.renditions.get(filter_spec=THUMBNAIL)
    assert thumbnail.url in html
    assert client.get(thumbnail.url).status_code == 200


def test_the_live_preview_shows_the_users_upload_without_a_public_url(world):
    image, client = world["image"], _client(world["uploader"])

    html = client.post(
        reverse("portal:document-preview", args=[world["document"].public_id]), {"side_image": image.pk}
    ).text

    assert _public_urls_of(image, html) == []
    assert image.file.url in html


def test_a_document_shown_read_only_to_the_partner_manager_shows_the_upload_from_the_private_view(world):
    image, client = world["image"], _client(world["partner manager"])

    html = client.get(reverse("portal:document-edit", args=[world["document"].public_id])).text

    assert _public_urls_of(image, html) == []
    assert image.file.url in html
    assert client.get(image.file.url).status_code == 200


def test_the_team_page_shows_the_logo_without_a_public_url(world, logo, manager):
    client = _client(manager)

    html = client.get(reverse("portal:team")).text

    assert _public_urls_of(logo, html) == []
    thumbnail = logo.renditions.get()
    assert thumbnail.url in html
    assert client.get(thumbnail.url).status_code == 200


def test_the_review_queue_shows_uploads_and_logos_without_public_urls(world, logo):
    client = _client(world["brand reviewer"])

    uploads = client.get(reverse("approvals_admin:uploads")).text
    logos = client.get(reverse("approvals_admin:logos")).text

    assert _public_urls_of(world["image"], uploads) == []
    assert _public_urls_of(logo, logos) == []
    assert world["image"].file.url in uploads
    assert logo.file.url in logos
    assert client.get(world["image"].renditions.get().url).status_code == 200


def test_the_review_screen_shows_the_upload_without_a_public_url(world):
    document, image = world["document"], world["image"]
    document_submit(document, user=world["uploader"])
    client = _client(world["brand reviewer"])

    html = client.get(reverse("approvals_admin:review", args=[pending_round(document).pk])).text

    assert _public_urls_of(image, html) == []
    shown = image.renditions.get()
    assert shown.url in html
    assert client.get(shown.url).status_code == 200


def test_wagtails_image_index_shows_uploads_without_public_urls(world):
    image = world["image"]
    client = _client(world["brand reviewer"])

    html = client.get(reverse("wagtailimages:index")).text

    assert _public_urls_of(image, html) == []
    thumbnail = image.renditions.get(filter_spec="max-165x165")
    assert thumbnail.url in html
    assert client.get(thumbnail.url).status_code == 200


def test_wagtails_image_edit_page_shows_the_upload_without_public_urls(world):
    image = world["image"]
    client = _client(world["brand reviewer"])

    html = client.get(reverse("wagtailimages:edit", args=[image.pk])).text

    assert _public_urls_of(image, html) == []
    original = image.renditions.get(filter_spec="original")  # the edit page's link to the full image
    assert original.url in html
    assert client.get(original.url).status_code == 200


# --- Rendering ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_document_with_an_upload_still_embeds_it_in_the_pdf(world):
    from templates_lib.rendering.pdf import render_collateral_pdf
    from templates_lib.tokens import TokenContext

    from .. import pdf as pdfread

    document = world["document"]

    pdf = render_collateral_pdf(
        template=document.pinned_template(),
        values=document.values,
        token_context=TokenContext(user=world["uploader"]),
        check_fit=False,
    )

    sizes = {
        (int(obj["/Width"]), int(obj["/Height"]))
        for page in pdfread.reader(pdf).pages
        for obj in (o.get_object() for o in (page["/Resources"].get("/XObject") or {}).values())
        if obj.get("/Subtype") == "/Image"
    }
    assert (37, 23) in sizes
