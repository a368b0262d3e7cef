"""The input shapes of a deal import, shared by the portal and Wagtail admin."""

from django import forms

from accounts.models import User

from .imports.formats import DateFormat, NumberFormat
from .models import Connection, DealImport, ImportPreset, Stage
from .services.imports import DealImportError, deal_import_upload


class DealImportUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="A CRM export or the blank template, up to the size limit.")
    preset = forms.ModelChoiceField(
        queryset=ImportPreset.objects.none(),
        required=False,
        empty_label="Recognise the columns",
        help_text="Which export this is; left empty, the preset that fits the header row is chosen.",
    )
    default_currency = forms.CharField(
        max_length=3, required=False, help_text="For files without a currency column, e.g. EUR."
    )

    def __init__(self, *args, presets, connections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].queryset = presets
        if connections is not None:
            self.fields["connection"] = forms.ModelChoiceField(
                queryset=connections, help_text="Where the deals come from: ids are unique per connection."
            )
            self.order_fields(["connection", "file", "preset", "default_currency"])

    def upload(self, user: User) -> DealImport | None:
        """The import this valid form starts (kept and previewed), or None with the reason on the
        file field."""
        try:
            return deal_import_upload(
                user=user,
                uploaded_file=self.cleaned_data["file"],
                connection=self.cleaned_data.get("connection"),
                preset=self.cleaned_data["preset"],
                default_currency=self.cleaned_data["default_currency"],
            )
        except DealImportError as error:
            self.add_error("file", str(error))
            return None


class DealImportFormatsForm(forms.Form):
    number_format = forms.ChoiceField(choices=NumberFormat.choices)
    date_format = forms.ChoiceField(choices=DateFormat.choices)
    preset = forms.ModelChoiceField(queryset=ImportPreset.objects.none(), required=False, empty_label="(keep)")
    default_currency = forms.CharField(max_length=3, required=False)

    def __init__(self, *args, presets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].queryset = presets


class StageMapForm(forms.Form):
    value = forms.CharField(max_length=255, strip=False)
    stage = forms.ModelChoiceField(queryset=Stage.objects.all())


class PresetSaveForm(forms.Form):
    name = forms.CharField(max_length=100)


class CommitForm(forms.Form):
    valid_rows_only = forms.BooleanField(required=False)


def connections_for_admin():
    return Connection.objects.order_by("name")
