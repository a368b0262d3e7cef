"""Reproducible deliveries: render again exactly what an event delivered, and say whether it is the
same ("identical bytes", or "identical text" when only the file's bytes differ), or what differs
and why (renderer version, brand kit, fonts, layout, token values). Anyone can later prove what a
customer received (ADR 14)."""

import dataclasses
import hashlib
import logging
import shutil
import subprocess
from dataclasses import dataclass, field
from types import SimpleNamespace

from brand.services import brand_snapshot
from templates_lib.rendering.cache import RenderJob, open_cached_pdf, render_job_for_document, renders_storage
from templates_lib.rendering.errors import RenderError
from templates_lib.rendering.html import RENDERER_VERSION
from templates_lib.rendering.pages import page_png
from templates_lib.rendering.pdf import render_collateral_pdf

from .models import Channel, DeliveryEvent
from .services.events import fonts_record, render_record

logger = logging.getLogger(__name__)

PNG_CHANNELS = {Channel.PORTAL_PNG}
DEFAULT_PNG_WIDTH = 1600


class Outcome:
    IDENTICAL_BYTES = "identical bytes"
    IDENTICAL_TEXT = "identical text"
    DIFFERENT = "different"
    NOT_RENDERED = "could not be rendered"


@dataclass(frozen=True)
class Verification:
    event: DeliveryEvent
    outcome: str
    sha256: str = ""
    differences: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def identical(self) -> bool:
        return self.outcome in (Outcome.IDENTICAL_BYTES, Outcome.IDENTICAL_TEXT)

    def report(self) -> str:
        event = self.event
        lines = [
            f"Event {event.public_id} ({event.get_channel_display()}, {event.occurred_at:%Y-%m-%d %H:%M:%S %Z})",
            f"Delivered SHA-256:   {event.sha256}",
        ]
        if self.sha256:
            lines.append(f"Re-rendered SHA-256: {self.sha256}")
        lines.append(f"Result: {self.outcome}")
        if self.note:
            lines.append(self.note)
        lines.extend(f"- {difference}" for difference in self.differences)
        return "\n".join(lines)


def verify_delivery(event: DeliveryEvent) -> Verification:
    """Render `event`'s document at its approved revision (and so its pinned template revision),
    with its profile, title, author, watermark and the deal's values as delivered, and compare."""
    job = rebuild_job(event)
    differences = explain_differences(event, job)
    try:
        pdf = render_collateral_pdf(**job.render_arguments)
        fresh = page_png(pdf, page=0, width=_png_width(event)) if event.channel in PNG_CHANNELS else pdf
    except RenderError as exc:
        return Verification(event, Outcome.NOT_RENDERED, differences=differences, note=str(exc))
    digest = hashlib.sha256(fresh).hexdigest()
    if digest == event.sha256:
        return Verification(event, Outcome.IDENTICAL_BYTES, digest, [])
    delivered_pdf = delivered_pdf_from_cache(event)
    if delivered_pdf is None:
        note = "The delivered file is no longer in the render cache, so its text cannot be compared."
        return Verification(event, Outcome.DIFFERENT, digest, differences or ["the bytes differ"], note)
    before, after = pdf_text(delivered_pdf), pdf_text(pdf)
    if before is not None and before == after:
        note = "The text of every page is the same; only the file's bytes differ."
        return Verification(event, Outcome.IDENTICAL_TEXT, digest, differences, note)
    return Verification(
        event, Outcome.DIFFERENT, digest, differences or ["the text differs"], _text_note(before, after)
    )


def rebuild_job(event: DeliveryEvent) -> RenderJob:
    """The render job of what `event` delivered: the approved revision's content (values and pinned
    template revision), and the title, author, watermark and deal values the event recorded."""
    recorded = event.render or {}
    content = event.document.at_revision(event.document_revision)
    job = render_job_for_document(content, profile=event.profile, deal=_deal_as_delivered(event))
    replacements = {key: recorded[key] for key in ("title", "author", "watermark") if key in recorded}
    return dataclasses.replace(job, **replacements)


def _deal_as_delivered(event: DeliveryEvent):
    """The deal's token values as they were (a deal renamed in the CRM since does not change the
    proof); the deal itself when the event recorded none."""
    recorded = (event.render or {}).get("deal")
    if recorded:
        return SimpleNamespace(**{key: value for key, value in recorded.items() if key != "public_id"})
    return event.deal


def explain_differences(event: DeliveryEvent, job: RenderJob) -> list[str]:
    """Why a re-render of `event` may differ: each input that changed since the delivery."""
    recorded = event.render or {}
    now = render_record(job, deal=None)
    differences = []
    if event.renderer_version != RENDERER_VERSION:
        differences.append(f"renderer version: was {event.renderer_version}, now {RENDERER_VERSION}")
    brand = brand_snapshot()
    if recorded.get("brand_version") and recorded["brand_version"] != brand.version:
        differences.append(f"brand kit: edited since (version {recorded['brand_version']}, now {brand.version})")
    if "fonts" in recorded and recorded["fonts"] != fonts_record(brand):
        differences.append("fonts: the brand kit's font files changed")
    if recorded.get("layout_version") and recorded["layout_version"] != now["layout_version"]:
        differences.append(
            f"layout: its files changed (version {recorded['layout_version']}, now {now['layout_version']})"
        )
    if recorded.get("page") and recorded["page"] != now["page"]:
        differences.append("page format: size, orientation or bleed changed")
    if job.revision_id != event.template_revision_id:
        differences.append("template revision: the document's approved revision pins another one")
    for key, token in (recorded.get("tokens") or {}).items():
        current = (now["tokens"].get(key) or {}).get("value")
        if token.get("value") != current:
            differences.append(f"token {key} ({token.get('source')}): was {token.get('value')!r}, now {current!r}")
    if not differences and job.key != event.render_key:
        differences.append("render key: an input outside the recorded ones changed (e.g. an image file)")
    return differences


def delivered_pdf_from_cache(event: DeliveryEvent) -> bytes | None:
    """The PDF the event's bytes came from, if the render cache still holds it and it matches."""
    key = event.render_key
    name = f"{key[:2]}/{key}.pdf"
    if not renders_storage().exists(name):
        return None
    with open_cached_pdf(name) as handle:
        pdf = handle.read()
    delivered = page_png(pdf, page=0, width=_png_width(event)) if event.channel in PNG_CHANNELS else pdf
    return pdf if hashlib.sha256(delivered).hexdigest() == event.sha256 else None


def pdf_text(pdf: bytes) -> str | None:
    """The PDF's text as pdftotext reads it (None when it is not installed)."""
    executable = shutil.which("pdftotext")
    if executable is None:
        return None
    try:
        completed = subprocess.run(  # noqa: S603 - a fixed program and arguments; the PDF goes to stdin
            [executable, "-q", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, timeout=60, check=True
        )
    except (subprocess.SubprocessError, OSError):
        logger.exception("pdftotext failed")
        return None
    return completed.stdout.decode("utf-8", "replace")


def _png_width(event: DeliveryEvent) -> int:
    return int((event.detail or {}).get("width") or DEFAULT_PNG_WIDTH)


def _text_note(before: str | None, after: str | None) -> str:
    if before is None:
        return "The text could not be read (pdftotext is not installed)."
    removed = [line for line in before.splitlines() if line.strip() and line not in after.splitlines()]
    added = [line for line in after.splitlines() if line.strip() and line not in before.splitlines()]
    parts = []
    if removed:
        parts.append("delivered but not in the re-render: " + " | ".join(removed[:5]))
    if added:
        parts.append("in the re-render but not delivered: " + " | ".join(added[:5]))
    return "The text differs. " + "; ".join(parts)
