"""Users' uploaded images and partner logos, and their renditions: the only way to their bytes.

They live outside MEDIA_ROOT (brand.storage), and their URLs (LASTMILE_PRIVATE_MEDIA_URL + the
storage name after `private/`) lead here. Whoever may not see the image, signed in or not, gets
the same 404 as for a name that does not exist (`approvals.selectors.uploads_visible_to`).
Renditions are only ever served, never made here: Wagtail makes them where pages show them.
"""

import posixpath

from django.http import FileResponse, Http404
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from approvals.selectors import upload_file_get

CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".avif": "image/avif",
}


@require_safe
def upload_image(request, name: str):
    found = upload_file_get(request.user, name)
    extension = posixpath.splitext(name)[1].lower()
    if found is None or extension not in CONTENT_TYPES:
        raise Http404("No such image.")
    image, storage_name = found
    try:
        handle = image.file.storage.open(storage_name, "rb")
    except FileNotFoundError as exc:
        raise Http404("No such image.") from exc
    response = FileResponse(
        handle,
        content_type=CONTENT_TYPES[extension],
        as_attachment=False,
        filename=f"{slugify(image.title)[:60] or 'image'}{extension}",
    )
    # Only for this user's browser: never a shared cache, and not for long after access ends.
    response["Cache-Control"] = "private, max-age=600"
    patch_vary_headers(response, ["Cookie"])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
