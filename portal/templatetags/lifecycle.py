"""`{% document_lifecycle document as lifecycle %}`: what the portal says about a document's
template (retired, expired, or newer version available). Used by
portal/partials/document_lifecycle.html."""

from django import template
from django.urls import reverse
from django.utils.functional import cached_property

from templates_lib.models import ApprovalState
from templates_lib.revisions import template_at_revision
from templates_lib.services.lifecycle import (
    LifecycleError,
    carried_values,
    newer_template_revision,
    revision_changes,
    usable_replacement,
    values_for_revision,
)

register = template.Library()


class DocumentLifecycle:
    def __init__(self, document, viewer):
        self.document = document
        self.template = document.template
        self.viewer = viewer

    @property
    def withdrawal_reason(self) -> str:
        return self.template.withdrawal_reason

    @property
    def withdrawn_on(self):
        """When the template was retired, or when it expired."""
        if self.template.is_retired:
            return self.template.retired_at
        return self.template.expire_at

    @cached_property
    def replacement(self):
        return usable_replacement(self.template) if self.withdrawal_reason else None

    @property
    def replacement_url(self) -> str:
        return reverse("portal:template-detail", args=[self.replacement.public_id]) if self.replacement else ""

    @property
    def is_owner(self) -> bool:
        return self.viewer is not None and self.document.owner_id == self.viewer.pk

    @cached_property
    def newer_revision(self):
        """Offered to the owner only, and only while the template is still in use."""
        if self.withdrawal_reason or not self.is_owner:
            return None
        return newer_template_revision(self.document)

    @cached_property
    def _newer_template(self):
        return template_at_revision(self.newer_revision)

    @cached_property
    def changes(self):
        return revision_changes(old=self.document.pinned_template(), new=self._newer_template)

    @cached_property
    def values_reset(self) -> list[str]:
        """Labels of the user's values that would not pass the newer version's limits (copy-fit
        is only known once the upgrade runs)."""
        carried = carried_values(
            old=self.document.pinned_template(),
            new=self._newer_template,
            values=self.document.values,
            owner=self.document.owner,
        )
        try:
            _, dropped = values_for_revision(
                new=self._newer_template, carried=carried, owner=self.document.owner, check_fit=False
            )
        except LifecycleError:
            return []
        return [value.label for value in dropped]

    @property
    def is_in_review(self) -> bool:
        return self.document.approval_state == ApprovalState.IN_REVIEW

    @property
    def is_approved(self) -> bool:
        return self.document.approval_state == ApprovalState.APPROVED

    @property
    def upgrade_url(self) -> str:
        return reverse("portal:document-upgrade", args=[self.document.public_id])


@register.simple_tag(takes_context=True)
def document_lifecycle(context, document) -> DocumentLifecycle:
    request = context.get("request")
    return DocumentLifecycle(document, getattr(request, "user", None))
