"""The layouts Lastmile ships. Each has `<key>.html` and `<key>.css` in the render folder."""

from .spec import ImageFit, Kind, Layout, RepeatableSection, Slot, register_layout
from .spec import SlotType as S

register_layout(
    Layout(
        key="onepager",
        required_slots=("hero_image", "headline", "stat_value", "stat_label"),
        name="Harbour one-pager",
        kind=Kind.ONE_PAGER,
        description="Hero image with headline band, two-column story, proof points, quote and call to action.",
        slots=(
            Slot("eyebrow", S.TEXT, "Eyebrow", "Short kicker above the logo line, top right."),
            Slot("hero_image", S.IMAGE, "Hero image", fit=ImageFit.COVER),
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

register_layout(
    Layout(
        key="datasheet",
        required_slots=("product_name", "image", "stat_value", "stat_label"),
        name="Keel datasheet",
        kind=Kind.DATASHEET,
        description="Product name band, overview and feature list beside an image, a two-column spec table, "
        "compliance panel and contact card. One page.",
        slots=(
            Slot("eyebrow", S.TEXT, "Eyebrow", "Product family or document type, top right of the band."),
            Slot("product_name", S.TEXT, "Product name"),
            Slot("tagline", S.TEXT, "Tagline", "One sentence under the product name."),
            Slot("overview_heading", S.TEXT, "Overview heading"),
            Slot("overview", S.RICH_TEXT, "Overview"),
            Slot("features_heading", S.TEXT, "Features heading"),
            Slot("features", S.BULLETS, "Features", "One feature a line; text before the first colon is set in bold."),
            Slot("specs_heading", S.TEXT, "Specifications heading"),
            Slot("specs", S.BULLETS, "Specifications", "One row a line, as “Label: value”."),
            Slot("image", S.IMAGE, "Product image"),
            Slot("image_caption", S.TEXT, "Image caption"),
            Slot("stat_value", S.TEXT, "Key figure"),
            Slot("stat_label", S.TEXT, "Key figure label"),
            Slot("compliance_heading", S.TEXT, "Compliance heading"),
            Slot("compliance", S.TEXT, "Certifications and compliance"),
            Slot("cta_heading", S.TEXT, "Call to action"),
            Slot("contact", S.CONTACT, "Contact block"),
        ),
        files=("parts/spec_table.html", "parts/lead_bullets.html", "parts/contact_card.html", "parts/logo.html"),
    )
)

register_layout(
    Layout(
        key="casestudy",
        required_slots=(
            "hero_image",
            "headline",
            "stat1_value",
            "stat1_label",
            "stat2_value",
            "stat2_label",
            "stat3_value",
            "stat3_label",
        ),
        name="Meridian case study",
        kind=Kind.CASE_STUDY,
        description="Two pages: hero image with customer logo and headline, three result figures, challenge, "
        "solution and results, a pull quote and a contact band.",
        slots=(
            Slot("eyebrow", S.TEXT, "Eyebrow", "Document type or industry, top right."),
            Slot("customer_name", S.TEXT, "Customer name"),
            Slot("customer_logo", S.IMAGE, "Customer logo"),
            Slot("hero_image", S.IMAGE, "Hero image", fit=ImageFit.COVER),
            Slot("headline", S.TEXT, "Headline"),
            Slot("summary", S.TEXT, "Summary", "Two or three sentences under the headline."),
            Slot("glance_heading", S.TEXT, "At-a-glance heading"),
            Slot("glance", S.BULLETS, "At a glance", "One fact a line, as “Label: value”."),
            Slot("stat1_value", S.TEXT, "Result 1 figure"),
            Slot("stat1_label", S.TEXT, "Result 1 label"),
            Slot("stat2_value", S.TEXT, "Result 2 figure"),
            Slot("stat2_label", S.TEXT, "Result 2 label"),
            Slot("stat3_value", S.TEXT, "Result 3 figure"),
            Slot("stat3_label", S.TEXT, "Result 3 label"),
            Slot("challenge_heading", S.TEXT, "Challenge heading"),
            Slot("challenge", S.RICH_TEXT, "Challenge"),
            Slot("solution_heading", S.TEXT, "Solution heading"),
            Slot("solution", S.RICH_TEXT, "Solution"),
            Slot("results_heading", S.TEXT, "Results heading"),
            Slot("results", S.RICH_TEXT, "Results"),
            Slot("results_image", S.IMAGE, "Results image"),
            Slot("results_caption", S.TEXT, "Results image caption"),
            Slot("quote", S.TEXT, "Customer quote"),
            Slot("quote_author", S.TEXT, "Quote attribution"),
            Slot("cta_heading", S.TEXT, "Call to action"),
            Slot("contact", S.CONTACT, "Contact block"),
        ),
        fixed_pages=2,
        files=("parts/spec_table.html", "parts/contact_card.html", "parts/logo.html"),
    )
)

register_layout(
    Layout(
        key="eventflyer",
        required_slots=("hero_image", "event_name", "date", "venue"),
        name="Beacon event flyer",
        kind=Kind.EVENT_FLYER,
        description="Poster-style flyer: full-bleed image with the event name in big type, a date/time/venue "
        "band, agenda, speaker card and a registration call to action. One page.",
        slots=(
            Slot("eyebrow", S.TEXT, "Eyebrow", "Series or event type, above the event name."),
            Slot("event_name", S.TEXT, "Event name"),
            Slot("event_intro", S.TEXT, "Introduction", "One or two sentences: who it is for and why come."),
            Slot("hero_image", S.IMAGE, "Background image", fit=ImageFit.COVER),
            Slot("date", S.TEXT, "Date"),
            Slot("time", S.TEXT, "Time"),
            Slot("venue", S.TEXT, "Venue"),
            Slot("venue_address", S.TEXT, "Venue address"),
            Slot("agenda_heading", S.TEXT, "Agenda heading"),
            Slot("agenda", S.BULLETS, "Agenda", "One item a line; a leading time such as “09:30” gets its own column."),
            Slot("speaker_heading", S.TEXT, "Speaker heading"),
            Slot("speaker_name", S.TEXT, "Speaker name"),
            Slot("speaker_role", S.TEXT, "Speaker role"),
            Slot("speaker_image", S.IMAGE, "Speaker photo", fit=ImageFit.COVER),
            Slot("cta_heading", S.TEXT, "Registration call to action"),
            Slot("cta_detail", S.TEXT, "Registration details"),
            Slot("register_url", S.TEXT, "Registration address"),
            Slot("contact", S.CONTACT, "Contact block"),
        ),
        files=("parts/agenda.html", "parts/contact_card.html", "parts/logo.html"),
    )
)

register_layout(
    Layout(
        key="brochure",
        required_slots=("title", "cover_image", "chapter_title", "chapter_image"),
        name="Atlas brochure",
        kind=Kind.BROCHURE,
        description="Cover with hero image, one page per chapter (image, intro, body and highlights), and a "
        "closing contact page. Running header and page numbers after the cover.",
        slots=(
            Slot("eyebrow", S.TEXT, "Cover eyebrow", "Document type and year, above the title."),
            Slot("title", S.TEXT, "Title", "Also shown in the running header."),
            Slot("subtitle", S.TEXT, "Subtitle"),
            Slot("cover_image", S.IMAGE, "Cover image", fit=ImageFit.COVER),
            Slot("highlights_heading", S.TEXT, "Highlights heading", "Shown above every chapter's highlights."),
            Slot("chapter_title", S.TEXT, "Chapter title", in_section=True),
            Slot("chapter_intro", S.TEXT, "Chapter introduction", in_section=True),
            Slot("chapter_body", S.RICH_TEXT, "Chapter text", in_section=True),
            Slot("chapter_highlights", S.BULLETS, "Chapter highlights", in_section=True),
            Slot("chapter_image", S.IMAGE, "Chapter image", in_section=True),
            Slot("chapter_caption", S.TEXT, "Figure caption", in_section=True),
            Slot("closing_heading", S.TEXT, "Closing heading"),
            Slot("closing_body", S.RICH_TEXT, "Closing text"),
            Slot("cta_heading", S.TEXT, "Call to action"),
            Slot("cta_url", S.TEXT, "Call-to-action address"),
            Slot("contact", S.CONTACT, "Contact block"),
        ),
        section=RepeatableSection("chapter", "Chapter", 1, 8),
        fixed_pages=2,
        pages_per_section=1,
        files=("parts/lead_bullets.html", "parts/contact_card.html", "parts/logo.html"),
    )
)
