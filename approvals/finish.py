"""WAGTAIL_FINISH_WORKFLOW_ACTION. Imported while wagtail.models loads, so it imports lazily."""


def finish_workflow(workflow_state, user=None):
    """WAGTAIL_FINISH_WORKFLOW_ACTION: an approved document's submitted revision goes live.

    Approving is the reviewer's (or the rules') decision, so the publish needs no publish
    permission of the user who happens to finish the workflow. Other models keep Wagtail's
    default behaviour."""
    from wagtail.workflows import publish_workflow_state

    from templates_lib.models import CollateralDocument

    content = workflow_state.content_object
    if not isinstance(content, CollateralDocument):
        return publish_workflow_state(workflow_state, user=user)
    revision = workflow_state.current_task_state.revision
    revision.publish(user=user, skip_permission_checks=True, log_action=False)
