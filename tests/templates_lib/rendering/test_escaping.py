"""User values reach the layout only as data (SECURITY.md S01, S02, S07, S15, C.3).

Markup typed into a plain-text field must print as the literal characters, add no element to
the document and make the renderer fetch nothing; markup in a rich-text field outside its
allowed formatting is a validation error on that field, not something silently stored.
"""

import re

from django.conf import settings

import pytest
import tinyhtml5

from approvals.services import document_create
from templates_lib.fetcher import ProjectFilesFetcher
from templates_lib.models import CollateralDocument
from templates_lib.rendering.html import render_collateral_html
from templates_lib.rendering.pdf import render_collateral_pdf
from templates_lib.services.documents import DocumentValuesError
from templates_lib.services.validation import document_values_clean
from templates_lib.tokens import TokenContext

from ... import pdf as pdfread
from ...factories.templates_lib import default_fields, make_template

pytestmark = pytest.mark.slow

PLAIN_TEXT_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
    "<link rel=attachment href=file:///etc/passwd>",
    "<style>*{display:none}</style>",
    "url(http://169.254.169.254/)",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
]
FORBIDDEN_HOSTS = ("etc/passwd", "169.254", "127.0.0.1")
BENIGN = "Forecasts you can defend."


@pytest.fixture
def fetched_urls(monkeypatch, settings):
    """Every URL any ProjectFilesFetcher is asked for during the test. The engine runs in this
    process for these tests (render processes would fetch out of the spy's sight); it is the same
    engine and fetcher the render processes run."""
    settings.LASTMILE_RENDER_ISOLATION = False
    urls: list[str] = []
    original = ProjectFilesFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(ProjectFilesFetcher, "fetch", spy)
    return urls


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _html(template, user, **values) -> str:
    return render_collateral_html(
        template=template.live_revision.as_object(), values=values, token_context=TokenContext(user=user)
    )


def _tree(html: str):
    return tinyhtml5.parse(html, namespace_html_elements=False)


def _element_shapes(html: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(el.tag, tuple(sorted(el.attrib))) for el in _tree(html).iter() if isinstance(el.tag, str)]


def _subheadline(html: str):
    return _tree(html).find(".//div[@data-fit='subheadline']/p")


@pytest.mark.parametrize("payload", PLAIN_TEXT_PAYLOADS)
def test_markup_in_a_plain_text_field_prints_as_literal_text_and_fetches_nothing(onepager, rep, fetched_urls, payload):
    # Copy-fit lays the payload out as well: what it fetches counts too.
    document = document_create(template=onepager, owner=rep, values={"subheadline": payload}, check_fit=True)

    pdf = render_collateral_pdf(
        template=document.pinned_template(), values=document.values, token_context=TokenContext(user=rep)
    )

    assert document.values["subheadline"] == payload
    assert _squash(payload) in _squash(pdfread.text(pdf))
    assert [url for url in fetched_urls if any(host in url for host in FORBIDDEN_HOSTS)] == []
    assert b"/EmbeddedFile" not in pdf


@pytest.mark.parametrize("payload", PLAIN_TEXT_PAYLOADS)
def test_markup_in_a_plain_text_field_adds_no_element_to_the_html(onepager, rep, payload):
    benign_html = _html(onepager, rep, subheadline=BENIGN)

    html = _html(onepager, rep, subheadline=payload)

    assert _element_shapes(html) == _element_shapes(benign_html)
    subheadline = _subheadline(html)
    assert list(subheadline) == []
    assert subheadline.text == payload


def test_a_script_tag_in_a_plain_text_field_is_html_escaped(onepager, rep):
    html = _html(onepager, rep, subheadline="<script>alert(1)</script>")

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html


@pytest.mark.parametrize("payload", ["{{ settings.SECRET_KEY }}", "{% debug %}"])
def test_template_syntax_in_a_field_is_never_evaluated(onepager, rep, payload):
    html = _html(onepager, rep, subheadline=payload)

    assert _subheadline(html).text == payload
    assert settings.SECRET_KEY not in html
    assert "sys.modules" not in html
    assert "'True': True" not in html


RICH_TEXT_ATTACKS = {
    "script": ("<p>Hi<script>alert(1)</script></p>", "<script>"),
    "img": ('<p>Hi <img src="file:///etc/passwd"></p>', "<img>"),
    "javascript link": ('<p><a href="javascript:alert(1)">Hi</a></p>', "<a>"),
    "uppercase script": ("<P>Hi<SCRIPT>alert(1)</SCRIPT></P>", "<script>"),
    "svg onload": ("<svg onload=alert(1)><image href=file:///etc/passwd /></svg>", "<svg>"),
}


@pytest.mark.parametrize(("payload", "tag"), RICH_TEXT_ATTACKS.values(), ids=RICH_TEXT_ATTACKS.keys())
def test_markup_outside_a_rich_text_fields_formatting_is_a_field_error(onepager, rep, payload, tag):
    template = onepager.live_revision.as_object()

    result = document_values_clean(
        template=template, submitted={"body": payload}, token_context=TokenContext(user=rep), check_fit=False
    )

    assert list(result.errors) == ["body"]
    assert tag in " ".join(result.errors["body"])
    assert "body" not in result.values


def test_a_rich_text_attack_stores_no_document(onepager, rep):
    with pytest.raises(DocumentValuesError) as raised:
        document_create(template=onepager, owner=rep, values={"body": "<p>Hi<script>alert(1)</script></p>"})

    assert "body" in raised.value.errors
    assert not CollateralDocument.objects.filter(owner=rep).exists()


def test_bold_in_a_bold_only_rich_text_field_is_accepted(onepager, rep):
    template = onepager.live_revision.as_object()

    result = document_values_clean(
        template=template,
        submitted={"body": "<p>Our <b>bold</b> story.</p>"},
        token_context=TokenContext(user=rep),
        check_fit=False,
    )

    assert result.errors == {}
    assert result.values["body"] == "<p>Our <b>bold</b> story.</p>"


def test_attributes_on_allowed_rich_text_tags_are_dropped(onepager, rep):
    template = onepager.live_revision.as_object()

    result = document_values_clean(
        template=template,
        submitted={"body": '<p><b style="background:url(http://169.254.169.254/)" onclick="x()">Hi</b></p>'},
        token_context=TokenContext(user=rep),
        check_fit=False,
    )

    assert result.values["body"] == "<p><b>Hi</b></p>"


@pytest.fixture
def links_template(db, brand_kit):
    fields = [dict(spec, allow_links=True) if spec["key"] == "body" else spec for spec in default_fields()]
    return make_template(title="Links allowed", fields=fields)


@pytest.mark.parametrize(
    "href", ["javascript:app.alert(1)", "file:///C:/Windows/", "data:text/html,<b>x</b>", "JaVaScRiPt:alert(1)"]
)
def test_a_link_to_an_unsafe_scheme_is_a_field_error_even_where_links_are_allowed(links_template, rep, href):
    template = links_template.live_revision.as_object()

    result = document_values_clean(
        template=template,
        submitted={"body": f'<p><a href="{href}">Book</a></p>'},
        token_context=TokenContext(user=rep),
        check_fit=False,
    )

    assert result.errors == {"body": ["Links must start with https:, mailto: or tel:."]}


def test_stored_rich_text_is_sanitised_again_when_rendered(onepager, rep):
    stored = '<p>Hi<script>alert(1)</script><img src="file:///etc/passwd"><a href="javascript:alert(1)">x</a></p>'

    html = _html(onepager, rep, body=stored)

    body = _tree(html).find(".//div[@data-fit='body']")
    assert {el.tag for el in body.iter()} <= {"div", "p", "b", "strong", "br"}
    assert "javascript:" not in html
    assert "file:///etc/passwd" not in html
