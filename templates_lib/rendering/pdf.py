"""A document as PDF bytes: its HTML laid out by the engine, refused rather than delivered when
text overflows its space or the document runs past the page limit."""

from typing import Any

from django.conf import settings

from brand.services import BrandSnapshot, brand_snapshot

from ..tokens import TokenContext
from . import isolation
from .copyfit import expected_pages, overflow_messages
from .engine import LaidOut
from .errors import RenderError
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
    """The document as PDF bytes, laid out and written in a render process (see `isolation`).
    Raises RenderError instead of delivering overflowing content or more pages than the limit, and
    RenderLimitError when the render breaks a time or memory limit."""
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
    laid_out: LaidOut = isolation.run(
        "lay_out",
        html,
        profile=profile,
        brand=brand,
        expected_pages=expected_pages(template),
        write=True,
        write_when_overflowing=not check_fit,
        page_limit=settings.LASTMILE_RENDER_PAGE_LIMIT,
        max_data_url_bytes=settings.LASTMILE_MAX_DATA_URL_BYTES,
    )
    if check_fit:
        problems = overflow_messages(
            template=template, values=values, token_context=token_context, overflows=laid_out.overflows
        )
        if problems:
            raise RenderError("; ".join(f"{key}: {message}" for key, message in problems.items()))
    if laid_out.pages > settings.LASTMILE_RENDER_PAGE_LIMIT:
        raise RenderError(
            f"The document has {laid_out.pages} pages; the limit is {settings.LASTMILE_RENDER_PAGE_LIMIT}."
        )
    return laid_out.pdf


def render_template_preview(*, template, as_pdf: bool) -> bytes | str:
    """A template with its default content, for brand managers (token fields show samples)."""
    if as_pdf:
        return render_collateral_pdf(template=template, values={}, check_fit=False)
    return render_collateral_html(template=template, values={}, for_browser=True)
