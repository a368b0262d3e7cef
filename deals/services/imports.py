"""CSV imports of deals: upload, preview, then an all-or-nothing commit (ADR 13).

Upload keeps the file privately and previews it: what would be created, changed, left alone and
refused, every bad row by line and column, with the number and date formats it chose for the user
to confirm. Commit reads the file again inside one transaction and changes nothing if any row is
bad, unless the user chose to import the valid rows. Deals are matched on (connection, external id):
re-importing a file changes nothing, and the insert leaves a row another writer created meanwhile
to the database constraint (then updates it), so concurrent imports never duplicate a deal.
Large files are read by the task worker (deals/tasks.py); small ones within the request."""

import functools
import itertools
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from django_tasks import task

from accounts.models import Organisation, User
from accounts.roles import is_partner_manager
from accounts.task_retry import backoff_delay, is_transient_database_error

from ..currencies import currency_problem
from ..import_selectors import deal_imports_visible_to, imports_for_everyone
from ..imports.errors import MalformedFileError
from ..imports.formats import DateFormat, NumberFormat, choose_date_format, choose_number_format
from ..imports.mapping import BUILTIN_PRESETS, DATE_FIELDS, mapping_from_columns, missing_required, resolve_mapping
from ..imports.reading import CsvReport, Limits, read_rows
from ..imports.rows import RowContext, RowError, row_values
from ..imports.sniffing import sniff_delimiter, sniff_encoding
from ..models import Connection, DealImport, ImportPreset, ImportState, Source, Stage, StageMapping
from .stages import outcome_for, stage_for
from .upserts import differs, existing_deals, owner_lookup, upsert_deals

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000
FORMAT_SAMPLE_ROWS = 2000
LISTED_ERRORS = 500
LISTED_UNMAPPED_STAGES = 100
COMMIT_ATTEMPTS = 3


class DealImportError(Exception):
    """An import step the user asked for cannot be done; the message says why."""


# --- Storage --------------------------------------------------------------------------------


def import_path(deal_import: DealImport) -> Path:
    return Path(settings.LASTMILE_IMPORT_ROOT) / deal_import.stored_name


def _store(uploaded_file: UploadedFile) -> str:
    root = Path(settings.LASTMILE_IMPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.csv"
    with open(root / name, "wb") as out:
        for chunk in uploaded_file.chunks():
            out.write(chunk)
    return name


def _discard_file(deal_import: DealImport) -> None:
    if deal_import.stored_name:
        import_path(deal_import).unlink(missing_ok=True)
        deal_import.stored_name = ""


# --- Presets --------------------------------------------------------------------------------


def builtin_presets_ensure() -> None:
    """The shipped presets exist (idempotent; they are defined in deals/imports/mapping.py)."""
    for name, mapping, is_salesforce_ids in BUILTIN_PRESETS:
        ImportPreset.objects.update_or_create(
            name=name,
            is_builtin=True,
            organisation=None,
            defaults={"mapping": mapping, "is_salesforce_ids": is_salesforce_ids},
        )


def import_preset_save(*, deal_import: DealImport, user: User, name: str) -> ImportPreset:
    """Save the import's column mapping under `name` for the user's organisation (or internally)."""
    _check_visible(deal_import, user)
    name = " ".join(name.split())[:100]
    if not name:
        raise DealImportError("Give the preset a name.")
    if not deal_import.mapping:
        raise DealImportError("This import has no column mapping to save yet.")
    if (
        ImportPreset.objects.filter(name=name)
        .filter(Q(is_builtin=True) | Q(organisation_id=user.organisation_id))
        .exists()
    ):
        raise DealImportError(f"A preset called “{name}” already exists: choose another name.")
    return ImportPreset.objects.create(
        name=name,
        mapping=deal_import.mapping,
        is_salesforce_ids=deal_import.is_salesforce_ids,
        organisation_id=user.organisation_id,
        created_by=user,
    )


# --- Upload and preview -----------------------------------------------------------------------


def partner_import_connection(organisation: Organisation) -> Connection:
    """The connection a partner organisation's own imports go to (made on its first import)."""
    connection = Connection.objects.filter(organisation=organisation, kind=Source.CSV).order_by("pk").first()
    if connection is None:
        connection = Connection.objects.create(
            organisation=organisation, kind=Source.CSV, name=f"{organisation.name[:60]} CSV ({organisation.pk})"
        )
    return connection


def _check_visible(deal_import: DealImport, user: User) -> None:
    if not deal_imports_visible_to(user).filter(pk=deal_import.pk).exists():
        raise DealImportError("This import does not exist.")


def deal_import_upload(
    *,
    user: User,
    uploaded_file: UploadedFile,
    connection: Connection | None = None,
    preset: ImportPreset | None = None,
    default_currency: str = "",
) -> DealImport:
    """Keep the file privately and preview it (within the request when small, by the worker otherwise)."""
    if imports_for_everyone(user):
        if connection is None:
            raise DealImportError("Choose the connection the deals come from.")
        organisation = connection.organisation
    elif is_partner_manager(user):
        organisation = user.organisation
        connection = partner_import_connection(organisation)
    else:
        raise DealImportError("You may not import deals.")
    if (
        preset is not None
        and not ImportPreset.objects.filter(pk=preset.pk)
        .filter(Q(is_builtin=True) | Q(organisation_id=user.organisation_id))
        .exists()
    ):
        preset = None
    default_currency = default_currency.strip().upper()
    if default_currency and (problem := currency_problem(default_currency)):
        raise DealImportError(problem)
    if uploaded_file.size == 0:
        raise DealImportError("The file is empty.")
    if uploaded_file.size > settings.LASTMILE_IMPORT_MAX_BYTES:
        limit = settings.LASTMILE_IMPORT_MAX_BYTES // (1024 * 1024)
        raise DealImportError(f"The file is larger than {limit} MB: split it into smaller files.")
    deal_import = DealImport.objects.create(
        created_by=user,
        connection=connection,
        organisation=organisation,
        original_name=(uploaded_file.name or "deals.csv")[:255],
        stored_name=_store(uploaded_file),
        size_bytes=uploaded_file.size,
        preset=preset,
        default_currency=default_currency,
    )
    _run_preview(deal_import)
    return deal_import


def _run_preview(deal_import: DealImport) -> None:
    if deal_import.size_bytes <= settings.LASTMILE_IMPORT_INLINE_BYTES:
        deal_import_preview(deal_import)
        return
    deal_import.state, deal_import.progress_percent = ImportState.PREVIEWING, 0
    deal_import.save(update_fields=["state", "progress_percent"])
    import_id = deal_import.pk
    transaction.on_commit(lambda: preview_deal_import.enqueue(import_id))


@dataclass
class _Scan:
    """A pass over the file: the good rows in chunks, the errors and what else was seen."""

    report: CsvReport = field(default_factory=CsvReport)
    errors_total: int = 0
    errors: list[dict] = field(default_factory=list)
    unmapped_stages: Counter = field(default_factory=Counter)
    rows_total: int = 0

    def refuse(self, errors: list[RowError]) -> None:
        self.errors_total += 1
        for error in errors:
            if error.unmapped_stage:
                self.unmapped_stages[error.unmapped_stage] += 1
            if len(self.errors) < LISTED_ERRORS:
                self.errors.append(error.as_dict())


def _owner_lookup(deal_import: DealImport) -> Callable[[str], int | None]:
    return owner_lookup(deal_import.organisation_id)


def _context(deal_import: DealImport, header: list[str], columns: dict[str, int]) -> RowContext:
    connection = deal_import.connection
    return RowContext(
        header=header,
        columns=columns,
        number_format=deal_import.number_format or NumberFormat.DECIMAL_POINT,
        date_format=deal_import.date_format or DateFormat.ISO,
        is_salesforce_ids=deal_import.is_salesforce_ids,
        default_currency=deal_import.default_currency,
        stage_lookup=functools.cache(lambda value: stage_for(connection, value)),
        outcome_of=outcome_for,
        owner_lookup=_owner_lookup(deal_import),
    )


def _choose_mapping(deal_import: DealImport, header: list[str]) -> dict[str, int]:
    """Resolve the import's mapping against the header; without one, the preset that fits best."""
    if deal_import.preset_id is None and not deal_import.mapping:
        builtin_presets_ensure()
        candidates = ImportPreset.objects.filter(Q(is_builtin=True) | Q(organisation_id=deal_import.organisation_id))
        best = max(candidates, key=lambda preset: len(resolve_mapping(preset.mapping, header)), default=None)
        if best is not None and resolve_mapping(best.mapping, header):
            deal_import.preset = best
    if deal_import.preset is not None and not deal_import.mapping:
        deal_import.is_salesforce_ids = deal_import.preset.is_salesforce_ids or (
            deal_import.connection.kind == Source.SALESFORCE
        )
        columns = resolve_mapping(deal_import.preset.mapping, header)
    else:
        columns = resolve_mapping(deal_import.mapping, header)
    deal_import.mapping = mapping_from_columns(columns, header)
    return columns


def _sniff(deal_import: DealImport, path: Path, limits: Limits) -> tuple[CsvReport, dict[str, int]]:
    """Encoding, delimiter, header, mapping and (unless the user confirmed them) formats."""
    deal_import.encoding = sniff_encoding(path)
    deal_import.delimiter = sniff_delimiter(path, deal_import.encoding)
    report = CsvReport()
    rows = read_rows(path, encoding=deal_import.encoding, delimiter=deal_import.delimiter, limits=limits, report=report)
    first = next(rows, None)
    columns = _choose_mapping(deal_import, report.header)
    if missing := missing_required(columns):
        raise MalformedFileError(
            f"No column for {', '.join(missing)} was found in the header row (line {report.header_line}). "
            "Choose the preset that matches the export, or name the columns as in the blank template."
        )
    if first is None:
        raise MalformedFileError("The file has a header row but no deals.")
    if not deal_import.is_formats_confirmed:
        amounts, dates = [], []
        for _line, cells in itertools.chain([first], itertools.islice(rows, FORMAT_SAMPLE_ROWS)):
            if "amount" in columns and columns["amount"] < len(cells):
                amounts.append(cells[columns["amount"]])
            for name in DATE_FIELDS:
                if name in columns and columns[name] < len(cells):
                    dates.append(cells[columns[name]])
        deal_import.number_format = choose_number_format(amounts, delimiter=deal_import.delimiter)
        deal_import.date_format = choose_date_format(dates)
    rows.close()
    return report, columns


def _scan(
    deal_import: DealImport, *, limits: Limits, progress: Callable[[int], None] | None = None
) -> tuple[_Scan, Iterator[list[tuple[int, str, dict]]]]:
    """Sniff, then a generator of chunks of good rows (line, external id, values); `scan` collects
    the refused rows as the generator runs."""
    path = import_path(deal_import)
    report, columns = _sniff(deal_import, path, limits)
    scan = _Scan(report=report)
    context = _context(deal_import, report.header, columns)
    estimated_rows = max(1, _count_lines(path))

    def chunks() -> Iterator[list[tuple[int, str, dict]]]:
        seen: dict[str, int] = {}
        rows = read_rows(
            path, encoding=deal_import.encoding, delimiter=deal_import.delimiter, limits=limits, report=CsvReport()
        )
        for batch in _batched(rows):
            good = []
            for line, cells in batch:
                scan.rows_total += 1
                result = row_values(line, cells, context)
                if isinstance(result, list):
                    scan.refuse(result)
                    continue
                external_id, values = result
                if (first_line := seen.get(external_id)) is not None:
                    message = f"The id “{external_id}” is also on line {first_line}."
                    scan.refuse([RowError(line, context.heading("external_id"), message)])
                    continue
                seen[external_id] = line
                good.append((line, external_id, values))
            if progress:
                progress(min(99, scan.rows_total * 100 // estimated_rows))
            yield good

    return scan, chunks()


def _batched(rows: Iterator) -> Iterator[list]:
    while batch := list(itertools.islice(rows, CHUNK_ROWS)):
        yield batch


def _count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _progress_saver(deal_import: DealImport) -> Callable[[int], None]:
    def save(percent: int) -> None:
        DealImport.objects.filter(pk=deal_import.pk).update(progress_percent=percent)

    return save


def deal_import_preview(deal_import: DealImport, *, notice: str = "") -> DealImport:
    """Read the whole file and record what a commit would do; a malformed file ends FAILED with
    a message naming the line. Writes nothing but the import itself (`notice` is kept as its
    message, e.g. why a commit was stopped)."""
    deal_import.state = ImportState.PREVIEWING
    deal_import.failure = notice
    deal_import.save(update_fields=["state", "failure"])
    counts = Counter()
    try:
        scan, chunks = _scan(deal_import, limits=Limits.from_settings(), progress=_progress_saver(deal_import))
        for chunk in chunks:
            existing = existing_deals(deal_import.connection, [external_id for _line, external_id, _values in chunk])
            for _line, external_id, values in chunk:
                if (current := existing.get(external_id)) is None:
                    counts["created"] += 1
                elif differs(values, current):
                    counts["changed"] += 1
                else:
                    counts["unchanged"] += 1
    except MalformedFileError as error:
        deal_import.state, deal_import.failure = ImportState.FAILED, f"{notice} {error}".strip()
        deal_import.progress_percent = 100
        deal_import.save()
        return deal_import
    deal_import.state = ImportState.PREVIEWED
    deal_import.progress_percent = 100
    deal_import.rows_total = scan.rows_total
    deal_import.rows_created, deal_import.rows_changed = counts["created"], counts["changed"]
    deal_import.rows_unchanged, deal_import.rows_refused = counts["unchanged"], scan.errors_total
    deal_import.preview = {
        "header": scan.report.header,
        "header_line": scan.report.header_line,
        "skipped_lines": scan.report.skipped_lines[:50],
        "errors": scan.errors,
        "errors_total": scan.errors_total,
        "unmapped_stages": dict(scan.unmapped_stages.most_common(LISTED_UNMAPPED_STAGES)),
    }
    deal_import.save()
    return deal_import


def _check_open(deal_import: DealImport, user: User) -> None:
    _check_visible(deal_import, user)
    if not deal_import.is_open:
        raise DealImportError(f"This import is {deal_import.get_state_display().lower()}: it cannot change now.")


def deal_import_reconfigure(
    *,
    deal_import: DealImport,
    user: User,
    number_format: str,
    date_format: str,
    preset: ImportPreset | None = None,
    default_currency: str | None = None,
) -> DealImport:
    """The user confirmed or corrected the formats (and perhaps chose another preset): preview again."""
    _check_open(deal_import, user)
    if number_format not in NumberFormat.values or date_format not in DateFormat.values:
        raise DealImportError("Choose one of the number and date formats offered.")
    if default_currency is not None:
        default_currency = default_currency.strip().upper()
        if default_currency and (problem := currency_problem(default_currency)):
            raise DealImportError(problem)
        deal_import.default_currency = default_currency
    if preset is not None and preset.pk != deal_import.preset_id:
        if (
            not ImportPreset.objects.filter(pk=preset.pk)
            .filter(Q(is_builtin=True) | Q(organisation_id=user.organisation_id))
            .exists()
        ):
            raise DealImportError("That preset does not exist.")
        deal_import.preset, deal_import.mapping = preset, {}
    deal_import.number_format, deal_import.date_format = number_format, date_format
    deal_import.is_formats_confirmed = True
    deal_import.save()
    _run_preview(deal_import)
    return deal_import


def deal_import_map_stage(*, deal_import: DealImport, user: User, value: str, stage: Stage) -> StageMapping:
    """Map a stage value the preview refused to a company stage, for the import's connection, and
    preview again. Partner managers map for their own organisation's connection only."""
    _check_open(deal_import, user)
    if not (
        user.is_superuser
        or user.has_perm("deals.add_stagemapping")
        or (is_partner_manager(user) and deal_import.organisation_id == user.organisation_id)
    ):
        raise DealImportError("You may not map stages.")
    value = value.strip()
    if value not in (deal_import.preview or {}).get("unmapped_stages", {}):
        raise DealImportError("That stage is not one this import needs mapped.")
    mapping, _created = StageMapping.objects.get_or_create(
        connection=deal_import.connection, value=value, defaults={"stage": stage}
    )
    _run_preview(deal_import)
    return mapping


def deal_import_cancel(*, deal_import: DealImport, user: User) -> DealImport:
    _check_open(deal_import, user)
    _discard_file(deal_import)
    deal_import.state = ImportState.CANCELLED
    deal_import.save(update_fields=["state", "stored_name"])
    return deal_import


# --- Commit -------------------------------------------------------------------------------------


def deal_import_commit(*, deal_import: DealImport, user: User, valid_rows_only: bool = False) -> DealImport:
    """Import the previewed file: all or nothing, unless the user chose to import the valid rows."""
    _check_open(deal_import, user)
    if deal_import.state != ImportState.PREVIEWED:
        raise DealImportError("The file could not be read: there is nothing to import.")
    if deal_import.rows_refused and not valid_rows_only:
        raise DealImportError(
            f"{deal_import.rows_refused} rows are refused: correct the file, or choose to import the valid rows."
        )
    deal_import.state, deal_import.is_valid_rows_only = ImportState.COMMITTING, valid_rows_only
    deal_import.progress_percent = 0
    deal_import.save(update_fields=["state", "is_valid_rows_only", "progress_percent"])
    if deal_import.size_bytes <= settings.LASTMILE_IMPORT_INLINE_BYTES:
        return deal_import_commit_run(deal_import)
    import_id = deal_import.pk
    transaction.on_commit(lambda: commit_deal_import.enqueue(import_id))
    return deal_import


class _RefusedRowsError(Exception):
    pass


def deal_import_commit_run(deal_import: DealImport) -> DealImport:
    """The commit itself (inline or in the worker). The file is read and every row checked again,
    since stages, owners or deals may have changed since the preview; in one transaction."""
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        try:
            return _commit_once(deal_import)
        except DatabaseError as error:
            # Two imports writing the same deals can deadlock on PostgreSQL: the database rolls
            # one back, and that one simply runs again (it then finds the other's deals).
            if attempt == COMMIT_ATTEMPTS or not is_transient_database_error(error):
                raise
            time.sleep(backoff_delay(attempt, cap=2))
    raise AssertionError("unreachable")  # pragma: no cover


def _commit_once(deal_import: DealImport) -> DealImport:
    counts = Counter()
    try:
        with transaction.atomic():
            scan, chunks = _scan(deal_import, limits=Limits.from_settings())
            for chunk in chunks:
                for key, value in _upsert(deal_import, chunk).items():
                    counts[key] += value
            if scan.errors_total and not deal_import.is_valid_rows_only:
                raise _RefusedRowsError
    except (MalformedFileError, _RefusedRowsError) as error:
        message = str(error) if isinstance(error, MalformedFileError) else "rows are now refused"
        deal_import.refresh_from_db()
        notice = (
            f"Nothing was imported: the file reads differently than at its preview ({message}). Check the new preview."
        )
        return deal_import_preview(deal_import, notice=notice)
    deal_import.state, deal_import.committed_at = ImportState.COMMITTED, timezone.now()
    deal_import.progress_percent = 100
    deal_import.result = dict(counts) | {"refused": scan.errors_total}
    _discard_file(deal_import)
    deal_import.save()
    return deal_import


def _upsert(deal_import: DealImport, chunk: list[tuple[int, str, dict]]) -> Counter:
    return upsert_deals(
        connection=deal_import.connection,
        source=Source.CSV,
        organisation_id=deal_import.organisation_id,
        created_by_id=deal_import.created_by_id,
        rows={external_id: values for _line, external_id, values in chunk},
    )


# --- Background tasks (re-exported by deals/tasks.py) ---------------------------------------------


@task()
def preview_deal_import(import_id: int) -> str:
    """Preview a large import in the worker; the import's page shows its progress."""
    deal_import = DealImport.objects.select_related("connection", "preset").get(pk=import_id)
    if deal_import.state != ImportState.PREVIEWING:
        return deal_import.state
    return deal_import_preview(deal_import).state


@task()
def commit_deal_import(import_id: int) -> str:
    """Commit a large import in the worker (one transaction, as inline)."""
    deal_import = DealImport.objects.select_related("connection", "preset").get(pk=import_id)
    if deal_import.state != ImportState.COMMITTING:
        return deal_import.state
    return deal_import_commit_run(deal_import).state
