"""Background renders: multi-page documents are rendered by the worker (`manage.py db_worker`)."""

from django_tasks import task

from templates_lib.rendering.cache import render_job_for_document, render_pdf_cached

from .models import CollateralDocument


@task()
def render_document_pdf(document_id: int, profile: str, watermark: str = "") -> str:
    """Render a document's PDF into the render cache and return its storage name."""
    document = CollateralDocument.objects.select_related("owner", "template_revision").get(pk=document_id)
    return render_pdf_cached(render_job_for_document(document, profile=profile, watermark=watermark))
