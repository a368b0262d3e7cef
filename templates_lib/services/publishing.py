"""Publishing gate for templates: nothing goes live that would overflow at its own limits."""

from django.db import transaction

from wagtail.models import Revision

from accounts.models import User
from templates_lib.rendering.copyfit import copyfit_errors
from templates_lib.rendering.errors import RenderError

from ..field_locks import LockMode
from ..layouts import SlotType
from ..models import CollateralTemplate

SAMPLE_WORDS = (
    "Measured outcomes from every proposal we shared with the field team, covering pricing, "
    "onboarding, integrations and support across regions and partner organisations. "
)


class TemplatePublishError(Exception):
    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{key}: {message}" for key, message in problems.items()))


def _filler(length: int) -> str:
    text = (SAMPLE_WORDS * (length // len(SAMPLE_WORDS) + 1))[:length]
    return text.rstrip() + "x" * (length - len(text.rstrip()))


def worst_case_values(template: CollateralTemplate) -> dict[str, str]:
    """Every editable text field at its maximum: free text filled to its character and line
    limits, choice fields at their longest variant."""
    layout = template.layout_spec
    values: dict[str, str] = {}
    for tf in template.editable_fields():
        slot_type = layout.slot(tf.slot).type
        if slot_type in (SlotType.IMAGE, SlotType.CONTACT):
            continue
        if tf.lock_mode == LockMode.CHOICE and tf.variant_list:
            values[tf.key] = max(tf.variant_list, key=len)
        elif tf.lock_mode == LockMode.FREE and tf.max_chars:
            lines = tf.max_lines or 1
            if slot_type == SlotType.BULLETS and lines > 1:
                per_line = max(1, (tf.max_chars - (lines - 1)) // lines)
                values[tf.key] = "\n".join(_filler(per_line) for _ in range(lines))
            else:
                values[tf.key] = _filler(tf.max_chars)
    return values


def template_publish_problems(*, template: CollateralTemplate) -> dict[str, str]:
    """{field key: message} for fields that would overflow at their limits, or lack a limit."""
    problems = {
        tf.key: "A free field needs a maximum number of characters before publishing."
        for tf in template.editable_fields()
        if tf.lock_mode == LockMode.FREE and not tf.max_chars
    }
    if problems:
        return problems
    try:
        overflowing = copyfit_errors(template=template, values=worst_case_values(template), token_context=None)
    except RenderError as exc:
        return {"__all__": f"It could not be checked that every field fits its space: {exc}"}
    return {key: f"At its maximum length this field would overflow. {message}" for key, message in overflowing.items()}


def template_publish(*, template: CollateralTemplate, user: User | None = None, check: bool = True) -> Revision:
    """Publish the template's latest revision. Raises TemplatePublishError when it would overflow.
    The check lays the template out in a render process, so it runs before the publishing
    transaction; `check=False` when the caller has just checked that revision itself."""
    revision = template.latest_revision or template.save_revision(user=user)
    if check:
        problems = template_publish_problems(template=revision.as_object())
        if problems:
            raise TemplatePublishError(problems)
    with transaction.atomic():
        revision.publish(user=user)
    return revision
