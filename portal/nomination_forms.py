"""The shape of a nomination as typed in the portal (the service decides whether it is allowed)."""

from django import forms

from feedback.models import REQUEST_TEXT_MAX_CHARS


class NominationForm(forms.Form):
    reason = forms.CharField(
        label="Why it works (optional)",
        required=False,
        max_length=REQUEST_TEXT_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Who you used it with and what it did for the deal: it helps the brand team decide.",
    )
