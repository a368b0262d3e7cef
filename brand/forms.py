from django.core.exceptions import ValidationError

from wagtail.images.forms import BaseImageForm

from .uploads import clean_uploaded_image


class BrandImageForm(BaseImageForm):
    """Wagtail's image form, plus our upload checks: sniffed type, pixel limit before decoding,
    and metadata stripped by re-encoding."""

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file is None or not hasattr(file, "read") or getattr(file, "_committed", False):
            return file
        try:
            clean = clean_uploaded_image(file)
        except ValidationError:
            raise
        stem = file.name.rsplit(".", 1)[0][:80] or "image"
        cleaned_file = clean.as_upload(stem)
        cleaned_file.image = getattr(file, "image", None)
        return cleaned_file
