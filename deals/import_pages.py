"""What the portal's and Wagtail admin's import pages share: the preview's context, and the POST
actions on one import (each a thin call of the import service that answers with a message)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.models import User

from .import_forms import CommitForm, DealImportFormatsForm, PresetSaveForm, StageMapForm
from .import_selectors import import_presets_for
from .imports.mapping import FIELDS
from .models import DealImport, Stage
from .services.imports import (
    DealImportError,
    deal_import_cancel,
    deal_import_commit,
    deal_import_map_stage,
    deal_import_reconfigure,
    import_preset_save,
)

ACTIONS = ("reconfigure", "map-stage", "commit", "cancel", "save-preset")


def preview_context(deal_import: DealImport, user: User, url_for: Callable[[str], str]) -> dict:
    formats_form = DealImportFormatsForm(
        presets=import_presets_for(user),
        initial={
            "number_format": deal_import.number_format,
            "date_format": deal_import.date_format,
            "default_currency": deal_import.default_currency,
        },
    )
    return {
        "deal_import": deal_import,
        "formats_form": formats_form,
        "stages": Stage.objects.all(),
        "urls": {action.replace("-", "_"): url_for(action) for action in ACTIONS},
    }


def run_action(request: HttpRequest, deal_import: DealImport, action: str) -> tuple[bool, str]:
    """Do `action` with the POSTed form: (whether it worked, the message to show)."""
    user = request.user
    try:
        if action == "reconfigure":
            form = DealImportFormatsForm(request.POST, presets=import_presets_for(user))
            if not form.is_valid():
                return False, "Choose one of the number and date formats offered."
            deal_import_reconfigure(deal_import=deal_import, user=user, **form.cleaned_data)
            return True, "The file was read again with the formats you chose."
        if action == "map-stage":
            form = StageMapForm(request.POST)
            if not form.is_valid():
                return False, "Choose the company stage the value means."
            deal_import_map_stage(deal_import=deal_import, user=user, **form.cleaned_data)
            return True, f"“{form.cleaned_data['value']}” now maps to {form.cleaned_data['stage']}."
        if action == "commit":
            form = CommitForm(request.POST)
            form.is_valid()
            deal_import_commit(
                deal_import=deal_import, user=user, valid_rows_only=form.cleaned_data.get("valid_rows_only", False)
            )
            return True, "Importing." if deal_import.state == "committing" else "Imported."
        if action == "cancel":
            deal_import_cancel(deal_import=deal_import, user=user)
            return True, "The import was cancelled and its file deleted."
        if action == "save-preset":
            form = PresetSaveForm(request.POST)
            if not form.is_valid():
                return False, "Give the preset a name."
            preset = import_preset_save(deal_import=deal_import, user=user, name=form.cleaned_data["name"])
            return True, f"Saved the preset “{preset.name}”."
    except DealImportError as error:
        return False, str(error)
    return False, "Unknown action."


def blank_template_response() -> HttpResponse:
    """The blank template CSV: Lastmile's own column headings, UTF-8 with a BOM (Excel reads it)."""
    response = HttpResponse("\ufeff" + ",".join(FIELDS.values()) + "\r\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="deals-template.csv"'
    return response
