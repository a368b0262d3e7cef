import io

from django.core.exceptions import ValidationError

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.images.forms import BaseImageForm

import willow

from .colour import cmyk_from_hex
from .uploads import MAX_ICC_BYTES, CleanImage, clean_uploaded_image, validate_icc_profile
from .widgets import ColourHexInput

TEXT_ROLES = ("text", "muted")


class BrandImageForm(BaseImageForm):
    """Wagtail's image form, plus our upload checks: sniffed type, pixel limit before decoding,
    and metadata stripped by re-encoding."""

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file is None or not hasattr(file, "read") or getattr(file, "_committed", False):
            return file
        clean = clean_uploaded_image(file)
        stem = file.name.rsplit(".", 1)[0][:80] or "image"
        _replace_upload_content(file, clean, stem)
        return file


def _replace_upload_content(upload, clean: CleanImage, stem: str) -> None:
    """Put the cleaned bytes into the request's own upload object, not just into cleaned_data.

    Wagtail's multiple uploader keeps `request.FILES` itself: when another field is invalid (a
    too-long title, say) it parks that object as an UploadedFile and later turns it into the image
    without this form's file field. Rewriting the object in place means no path stores the original
    bytes (EXIF, GPS, comments) that the re-encoding dropped."""
    replacement = clean.as_upload(stem)
    if hasattr(upload, "temporary_file_path"):
        # TemporaryUploadedFile: storage moves the file on disk as it is, so rewrite that file.
        handle = upload.file
        handle.seek(0)
        handle.truncate()
        handle.write(clean.content)
        handle.flush()
        handle.seek(0)
    else:
        upload.file = io.BytesIO(clean.content)
    upload.size = len(clean.content)
    upload.name = replacement.name
    upload.content_type = replacement.content_type
    upload.image = willow.Image.open(io.BytesIO(clean.content))


class BrandKitForm(WagtailAdminModelForm):
    """The brand kit in Wagtail settings. Each colour's hex has a swatch, a picker and its
    contrast against the kit's text colours; its CMYK follows the hex, computed with the
    printer's ICC profile, unless the brand manager set it by hand."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formset = self.formsets.get("colours")
        if formset is None:
            return
        against = [
            {"name": colour.name, "hex": colour.hex}
            for colour in self.instance.colours.all()
            if colour.role in TEXT_ROLES
        ] + [{"name": "white paper", "hex": "#FFFFFF"}]

        class HexInput(ColourHexInput):
            text_colours = against

        base = formset.form

        class ColourForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["hex"].widget = HexInput()

        ColourForm.__name__ = base.__name__
        formset.form = ColourForm

    def _icc_profile(self) -> bytes | None:
        upload = self.cleaned_data.get("print_icc_profile")
        if upload is False or not upload:  # cleared, or none
            return None
        try:
            upload.open("rb")
            upload.seek(0)
            data = upload.read(MAX_ICC_BYTES + 1)
            upload.seek(0)
        except (OSError, ValueError):
            return None
        try:
            validate_icc_profile(io.BytesIO(data))
        except ValidationError:
            return None
        return data

    def is_valid(self):
        valid = super().is_valid()
        formset = self.formsets.get("colours")
        if not valid or formset is None:
            return valid
        profile = self._icc_profile()
        if profile is None:
            return valid
        for row in formset.forms:
            data = getattr(row, "cleaned_data", None) or {}
            if not data.get("hex") or data.get("DELETE") or data.get("cmyk_set_by_hand"):
                continue
            row.cleaned_data["cmyk"] = row.instance.cmyk = cmyk_from_hex(data["hex"], icc_profile=profile)
        return valid
