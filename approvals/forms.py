"""Input shapes of the brand team's decisions. What a decision needs (a reason to reject, a
comment to request changes) is checked by the services, so a crafted request meets the same rule."""

from django import forms

from .services import Decision

FIELD_COMMENT_PREFIX = "field-"


class ReviewDecisionForm(forms.Form):
    """Approve, request changes or reject, with a comment and, per field, a comment."""

    decision = forms.ChoiceField(
        choices=[
            (Decision.APPROVE, "Approve"),
            (Decision.REQUEST_CHANGES, "Request changes"),
            (Decision.REJECT, "Reject"),
        ],
        error_messages={"required": "Choose approve, request changes or reject."},
    )
    comment = forms.CharField(
        required=False,
        max_length=4000,
        label="Comment to the requester",
        help_text="Optional when approving; the reason when rejecting.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, field_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.field_keys = list(field_keys)
        for key in self.field_keys:
            self.fields[FIELD_COMMENT_PREFIX + key] = forms.CharField(
                required=False,
                max_length=2000,
                label="What should change",
                widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What should change in this field?"}),
            )

    def field_comment(self, key: str):
        return self[FIELD_COMMENT_PREFIX + key]

    @property
    def field_comments(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(FIELD_COMMENT_PREFIX + key, "") for key in self.field_keys}


class AssetDecisionForm(forms.Form):
    """Approve or turn down a partner logo or an uploaded image."""

    approve = forms.TypedChoiceField(
        choices=[("1", "Approve"), ("0", "Turn down")], coerce=lambda value: value == "1", empty_value=None
    )
    note = forms.CharField(required=False, max_length=500)
