"""Rollups of delivery events (ADR 17): bumped in the event's own transaction, one upsert per
table with database-side increments (never read-modify-write, so concurrent downloads cannot lose
a count); recomputed from the events by `rollup_differences` for `manage.py check_rollups`."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, models, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import ActivityDay, Channel, DealUse, DeliveryEvent, RevisionDealUse, TemplateDealUse


def _sql_min_max() -> tuple[str, str]:
    return ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")


def _upsert(
    model: type[models.Model],
    *,
    unique: list[str],
    values: dict,
    increments: dict[str, int],
    keep_least: tuple[str, ...] = (),
    keep_greatest: tuple[str, ...] = (),
) -> tuple[str, list]:
    """INSERT … ON CONFLICT (unique) DO UPDATE: counters add, earliest and latest times are kept.
    The statement and its parameters, for `_execute`."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    least, greatest = _sql_min_max()
    columns = [*values, *increments]
    sets = [f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in increments]
    sets += [f"{quote(c)} = {least}({table}.{quote(c)}, excluded.{quote(c)})" for c in keep_least]
    sets += [f"{quote(c)} = {greatest}({table}.{quote(c)}, excluded.{quote(c)})" for c in keep_greatest]
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 (names from the model)
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in unique)}) DO UPDATE SET {', '.join(sets)}"
    )
    fields = {field.attname: field for field in model._meta.concrete_fields}
    params = [fields[column].get_db_prep_value(value, connection) for column, value in values.items()]
    return sql, [*params, *increments.values()]


def _execute(statements: list[tuple[str, list]]) -> None:
    """Run the upserts: on PostgreSQL as one statement (data-modifying WITH clauses), one round
    trip for all of them; elsewhere one after another."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            *first, (last_sql, last_params) = statements
            clauses = ", ".join(f"rollup_{index} AS ({sql})" for index, (sql, _) in enumerate(first))
            cursor.execute(
                f"WITH {clauses} {last_sql}",
                [param for _, params in first for param in params] + last_params,
            )
            return
        for sql, params in statements:
            cursor.execute(sql, params)


def roll_up(event: DeliveryEvent) -> None:
    """Count `event` in every rollup. Call inside the transaction that writes the event."""
    day = timezone.localdate(event.occurred_at)
    is_view = event.channel == Channel.SHARE_VIEW
    statements = [
        _upsert(
            ActivityDay,
            unique=["key"],
            values={
                "key": ActivityDay.key_for(
                    day=day,
                    revision_id=event.template_revision_id,
                    user_id=event.user_id,
                    organisation_id=event.organisation_id,
                    region_id=event.region_id,
                    deal_id=event.deal_id,
                ),
                "day": day,
                "template_id": event.template_id,
                "template_revision_id": event.template_revision_id,
                "user_id": event.user_id,
                "organisation_id": event.organisation_id,
                "region_id": event.region_id,
                "deal_id": event.deal_id,
            },
            increments={"downloads": 0 if is_view else 1, "views": 1 if is_view else 0},
        )
    ]
    if event.deal_id is not None:
        statements += _deal_upserts(event, day)
    _execute(statements)


def _deal_upserts(event: DeliveryEvent, day: date) -> list[tuple[str, list]]:
    return [
        _upsert(
            TemplateDealUse,
            unique=["template_id", "deal_id"],
            values={
                "template_id": event.template_id,
                "deal_id": event.deal_id,
                "first_used_on": day,
                "first_used_at": event.occurred_at,
                "last_used_at": event.occurred_at,
            },
            increments={"deliveries": 1},
            keep_least=("first_used_on", "first_used_at"),
            keep_greatest=("last_used_at",),
        ),
        _upsert(
            RevisionDealUse,
            unique=["template_revision_id", "deal_id"],
            values={
                "template_revision_id": event.template_revision_id,
                "template_id": event.template_id,
                "deal_id": event.deal_id,
                "first_used_on": day,
            },
            increments={"deliveries": 1},
            keep_least=("first_used_on",),
        ),
        _upsert(
            DealUse,
            unique=["deal_id"],
            values={"deal_id": event.deal_id, "first_used_on": day},
            increments={"deliveries": 1},
            keep_least=("first_used_on",),
        ),
    ]


# Recomputing from the events ------------------------------------------------------------------


@dataclass(frozen=True)
class RollupDifference:
    table: str
    key: tuple
    expected: tuple | None
    found: tuple | None

    def __str__(self) -> str:
        return f"{self.table} {self.key}: events say {self.expected}, rollup has {self.found}"


def _local_day() -> TruncDate:
    return TruncDate("occurred_at", tzinfo=timezone.get_current_timezone())


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def expected_rollups() -> dict[str, dict[tuple, tuple]]:
    """Every rollup row as the events say it should be, keyed like the rollup's unique key."""
    events = DeliveryEvent.objects.order_by()
    with_deal = events.filter(deal__isnull=False)
    views = Count("pk", filter=Q(channel=Channel.SHARE_VIEW))
    activity = {
        (
            row["day"],
            row["template_revision_id"],
            row["user_id"],
            row["organisation_id"],
            row["region_id"],
            row["deal_id"],
        ): (
            row["template_id"],
            row["total"] - row["views"],
            row["views"],
        )
        for row in events.annotate(day=_local_day())
        .values("day", "template_revision_id", "user_id", "organisation_id", "region_id", "deal_id", "template_id")
        .annotate(total=Count("pk"), views=views)
        .iterator(chunk_size=5000)
    }
    template_deal = {
        (row["template_id"], row["deal_id"]): (row["first_at"], row["last_at"], row["total"])
        for row in with_deal.values("template_id", "deal_id")
        .annotate(first_at=Min("occurred_at"), last_at=Max("occurred_at"), total=Count("pk"))
        .iterator(chunk_size=5000)
    }
    revision_deal = {
        (row["template_revision_id"], row["deal_id"]): (row["template_id"], _as_date(row["first_on"]), row["total"])
        for row in with_deal.annotate(day=_local_day())
        .values("template_revision_id", "deal_id", "template_id")
        .annotate(first_on=Min("day"), total=Count("pk"))
        .iterator(chunk_size=5000)
    }
    deal = {
        (row["deal_id"],): (_as_date(row["first_on"]), row["total"])
        for row in with_deal.annotate(day=_local_day())
        .values("deal_id")
        .annotate(first_on=Min("day"), total=Count("pk"))
        .iterator(chunk_size=5000)
    }
    return {
        "activity": {(_as_date(k[0]), *k[1:]): v for k, v in activity.items()},
        "template_deal": {
            k: (timezone.localdate(first), first, last, total) for k, (first, last, total) in template_deal.items()
        },
        "revision_deal": revision_deal,
        "deal": deal,
    }


def stored_rollups() -> dict[str, dict[tuple, tuple]]:
    return {
        "activity": {
            (r.day, r.template_revision_id, r.user_id, r.organisation_id, r.region_id, r.deal_id): (
                r.template_id,
                r.downloads,
                r.views,
            )
            for r in ActivityDay.objects.order_by().iterator(chunk_size=5000)
        },
        "template_deal": {
            (r.template_id, r.deal_id): (r.first_used_on, r.first_used_at, r.last_used_at, r.deliveries)
            for r in TemplateDealUse.objects.order_by().iterator(chunk_size=5000)
        },
        "revision_deal": {
            (r.template_revision_id, r.deal_id): (r.template_id, r.first_used_on, r.deliveries)
            for r in RevisionDealUse.objects.order_by().iterator(chunk_size=5000)
        },
        "deal": {
            (r.deal_id,): (r.first_used_on, r.deliveries) for r in DealUse.objects.order_by().iterator(chunk_size=5000)
        },
    }


def rollup_differences() -> Iterator[RollupDifference]:
    """Every row where the rollups disagree with the events (missing, extra or different)."""
    expected, stored = expected_rollups(), stored_rollups()
    for table, rows in expected.items():
        found = stored[table]
        for key in rows.keys() | found.keys():
            if rows.get(key) != found.get(key):
                yield RollupDifference(table, key, rows.get(key), found.get(key))


@transaction.atomic
def rebuild_rollups(*, batch_size: int = 5000) -> int:
    """Throw the rollups away and write them again from the events; the number of rows written."""
    for model in (ActivityDay, TemplateDealUse, RevisionDealUse, DealUse):
        model.objects.all().delete()
    expected = expected_rollups()
    rows: list[models.Model] = [
        ActivityDay(
            key=ActivityDay.key_for(
                day=day, revision_id=revision, user_id=user, organisation_id=org, region_id=region, deal_id=deal
            ),
            day=day,
            template_revision_id=revision,
            user_id=user,
            organisation_id=org,
            region_id=region,
            deal_id=deal,
            template_id=template,
            downloads=downloads,
            views=views,
        )
        for (day, revision, user, org, region, deal), (template, downloads, views) in expected["activity"].items()
    ]
    rows += [
        TemplateDealUse(
            template_id=template, deal_id=deal, first_used_on=on, first_used_at=first, last_used_at=last, deliveries=n
        )
        for (template, deal), (on, first, last, n) in expected["template_deal"].items()
    ]
    rows += [
        RevisionDealUse(
            template_revision_id=revision, deal_id=deal, template_id=template, first_used_on=on, deliveries=n
        )
        for (revision, deal), (template, on, n) in expected["revision_deal"].items()
    ]
    rows += [DealUse(deal_id=deal, first_used_on=on, deliveries=n) for (deal,), (on, n) in expected["deal"].items()]
    by_model: dict[type, list] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    for model, objs in by_model.items():
        model.objects.bulk_create(objs, batch_size=batch_size)
    return len(rows)
