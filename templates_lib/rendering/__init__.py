"""Rendering: (template revision, values, brand kit) -> HTML -> PDF bytes -> page images.

A render is a pure function of its render key (DOMAIN rule 3). The modules, lowest first:
- `profile`: print or digital;
- `brand_css`: CSS generated from the brand kit and the page format;
- `html`: `render_collateral_html`, every field resolved and mapped onto the layout's slots;
- `engine`: WeasyPrint and PDFium behind a few functions on plain inputs (lay out and measure,
  write a PDF, rasterise a page);
- `copyfit`: text too long for its space, from the engine's measurements;
- `pdf`: `render_collateral_pdf`, refused rather than delivered when content overflows;
- `cache`: render jobs, their render keys and the private render cache;
- `thumbnails`: page images of a template's default content for the library.

Nothing here imports a model or a service of this app: models, services and the approval loop
build on it, never the other way round.
"""
