"""Field feedback in Wagtail admin: each admin module registers its own viewsets and menu items."""
