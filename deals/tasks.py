"""Background work of the deals app, run by the task worker (`manage.py lastmile_worker`).

Deal imports: large files are previewed and committed in the background while the import's page
shows the progress. The tasks are defined beside their service (deals/services/imports.py), which
queues them; they are gathered here so the worker's tasks are found in one place."""

from .services.imports import commit_deal_import, preview_deal_import

__all__ = ["commit_deal_import", "preview_deal_import"]
