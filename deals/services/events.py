"""Delivery events: every final PDF or PNG that leaves the portal, on any channel, is recorded here
before its bytes are sent (ADR 14). If the event cannot be written the delivery is refused:
nothing leaves untracked."""

import hashlib
import logging
from typing import Any

from django.db import DatabaseError, transaction

from accounts.models import User
from approvals.output import FinalOutput
from brand.services import BrandSnapshot
from templates_lib.field_locks import LockMode
from templates_lib.rendering.cache import RenderJob
from templates_lib.rendering.html import RENDERER_VERSION, resolve_values
from templates_lib.tokens import NameInsteadOfLogo

from ..models import Channel, Deal, DeliveryEvent, ShareLink
from .rollups import roll_up
from .writeback import writeback_queue

logger = logging.getLogger(__name__)


class DeliveryNotRecorded(Exception):
    """The event could not be written, so the delivery must not happen."""


def record_delivery(
    *,
    output: FinalOutput,
    channel: str,
    delivered: bytes,
    user: User | None,
    deal: Deal | None,
    share_link: ShareLink | None = None,
    detail: dict | None = None,
) -> DeliveryEvent:
    """Record that `delivered` (the exact bytes sent) left the portal as `output` for `deal`.

    Organisation and region are those of the user, or for a share-link event of the link's
    creator. Raises DeliveryNotRecorded on any database error: the caller refuses the delivery."""
    job = output.job
    accountable = share_link.created_by if share_link is not None else user

    def write() -> DeliveryEvent:
        return DeliveryEvent.objects.create(
            channel=channel,
            document=output.document,
            document_revision_id=output.revision_id,
            template_id=output.document.template_id,
            template_revision_id=job.revision_id,
            deal=deal,
            user=user,
            organisation_id=accountable.organisation_id if accountable is not None else None,
            region_id=accountable.effective_region_id if accountable is not None else None,
            share_link=share_link,
            profile=job.profile,
            render_key=job.key,
            sha256=hashlib.sha256(delivered).hexdigest(),
            renderer_version=RENDERER_VERSION,
            render=render_record(job, deal=deal),
            detail=detail or {},
        )

    def write_and_count() -> DeliveryEvent:
        event = write()
        roll_up(event)
        if channel == Channel.PORTAL_PDF:
            writeback_queue(event)
        return event

    try:
        # A transaction of its own, or a savepoint inside the caller's: a failure leaves neither
        # the event without its rollups nor the caller's transaction unusable.
        with transaction.atomic():
            return write_and_count()
    except DatabaseError as exc:
        logger.exception("Could not record the %s delivery of document %s", channel, output.document.pk)
        raise DeliveryNotRecorded("The delivery could not be recorded, so it was not sent. Try again shortly.") from exc


def render_record(job: RenderJob, *, deal: Deal | None) -> dict[str, Any]:
    """What a later re-render needs beyond the two revisions, and what explains a difference."""
    template = job.template
    resolved = resolve_values(template=template, values=job.values, token_context=job.token_context)
    token_fields = {tf.key: tf.token_source for tf in template.field_list() if tf.lock_mode == LockMode.TOKEN}
    brand = job.brand
    return {
        "profile": job.profile,
        "values": {key: keyable(value) for key, value in resolved.items()},
        "tokens": {
            key: {"source": source, "value": keyable(resolved.get(key))} for key, source in token_fields.items()
        },
        "deal": deal_record(deal),
        "brand_version": brand.version,
        "fonts": fonts_record(brand),
        "layout": template.layout_spec.key,
        "layout_version": template.layout_spec.version,
        "page": [template.page_size, template.orientation, template.print_bleed],
        "renderer_version": RENDERER_VERSION,
        "watermark": job.watermark,
        "title": job.title,
        "author": job.author,
    }


def deal_record(deal: Deal | None) -> dict[str, str] | None:
    if deal is None:
        return None
    return {
        "public_id": str(deal.public_id),
        "name": deal.name,
        "account_name": deal.account_name,
        "contact_name": deal.contact_name,
        "close_quarter": deal.close_quarter,
    }


def fonts_record(brand: BrandSnapshot) -> dict[str, list[str] | None]:
    """The brand fonts' stored file names: uploads get unique names, so a new file is a new name."""
    fonts = {}
    for role in ("heading_font", "body_font"):
        files = getattr(brand, role)
        fonts[role] = (
            None if files is None else [files.family_name, files.regular, files.bold, files.italic, files.bold_italic]
        )
    return fonts


def keyable(value: Any) -> Any:
    if isinstance(value, NameInsteadOfLogo):
        return {"name_instead_of_logo": value.name}
    return value
