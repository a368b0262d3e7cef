"""Filled in by its report (issue 13)."""
