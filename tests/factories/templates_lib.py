"""Templates for tests: `make_template` builds a published template on the one-pager layout
with one field per lock mode (override or extend `fields`)."""

from templates_lib.models import CollateralTemplate, TemplateField

from .brand import ImageFactory, collection

HEADLINE = "Know which deals will close."


def default_fields(hero_image=None) -> list[dict]:
    hero = hero_image or ImageFactory(collection=collection("Hero images"))
    return [
        {"key": "headline", "label": "Headline", "slot": "headline", "lock_mode": "locked", "default_text": HEADLINE},
        {
            "key": "eyebrow",
            "label": "Eyebrow",
            "slot": "eyebrow",
            "lock_mode": "choice",
            "variants": "For sales teams\n\nFor partners",
            "default_text": "For sales teams",
        },
        {
            "key": "hero_image",
            "label": "Hero image",
            "slot": "hero_image",
            "lock_mode": "choice",
            "collection": hero.collection,
            "default_image": hero,
        },
        {"key": "contact", "label": "Contact", "slot": "contact", "lock_mode": "token", "token_source": "user.contact"},
        # The layout's stat band must not be empty (the publishing gate).
        {"key": "stat_value", "label": "Key figure", "slot": "stat_value", "lock_mode": "locked", "default_text": "3×"},
        {
            "key": "stat_label",
            "label": "Key figure label",
            "slot": "stat_label",
            "lock_mode": "locked",
            "default_text": "faster forecasts",
        },
        {
            "key": "subheadline",
            "label": "Subheadline",
            "slot": "subheadline",
            "lock_mode": "free",
            "max_chars": 80,
            "max_lines": 1,
            "default_text": "Forecasts you can defend.",
        },
        {
            "key": "body",
            "label": "Story",
            "slot": "body",
            "lock_mode": "free",
            "max_chars": 650,
            "allow_bold": True,
            "default_text": "<p>Our story.</p>",
        },
        {
            "key": "benefits",
            "label": "Benefits",
            "slot": "benefits",
            "lock_mode": "free",
            "max_chars": 240,
            "max_lines": 4,
            "default_text": "Faster\nSafer",
        },
        {
            "key": "cta_heading",
            "label": "Call to action",
            "slot": "cta_heading",
            "lock_mode": "token",
            "token_source": "user.full_name",
        },
        {
            "key": "side_image",
            "label": "Side image",
            "slot": "side_image",
            "lock_mode": "image",
            "collection": collection("Illustrations"),
            "allow_upload": False,
        },
    ]


def changed_fields(changes: dict[str, dict], *, hero_image=None) -> list[dict]:
    """The default fields with some fields' specs changed, picked by key:
    `changed_fields({"subheadline": {"max_chars": 400}})`."""
    fields = default_fields(hero_image)
    unknown = set(changes) - {spec["key"] for spec in fields}
    if unknown:
        raise KeyError(f"No default field {', '.join(sorted(unknown))}")
    for spec in fields:
        spec.update(changes.get(spec["key"], {}))
    return fields


def make_template(
    *, title: str = "Test one-pager", fields: list[dict] | None = None, publish: bool = True, user=None, **attrs
) -> CollateralTemplate:
    template = CollateralTemplate(
        title=title, description="A template for tests.", layout="onepager", live=False, **attrs
    )
    template.fields = [TemplateField(sort_order=i, **spec) for i, spec in enumerate(fields or default_fields())]
    template.save()
    revision = template.save_revision(user=user)
    if publish:
        revision.publish(user=user)
        template.refresh_from_db()
    return template


def publish_change(template: CollateralTemplate, **field_changes) -> CollateralTemplate:
    """Publish a new revision where the given fields' default_text changed."""
    live = template.live_revision.as_object()
    for field in live.fields.all():
        if field.key in field_changes:
            field.default_text = field_changes[field.key]
    revision = live.save_revision()
    revision.publish()
    template.refresh_from_db()
    return template
