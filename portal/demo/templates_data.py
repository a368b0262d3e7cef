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
        {"key": "body", "label": "Story", "slot": "body", "lock_mode": "free", "max_chars": 650,
         "allow_bold": True, "allow_italic": True, "needs_review": True,
         "default_text": "<p><strong>Northwind Analytics</strong> turns scattered spreadsheets, CRM exports and product "
         "telemetry into a single, trustworthy revenue picture. Sales leaders see which deals are at risk, which "
         "content actually moves opportunities forward, and where the pipeline will land at quarter end — without "
         "waiting for the monthly BI report.</p><p>Connect Salesforce, HubSpot or Dynamics in minutes. Forecasting "
         "models learn from your own win and loss history and explain every prediction in plain language, so "
         "managers can coach reps on facts instead of gut feeling.</p>"},
        {"key": "benefits_heading", "label": "Benefits heading", "slot": "benefits_heading", "lock_mode": "locked",
         "default_text": "What you get"},
        {"key": "benefits", "label": "Benefits", "slot": "benefits", "lock_mode": "free", "max_chars": 300,
         "max_lines": 5,
         "default_text": "Forecast accuracy within ±4% after two quarters\n"
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

DATASHEET = {
    "title": "Forecast product datasheet",
    "description": "Technical datasheet for Northwind Forecast: overview, features, specification table and "
    "compliance. Reps can tailor the tagline and overview; specifications are locked by product marketing.",
    "layout": "datasheet",
    "tags": ["product", "datasheet", "technical"],
    "keywords": "Northwind Forecast, datasheet, specifications, forecasting",
    "print_bleed": True,
    "fields": [
        {"key": "eyebrow", "label": "Eyebrow", "slot": "eyebrow", "lock_mode": "choice",
         "variants": "Product datasheet · Forecasting\n\nDatasheet · Revenue intelligence platform\n\n"
         "Technical overview · 2026 edition",
         "default_text": "Product datasheet · Forecasting"},
        {"key": "product_name", "label": "Product name", "slot": "product_name", "lock_mode": "locked",
         "default_text": "Northwind Forecast"},
        {"key": "tagline", "label": "Tagline", "slot": "tagline", "lock_mode": "free", "max_chars": 120,
         "max_lines": 1,
         "default_text": "Pipeline forecasting that explains every number, from the rep's deal review to the board pack."},
        {"key": "overview_heading", "label": "Overview heading", "slot": "overview_heading", "lock_mode": "locked",
         "default_text": "Overview"},
        {"key": "overview", "label": "Overview", "slot": "overview", "lock_mode": "free", "max_chars": 480,
         "allow_bold": True, "allow_italic": True, "needs_review": True,
         "default_text": "<p>Northwind Forecast reads your CRM, calendar and email activity every hour and predicts "
         "where each open deal will land — and why.</p><p>Models are trained on your own two years of win and loss "
         "history, not an industry average. Every prediction comes with the three signals that moved it most, so "
         "managers coach on evidence and finance gets a number it can <strong>defend</strong>.</p>"},
        {"key": "features_heading", "label": "Features heading", "slot": "features_heading", "lock_mode": "locked",
         "default_text": "Key features"},
        {"key": "features", "label": "Features", "slot": "features", "lock_mode": "locked",
         "default_text": "Explainable deal scores: the top three signals behind every prediction, in plain language\n"
         "Roll-up forecasts: rep, team, region and company calls side by side with the model's view\n"
         "Scenario planning: see the quarter if the top ten deals slip by 30 days\n"
         "Pipeline hygiene alerts: stale stages, missing close dates and single-threaded deals\n"
         "Board-ready exports: one-click PDF and Excel packs with commentary"},
        {"key": "specs_heading", "label": "Specifications heading", "slot": "specs_heading", "lock_mode": "locked",
         "default_text": "Technical specifications"},
        {"key": "specs", "label": "Specifications", "slot": "specs", "lock_mode": "locked",
         "default_text": "Deployment: Multi-tenant SaaS; single-tenant option for Enterprise\n"
         "CRM connectors: Salesforce, HubSpot, Microsoft Dynamics 365, Pipedrive\n"
         "Activity sources: Google Workspace, Microsoft 365, Gong, Zoom\n"
         "Data refresh: Hourly; on demand from any forecast view\n"
         "Forecast accuracy: ±4% median at quarter end after two quarters\n"
         "Data residency: EU (Frankfurt) or US (N. Virginia)\n"
         "Identity: SAML 2.0 SSO, SCIM 2.0 provisioning, role-based access\n"
         "Availability: 99.9% uptime SLA, 24/5 support, named CSM\n"
         "Languages: English, German, French, Spanish, Japanese"},
        {"key": "image", "label": "Product image", "slot": "image", "lock_mode": "choice",
         "collection": "Illustrations", "image": "chart"},
        {"key": "image_caption", "label": "Image caption", "slot": "image_caption", "lock_mode": "locked",
         "default_text": "Forecast accuracy improves each quarter as the model learns your win history."},
        {"key": "stat_value", "label": "Key figure", "slot": "stat_value", "lock_mode": "locked",
         "default_text": "±4%"},
        {"key": "stat_label", "label": "Key figure label", "slot": "stat_label", "lock_mode": "locked",
         "default_text": "median forecast error at quarter end, after two quarters of history"},
        {"key": "compliance_heading", "label": "Compliance heading", "slot": "compliance_heading",
         "lock_mode": "locked", "default_text": "Security & compliance"},
        {"key": "compliance", "label": "Certifications and compliance", "slot": "compliance", "lock_mode": "locked",
         "default_text": "ISO/IEC 27001:2022 certified · SOC 2 Type II report under NDA · GDPR-compliant with an "
         "EU data processing agreement · Encryption at rest (AES-256) and in transit (TLS 1.3) · Annual "
         "independent penetration test."},
        {"key": "cta_heading", "label": "Call to action", "slot": "cta_heading", "lock_mode": "choice",
         "variants": "Book a 30-minute forecast review\n\nSee your own pipeline in Northwind\n\nStart a 14-day pilot",
         "default_text": "Book a 30-minute forecast review"},
        {"key": "contact", "label": "Your contact details", "slot": "contact", "lock_mode": "token",
         "token_source": "user.contact"},
    ],
}

DEMO_TEMPLATES.append(DATASHEET)
