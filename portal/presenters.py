"""Display-ready wrappers for portal templates."""

from django.urls import reverse

from templates_lib.field_locks import LockMode
from templates_lib.layouts import Kind


class TemplateCard:
    def __init__(self, template):
        self.template = template

    @property
    def title(self) -> str:
        return self.template.title

    @property
    def description(self) -> str:
        return self.template.description

    @property
    def kind_label(self) -> str:
        return Kind(self.template.kind).label if self.template.kind else ""

    @property
    def tags(self) -> list[str]:
        return sorted(tag.name for tag in self.template.tags.all())

    @property
    def url(self) -> str:
        return reverse("portal:template-detail", args=[self.template.public_id])

    @property
    def personalise_url(self) -> str:
        return reverse("portal:template-personalise", args=[self.template.public_id])

    def thumb_url(self, page: int = 0, large: bool = False) -> str:
        url = reverse("portal:template-thumbnail", args=[self.template.public_id, self.template.live_revision_id, page])
        return url + ("?size=large" if large else "")

    @property
    def thumb(self) -> str:
        return self.thumb_url()


def customisable_summary(template) -> dict[str, list[str]]:
    """What a rep may change in this template, grouped for the detail page."""
    groups = {"write": [], "choose": [], "filled": [], "locked": []}
    for tf in template.field_list():
        if tf.lock_mode == LockMode.FREE:
            limit = f" (up to {tf.max_chars} characters)" if tf.max_chars else ""
            groups["write"].append(f"{tf.label}{limit}")
        elif tf.lock_mode in (LockMode.CHOICE, LockMode.IMAGE):
            groups["choose"].append(tf.label)
        elif tf.lock_mode == LockMode.TOKEN:
            groups["filled"].append(tf.label)
        else:
            groups["locked"].append(tf.label)
    return groups


class DocumentRow:
    def __init__(self, customisation, viewer=None):
        self.document = customisation
        self.viewer = viewer

    @property
    def is_mine(self) -> bool:
        return self.viewer is None or self.document.owner_id == self.viewer.pk

    @property
    def owner_name(self) -> str:
        return str(self.document.owner)

    @property
    def title(self) -> str:
        return self.document.title

    @property
    def template_title(self) -> str:
        return self.document.template.title

    @property
    def updated_at(self):
        return self.document.updated_at

    @property
    def has_newer_template(self) -> bool:
        return self.document.template.live_revision_id not in (None, self.document.template_revision_id)

    @property
    def edit_url(self) -> str:
        return reverse("portal:document-edit", args=[self.document.public_id])

    @property
    def download_url(self) -> str:
        return reverse("portal:document-download", args=[self.document.public_id])

    @property
    def public_id(self):
        return self.document.public_id
