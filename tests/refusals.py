"""What a refusal looks like, for tests that check one.

The portal refuses like a missing object: a 404 whose body is byte for byte the body of the same
route asked for an identifier that does not exist, so a refusal reveals nothing. Wagtail admin
refuses its own way: a user who reaches the admin is sent to the dashboard with Wagtail's
permission-denied message; anyone else is sent to the admin's sign-in page.
"""

import uuid
from urllib.parse import parse_qs, urlsplit

from django.contrib.messages import get_messages
from django.urls import reverse

import pytest

ADMIN_PERMISSION_DENIED = "Sorry, you do not have permission to access this area."
ADMIN_ACCESS_DENIED = "You do not have permission to access the admin."


def messages_of(response) -> list[str]:
    """The messages the request left for the next page (Wagtail's are rendered as HTML)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def missing_object_response(client, route: str, *, method: str = "get", data: dict | None = None):
    """The same route asked for an object that does not exist (a fresh uuid4)."""
    return getattr(client, method)(reverse(route, args=[uuid.uuid4()]), data or {})


def assert_refused_like_missing(response, missing) -> None:
    """`response` is a 404 indistinguishable from `missing`, the answer for a missing object."""
    assert response.status_code == 404, response.status_code
    assert missing.status_code == 404, missing.status_code
    assert response.content == missing.content


def assert_portal_refused(client, response, route: str, *, method: str = "get", data: dict | None = None) -> None:
    """The portal answered `route` as if its object did not exist."""
    assert_refused_like_missing(response, missing_object_response(client, route, method=method, data=data))


def assert_admin_refused(response, user) -> None:
    """Wagtail admin refused `user` its own way (see the module docstring)."""
    assert response.status_code == 302, response.status_code
    if user.has_perm("wagtailadmin.access_admin"):
        assert response.url == reverse("wagtailadmin_home")
        assert any(ADMIN_PERMISSION_DENIED in message for message in messages_of(response))
    else:
        location = urlsplit(response.url)
        assert location.path == reverse("wagtailadmin_login")
        asked = response.request["PATH_INFO"]
        if response.request.get("QUERY_STRING"):
            asked += "?" + response.request["QUERY_STRING"]
        assert parse_qs(location.query) == {"next": [asked]}
        assert any(ADMIN_ACCESS_DENIED in message for message in messages_of(response))


def policy_cells(table: str, roles: list[str]) -> list:
    """A policy table ("object action role…" header, then "Y" allowed or "-" refused per role) as
    pytest parameters (action, role, allowed), one per cell."""
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == roles, "the table's columns are the roles, in order"
    return [
        pytest.param(row[1], role, cell == "Y", id=f"{row[0]}-{row[1]}-{role}")
        for row in rows
        for role, cell in zip(roles, row[2:], strict=True)
    ]
