"""Whatever a signed-in rep or partner (or a visitor, on the sign-in pages) sends to the portal, in
any form field, query parameter or path segment, the answer is never a server error: bad input is
refused with a message, or ignored, or not found.

Hypothesis drives every form and query parameter the portal reads. It is derandomised and kept
small so the module stays well under a minute; each example runs in a savepoint that is rolled
back, so one example's rename or share never changes what the next one sees. The values mix
generated text (every Unicode category but lone surrogates, which no HTTP client can send) with
inputs known to break parsers: NUL, numbers out of every integer range, search syntax, CR/LF.
For a deeper run, set LASTMILE_FUZZ_EXAMPLES (e.g. 300); forms that render get a fifth of it.
"""

import os
from contextlib import contextmanager
from urllib.parse import quote

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from accounts.models import InvitationRole
from accounts.roles import Role
from accounts.services import invitation_create
from approvals.models import Notification
from approvals.services import document_create
from templates_lib.services.audience import template_share

from ..factories.approvals import reviewed_fields
from ..factories.brand import png_bytes
from ..factories.templates_lib import default_fields, make_template
from ..invitations import LINK
from ..transactions import rolled_back_transaction

EXAMPLES = int(os.environ.get("LASTMILE_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Forms that render (editor saves and previews lay the document out with WeasyPrint) get fewer.
FUZZ_RENDERING = settings(FUZZ, max_examples=max(6, EXAMPLES // 5))

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\nX-Injected: 1",
    "\x1b[31m",
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "9223372036854775808",
    "9" * 40,
    "../../etc/passwd",
    "' OR 1=1 --",
    '"',
    '"unterminated',
    "*",
    "(",
    "AND",
    "NOT OR",
    "title:x",
    "%",
    "\\",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "\u202egnp.exe",
    "🧑\u200d💻",
    "x" * 5000,
]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
VALUE = st.one_of(st.sampled_from(NASTY), TEXT)
BIG_INT = st.one_of(st.integers(min_value=0, max_value=10**30), st.sampled_from([0, 2**63, 2**64, 10**25]))


FILE_CONTENT = st.one_of(
    st.binary(max_size=512),
    st.sampled_from(
        [b"", png_bytes(), png_bytes()[:40], b"GIF89a", b"%!PS-Adobe-3.0 EPSF-3.0\n", b"<svg onload=alert(1)>"]
    ),
)
FILE_NAME = st.one_of(st.sampled_from(["logo.png", "a\x00b.png", "../../x.png", ".png", "x" * 300 + ".png"]), TEXT)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    file = SimpleUploadedFile("upload", content, content_type="image/png")
    # Any name a client may send ("." and ".." included): the test client would refuse to build
    # the file with it, but the portal's multipart parser is what must cope.
    file._name = name
    return file


def params(*names: str):
    """Any subset of these parameters, each with a hostile value."""
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, VALUE))


def segment():
    """A path segment built from hostile text (the router decodes it before matching)."""
    return VALUE.filter(bool).map(lambda text: quote(text, safe=""))


def refuse_nul_like_postgresql(execute, sql, params, many, context):
    """SQLite stores NUL in text; PostgreSQL refuses any query that carries one. Refusing it here
    too makes this SQLite run find the 500s a PostgreSQL server would give."""
    rows = params if many else [params]
    for row in rows or ():
        values = row.values() if isinstance(row, dict) else row or ()
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    return execute(sql, params, many, context)


@contextmanager
def rolled_back():
    with connection.execute_wrapper(refuse_nul_like_postgresql), rolled_back_transaction():
        yield


def assert_not_a_server_error(response):
    assert response.status_code < 500, response.content[:500]


def get(client, url, data=None):
    with rolled_back():
        response = client.get(url, data or {})
    assert_not_a_server_error(response)


def post(client, url, data=None):
    with rolled_back():
        response = client.post(url, data or {})
    assert_not_a_server_error(response)


@pytest.fixture(params=["rep", "partner_user"])
def user(request, onepager, partner_organisation):
    """A signed-in rep, or a partner whose organisation the template is shared with."""
    user = request.getfixturevalue(request.param)
    if user.organisation_id:
        template_share(template=onepager, organisation=partner_organisation)
    return user


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def document(onepager, user):
    return document_create(template=onepager, owner=user, values={}, title="Fuzzed document", check_fit=False)


@pytest.fixture
def notification(user):
    return Notification.objects.create(
        recipient=user, kind="approved", title="Approved", body="It is approved.", url="/documents/"
    )


EDITOR_FIELDS = ("title", "eyebrow", "hero_image", "subheadline", "body", "benefits", "side_image", "withdraw_and_save")


# --- lists: library and documents -----------------------------------------------------------------


@FUZZ
@given(query=params("q", "kind", "tag", "page"))
@example(query={"q": "\x00"})
@example(query={"q": '"'})
@example(query={"page": "9" * 40})
def test_library_filters_search_and_pagination(signed_in, query):
    get(signed_in, reverse("portal:library"), query)


@FUZZ
@given(query=params("q", "sort", "page", "state", "scope"))
@example(query={"q": "\x00"})
@example(query={"q": "\x00", "scope": "others"})
def test_documents_list_filters_sort_page_state_and_scope(signed_in, document, query):
    get(signed_in, reverse("portal:documents"), query)


# --- templates ----------------------------------------------------------------------------------


@FUZZ
@given(query=params("size", "q", "page"))
def test_template_detail(signed_in, onepager, query):
    get(signed_in, reverse("portal:template-detail", args=[onepager.public_id]), query)


@FUZZ
@given(revision=BIG_INT, page=BIG_INT, query=params("size"))
@example(revision=2**63, page=0, query={})
@example(revision=0, page=2**63, query={})
def test_template_thumbnail(signed_in, onepager, revision, page, query):
    url = f"/templates/{onepager.public_id}/pages/{revision}/{page}.png"
    get(signed_in, url, query)


# --- the editor -------------------------------------------------------------------------------


@FUZZ_RENDERING
@given(data=params(*EDITOR_FIELDS))
@example(data={"title": "\x00"})
@example(data={"hero_image": "9" * 40})
@example(data={"side_image": "-1"})
def test_editor_save_of_a_new_document(signed_in, onepager, data):
    post(signed_in, reverse("portal:template-personalise", args=[onepager.public_id]), data)


@FUZZ_RENDERING
@given(data=params(*EDITOR_FIELDS))
@example(data={"title": "Fine", "hero_image": "9" * 40})
def test_editor_save_of_a_document(signed_in, document, data):
    post(signed_in, reverse("portal:document-edit", args=[document.public_id]), data)


@FUZZ_RENDERING
@given(data=params(*EDITOR_FIELDS), fit=st.sampled_from(["", "1", "\x00"]))
@example(data={"hero_image": "9" * 40}, fit="")
def test_editor_preview(signed_in, onepager, document, data, fit):
    post(signed_in, reverse("portal:template-preview", args=[onepager.public_id]) + f"?fit={quote(fit)}", data)
    post(signed_in, reverse("portal:document-preview", args=[document.public_id]) + f"?fit={quote(fit)}", data)


# --- document actions ---------------------------------------------------------------------------


@FUZZ
@given(data=params("title"))
@example(data={"title": "\x00"})
def test_rename(signed_in, document, data):
    post(signed_in, reverse("portal:document-rename", args=[document.public_id]), data)


@FUZZ
@given(data=params("email"))
@example(data={"email": "colleague\x00@example.com"})
def test_share(signed_in, document, data):
    post(signed_in, reverse("portal:document-share", args=[document.public_id]), data)


@pytest.fixture
def document_needing_review(user, brand_kit, partner_organisation):
    """New words in a field the brand team reviews: submitting it stores the note."""
    template = make_template(title="Reviewed one-pager", fields=reviewed_fields())
    if user.organisation_id:
        template_share(template=template, organisation=partner_organisation)
    return document_create(template=template, owner=user, values={"subheadline": "Our own words"})


@FUZZ
@given(data=params("note"))
@example(data={"note": "\x00"})
def test_submit_note(signed_in, document_needing_review, data):
    post(signed_in, reverse("portal:document-submit", args=[document_needing_review.public_id]), data)


@FUZZ
@given(query=params("profile", "size"))
def test_download_parameters(signed_in, document, query):
    get(signed_in, reverse("portal:document-download", args=[document.public_id]), query)
    get(signed_in, reverse("portal:document-status", args=[document.public_id]), query)


# --- notifications ------------------------------------------------------------------------------


@FUZZ
@given(query=params("page"), pk=BIG_INT)
@example(query={}, pk=2**63)
def test_notifications(signed_in, notification, query, pk):
    get(signed_in, reverse("portal:notifications"), query)
    get(signed_in, f"/notifications/{pk}/")
    post(signed_in, reverse("portal:notifications-read-all"), query)


# --- team (partner managers) --------------------------------------------------------------------


@FUZZ
@given(data=params("email", "role"))
def test_team_invite(client, manager, data):
    client.force_login(manager)

    post(client, reverse("portal:team-invite"), data)


@FUZZ
@given(name=FILE_NAME, content=FILE_CONTENT)
@example(name="a\x00b.png", content=png_bytes())
def test_team_logo_upload(client, manager, name, content):
    client.force_login(manager)

    post(client, reverse("portal:team-logo"), {"logo": upload(name, content)})


@pytest.fixture
def upload_template(brand_kit):
    fields = [dict(spec, allow_upload=True) if spec["key"] == "side_image" else spec for spec in default_fields()]
    return make_template(title="Uploads allowed", fields=fields)


@FUZZ_RENDERING
@given(name=FILE_NAME, content=FILE_CONTENT)
@example(name="a\x00b.png", content=png_bytes())
def test_editor_image_upload(rep_client, upload_template, name, content):
    data = {"title": "With an upload", "side_image__upload": upload(name, content)}

    post(rep_client, reverse("portal:template-personalise", args=[upload_template.public_id]), data)


# --- signing in, password reset and invitations (no session) ------------------------------------


@FUZZ
@given(data=params("username", "password"), query=params("next"))
@example(data={"username": "\x00", "password": "\x00"}, query={})
def test_sign_in(db, data, query):
    client = Client()
    url = reverse("portal:login")
    if query:
        url += "?" + "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in query.items())
    get(client, url)
    post(client, url, data)


@FUZZ
@given(data=params("email"))
@example(data={"email": "a\x00@example.com"})
def test_password_reset(db, data):
    post(Client(), reverse("portal:password-reset"), data)


@FUZZ
@given(uid=segment(), token=segment(), data=params("new_password1", "new_password2"))
def test_password_reset_confirm(db, uid, token, data):
    client = Client()
    url = f"/password-reset/{uid}/{token}/"
    get(client, url)
    post(client, url, data)


@pytest.fixture
def invitation_token(manager, partner_organisation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            organisation=partner_organisation,
            email="new.person@example.com",
            role=InvitationRole.PARTNER_USER,
            invited_by=manager,
        )
    return LINK.search(mail.outbox[-1].body).group(2)


@FUZZ
@given(data=params("username", "first_name", "last_name", "password1", "password2"))
@example(data={"username": "newperson", "first_name": "\x00", "last_name": "x", "password1": "p", "password2": "p"})
def test_invitation_accept(invitation_token, data):
    post(Client(), reverse("portal:invitation-accept", args=[invitation_token]), data)


@FUZZ
@given(token=segment())
def test_invitation_link(db, token):
    get(Client(), f"/invitations/{token}/")


def test_the_partner_in_these_tests_uses_the_shared_template(partner_user, onepager, partner_organisation, client):
    """Guards the fixtures: without the share, every partner request would be a cheap 404."""
    template_share(template=onepager, organisation=partner_organisation)
    client.force_login(partner_user)

    assert client.get(reverse("portal:template-detail", args=[onepager.public_id])).status_code == 200
    assert Role.PARTNER_USER.label in partner_user.groups.values_list("name", flat=True)
