"""The drop-folder sensor: a new or changed export file starts one run for exactly the days it covers."""

import json
from datetime import date, datetime, timedelta, timezone

import dagster as dg

from connectors.channels import EXPORT_FORMATS, ORGANIC_FORMATS, ORGANIC_KINDS
from connectors.crm.export import CRM_EXPORT
from connectors.export_layout import ExportError
from pipelines.config import RoiConfig
from pipelines.partitions import run_tags
from warehouse.exports import ExportFile, days_covered, find_export_files

SENSOR_NAME = "new_exports"
TRIGGER_FILE_TAG = "roi/trigger_file"
FORMATS = {
    **EXPORT_FORMATS,
    "crm": CRM_EXPORT,
    **{ORGANIC_KINDS[channel]: export_format for channel, export_format in ORGANIC_FORMATS.items()},
}


def now() -> datetime:
    """The tick's time (UTC); tests replace it."""
    return datetime.now(timezone.utc)


def export_files(config: RoiConfig) -> list[ExportFile]:
    """Every channel's and the CRM's export files (misplaced files are left to the run, which rejects them)."""
    files: list[ExportFile] = []
    for kind in FORMATS:
        scan = find_export_files(config.exports_dir, kind, per_account=kind != "crm",
                                 follow_symlinks=config.follow_symlinks)
        files.extend(scan.files)
    return files


def build_exports_sensor(config: RoiConfig, job) -> dg.SensorDefinition:
    @dg.sensor(
        name=SENSOR_NAME,
        job=job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Watches the exports folder: a new or changed export file starts one run for the days it covers.",
    )
    def new_exports(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        """Drop an export into the exports folder and the days it covers are loaded, without waiting for the morning.

        - A file counts as still being written while it was modified less than SETTLE_SECONDS (60 s,
          warehouse/exports.py, which runs also keep to) before the tick: it is skipped and its cursor entry left as
          it was, so a later tick picks it up once it has settled.
        - A settled file that is new, or whose size or modification time changed, starts one run over the days
          between its first and last data row, clipped to history_start .. yesterday (UTC). Days
          after yesterday are left to the daily schedule. The run key is the file, its modification time and size,
          so Dagster never runs the same version of a file twice.
        - A file that cannot be read or holds no data rows starts nothing; a warning names it, and it is not read
          again until it changes. A file seen again unchanged starts nothing; a deleted file leaves the cursor.

        The cursor is a JSON object {relative path: [modification time ISO, size in bytes]}.
        """
        seen: dict[str, list] = json.loads(context.cursor) if context.cursor else {}
        tick = now()
        yesterday = tick.date() - timedelta(days=1)
        cursor: dict[str, list] = {}
        requests: list[dg.RunRequest] = []
        for export in export_files(config):
            version = [export.modified_at.isoformat(), export.size_bytes]
            if export.settling(tick.astimezone(timezone.utc).replace(tzinfo=None)):
                if export.relative in seen:  # keep the last settled version: the change is picked up later
                    cursor[export.relative] = seen[export.relative]
                continue
            cursor[export.relative] = version
            if seen.get(export.relative) == version:
                continue
            days = _days(context, export)
            if days is None:
                continue
            first, last = max(days[0], config.history_start), min(days[1], yesterday)
            if first > last:
                context.log.info(
                    f"no run for {export.relative}: its days {days[0]}..{days[1]} are all outside "
                    f"{config.history_start}..{yesterday}"
                )
                continue
            requests.append(_run_request(export, version, first, last))
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(cursor, sort_keys=True))

    return new_exports


def _days(context: dg.SensorEvaluationContext, export: ExportFile) -> tuple[date, date] | None:
    """The file's first and last day, or None (with a warning) when it is unreadable or empty."""
    try:
        days = days_covered(export.path, FORMATS[export.kind])
    except ExportError as error:
        reason = str(error).replace(str(export.path), export.relative)
        context.log.warning(f"no run for {reason}")
        return None
    if days is None:
        context.log.warning(f"no run for {export.relative}: no data rows")
    return days


def _run_request(export: ExportFile, version: list, first: date, last: date) -> dg.RunRequest:
    modified_at, size = version
    return dg.RunRequest(
        run_key=f"{export.relative}@{modified_at}:{size}",
        tags={**run_tags(first, last), TRIGGER_FILE_TAG: export.relative},
    )
