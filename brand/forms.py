import io

from wagtail.images.forms import BaseImageForm

import willow

from .uploads import CleanImage, clean_uploaded_image


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
