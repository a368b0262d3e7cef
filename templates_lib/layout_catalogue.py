"""The layouts Lastmile ships. Each has `<key>.html` and `<key>.css` in the render folder."""

from .layouts import Kind, Layout, RepeatableSection, Slot, register_layout
from .layouts import SlotType as S

register_layout(
    Layout(
        key="onepager",
        name="Harbour one-pager",
        kind=Kind.ONE_PAGER,
        description="Hero image with headline band, two-column story, proof points, quote and call to action.",
        slots=(
            Slot("eyebrow", S.TEXT, "Eyebrow", "Short kicker above the logo line, top right."),
            Slot("hero_image", S.IMAGE, "Hero image"),
            Slot("headline", S.TEXT, "Headline"),
            Slot("subheadline", S.TEXT, "Subheadline"),
            Slot("intro_heading", S.TEXT, "Story heading"),
            Slot("body", S.RICH_TEXT, "Story"),
            Slot("benefits_heading", S.TEXT, "Benefits heading"),
            Slot("benefits", S.BULLETS, "Benefits"),
            Slot("side_image", S.IMAGE, "Side image"),
            Slot("stat_value", S.TEXT, "Key figure"),
            Slot("stat_label", S.TEXT, "Key figure label"),
            Slot("quote", S.TEXT, "Customer quote"),
            Slot("quote_author", S.TEXT, "Quote attribution"),
            Slot("cta_heading", S.TEXT, "Call to action"),
            Slot("contact", S.CONTACT, "Contact block"),
            Slot("partner_logo", S.IMAGE, "Co-brand logo"),
        ),
    )
)
