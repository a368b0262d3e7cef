"""Background renders: multi-page documents are rendered by the worker (`manage.py db_worker`)."""

from django_tasks import task

from .models import Customisation
from .services.render_cache import render_job_for_customisation, render_pdf_cached


@task()
def render_customisation_pdf(customisation_id: int, profile: str, watermark: str = "") -> str:
    """Render a document's PDF into the render cache and return its storage name."""
    customisation = Customisation.objects.select_related("owner", "template_revision").get(pk=customisation_id)
    return render_pdf_cached(render_job_for_customisation(customisation, profile=profile, watermark=watermark))
