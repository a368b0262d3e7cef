"""Deals in Wagtail admin: each part registers its own viewsets and views from a module here."""
