"""Factories for the field's feedback (ratings, requests, nominations, priority deals)."""
