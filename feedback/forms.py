"""Input shapes for ratings and template requests. The rules (who may rate, what a decision needs)
live in feedback/services; these only check the shape and bound the size of what was typed."""

from django import forms

from deals.selectors import deals_for_picker
from templates_lib.models import CollateralTemplate
from templates_lib.selectors import templates_for_user

from .models import COMMENT_MAX_CHARS, REQUEST_TEXT_MAX_CHARS, RequestKind, RequestStatus, TemplateRequest, Urgency
from .services.requests import NOTE_MAX_CHARS, SEGMENT_MAX_CHARS, TITLE_MAX_CHARS, decision_errors

STAR_CHOICES = [(value, f"{value} star{'s' if value > 1 else ''}") for value in range(1, 6)]


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label="Your rating",
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose from 1 to 5 stars.", "invalid_choice": "Choose from 1 to 5 stars."},
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What worked, what you had to work around. Marketing reads every comment.",
    )


class _DealChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} · {obj.account_name}" if obj.account_name else obj.name


class TemplateRequestForm(forms.Form):
    kind = forms.ChoiceField(label="What do you need?", choices=RequestKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label="In a few words",
        max_length=TITLE_MAX_CHARS,
        error_messages={"required": "Say in a few words what you need."},
    )
    purpose = forms.CharField(
        label="What is it for, and who is it for?",
        max_length=REQUEST_TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what it is for and who it is for."},
    )
    template = forms.ModelChoiceField(
        label="Template to change",
        queryset=CollateralTemplate.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label="(none: a new template)",
        help_text="For a change to a template.",
        error_messages={"invalid_choice": "Choose a template from the list."},
    )
    deal = _DealChoiceField(
        label="Deal it is for (optional)",
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label="No specific deal",
        error_messages={"invalid_choice": "Choose one of your open deals from the list."},
    )
    segment = forms.CharField(
        label="Segment (optional)",
        max_length=SEGMENT_MAX_CHARS,
        required=False,
        help_text="The market, industry or customer group, e.g. “Nordic shipping”.",
    )
    urgency = forms.ChoiceField(label="How urgent is it?", choices=Urgency.choices, initial=Urgency.WHEN_POSSIBLE)
    example_image = forms.FileField(
        label="Example image (optional)",
        required=False,
        help_text="A PNG, JPEG, WebP or GIF. Only you and marketing see it.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates_for_user(user).order_by("title")
        self.fields["deal"].queryset = deals_for_picker(user)


class MeTooForm(forms.Form):
    deal = _DealChoiceField(
        label="Deal you need it for (optional)",
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label="No specific deal",
        error_messages={"invalid_choice": "Choose one of your open deals from the list."},
    )
    note = forms.CharField(label="Note (optional)", max_length=NOTE_MAX_CHARS, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deal"].queryset = deals_for_picker(user)


class RequestFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All"), *RequestStatus.choices],
        error_messages={"invalid_choice": "Choose a status from the list."},
    )

    def filters(self) -> dict[str, str]:
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}

    def refusals(self) -> list[str]:
        return [f"{self.fields[name].label}: {error}" for name, errors in self.errors.items() for error in errors]


class RequestDecisionForm(forms.ModelForm):
    """Marketing's triage in admin; what each decision needs is the service's rule."""

    class Meta:
        model = TemplateRequest
        fields = ["status", "decision_reason", "answered_by"]
        labels = {"decision_reason": "Reason (required when declining)", "answered_by": "Template that answers it"}

    def __init__(self, *args, **kwargs):
        kwargs.pop("for_user", None)
        super().__init__(*args, **kwargs)
        self.fields["answered_by"].queryset = CollateralTemplate.objects.in_use().order_by("title")
        self.fields["answered_by"].help_text = "Required when marking the request done."

    def clean(self):
        cleaned = super().clean()
        errors = decision_errors(
            status=cleaned.get("status", ""),
            reason=cleaned.get("decision_reason", ""),
            answered_by=cleaned.get("answered_by"),
        )
        for field, messages in errors.items():
            for message in messages:
                if field not in self.errors:
                    self.add_error(field, message)
        return cleaned
