"""Running the pipeline for a range of days, in this process, as `roi run` and the tests do."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import dagster as dg

from connectors.secrets import redact
from pipelines.assets.loads import WAITING_FILES
from pipelines.assets.published import ANALYST_WAREHOUSE
from pipelines.config import RoiConfig
from pipelines.definitions import JOB_NAME, build_defs
from pipelines.partitions import run_tags, tagged_days


def materialize_days(
    config: RoiConfig,
    start: date,
    end: date,
    instance: dg.DagsterInstance,
    log_level: str = "WARNING",
    resources: dict | None = None,
) -> dg.ExecuteInProcessResult:
    """One run over the days start..end (inclusive) and the months holding them, every asset and check."""
    job = build_defs(config, resources).resolve_job_def(JOB_NAME)
    return job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        tags=run_tags(start, end),
    )


def run_problems(result: dg.ExecuteInProcessResult) -> list[str]:
    """Failed steps and failed asset checks, each as one line naming what failed and why (redacted: these go to
    stderr and last_run.json, and an unexpected error may quote an API answer)."""
    problems = []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            if error and error.cls_name == "DagsterAssetCheckFailedError":
                continue  # the failed checks themselves are listed below
            cause = error.cause if error and error.cause else error
            problems.append(redact(f"step {event.step_key}: {cause.message.strip() if cause else 'failed'}", None))
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            key = evaluation.asset_key.to_user_string()
            problems.append(redact(f"check {key}:{evaluation.check_name}: {evaluation.description}", None))
    return problems


def waiting_files(result: dg.ExecuteInProcessResult) -> list[str]:
    """The export files the run left for a later one (settling, or changed while read), each as one line."""
    return [message for event in result.get_asset_materialization_events()
            if (found := event.materialization.metadata.get(WAITING_FILES))
            for message in found.value.values()]  # fmt: skip


def published(result: dg.ExecuteInProcessResult) -> bool:
    """Whether the run replaced the analysts' file."""
    return any(
        event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION and event.asset_key == ANALYST_WAREHOUSE
        for event in result.all_events
    )


def record_last_run(config: RoiConfig, result: dg.ExecuteInProcessResult, start: date, end: date, problems) -> None:
    """What `roi status` reports as the last run (Dagster's own run history is used instead when DAGSTER_HOME
    is set)."""
    outcome = {
        "run_id": result.run_id,
        "days": [start.isoformat(), end.isoformat()],
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "success": result.success and not problems,
        "published": published(result),
        "problems": problems,
    }
    path = last_run_file(config)
    partial = path.with_name(path.name + ".partial")
    try:  # written aside then renamed: a full disk leaves the previous outcome, never an empty file
        partial.write_text(json.dumps(outcome, indent=2), encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def last_run_file(config: RoiConfig) -> Path:
    return config.working_database.parent / "last_run.json"


@dataclass(frozen=True)
class LastRun:
    success: bool
    summary: str


def last_run_outcome(config: RoiConfig) -> LastRun:
    """The pipeline's last run: from Dagster's run history when DAGSTER_HOME is set (runs launched from the UI
    or the schedule included), else from the last `roi run`."""
    if os.environ.get("DAGSTER_HOME"):
        with dg.DagsterInstance.get() as instance:
            runs = instance.get_runs(filters=dg.RunsFilter(job_name=JOB_NAME), limit=1)
        if runs:
            run = runs[0]
            tagged = tagged_days(run.tags)
            days = f"{tagged[0]}..{tagged[1]}" if tagged else "months up to yesterday"
            return LastRun(run.status == dg.DagsterRunStatus.SUCCESS, f"{days}: {run.status.value} ({run.run_id})")
    path = last_run_file(config)
    if not path.exists():
        return LastRun(False, "none yet")
    try:
        outcome = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # emptied by a full disk before it was written aside (older versions)
        return LastRun(False, f"unknown: {path} is unreadable; the next run rewrites it")
    days = "..".join(outcome["days"])
    verdict = "succeeded" if outcome["success"] else f"{len(outcome['problems'])} problem(s): " + "; ".join(
        outcome["problems"])
    return LastRun(outcome["success"], f"{days}, finished {outcome['finished_at']}: {verdict}")
