from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import slugify

from templates_lib.models import Customisation
from templates_lib.services.render import Profile
from templates_lib.services.render_cache import open_cached_pdf, render_job_for_customisation, render_pdf_cached


def home(request):
    """The rep-facing portal arrives with the next issue; until then sign-in goes to Wagtail admin."""
    return redirect("wagtailadmin_home")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def customisation_download(request, public_id):
    """The document's PDF, served from the render cache (rendered first if needed)."""
    customisation = get_object_or_404(
        Customisation.objects.owned_by(request.user).select_related("owner", "template_revision"), public_id=public_id
    )
    profile = Profile.DIGITAL if request.GET.get("profile") == Profile.DIGITAL else Profile.PRINT
    name = render_pdf_cached(render_job_for_customisation(customisation, profile=profile))
    filename = f"{slugify(customisation.title) or 'document'}.pdf"
    response = FileResponse(
        open_cached_pdf(name), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
