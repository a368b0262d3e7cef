"""Deals in Wagtail admin. Each part registers its own viewsets and views from deals/admin/."""
