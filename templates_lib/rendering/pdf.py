"""A document as PDF bytes: its HTML laid out by the engine, refused rather than delivered when
text overflows its space or the document runs past the page limit."""

from typing import Any

from django.conf import settings

from brand.services import BrandSnapshot, brand_snapshot

from ..tokens import TokenContext
from .copyfit import expected_pages, overflow_messages
from .engine import RenderError, layout_pdf_document, measure_overflows, write_pdf
from .html import render_collateral_html
from .profile import Profile


def render_collateral_pdf(
    *,
    template,
    values: dict[str, Any],
    token_context: TokenContext | None = None,
    profile: str = Profile.PRINT,
    brand: BrandSnapshot | None = None,
    title: str | None = None,
    author: str | None = None,
    watermark: str = "",
    check_fit: bool = True,
) -> bytes:
    """The document as PDF bytes. Raises RenderError instead of delivering overflowing content."""
    brand = brand or brand_snapshot()
    html = render_collateral_html(
        template=template,
        values=values,
        token_context=token_context,
        profile=profile,
        brand=brand,
        title=title,
        author=author,
        watermark=watermark,
    )
    document = layout_pdf_document(html, profile=profile, brand=brand)
    if check_fit:
        problems = overflow_messages(
            template=template,
            values=values,
            token_context=token_context,
            overflows=measure_overflows(document, expected_pages=expected_pages(template)),
        )
        if problems:
            raise RenderError("; ".join(f"{key}: {message}" for key, message in problems.items()))
    if len(document.pages) > settings.LASTMILE_RENDER_PAGE_LIMIT:
        raise RenderError(
            f"The document has {len(document.pages)} pages; the limit is {settings.LASTMILE_RENDER_PAGE_LIMIT}."
        )
    return write_pdf(document, profile=profile, brand=brand)


def render_template_preview(*, template, as_pdf: bool) -> bytes | str:
    """A template with its default content, for brand managers (token fields show samples)."""
    if as_pdf:
        return render_collateral_pdf(template=template, values={}, check_fit=False)
    return render_collateral_html(template=template, values={}, for_browser=True)
