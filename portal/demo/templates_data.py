"""The demo templates: one or more per layout, covering every lock mode and every kind.

Each field is a dict of TemplateField attributes; `image`/`collection` name demo images
and collections created by the loader. Layout helpers add their templates to DEMO_TEMPLATES.
"""

ONEPAGER = {
    "title": "Product one-pager",
    "description": "The flagship one-pager: headline, story, proof points and a customer quote. "
    "Personalise the eyebrow, story, benefits and contact; everything else is brand-approved.",
    "layout": "onepager",
    "tags": ["product", "new business", "meeting"],
    "keywords": "Northwind, revenue intelligence, one-pager",
    "print_bleed": True,
    "fields": [
        {
            "key": "eyebrow",
            "label": "Eyebrow",
            "slot": "eyebrow",
            "lock_mode": "choice",
            "variants": "Revenue intelligence\nfor B2B sales teams\n\nForecasting you can defend\n\nContent that wins deals",
            "default_text": "Revenue intelligence\nfor B2B sales teams",
        },
        {
            "key": "hero_image",
            "label": "Hero image",
            "slot": "hero_image",
            "lock_mode": "choice",
            "collection": "Hero images",
            "image": "skyline-dusk",
        },
        {
            "key": "headline",
            "label": "Headline",
            "slot": "headline",
            "lock_mode": "locked",
            "default_text": "Know which deals will close.",
        },
        {
            "key": "subheadline",
            "label": "Subheadline",
            "slot": "subheadline",
            "lock_mode": "free",
            "max_chars": 80,
            "max_lines": 1,
            "default_text": "Forecasts you can defend, content you can measure.",
        },
        {
            "key": "intro_heading",
            "label": "Story heading",
            "slot": "intro_heading",
            "lock_mode": "locked",
            "default_text": "Why Northwind",
        },
        {
            "key": "body",
            "label": "Story",
            "slot": "body",
            "lock_mode": "free",
            "max_chars": 650,
            "allow_bold": True,
            "allow_italic": True,
            "needs_review": True,
            "default_text": "<p><strong>Northwind Analytics</strong> turns scattered spreadsheets, CRM exports and product "
            "telemetry into a single, trustworthy revenue picture. Sales leaders see which deals are at risk, which "
            "content actually moves opportunities forward, and where the pipeline will land at quarter end — without "
            "waiting for the monthly BI report.</p><p>Connect Salesforce, HubSpot or Dynamics in minutes. Forecasting "
            "models learn from your own win and loss history and explain every prediction in plain language, so "
            "managers can coach reps on facts instead of gut feeling.</p>",
        },
        {
            "key": "benefits_heading",
            "label": "Benefits heading",
            "slot": "benefits_heading",
            "lock_mode": "locked",
            "default_text": "What you get",
        },
        {
            "key": "benefits",
            "label": "Benefits",
            "slot": "benefits",
            "lock_mode": "free",
            "max_chars": 300,
            "max_lines": 5,
            "default_text": "Forecast accuracy within ±4% after two quarters\n"
            "Content attribution: see which one-pagers appear in won deals\n"
            "Pipeline hygiene alerts for stale stages and missing close dates\n"
            "Enterprise-grade security: SSO, SCIM, EU or US data residency\n"
            "Live in two weeks with a dedicated onboarding engineer",
        },
        {"key": "side_image", "label": "Side image", "slot": "side_image", "lock_mode": "locked", "image": "chart"},
        {
            "key": "stat_value",
            "label": "Key figure",
            "slot": "stat_value",
            "lock_mode": "locked",
            "default_text": "+31%",
        },
        {
            "key": "stat_label",
            "label": "Key figure label",
            "slot": "stat_label",
            "lock_mode": "locked",
            "default_text": "average win-rate uplift within a year (n = 312 customers)",
        },
        {
            "key": "quote",
            "label": "Customer quote",
            "slot": "quote",
            "lock_mode": "choice",
            "variants": "We cut our forecast review from a full day to forty minutes, and the content report showed us "
            "which two documents were in 70% of our won deals.\n\nOur reps stopped rebuilding decks. They pick, "
            "personalise and send — and marketing finally sees what works.",
            "default_text": "We cut our forecast review from a full day to forty minutes, and the content report showed "
            "us which two documents were in 70% of our won deals.",
        },
        {
            "key": "quote_author",
            "label": "Quote attribution",
            "slot": "quote_author",
            "lock_mode": "locked",
            "default_text": "Maria Jensen, VP Sales, Fjord Maritime",
        },
        {
            "key": "cta_heading",
            "label": "Call to action",
            "slot": "cta_heading",
            "lock_mode": "free",
            "max_chars": 40,
            "max_lines": 1,
            "default_text": "Book a 30-minute demo",
        },
        {
            "key": "contact",
            "label": "Your contact details",
            "slot": "contact",
            "lock_mode": "token",
            "token_source": "user.contact",
        },
    ],
}

DEMO_TEMPLATES: list[dict] = [ONEPAGER]

DATASHEET = {
    "partner_tiers": ["Gold"],
    "title": "Forecast product datasheet",
    "description": "Technical datasheet for Northwind Forecast: overview, features, specification table and "
    "compliance. Reps can tailor the tagline and overview; specifications are locked by product marketing.",
    "layout": "datasheet",
    "tags": ["product", "datasheet", "technical", "meeting"],
    "keywords": "Northwind Forecast, datasheet, specifications, forecasting",
    "print_bleed": True,
    "fields": [
        {
            "key": "eyebrow",
            "label": "Eyebrow",
            "slot": "eyebrow",
            "lock_mode": "choice",
            "variants": "Product datasheet · Forecasting\n\nDatasheet · Revenue intelligence platform\n\n"
            "Technical overview · 2026 edition",
            "default_text": "Product datasheet · Forecasting",
        },
        {
            "key": "product_name",
            "label": "Product name",
            "slot": "product_name",
            "lock_mode": "locked",
            "default_text": "Northwind Forecast",
        },
        {
            "key": "tagline",
            "label": "Tagline",
            "slot": "tagline",
            "lock_mode": "free",
            "max_chars": 120,
            "max_lines": 1,
            "default_text": "Pipeline forecasting that explains every number, from the rep's deal review to the board pack.",
        },
        {
            "key": "overview_heading",
            "label": "Overview heading",
            "slot": "overview_heading",
            "lock_mode": "locked",
            "default_text": "Overview",
        },
        {
            "key": "overview",
            "label": "Overview",
            "slot": "overview",
            "lock_mode": "free",
            "max_chars": 480,
            "allow_bold": True,
            "allow_italic": True,
            "needs_review": True,
            "default_text": "<p>Northwind Forecast reads your CRM, calendar and email activity every hour and predicts "
            "where each open deal will land — and why.</p><p>Models are trained on your own two years of win and loss "
            "history, not an industry average. Every prediction comes with the three signals that moved it most, so "
            "managers coach on evidence and finance gets a number it can <strong>defend</strong>.</p>",
        },
        {
            "key": "features_heading",
            "label": "Features heading",
            "slot": "features_heading",
            "lock_mode": "locked",
            "default_text": "Key features",
        },
        {
            "key": "features",
            "label": "Features",
            "slot": "features",
            "lock_mode": "locked",
            "default_text": "Explainable deal scores: the top three signals behind every prediction, in plain language\n"
            "Roll-up forecasts: rep, team, region and company calls side by side with the model's view\n"
            "Scenario planning: see the quarter if the top ten deals slip by 30 days\n"
            "Pipeline hygiene alerts: stale stages, missing close dates and single-threaded deals\n"
            "Board-ready exports: one-click PDF and Excel packs with commentary",
        },
        {
            "key": "specs_heading",
            "label": "Specifications heading",
            "slot": "specs_heading",
            "lock_mode": "locked",
            "default_text": "Technical specifications",
        },
        {
            "key": "specs",
            "label": "Specifications",
            "slot": "specs",
            "lock_mode": "locked",
            "default_text": "Deployment: Multi-tenant SaaS; single-tenant option for Enterprise\n"
            "CRM connectors: Salesforce, HubSpot, Microsoft Dynamics 365, Pipedrive\n"
            "Activity sources: Google Workspace, Microsoft 365, Gong, Zoom\n"
            "Data refresh: Hourly; on demand from any forecast view\n"
            "Forecast accuracy: ±4% median at quarter end after two quarters\n"
            "Data residency: EU (Frankfurt) or US (N. Virginia)\n"
            "Identity: SAML 2.0 SSO, SCIM 2.0 provisioning, role-based access\n"
            "Availability: 99.9% uptime SLA, 24/5 support, named CSM\n"
            "Languages: English, German, French, Spanish, Japanese",
        },
        {
            "key": "image",
            "label": "Product image",
            "slot": "image",
            "lock_mode": "choice",
            "collection": "Illustrations",
            "image": "chart",
        },
        {
            "key": "image_caption",
            "label": "Image caption",
            "slot": "image_caption",
            "lock_mode": "locked",
            "default_text": "Forecast accuracy improves each quarter as the model learns your win history.",
        },
        {
            "key": "stat_value",
            "label": "Key figure",
            "slot": "stat_value",
            "lock_mode": "locked",
            "default_text": "±4%",
        },
        {
            "key": "stat_label",
            "label": "Key figure label",
            "slot": "stat_label",
            "lock_mode": "locked",
            "default_text": "median forecast error at quarter end, after two quarters of history",
        },
        {
            "key": "compliance_heading",
            "label": "Compliance heading",
            "slot": "compliance_heading",
            "lock_mode": "locked",
            "default_text": "Security & compliance",
        },
        {
            "key": "compliance",
            "label": "Certifications and compliance",
            "slot": "compliance",
            "lock_mode": "locked",
            "default_text": "ISO/IEC 27001:2022 certified · SOC 2 Type II report under NDA · GDPR-compliant with an "
            "EU data processing agreement · Encryption at rest (AES-256) and in transit (TLS 1.3) · Annual "
            "independent penetration test.",
        },
        {
            "key": "cta_heading",
            "label": "Call to action",
            "slot": "cta_heading",
            "lock_mode": "choice",
            "variants": "Book a 30-minute forecast review\n\nSee your own pipeline in Northwind\n\nStart a 14-day pilot",
            "default_text": "Book a 30-minute forecast review",
        },
        {
            "key": "contact",
            "label": "Your contact details",
            "slot": "contact",
            "lock_mode": "token",
            "token_source": "user.contact",
        },
    ],
}

DEMO_TEMPLATES.append(DATASHEET)

CASE_STUDY = {
    "partner_tiers": ["Gold"],
    "title": "Brightpath Partners case study",
    "description": "Two-page customer story: Brightpath Partners moved forecasting into Northwind and lifted win "
    "rates by 27%. Tailor the summary, challenge and call to action; results and quotes are approved by the customer.",
    "layout": "casestudy",
    "tags": ["customer story", "proof", "services", "renewal"],
    "keywords": "Northwind, case study, Brightpath Partners, forecasting, win rate",
    "print_bleed": True,
    "fields": [
        {
            "key": "eyebrow",
            "label": "Eyebrow",
            "slot": "eyebrow",
            "lock_mode": "choice",
            "variants": "Customer story · Professional services\n\nCase study · Revenue operations\n\n"
            "Customer story · Forecasting",
            "default_text": "Customer story · Professional services",
        },
        {
            "key": "customer_name",
            "label": "Customer name",
            "slot": "customer_name",
            "lock_mode": "locked",
            "default_text": "Brightpath Partners",
        },
        {
            "key": "customer_logo",
            "label": "Customer logo",
            "slot": "customer_logo",
            "lock_mode": "locked",
            "image": "partner-logo",
        },
        {
            "key": "hero_image",
            "label": "Hero image",
            "slot": "hero_image",
            "lock_mode": "image",
            "collection": "Hero images",
            "image": "skyline-day",
        },
        {
            "key": "headline",
            "label": "Headline",
            "slot": "headline",
            "lock_mode": "choice",
            "variants": "From two days of forecast prep to forty minutes\n\n"
            "A forecast the board trusts, 27% more deals won",
            "default_text": "From two days of forecast prep to forty minutes",
        },
        {
            "key": "summary",
            "label": "Summary",
            "slot": "summary",
            "lock_mode": "free",
            "max_chars": 190,
            "max_lines": 1,
            "default_text": "Brightpath Partners' 140 sellers replaced a spreadsheet forecast with Northwind. Twelve months "
            "later the board gets a number it trusts, and reps spend their Fridays selling.",
        },
        {
            "key": "glance_heading",
            "label": "At-a-glance heading",
            "slot": "glance_heading",
            "lock_mode": "locked",
            "default_text": "At a glance",
        },
        {
            "key": "glance",
            "label": "At a glance",
            "slot": "glance",
            "lock_mode": "locked",
            "default_text": "Industry: IT consulting and managed services\n"
            "Headquarters: Manchester, UK\n"
            "Sales team: 140 sellers in six countries\n"
            "CRM: Salesforce Sales Cloud\n"
            "Products: Northwind Forecast, Content Insights\n"
            "Live since: March 2025",
        },
        {
            "key": "stat1_value",
            "label": "Result 1 figure",
            "slot": "stat1_value",
            "lock_mode": "locked",
            "default_text": "40 min",
        },
        {
            "key": "stat1_label",
            "label": "Result 1 label",
            "slot": "stat1_label",
            "lock_mode": "locked",
            "default_text": "weekly forecast call, down from two days of spreadsheet prep",
        },
        {
            "key": "stat2_value",
            "label": "Result 2 figure",
            "slot": "stat2_value",
            "lock_mode": "locked",
            "default_text": "+27%",
        },
        {
            "key": "stat2_label",
            "label": "Result 2 label",
            "slot": "stat2_label",
            "lock_mode": "locked",
            "default_text": "win rate on qualified opportunities within twelve months",
        },
        {
            "key": "stat3_value",
            "label": "Result 3 figure",
            "slot": "stat3_value",
            "lock_mode": "locked",
            "default_text": "3.1%",
        },
        {
            "key": "stat3_label",
            "label": "Result 3 label",
            "slot": "stat3_label",
            "lock_mode": "locked",
            "default_text": "forecast error at quarter end, down from 18% the year before",
        },
        {
            "key": "challenge_heading",
            "label": "Challenge heading",
            "slot": "challenge_heading",
            "lock_mode": "locked",
            "default_text": "The challenge",
        },
        {
            "key": "challenge",
            "label": "Challenge",
            "slot": "challenge",
            "lock_mode": "free",
            "max_chars": 640,
            "allow_bold": True,
            "allow_italic": True,
            "needs_review": True,
            "default_text": "<p>Brightpath had doubled its sales team in two years, but its forecast still lived in a "
            "spreadsheet that six regional managers rebuilt every Thursday. By the time the numbers reached the board "
            "they were a week old, and the quarter-end call missed by 18% twice in a row.</p><p>Reps spent Friday "
            "mornings updating CRM fields instead of talking to customers, and nobody could say which deals were "
            "really at risk until it was too late to help.</p>",
        },
        {
            "key": "solution_heading",
            "label": "Solution heading",
            "slot": "solution_heading",
            "lock_mode": "locked",
            "default_text": "The solution",
        },
        {
            "key": "solution",
            "label": "Solution",
            "slot": "solution",
            "lock_mode": "locked",
            "default_text": "<p>Brightpath connected Salesforce, Microsoft 365 and Gong to Northwind in the first week. "
            "A dedicated onboarding engineer mapped their six regional sales stages to a single process, and the "
            "forecasting model trained on two years of closed deals.</p><p>From week three, managers ran the Monday "
            "forecast call straight from Northwind. Every deal carries a score and the <strong>three signals that "
            "moved it</strong> — a champion going quiet, a slipping mutual plan, legal not yet engaged — so coaching "
            "focuses on what will change the outcome.</p><p>Content Insights showed which proposals and case studies "
            "appeared in won deals. Marketing retired 40 unused documents and rebuilt the two that mattered.</p>",
        },
        {
            "key": "results_image",
            "label": "Results image",
            "slot": "results_image",
            "lock_mode": "locked",
            "image": "chart",
        },
        {
            "key": "results_caption",
            "label": "Results image caption",
            "slot": "results_caption",
            "lock_mode": "locked",
            "default_text": "Win rate on qualified opportunities, by quarter since go-live (Brightpath CRM data).",
        },
        {
            "key": "quote",
            "label": "Customer quote",
            "slot": "quote",
            "lock_mode": "choice",
            "variants": "For the first time I can walk into the board meeting with a forecast I can explain deal by "
            "deal. And my managers coach on evidence, not on hunches.\n\n"
            "Northwind gave our sellers their Fridays back. That alone paid for the licence in the first quarter.",
            "default_text": "For the first time I can walk into the board meeting with a forecast I can explain deal by "
            "deal. And my managers coach on evidence, not on hunches.",
        },
        {
            "key": "quote_author",
            "label": "Quote attribution",
            "slot": "quote_author",
            "lock_mode": "locked",
            "default_text": "Hannah Okafor, Chief Revenue Officer, Brightpath Partners",
        },
        {
            "key": "results_heading",
            "label": "Results heading",
            "slot": "results_heading",
            "lock_mode": "locked",
            "default_text": "The results",
        },
        {
            "key": "results",
            "label": "Results",
            "slot": "results",
            "lock_mode": "locked",
            "default_text": "<p>Within two quarters the forecast error at quarter end fell from 18% to 3.1%, and the "
            "board moved its hiring plan forward by a quarter on the strength of it.</p><p>Win rates on qualified "
            "opportunities rose 27% in twelve months. Brightpath attributes most of the gain to earlier intervention: "
            "at-risk deals are flagged on average 19 days sooner than before, while there is still time to bring in "
            "an executive sponsor or rework the proposal.</p><p>The weekly forecast call now takes forty minutes, and "
            "reps log 30% more customer meetings per month.</p>",
        },
        {
            "key": "cta_heading",
            "label": "Call to action",
            "slot": "cta_heading",
            "lock_mode": "free",
            "max_chars": 50,
            "max_lines": 1,
            "default_text": "See what Northwind finds in your pipeline",
        },
        {
            "key": "contact",
            "label": "Your contact details",
            "slot": "contact",
            "lock_mode": "token",
            "token_source": "user.contact",
        },
    ],
}

DEMO_TEMPLATES.append(CASE_STUDY)

EVENT_FLYER = {
    "title": "Forecast Forward breakfast flyer",
    "description": "Poster-style invitation to the Forecast Forward executive breakfast in London. Personalise the "
    "introduction and registration details; your contact card is added automatically.",
    "layout": "eventflyer",
    "tags": ["event", "invitation", "field marketing"],
    "keywords": "Northwind, Forecast Forward, event, breakfast briefing, London",
    "print_bleed": True,
    "fields": [
        {
            "key": "eyebrow",
            "label": "Eyebrow",
            "slot": "eyebrow",
            "lock_mode": "choice",
            "variants": "Northwind Live · Executive breakfast\n\nNorthwind Live · Customer roundtable\n\n"
            "Invitation · Revenue leaders only",
            "default_text": "Northwind Live · Executive breakfast",
        },
        {
            "key": "event_name",
            "label": "Event name",
            "slot": "event_name",
            "lock_mode": "locked",
            "default_text": "Forecast Forward: London 2026",
        },
        {
            "key": "event_intro",
            "label": "Introduction",
            "slot": "event_intro",
            "lock_mode": "free",
            "max_chars": 150,
            "max_lines": 1,
            "default_text": "Three hours with revenue leaders who have stopped arguing about the number — and "
            "started explaining it.",
        },
        {
            "key": "hero_image",
            "label": "Background image",
            "slot": "hero_image",
            "lock_mode": "choice",
            "collection": "Hero images",
            "image": "waves",
        },
        {
            "key": "date",
            "label": "Date",
            "slot": "date",
            "lock_mode": "locked",
            "default_text": "Thursday\n14 May 2026",
        },
        {"key": "time", "label": "Time", "slot": "time", "lock_mode": "locked", "default_text": "08:30 – 11:30"},
        {
            "key": "venue",
            "label": "Venue",
            "slot": "venue",
            "lock_mode": "locked",
            "default_text": "Northwind Studio, Level 6",
        },
        {
            "key": "venue_address",
            "label": "Venue address",
            "slot": "venue_address",
            "lock_mode": "locked",
            "default_text": "10 Example Street, London EC1A 1AA · 4 min from Farringdon",
        },
        {
            "key": "agenda_heading",
            "label": "Agenda heading",
            "slot": "agenda_heading",
            "lock_mode": "locked",
            "default_text": "The morning",
        },
        {
            "key": "agenda",
            "label": "Agenda",
            "slot": "agenda",
            "lock_mode": "locked",
            "default_text": "08:30 Breakfast and introductions\n"
            "09:00 Why forecasts miss: lessons from 312 sales teams\n"
            "09:30 Keynote: the explainable forecast\n"
            "10:15 Customer panel with Brightpath Partners and Fjord Maritime\n"
            "11:00 Hands-on: your own pipeline in Northwind\n"
            "11:30 Close and coffee",
        },
        {
            "key": "speaker_heading",
            "label": "Speaker heading",
            "slot": "speaker_heading",
            "lock_mode": "locked",
            "default_text": "Keynote speaker",
        },
        {
            "key": "speaker_name",
            "label": "Speaker name",
            "slot": "speaker_name",
            "lock_mode": "locked",
            "default_text": "Dr Leila Marsh",
        },
        {
            "key": "speaker_role",
            "label": "Speaker role",
            "slot": "speaker_role",
            "lock_mode": "locked",
            "default_text": "Chief Data Scientist, Northwind Analytics",
        },
        {
            "key": "speaker_image",
            "label": "Speaker photo",
            "slot": "speaker_image",
            "lock_mode": "image",
            "collection": "People",
            "allow_upload": True,
        },
        {
            "key": "cta_heading",
            "label": "Registration call to action",
            "slot": "cta_heading",
            "lock_mode": "choice",
            "variants": "Reserve your seat\n\nRegister today\n\nJoin us for breakfast",
            "default_text": "Reserve your seat",
        },
        {
            "key": "register_url",
            "label": "Registration address",
            "slot": "register_url",
            "lock_mode": "locked",
            "default_text": "northwind.example/forward",
        },
        {
            "key": "cta_detail",
            "label": "Registration details",
            "slot": "cta_detail",
            "lock_mode": "free",
            "max_chars": 110,
            "max_lines": 1,
            "default_text": "Free for sales and revenue leaders. 60 places, confirmed in order of registration.",
        },
        {
            "key": "contact",
            "label": "Your contact details",
            "slot": "contact",
            "lock_mode": "token",
            "token_source": "user.contact",
        },
    ],
}

DEMO_TEMPLATES.append(EVENT_FLYER)


def _chapter(
    n: int,
    *,
    title: str,
    intro: str,
    body: str,
    highlights: str,
    image: str,
    caption: str,
    body_free: bool = False,
    image_collection: str = "Hero images",
) -> list[dict]:
    """The six fields of one brochure chapter (section n)."""
    body_field = {
        "key": f"chapter{n}_body",
        "label": f"Chapter {n} text",
        "slot": "chapter_body",
        "section": n,
        "lock_mode": "locked",
        "default_text": body,
    }
    if body_free:
        body_field.update(lock_mode="free", max_chars=950, allow_bold=True, allow_italic=True, needs_review=True)
    return [
        {
            "key": f"chapter{n}_title",
            "label": f"Chapter {n} title",
            "slot": "chapter_title",
            "section": n,
            "lock_mode": "locked",
            "default_text": title,
        },
        {
            "key": f"chapter{n}_intro",
            "label": f"Chapter {n} introduction",
            "slot": "chapter_intro",
            "section": n,
            "lock_mode": "locked",
            "default_text": intro,
        },
        {
            "key": f"chapter{n}_image",
            "label": f"Chapter {n} image",
            "slot": "chapter_image",
            "section": n,
            "lock_mode": "choice",
            "collection": image_collection,
            "image": image,
        },
        {
            "key": f"chapter{n}_caption",
            "label": f"Chapter {n} caption",
            "slot": "chapter_caption",
            "section": n,
            "lock_mode": "locked",
            "default_text": caption,
        },
        body_field,
        {
            "key": f"chapter{n}_highlights",
            "label": f"Chapter {n} highlights",
            "slot": "chapter_highlights",
            "section": n,
            "lock_mode": "locked",
            "default_text": highlights,
        },
    ]


BROCHURE = {
    "title": "Platform brochure 2026",
    "description": "Eight-page platform brochure: cover, six chapters (forecasting, deal intelligence, content "
    "attribution, pipeline hygiene, security, onboarding) and a contact page. Personalise the opening chapter, "
    "the closing note and the call to action.",
    "layout": "brochure",
    "tags": ["product", "brochure", "new business", "renewal"],
    "keywords": "Northwind, revenue intelligence, brochure, forecasting, content attribution",
    "print_bleed": True,
    "fields": [
        {
            "key": "eyebrow",
            "label": "Cover eyebrow",
            "slot": "eyebrow",
            "lock_mode": "choice",
            "variants": "Platform brochure · 2026\n\nProduct overview · 2026\n\nFor revenue leaders · 2026",
            "default_text": "Platform brochure · 2026",
        },
        {
            "key": "title",
            "label": "Title",
            "slot": "title",
            "lock_mode": "locked",
            "default_text": "Revenue intelligence, explained",
        },
        {
            "key": "subtitle",
            "label": "Subtitle",
            "slot": "subtitle",
            "lock_mode": "free",
            "max_chars": 110,
            "max_lines": 1,
            "default_text": "How Northwind helps B2B sales teams forecast with confidence and win more of the right deals.",
        },
        {
            "key": "cover_image",
            "label": "Cover image",
            "slot": "cover_image",
            "lock_mode": "image",
            "collection": "Hero images",
            "image": "skyline-dusk",
        },
        {
            "key": "highlights_heading",
            "label": "Highlights heading",
            "slot": "highlights_heading",
            "lock_mode": "locked",
            "default_text": "At a glance",
        },
        *_chapter(
            1,
            title="Forecasting you can defend",
            intro="A model trained on your own win and loss history, that explains every number it gives you.",
            image="skyline-dusk",
            body_free=True,
            caption="Forecast calls move from spreadsheets to a shared, explainable view of the quarter.",
            body="<p>Most forecasts are built twice: once by reps in the CRM, and again by managers in a spreadsheet "
            "the night before the call. Northwind replaces the second step with a model that reads your pipeline, "
            "activity and history every hour.</p><p>Every deal gets a probability and the three signals that moved it "
            "most — a champion going quiet, a mutual plan slipping, procurement not yet engaged. Managers see the "
            "rep's call, the model's view and the gap between them, deal by deal.</p><p>Because the model is "
            "trained on two years of your own closed deals, it learns how your buyers behave rather than an "
            "industry average. Accuracy typically reaches ±4% at quarter end after two quarters, and the board "
            "pack builds itself.</p>",
            highlights="Explainable scores: the top three signals behind every prediction\n"
            "Roll-ups: rep, team, region and company calls side by side\n"
            "Scenarios: see the quarter if your top ten deals slip by 30 days\n"
            "Board pack: one-click PDF and Excel exports with commentary",
        ),
        *_chapter(
            2,
            title="Deal intelligence",
            intro="See which deals are at risk while there is still time to change the outcome.",
            image="waves",
            caption="Risk signals are drawn from CRM stages, calendars, email and call transcripts.",
            body="<p>Northwind connects the signals your team already produces: meetings booked, emails answered, "
            "stakeholders added, calls recorded. It compares each open deal with the deals you have won and lost, "
            "and flags the ones that have started to look like losses.</p><p>Alerts arrive where sellers already "
            "work — in Salesforce, Slack or Teams — with a plain-language reason and a suggested next step, such as "
            "bringing in an executive sponsor or confirming the decision process.</p><p>Customers see at-risk deals "
            "flagged on average 19 days sooner than before, which is often the difference between a rescue and a "
            "post-mortem.</p>",
            highlights="Risk alerts: flagged on average 19 days sooner\n"
            "Stakeholder map: who is engaged, who has gone quiet\n"
            "Next steps: a suggested action with every alert\n"
            "Where you work: Salesforce, Slack and Microsoft Teams",
        ),
        *_chapter(
            3,
            title="Content attribution",
            intro="Find out which documents appear in won deals, and retire the ones nobody opens.",
            image="chart",
            image_collection="Illustrations",
            caption="Share of won deals that included each piece of content, last four quarters.",
            body="<p>Marketing produces hundreds of one-pagers, case studies and proposals a year, but rarely knows "
            "which of them help close business. Northwind follows every document your sellers send, from first "
            "share to signed contract.</p><p>The content report ranks assets by their presence in won and lost "
            "deals, by segment and by stage, so you can see that a pricing one-pager matters in the final week "
            "while a case study earns its place at discovery.</p><p>One customer found two documents in 70% of "
            "their won deals, retired forty others and rebuilt the two that mattered.</p>",
            highlights="Win-rate by asset: content ranked by its presence in won deals\n"
            "Stage view: which documents help at which stage\n"
            "Engagement: opens, time spent and forwards per document\n"
            "Clean-up: find content nobody has sent in 90 days",
        ),
        *_chapter(
            4,
            title="Pipeline hygiene",
            intro="Automatic alerts before stale stages and missing dates reach the board deck.",
            image="skyline-day",
            caption="Hygiene alerts run every hour against the rules your revenue operations team sets.",
            body="<p>A forecast is only as good as the pipeline beneath it. Northwind checks every open opportunity "
            "against the rules your revenue operations team defines: close dates in the past, deals stuck in a stage "
            "for twice the median time, opportunities with a single contact.</p><p>Sellers get a short, weekly "
            "digest rather than a flood of notifications, and managers see hygiene scores by team alongside the "
            "forecast itself.</p><p>Teams typically cut stale opportunities by half in the first quarter, and the "
            "Monday forecast call stops being a data-cleaning session.</p>",
            highlights="Rules you own: set by revenue operations, not by us\n"
            "Weekly digest: one message per seller, not fifty\n"
            "Team scores: hygiene next to the forecast it affects\n"
            "Fix in place: update the CRM from the alert itself",
        ),
        *_chapter(
            5,
            title="Security and compliance",
            intro="Enterprise-grade controls, with your data kept in the region you choose.",
            image="waves",
            caption="Customer data stays in the EU (Frankfurt) or US (N. Virginia) region you select.",
            body="<p>Northwind is certified to ISO/IEC 27001:2022 and audited annually for SOC 2 Type II. Data is "
            "encrypted at rest with AES-256 and in transit with TLS 1.3, and an independent firm tests the platform "
            "every year.</p><p>You choose where your data lives — the EU or the US — and it stays there, including "
            "backups. Single sign-on via SAML 2.0 and SCIM provisioning keep access in line with your identity "
            "provider, and role-based permissions control who sees which teams and deals.</p><p>Our data processing "
            "agreement and security pack are available on request before any contract is signed.</p>",
            highlights="Certified: ISO/IEC 27001:2022 and SOC 2 Type II\n"
            "Residency: EU (Frankfurt) or US (N. Virginia)\n"
            "Identity: SAML 2.0 SSO and SCIM provisioning\n"
            "Encryption: AES-256 at rest, TLS 1.3 in transit",
        ),
        *_chapter(
            6,
            title="Onboarding and support",
            intro="Live in two weeks, with a named engineer and a customer success manager.",
            image="skyline-dusk",
            caption="A typical onboarding: connectors in week one, first forecast call in week two.",
            body="<p>Every new customer gets a dedicated onboarding engineer for the first thirty days. In week one "
            "we connect your CRM, calendar and call recording tools and map your sales stages; in week two your "
            "managers run their first forecast call from Northwind.</p><p>After go-live a named customer success "
            "manager meets your revenue operations lead every month to review adoption, accuracy and the next "
            "use case to switch on.</p><p>Support is available 24 hours a day on weekdays, with a 99.9% uptime "
            "commitment in every contract.</p>",
            highlights="Two weeks: from signature to first forecast call\n"
            "Named people: onboarding engineer and success manager\n"
            "Support: 24/5, with a 99.9% uptime SLA\n"
            "Academy: self-paced courses for sellers and managers",
        ),
        {
            "key": "closing_heading",
            "label": "Closing heading",
            "slot": "closing_heading",
            "lock_mode": "locked",
            "default_text": "Let's look at your number together",
        },
        {
            "key": "closing_body",
            "label": "Closing text",
            "slot": "closing_body",
            "lock_mode": "free",
            "max_chars": 520,
            "allow_bold": True,
            "allow_italic": True,
            "needs_review": True,
            "default_text": "<p>In a 30-minute session we connect a read-only copy of your CRM and show you what "
            "Northwind sees in your current quarter: the deals most likely to slip, the ones that look stronger than "
            "your team thinks, and the content that shows up in your wins.</p><p>No slides, no commitment — just your "
            "own pipeline, explained.</p>",
        },
        {
            "key": "cta_heading",
            "label": "Call to action",
            "slot": "cta_heading",
            "lock_mode": "choice",
            "variants": "Book your 30-minute pipeline review\n\nStart a 14-day pilot with your own data",
            "default_text": "Book your 30-minute pipeline review",
        },
        {
            "key": "cta_url",
            "label": "Call-to-action address",
            "slot": "cta_url",
            "lock_mode": "locked",
            "default_text": "northwind.example/review",
        },
        {
            "key": "contact",
            "label": "Your contact details",
            "slot": "contact",
            "lock_mode": "token",
            "token_source": "user.contact",
        },
    ],
}

DEMO_TEMPLATES.append(BROCHURE)


def _cobranded_onepager() -> dict:
    """The one-pager on US Letter for the Americas, co-branded with a partner's logo."""
    fields = []
    for field in ONEPAGER["fields"]:
        field = dict(field)
        if field["key"] == "eyebrow":
            field.update(variants="Partner edition\n\nFor channel partners", default_text="Partner edition")
        if field["key"] == "hero_image":
            field = {
                "key": "hero_image",
                "label": "Hero image",
                "slot": "hero_image",
                "lock_mode": "image",
                "collection": "Hero images",
                "image": "skyline-day",
                "allow_upload": True,
            }
        if field["key"] == "subheadline":
            field.update(default_text="Revenue intelligence, delivered with Brightpath Partners.")
        if field["key"] == "body":
            field.update(max_chars=540)
        if field["key"] == "cta_heading":
            field.update(max_chars=28, default_text="Book a demo today")
        fields.append(field)
    fields.append(
        {
            "key": "partner_logo",
            "label": "Partner logo",
            "slot": "partner_logo",
            "lock_mode": "token",
            "token_source": "organisation.logo",
        }
    )
    return {
        **ONEPAGER,
        "title": "Partner one-pager (US Letter)",
        "description": "The product one-pager for partners in the Americas: US Letter, with the partner's logo beside "
        "ours. Pick or upload the hero image; the story and benefits are yours to adapt.",
        "page_size": "letter",
        "print_bleed": False,
        "shared_with": ["Brightpath Partners"],
        "tags": ["product", "partners", "meeting"],
        "fields": fields,
    }


DEMO_TEMPLATES.append(_cobranded_onepager())
