"""The pages a visitor meets when something is missing or breaks: the portal's own, never Django's
debug pages, and the demo served with debug off (as production is)."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client, RequestFactory
from django.views.defaults import server_error

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_an_unknown_address_gets_the_portals_not_found_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found" in text
    assert "portal/portal.css" in text
    assert "Using the URLconf" not in text
    assert 'href="/sign-in/"' in text


def test_a_partner_opening_the_team_page_gets_the_not_found_page_without_the_url_list(client, partner_user):
    client.force_login(partner_user)

    response = client.get("/team/")

    assert response.status_code == 404
    text = response.content.decode()
    assert "<h1>Page not found</h1>" in text
    assert "team/invite/" not in text
    assert "Using the URLconf" not in text
    assert 'href="/library/"' in text


def test_a_not_found_page_answers_the_same_every_time(client, rep):
    # No CSRF token or anything else that changes: a refused id answers exactly like a missing one.
    client.force_login(rep)

    first = client.get("/no-such-page/")
    second = client.get("/documents/00000000-0000-0000-0000-000000000000/")

    assert first.content == second.content
    assert "csrf" not in first.content.decode().lower()


def test_a_wrong_document_id_gets_the_not_found_page(client, rep):
    client.force_login(rep)

    response = client.get("/documents/00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.urls_errors")
def test_a_broken_view_gets_the_portals_error_page():
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong on our side" in text
    assert "portal/portal.css" in text
    assert "RuntimeError" not in text
    assert "a bug in a view" not in text


def test_the_error_page_needs_neither_the_database_nor_a_request_context():
    # No django_db mark: any query would fail this test. Django renders 500.html without the request,
    # so no context processor runs either.
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "<h1>Something went wrong on our side</h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_gets_the_try_again_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/sign-in/", {"username": "rep", "password": "wrong"})

    assert response.status_code == 403
    text = response.content.decode()
    assert "Please try that again" in text
    assert "Nothing was changed" in text
    assert "CSRF_FAILURE_VIEW" not in text


def _demo_settings(*names: str, env_overrides: dict[str, str] | None = None) -> list[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "LASTMILE_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.demo", **(env_overrides or {})})
    code = "import django; django.setup(); from django.conf import settings; " + "; ".join(
        f"print(repr(settings.{name}))" for name in names
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_demo_is_served_with_debug_off_even_when_the_shell_asks_for_debug():
    debug, hosts = _demo_settings("DEBUG", "ALLOWED_HOSTS", env_overrides={"DJANGO_DEBUG": "true"})

    assert debug == "False"
    assert hosts == "['localhost', '127.0.0.1', '[::1]']"


def test_the_demo_serves_static_files_as_production_does_and_its_own_media():
    storages, serve_media = _demo_settings("STORAGES['staticfiles']['BACKEND']", "LASTMILE_SERVE_MEDIA")

    assert storages == "'whitenoise.storage.CompressedManifestStaticFilesStorage'"
    assert serve_media == "True"


def test_the_demo_script_uses_the_demo_settings():
    script = (ROOT / "bin" / "run-demo").read_text()

    assert "DJANGO_SETTINGS_MODULE=portal.settings.demo" in script
    assert "portal.settings.dev" not in script
    assert "collectstatic" in script
