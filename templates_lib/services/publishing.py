"""Publishing gate for templates: nothing goes live that would overflow at its own limits or
leave a required slot of its layout empty."""

from dataclasses import dataclass

from django.db import transaction

from wagtail.models import Revision

from accounts.models import User
from templates_lib.rendering.copyfit import copyfit_errors
from templates_lib.rendering.errors import RenderError

from ..field_locks import LockMode
from ..layouts import Slot, SlotType
from ..models import CollateralTemplate, TemplateField

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


@dataclass(frozen=True)
class PublishProblem:
    """One reason a template cannot be published: the field it concerns (its key, label and the
    form attribute to fix), or none when the whole template is concerned."""

    message: str
    field_key: str = ""
    label: str = ""
    attribute: str = ""

    @property
    def summary(self) -> str:
        return f"{self.label}: {self.message}" if self.label else self.message


def _fills_its_slot(tf: TemplateField, slot: Slot) -> bool:
    """Whether the field leaves no hole in its slot: content set by the brand team, data, a
    starting value, or a value the user is made to give."""
    if slot.type == SlotType.CONTACT or tf.lock_mode == LockMode.TOKEN:
        return True
    if slot.type == SlotType.IMAGE:
        return bool(tf.default_image_id) or (tf.is_user_editable and tf.is_required)
    if tf.default_text.strip():
        return True
    if tf.lock_mode == LockMode.CHOICE:
        return bool(tf.variant_list)
    return tf.is_user_editable and tf.is_required


def _empty_slot_message(tf: TemplateField, slot: Slot) -> tuple[str, str]:
    """(form attribute, message) for a field that leaves a required slot empty, worded for its mode."""
    image = slot.type == SlotType.IMAGE
    if tf.lock_mode == LockMode.LOCKED:
        if image:
            return "default_image", "The layout needs an image here: choose the image this locked field shows."
        return "default_text", "The layout needs content here: write the text this locked field shows."
    if tf.lock_mode == LockMode.CHOICE and not image:
        return "variants", "The layout needs content here: add the variants users choose from."
    if image:
        return "default_image", (
            "The layout needs an image here: choose the image users start with, or tick "
            "“Is required” so they must choose one."
        )
    return "default_text", (
        "The layout needs content here: write the text users start with, or tick “Is required” so they must write it."
    )


def empty_required_slots(*, template: CollateralTemplate) -> list[PublishProblem]:
    """Required slots of the layout that the template's fields leave empty (per section for a
    repeatable section): no field fills them, or the field that does has no content."""
    layout = template.layout_spec
    by_slot = {
        (tf.slot, tf.section if layout.has_slot(tf.slot) and layout.slot(tf.slot).in_section else 0): tf
        for tf in template.field_list()
    }
    problems = []
    for slot in layout.slots:
        if not layout.is_required(slot.name):
            continue
        sections = range(1, template.section_count + 1) if slot.in_section else (0,)
        for section in sections:
            tf = by_slot.get((slot.name, section))
            where = f"“{slot.label}”" + (f" in {layout.section.label.lower()} {section}" if section else "")
            if tf is None:
                problems.append(
                    PublishProblem(
                        f"The layout’s {where} slot must be filled, and no field fills it: add a field for it."
                    )
                )
            elif not _fills_its_slot(tf, slot):
                attribute, message = _empty_slot_message(tf, slot)
                problems.append(PublishProblem(message, field_key=tf.key, label=tf.label, attribute=attribute))
    return problems


def _overflow_problem(tf: TemplateField, message: str) -> PublishProblem:
    """An overflow in the words of the field's mode: a free field at its limit, a choice's longest
    variant, a locked field's own text."""
    if tf.lock_mode == LockMode.FREE:
        limit = f"{tf.max_chars} characters" + (f" on {tf.max_lines} lines" if tf.max_lines else "")
        text = f"At its maximum length this field would overflow ({limit}). {message} Lower its maximum."
        return PublishProblem(text, field_key=tf.key, label=tf.label, attribute="max_chars")
    if tf.lock_mode == LockMode.CHOICE:
        text = f"Its longest variant does not fit its space. {message} Shorten that variant."
        return PublishProblem(text, field_key=tf.key, label=tf.label, attribute="variants")
    if tf.lock_mode == LockMode.TOKEN:
        text = f"The data it is filled from does not fit its space. {message}"
        return PublishProblem(text, field_key=tf.key, label=tf.label, attribute="token_source")
    text = f"Its text does not fit its space. {message} Shorten it."
    return PublishProblem(text, field_key=tf.key, label=tf.label, attribute="default_text")


def template_publish_gate(*, template: CollateralTemplate) -> list[PublishProblem]:
    """Everything that keeps the template from being published: free fields without a limit,
    required slots left empty, and text that would overflow its space at the fields' limits
    (laid out in a render process). Empty when it may be published."""
    fields = {tf.key: tf for tf in template.field_list()}
    problems = [
        PublishProblem(
            "A free field needs a maximum number of characters before publishing.",
            field_key=tf.key,
            label=tf.label,
            attribute="max_chars",
        )
        for tf in template.editable_fields()
        if tf.lock_mode == LockMode.FREE and not tf.max_chars
    ]
    problems += empty_required_slots(template=template)
    if problems:
        return problems
    try:
        overflowing = copyfit_errors(template=template, values=worst_case_values(template), token_context=None)
    except RenderError as exc:
        return [PublishProblem(f"It could not be checked that every field fits its space: {exc}")]
    return [
        _overflow_problem(fields[key], message) if key in fields else PublishProblem(message)
        for key, message in overflowing.items()
    ]


def template_publish_problems(*, template: CollateralTemplate) -> dict[str, str]:
    """{field key: message} for what keeps the template from being published ("__all__" for the
    template as a whole); see `template_publish_gate`."""
    problems: dict[str, str] = {}
    for problem in template_publish_gate(template=template):
        key = problem.field_key or "__all__"
        problems[key] = f"{problems[key]} {problem.message}" if key in problems else problem.message
    return problems


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
