"""Review queue benchmark: server time and SQL queries of the brand team's review queue
(`GET /admin/reviews/`) with 1,000 and then 10,000 documents waiting for review across 200
templates. The query count must not grow with the queue.

    .venv/bin/python bench/approvals.py            # 1,000 then 10,000 submissions
    .venv/bin/python bench/approvals.py --quick    # 1,000 only

Builds its own SQLite database in a temporary folder, loads the demo and generates 200 templates
and their users with `manage.py generate_scale_data`. Submissions are bulk inserted the way the
approval loop leaves them (a document, its revision, a workflow state, an approved brand rules
task state with its assessment and a brand review task state in progress), without running the
workflow for each. Target: under 200 ms per request at full size.
"""

import argparse
import io
import os
import statistics
import time
import uuid
from datetime import timedelta

from common import isolated_environment, p95, print_scaling_verdict, setup_with_demo
from common import measure as measure_runs

isolated_environment("approvals")  # about 40 MB, removed at exit

RUNS = 30
TARGET_MS = 200
SIZES = [1_000, 10_000]
TEMPLATES = 200
BATCH = 1000
TITLE = "Bench submission {:05d}"


def measure(call) -> tuple[list[float], int]:
    return measure_runs(call, RUNS)


# Building the queue -----------------------------------------------------------------------


def _assessment(template_fields, reviewed_key: str) -> dict:
    verdicts = [
        {
            "key": tf.key,
            "label": tf.label,
            "lock_mode": tf.lock_mode,
            "rule": "reviewed_text" if tf.key == reviewed_key else "locked",
            "needs_review": tf.key == reviewed_key,
        }
        for tf in template_fields
    ]
    return {"values_hash": "0" * 64, "needs_review": [reviewed_key], "rules": ["locked"], "verdicts": verdicts}


def _insert_children(model, rows: list[dict]) -> None:
    """bulk_create refuses multi-table inherited models: the TaskState rows are created first,
    then the child rows are inserted here with their parent's primary key."""
    from django.db import connection

    fields = list(model._meta.local_concrete_fields)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
    params = [[field.get_db_prep_save(row[field.attname], connection) for field in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def build_submissions(total: int) -> float:
    """Add submissions until `total` wait for review; returns the seconds it took."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from wagtail.models import Revision, TaskState, WorkflowState

    from approvals.models import BrandReviewTaskState, BrandRulesTaskState
    from approvals.workflow import document_workflow, review_task, rules_task
    from templates_lib.models import ApprovalState, CollateralDocument, CollateralTemplate
    from templates_lib.revisions import template_at_revision

    started = time.perf_counter()
    existing = BrandReviewTaskState.objects.filter(document__title__startswith="Bench submission").count()
    if existing >= total:
        return 0.0
    workflow, rules, review = document_workflow(), rules_task(), review_task()
    templates = list(
        CollateralTemplate.objects.filter(title__startswith="Scale ", live=True)
        .select_related("live_revision")
        .order_by("pk")[:TEMPLATES]
    )
    fields = {}
    for template in templates:
        pinned = template_at_revision(template.live_revision)
        editable = pinned.editable_fields() or pinned.field_list()
        fields[template.pk] = (pinned.field_list(), editable[0].key)
    owners = list(
        get_user_model()
        .objects.filter(username__startswith="scale-user-", is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    document_type = ContentType.objects.get_for_model(CollateralDocument, for_concrete_model=False)
    rules_type = ContentType.objects.get_for_model(BrandRulesTaskState)
    review_type = ContentType.objects.get_for_model(BrandReviewTaskState)
    now = timezone.now()

    for start in range(existing, total, BATCH):
        numbers = range(start, min(start + BATCH, total))
        with transaction.atomic():
            documents = CollateralDocument.objects.bulk_create(
                [
                    CollateralDocument(
                        public_id=uuid.uuid4(),
                        owner_id=owners[n % len(owners)],
                        template=templates[n % len(templates)],
                        template_revision_id=templates[n % len(templates)].live_revision_id,
                        title=TITLE.format(n),
                        values={fields[templates[n % len(templates)].pk][1]: f"Our own words, version {n}"},
                        approval_state=ApprovalState.IN_REVIEW,
                        live=False,
                    )
                    for n in numbers
                ]
            )
            submitted_at = {
                doc.pk: now - timedelta(minutes=total - n) for n, doc in zip(numbers, documents, strict=True)
            }
            revisions = Revision.objects.bulk_create(
                [
                    Revision(
                        content_type=document_type,
                        base_content_type=document_type,
                        object_id=str(doc.pk),
                        created_at=submitted_at[doc.pk],
                        user_id=doc.owner_id,
                        object_str=doc.title,
                        content={
                            "title": doc.title,
                            "values": doc.values,
                            "template_revision": doc.template_revision_id,
                        },
                    )
                    for doc in documents
                ]
            )
            for doc, revision in zip(documents, revisions, strict=True):
                doc.latest_revision = revision
            CollateralDocument.objects.bulk_update(documents, ["latest_revision"], batch_size=BATCH)
            workflow_states = WorkflowState.objects.bulk_create(
                [
                    WorkflowState(
                        content_type=document_type,
                        base_content_type=document_type,
                        object_id=str(doc.pk),
                        workflow=workflow,
                        status=WorkflowState.STATUS_IN_PROGRESS,
                        requested_by_id=doc.owner_id,
                    )
                    for doc in documents
                ]
            )
            rows = list(zip(documents, revisions, workflow_states, strict=True))
            rules_states = TaskState.objects.bulk_create(
                [
                    TaskState(
                        workflow_state=state,
                        revision=revision,
                        task=rules,
                        status=TaskState.STATUS_APPROVED,
                        finished_at=submitted_at[doc.pk],
                        content_type=rules_type,
                        comment="Needs review",
                    )
                    for doc, revision, state in rows
                ]
            )
            _insert_children(
                BrandRulesTaskState,
                [
                    {
                        "taskstate_ptr_id": parent.pk,
                        "document_id": doc.pk,
                        "assessment": _assessment(*fields[doc.template_id]),
                    }
                    for parent, (doc, _, _) in zip(rules_states, rows, strict=True)
                ],
            )
            review_states = TaskState.objects.bulk_create(
                [
                    TaskState(
                        workflow_state=state,
                        revision=revision,
                        task=review,
                        status=TaskState.STATUS_IN_PROGRESS,
                        content_type=review_type,
                    )
                    for doc, revision, state in rows
                ]
            )
            _insert_children(
                BrandReviewTaskState,
                [
                    {
                        "taskstate_ptr_id": parent.pk,
                        "document_id": doc.pk,
                        "note": "Please review" if doc.pk % 3 == 0 else "",
                        "outcome": "",
                        "automatic": False,
                        "reminded_at": None,
                    }
                    for parent, (doc, _, _) in zip(review_states, rows, strict=True)
                ],
            )
            # auto_now_add stamped every state "now": spread the submissions over the past days.
            for state, (doc, _, _) in zip(rules_states + review_states, rows + rows, strict=True):
                state.started_at = submitted_at[doc.pk]
            TaskState.objects.bulk_update(rules_states + review_states, ["started_at"], batch_size=BATCH)
    with transaction.atomic():
        WorkflowState.objects.filter(current_task_state__isnull=True, workflow=workflow).update(
            current_task_state=Subquery(
                TaskState.objects.filter(workflow_state=OuterRef("pk"), task=review).values("pk")[:1]
            )
        )
    return time.perf_counter() - started


# Measuring --------------------------------------------------------------------------------


def reviewers():
    """(label, user, query string): the demo brand manager (every region), one limited to a
    region, and a filtered queue."""
    from django.contrib.auth import get_user_model

    from accounts.models import Region
    from accounts.roles import Role
    from approvals.selectors import review_queue
    from templates_lib.models import CollateralTemplate

    users = get_user_model().objects
    brand = users.get(username="brand")
    brand.review_regions.clear()
    limited, _ = users.get_or_create(
        username="bench-regional-brand", defaults={"email": "regional-brand@bench.example", "first_name": "Reggie"}
    )
    limited.groups.add(*brand.groups.filter(name=Role.BRAND_MANAGER.label))
    region = Region.objects.order_by("pk").first()
    limited.review_regions.set([region])
    template = CollateralTemplate.objects.filter(title__startswith="Scale ").order_by("pk").first()
    cases = [
        ("brand manager, every region", brand, ""),
        (f"brand manager limited to {region.name}", limited, ""),
        ("brand manager, filtered by template", brand, f"template={template.pk}"),
        ("brand manager, page 20", brand, "p=20"),
    ]
    return [(label, user, query, review_queue(user).count()) for label, user, query in cases]


def report(label: str, times: list[float], queries: int, waiting: int | None = None) -> float:
    print(
        f"  {label:<42} median {statistics.median(times):6.1f} ms   p95 {p95(times):6.1f} ms   {queries:3d} queries"
        + (f"   ({waiting:,} in this reviewer's queue)" if waiting is not None else "")
    )
    return p95(times)


def bench_queue() -> list[tuple[str, float, int]]:
    from django.test import Client
    from django.urls import reverse

    url = reverse("approvals_admin:queue")
    results = []
    for label, user, query, waiting in reviewers():
        client = Client()
        client.force_login(user)

        def queue(client=client, query=query):
            response = client.get(f"{url}?{query}" if query else url)
            assert response.status_code == 200, response.status_code

        times, queries = measure(queue)
        results.append((label, report(label, times, queries, waiting), queries))

    client = Client()
    client.force_login(reviewers()[0][1])

    def dashboard():
        assert client.get(reverse("wagtailadmin_home")).status_code == 200

    times, queries = measure(dashboard)
    results.append(("dashboard", report("admin dashboard (counts, oldest five)", times, queries), queries))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = SIZES[:1] if args.quick else SIZES

    setup_with_demo()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("generate_scale_data", stdout=io.StringIO(), templates=TEMPLATES, organisations=50, users=2000)
    print(f"Lastmile review queue benchmark ({os.cpu_count()} cores, SQLite, {RUNS} requests each, test client)")
    print(
        f"  generate_scale_data --templates {TEMPLATES} --organisations 50 --users 2000: "
        f"{time.perf_counter() - started:.1f} s"
    )
    runs = []
    for size in sizes:
        elapsed = build_submissions(size)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"\n{size:,} submissions waiting for review across {TEMPLATES} templates (built in {elapsed:.1f} s)")
        runs.append(bench_queue())

    print_scaling_verdict(runs, target_ms=TARGET_MS, grows_with="queue")


if __name__ == "__main__":
    main()
