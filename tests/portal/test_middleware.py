"""Headers set by portal.middleware: the Content-Security-Policy of portal and admin pages, and
`Cache-Control: private, no-store` on everything that shows a user's documents."""

import re
from pathlib import Path

from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from wagtail.documents import get_document_model

import pytest

from approvals.services import document_create

from ..factories.accounts import UserFactory

PORTAL_TEMPLATES = Path(__file__).resolve().parents[2] / "portal" / "templates"


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


def test_portal_pages_allow_scripts_only_from_the_sites_own_files(rep_client, db):
    directives = _directives(rep_client.get(reverse("portal:library")))

    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]


def test_the_sign_in_page_has_the_strict_policy_too(db):
    directives = _directives(Client().get(reverse("portal:login")))

    assert directives["script-src"] == ["'self'"]


def test_wagtail_admin_gets_its_own_policy_with_inline_script(brand_client):
    directives = _directives(brand_client.get("/admin/"))

    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert "'unsafe-eval'" not in directives["script-src"]


def test_a_served_document_keeps_wagtails_own_stricter_policy(brand_client):
    document = get_document_model().objects.create(title="Price list", file=ContentFile(b"%PDF-1.7", name="prices.pdf"))

    response = brand_client.get(document.url)

    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.parametrize("path", sorted(PORTAL_TEMPLATES.rglob("*.html")), ids=lambda path: path.name)
def test_portal_templates_have_no_inline_script_or_event_handlers(path):
    """The policy would block them; this says which template to fix before a browser does."""
    html = path.read_text()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>: move it to portal.js"
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), "inline event handler: use portal.js"
    assert "javascript:" not in html.lower()
    assert "hx-on" not in html, "hx-on needs eval, which htmx may not do under the policy"


# --- Cache-Control on private routes --------------------------------------------------------------


@pytest.fixture
def document(onepager, rep):
    return document_create(template=onepager, owner=rep, values={}, title="Fjord one-pager", check_fit=False)


@pytest.mark.parametrize(
    ("route", "method"),
    [
        ("document-edit", "get"),
        ("document-edit", "post"),
        ("document-preview", "post"),
        ("document-rename", "post"),
        ("document-share", "post"),
        ("document-delete", "get"),
        ("document-download", "get"),
        ("document-status", "get"),
        ("document-submit", "post"),
    ],
)
def test_document_routes_are_never_stored_by_a_cache(rep_client, document, route, method):
    response = getattr(rep_client, method)(reverse(f"portal:{route}", args=[document.public_id]))

    assert response["Cache-Control"] == "private, no-store"


def test_the_documents_list_is_never_stored_by_a_cache(rep_client, document):
    assert rep_client.get(reverse("portal:documents"))["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(("route", "method"), [("template-personalise", "get"), ("template-preview", "post")])
def test_the_editor_of_a_template_is_never_stored_by_a_cache(rep_client, onepager, route, method):
    response = getattr(rep_client, method)(reverse(f"portal:{route}", args=[onepager.public_id]))

    assert response["Cache-Control"] == "private, no-store"


def test_a_document_someone_else_asks_for_is_not_stored_either(client, document):
    client.force_login(UserFactory(username="someone-else"))

    response = client.get(reverse("portal:document-edit", args=[document.public_id]))

    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.slow
@pytest.mark.parametrize("route", ["document-pdf", "document-draft-pdf", "document-png"])
def test_pdfs_and_pngs_of_a_document_are_never_stored_by_a_cache(rep_client, document, route):
    response = rep_client.get(reverse(f"portal:{route}", args=[document.public_id]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_the_library_is_not_marked_private(rep_client, onepager):
    assert "Cache-Control" not in rep_client.get(reverse("portal:library"))


@pytest.mark.slow
def test_template_thumbnails_keep_their_own_caching(rep_client, onepager):
    url = reverse("portal:template-thumbnail", args=[onepager.public_id, onepager.live_revision_id, 0])

    assert rep_client.get(url)["Cache-Control"] == "private, max-age=3600"
