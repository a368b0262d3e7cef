"""The owner's form for a new share link: input shape only. The service decides what is allowed
(deal pickable, expiry within the maximum, document approved) and names the field at fault."""

import contextlib

from django import forms
from django.core.validators import MaxValueValidator

from accounts.models import User
from deals.selectors import deals_for_picker
from deals.services.choices import DealNotAvailable, pickable_deal
from deals.services.share_links import max_expiry_days


class ShareLinkForm(forms.Form):
    recipient_name = forms.CharField(label="Recipient's name", max_length=200)
    recipient_email = forms.EmailField(label="Recipient's email (optional)", required=False, max_length=254)
    deal = forms.CharField(label="Deal", required=False)
    expires_in_days = forms.IntegerField(label="Works for (days)", min_value=1)
    allow_download = forms.BooleanField(label="Allow downloading the PDF", required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["expires_in_days"].validators.append(MaxValueValidator(max_expiry_days()))
        self.fields["expires_in_days"].widget.attrs["max"] = max_expiry_days()

    @property
    def deal_choices(self) -> list[tuple[str, str]]:
        """The user's open deals, and the chosen or remembered one if it is no longer open."""
        deals = list(deals_for_picker(self.user)[:500])
        selected = self.selected_deal
        if selected and all(str(deal.public_id) != selected for deal in deals):
            with contextlib.suppress(DealNotAvailable):
                deals.insert(0, pickable_deal(self.user, selected))
        return [
            (str(deal.public_id), f"{deal.name} · {deal.account_name}" if deal.account_name else deal.name)
            for deal in deals
            if deal
        ]

    @property
    def selected_deal(self) -> str:
        return str(self["deal"].value() or "")

    def clean(self):
        cleaned = super().clean()
        cleaned["deal_public_id"] = cleaned.pop("deal", "") or None
        return cleaned

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(None if field == "__all__" else field, message)
