"""The demo templates: one or more per layout, covering every lock mode and every kind.

Each field is a dict of TemplateField attributes; `image`/`collection` name demo images
and collections created by the loader. Layout helpers add their templates to DEMO_TEMPLATES.
"""

ONEPAGER = {
    "title": "Product one-pager",
    "description": "The flagship one-pager: headline, story, proof points and a customer quote. "
    "Personalise the eyebrow, story, benefits and contact; everything else is brand-approved.",
    "layout": "onepager",
    "tags": ["product", "new business"],
    "keywords": "Northwind, revenue intelligence, one-pager",
    "print_bleed": True,
    "fields": [
        {"key": "eyebrow", "label": "Eyebrow", "slot": "eyebrow", "lock_mode": "choice",
         "variants": "Revenue intelligence\nfor B2B sales teams\n\nForecasting you can defend\n\nContent that wins deals",
         "default_text": "Revenue intelligence\nfor B2B sales teams"},
        {"key": "hero_image", "label": "Hero image", "slot": "hero_image", "lock_mode": "choice",
         "collection": "Hero images", "image": "skyline-dusk"},
        {"key": "headline", "label": "Headline", "slot": "headline", "lock_mode": "locked",
         "default_text": "Know which deals will close."},
        {"key": "subheadline", "label": "Subheadline", "slot": "subheadline", "lock_mode": "free",
         "max_chars": 80, "max_lines": 1,
         "default_text": "Forecasts you can defend, content you can measure."},
        {"key": "intro_heading", "label": "Story heading", "slot": "intro_heading", "lock_mode": "locked",
         "default_text": "Why Northwind"},
        {"key": "body", "label": "Story", "slot": "body", "lock_mode": "free", "max_chars": 900,
         "allow_bold": True, "allow_italic": True, "needs_review": True,
         "default_text": "<p><strong>Northwind Analytics</strong> turns scattered spreadsheets, CRM exports and product "
         "telemetry into a single, trustworthy revenue picture. Sales leaders see which deals are at risk, which "
         "content actually moves opportunities forward, and where the pipeline will land at quarter end — without "
         "waiting for the monthly BI report.</p><p>Connect Salesforce, HubSpot or Dynamics in minutes. Forecasting "
         "models learn from your own win and loss history and explain every prediction in plain language, so "
         "managers can coach reps on facts instead of gut feeling.</p>"},
        {"key": "benefits_heading", "label": "Benefits heading", "slot": "benefits_heading", "lock_mode": "locked",
         "default_text": "What you get"},
        {"key": "benefits", "label": "Benefits", "slot": "benefits", "lock_mode": "free", "max_chars": 420,
         "max_lines": 5,
         "default_text": "Forecast accuracy within ±4% after two quarters of history\n"
         "Content attribution: see which one-pagers appear in won deals\n"
         "Pipeline hygiene alerts for stale stages and missing close dates\n"
         "Enterprise-grade security: SSO, SCIM, EU or US data residency\n"
         "Live in two weeks with a dedicated onboarding engineer"},
        {"key": "side_image", "label": "Side image", "slot": "side_image", "lock_mode": "locked", "image": "chart"},
        {"key": "stat_value", "label": "Key figure", "slot": "stat_value", "lock_mode": "locked", "default_text": "+31%"},
        {"key": "stat_label", "label": "Key figure label", "slot": "stat_label", "lock_mode": "locked",
         "default_text": "average win-rate uplift within a year (n = 312 customers)"},
        {"key": "quote", "label": "Customer quote", "slot": "quote", "lock_mode": "choice",
         "variants": "We cut our forecast review from a full day to forty minutes, and the content report showed us "
         "which two documents were in 70% of our won deals.\n\nOur reps stopped rebuilding decks. They pick, "
         "personalise and send — and marketing finally sees what works.",
         "default_text": "We cut our forecast review from a full day to forty minutes, and the content report showed "
         "us which two documents were in 70% of our won deals."},
        {"key": "quote_author", "label": "Quote attribution", "slot": "quote_author", "lock_mode": "locked",
         "default_text": "Maria Jensen, VP Sales, Fjord Maritime"},
        {"key": "cta_heading", "label": "Call to action", "slot": "cta_heading", "lock_mode": "free",
         "max_chars": 40, "max_lines": 1, "default_text": "Book a 30-minute demo"},
        {"key": "contact", "label": "Your contact details", "slot": "contact", "lock_mode": "token",
         "token_source": "user.contact"},
    ],
}

DEMO_TEMPLATES: list[dict] = [ONEPAGER]
