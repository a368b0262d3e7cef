"""The shape of a deal as a person types it. Rules (who owns it, what a CRM owns) live in
deals.services.deals; this only checks each value."""

from django import forms

from accounts.models import Region, User
from brand.text import SingleLineFormField

from .currencies import currency_problem
from .models import Outcome, Stage
from .services.deals import DEAL_VALUE_FIELDS, owner_choices


class DateInput(forms.DateInput):
    input_type = "date"


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.email})"


class DealForm(forms.Form):
    name = SingleLineFormField(label="Deal name", max_length=255)
    account_name = SingleLineFormField(label="Account (company)", max_length=255, required=False)
    contact_name = SingleLineFormField(label="Contact name", max_length=255, required=False)
    contact_email = forms.EmailField(label="Contact email", required=False)
    amount = forms.DecimalField(label="Amount", max_digits=18, decimal_places=2, min_value=0, required=False)
    currency = forms.CharField(
        label="Currency", max_length=3, required=False, help_text="ISO 4217 code, such as EUR, USD or GBP."
    )
    stage = forms.ModelChoiceField(label="Stage", queryset=Stage.objects.all(), required=False, empty_label="No stage")
    expected_close_date = forms.DateField(label="Expected close date", required=False, widget=DateInput)
    close_date = forms.DateField(
        label="Close date", required=False, widget=DateInput, help_text="When it was won or lost."
    )
    region = forms.ModelChoiceField(
        label="Region", queryset=Region.objects.all(), required=False, empty_label="No region"
    )
    segment = SingleLineFormField(label="Segment", max_length=120, required=False, help_text="Industry or type.")

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owners = owner_choices(user)
        if owners.exists():
            self.fields["owner"] = OwnerChoiceField(label="Owner", queryset=owners, required=False, empty_label=None)
            if not self.initial.get("owner"):
                self.initial["owner"] = user.pk

    def clean_currency(self) -> str:
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        if code and (problem := currency_problem(code)):
            raise forms.ValidationError(problem)
        return code

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("amount") is not None and not cleaned.get("currency") and "currency" not in self.errors:
            self.add_error("currency", "Give the currency of the amount.")
        return cleaned

    def values(self) -> dict:
        return {field: self.cleaned_data[field] for field in DEAL_VALUE_FIELDS}

    def owner(self) -> User | None:
        return self.cleaned_data.get("owner")


def deal_initial(deal) -> dict:
    return {field: getattr(deal, field) for field in DEAL_VALUE_FIELDS} | {"owner": deal.owner_id}


class DealFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    outcome = forms.ChoiceField(label="Outcome", required=False, choices=[("", "All"), *Outcome.choices])

    def filters(self) -> dict[str, str]:
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}

    def refusals(self) -> list[str]:
        return [f"{self.fields[name].label}: {error}" for name, errors in self.errors.items() for error in errors]


class ResolveOwnerForm(forms.Form):
    owner = OwnerChoiceField(label="Portal user", queryset=User.objects.filter(is_active=True))
