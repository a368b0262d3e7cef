"""The input shapes of a deal import, shared by the portal and Wagtail admin."""

from django import forms

from .imports.formats import DateFormat, NumberFormat
from .models import Connection, ImportPreset, Stage


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
