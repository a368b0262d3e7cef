"""THROWAWAY STUB on branch deals-share: replaced at merge by the events helper's full version,
which has the same signature and raises DeliveryNotRecorded when it cannot write."""

import hashlib

from accounts.models import User
from approvals.output import FinalOutput
from templates_lib.rendering.html import RENDERER_VERSION

from ..models import Deal, DeliveryEvent, ShareLink


class DeliveryNotRecorded(Exception): ...


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
    content = output.content
    owner = output.document.owner
    return DeliveryEvent.objects.create(
        channel=channel,
        document=output.document,
        document_revision_id=output.revision_id,
        template_id=content.template_id,
        template_revision_id=content.template_revision_id,
        deal=deal,
        user=user,
        organisation_id=(user or owner).organisation_id,
        region_id=(user or owner).effective_region_id,
        share_link=share_link,
        profile=output.job.profile,
        render_key=output.job.key,
        sha256=hashlib.sha256(delivered).hexdigest(),
        renderer_version=RENDERER_VERSION,
        detail=detail or {},
    )
