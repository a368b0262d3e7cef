"""The "Document approval" workflow: found or created on first use, so a fresh database (or
one a test flushed) always has it. Brand managers see it under Settings → Workflows."""

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from wagtail.models import Workflow, WorkflowContentType, WorkflowTask

from accounts.roles import Role
from templates_lib.models import CollateralDocument

from .models import BrandReviewTask, BrandRulesTask

WORKFLOW_NAME = "Document approval"


@transaction.atomic
def document_workflow() -> Workflow:

    content_type = ContentType.objects.get_for_model(CollateralDocument, for_concrete_model=False)
    assigned = (
        WorkflowContentType.objects.filter(content_type=content_type, workflow__active=True)
        .select_related("workflow")
        .first()
    )
    if assigned is not None:
        return assigned.workflow
    # Wagtail's workflow editor only offers snippet models, so saving the workflow there drops
    # the assignment to documents: find the workflow again by its tasks and reassign it.
    existing = (
        Workflow.objects.active()
        .filter(workflow_tasks__task__in=BrandReviewTask.objects.all())
        .filter(workflow_tasks__task__in=BrandRulesTask.objects.all())
        .order_by("pk")
        .first()
    )
    if existing is not None:
        WorkflowContentType.objects.update_or_create(content_type=content_type, defaults={"workflow": existing})
        return existing
    workflow = Workflow.objects.create(name=WORKFLOW_NAME)
    rules = BrandRulesTask.objects.create(name="Brand rules")
    review = BrandReviewTask.objects.create(name="Brand review")
    group, _ = Group.objects.get_or_create(name=Role.BRAND_MANAGER.label)
    review.groups.add(group)
    WorkflowTask.objects.create(workflow=workflow, task=rules, sort_order=0)
    WorkflowTask.objects.create(workflow=workflow, task=review, sort_order=1)
    WorkflowContentType.objects.update_or_create(content_type=content_type, defaults={"workflow": workflow})
    return workflow


def review_task():
    """The document workflow's brand review task (its groups are the reviewers)."""

    return BrandReviewTask.objects.filter(workflow_tasks__workflow=document_workflow()).first()


def rules_task():

    return BrandRulesTask.objects.filter(workflow_tasks__workflow=document_workflow()).first()
