"""Rendered PDFs cached by content: the render key hashes everything a render depends on, so a
repeat download of an unchanged document does no rendering, and any change (values, token
data, template revision, brand kit, layout files, renderer) makes a new key.

Files live in the private "renders" storage (outside MEDIA_ROOT). A file is written to a
temporary name and renamed into place, so a crash mid-write never leaves a partial PDF
under a real key.
"""

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from wagtail.images import get_image_model

from brand.services import BrandSnapshot, brand_snapshot

from ..layouts import SlotType
from ..tokens import NameInsteadOfLogo, TokenContext
from .html import RENDERER_VERSION, resolve_values
from .pdf import render_collateral_pdf


@dataclass(frozen=True)
class RenderJob:
    """Everything needed to render one document, and the key that identifies the output."""

    template: Any
    revision_id: int
    values: dict
    token_context: TokenContext | None
    profile: str
    title: str
    author: str
    watermark: str
    brand: BrandSnapshot

    @cached_property  # asked for by the cache lookup, the render and the delivery event of one request
    def key(self) -> str:
        resolved = resolve_values(template=self.template, values=self.values, token_context=self.token_context)
        layout = self.template.layout_spec
        image_ids = [
            resolved[tf.key]
            for tf in self.template.field_list()
            if layout.slot(tf.slot).type == SlotType.IMAGE and isinstance(resolved.get(tf.key), int)
        ]
        # An image's file, focal point (where a photo is cropped) and alt text all show in the PDF.
        image_files = {
            pk: rest
            for pk, *rest in get_image_model()
            .objects.filter(pk__in=image_ids)
            .values_list("pk", "file", "focal_point_x", "focal_point_y", "title", "alt_text")
        }
        payload = {
            "renderer": RENDERER_VERSION,
            "revision": self.revision_id,
            "values": {key: _keyable(value) for key, value in resolved.items()},
            "images": {str(pk): name for pk, name in sorted(image_files.items())},
            "brand": self.brand.version,
            "layout": layout.version,
            "page": [self.template.page_size, self.template.orientation, self.template.print_bleed],
            "profile": self.profile,
            "title": self.title,
            "author": self.author,
            "watermark": self.watermark,
        }
        encoded = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()

    @property
    def render_arguments(self) -> dict[str, Any]:
        """What render_collateral_html and render_collateral_pdf take for this job."""
        return {
            "template": self.template,
            "values": self.values,
            "token_context": self.token_context,
            "profile": self.profile,
            "brand": self.brand,
            "title": self.title,
            "author": self.author,
            "watermark": self.watermark,
        }

    @property
    def storage_name(self) -> str:
        key = self.key
        return f"{key[:2]}/{key}.pdf"


def _keyable(value):
    if isinstance(value, NameInsteadOfLogo):
        return {"name_instead_of_logo": value.name}
    return value


def render_job_for_document(document, *, profile: str, watermark: str = "", deal: Any = None) -> RenderJob:
    """The job that renders `document` as it is (pass the approved content for final output), with
    deal tokens filled from `deal` (empty without one)."""
    owner = document.owner
    return RenderJob(
        template=document.pinned_template(),
        revision_id=document.template_revision_id,
        values=document.values,
        token_context=TokenContext(user=owner, organisation=owner.organisation, deal=deal),
        profile=profile,
        title=document.title,
        author=owner.get_full_name() or owner.get_username(),
        watermark=watermark,
        brand=brand_snapshot(),
    )


def renders_storage():
    return storages["renders"]


def cached_pdf_name(job: RenderJob) -> str | None:
    """The storage name of this job's PDF if it has been rendered, else None."""
    name = job.storage_name
    return name if renders_storage().exists(name) else None


def render_pdf_cached(job: RenderJob) -> str:
    """Return the storage name of the job's PDF, rendering and storing it if needed."""
    name = job.storage_name
    storage = renders_storage()
    if storage.exists(name):
        return name
    store_atomically(storage, name, render_collateral_pdf(**job.render_arguments))
    return name


def store_atomically(storage, name: str, content: bytes) -> None:
    try:
        final_path = Path(storage.path(name))
    except NotImplementedError:
        # Object storage writes the whole object in one request: no partial file can appear.
        storage.save(name, ContentFile(content))
        return
    final_path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_path = tempfile.mkstemp(dir=final_path.parent, prefix=".partial-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_path, final_path)
    except BaseException:
        Path(temp_path).unlink(missing_ok=True)
        raise


def open_cached_pdf(name: str):
    return renders_storage().open(name, "rb")
