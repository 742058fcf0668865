"""Run the mask job on the embedded MiniCluster with a progress line and a closing summary, once
over the input folder or following it; and the audit job, once or pass after pass."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jobs.config import RESTORE_PATH, ConfigError, JobConfig
from jobs.input_files import (
    DEFAULT_FOLLOW_INTERVAL,
    FOLLOW_VAR,
    count_lines,
    follow_interval,
    input_files,
    parse_interval,
    reads_files,
)
from maskstream import tables
from maskstream.provenance import is_generated
from maskstream.records import read_jsonl


@dataclass
class RunSummary:
    rows_in: int
    rows_out: int
    quarantined: dict[str, int]
    masked_by_operator: dict[str, int]
    elapsed: float
    output: Path | str

    @property
    def rows_per_second(self) -> float:
        return self.rows_out / self.elapsed if self.elapsed > 0 else 0.0

    def render(self) -> str:
        lines = [
            f"rows in      {self.rows_in:>12,}",
            f"rows out     {self.rows_out:>12,}",
            f"quarantined  {sum(self.quarantined.values()):>12,}"
            + (f"  {self.quarantined}" if self.quarantined else ""),
            f"elapsed      {self.elapsed:>11.1f}s  (includes ~5-8 s of Flink start-up)",
            f"throughput   {self.rows_per_second:>12,.0f} rows/s",
            f"output       {self.output}",
            "values masked per operator:",
        ]
        for op, count in sorted(self.masked_by_operator.items()):
            lines.append(f"  {op:<16}{count:>12,}")
        return "\n".join(lines)


class _Progress(threading.Thread):
    """Prints rows committed to the masked table so far, once a second, to stderr (of `rows_in`,
    unless the run follows its folder). Rows are readable only once a checkpoint commits them:
    rows in flight are not counted."""

    def __init__(self, config: JobConfig, rows_in: int | None):
        super().__init__(daemon=True)
        self.config, self.rows_in = config, rows_in
        self.before = tables.count_rows(config, "masked")
        self.stop = threading.Event()
        self.started = time.monotonic()

    def run(self) -> None:
        while not self.stop.wait(1.0):
            try:
                done = tables.count_rows(self.config, "masked") - self.before
            except Exception:  # a commit in progress; the next second reads it
                continue
            elapsed = time.monotonic() - self.started
            of = "" if self.rows_in is None else f"/{self.rows_in:,}"
            line = f"running {elapsed:4.0f}s: {done:,}{of} rows masked and committed"
            sys.stderr.write(f"\r  {line} ")
            sys.stderr.flush()
        sys.stderr.write("\n")


def _wait_or_stop(
    result: Any, checkpoint_dir: Path, resume_with: str = "maskstream run mask --resume"
) -> Path | None:
    """Wait for the job; on Ctrl-C stop it with a savepoint that --resume continues from, and
    return the savepoint's folder. None when the job ended by itself."""
    from jobs.flink_env import stop_with_savepoint
    from jobs.restore import SAVEPOINTS

    try:
        result.wait()
    except KeyboardInterrupt:
        sys.stderr.write("\n  stopping with a savepoint...\n")
        where = (checkpoint_dir / SAVEPOINTS).resolve().as_uri()
        path = stop_with_savepoint(result.get_job_client(), where)
        print(f"stopped; savepoint {path}\nresume with: {resume_with}")
        return Path(path.removeprefix("file://").removeprefix("file:"))
    return None


def following(config: JobConfig, interval: str) -> JobConfig:
    """The profile with FOLLOW_INTERVAL set by `run mask --follow [INTERVAL]`: the interval
    given, else the profile's own, else DEFAULT_FOLLOW_INTERVAL."""
    if "RAW_TOPIC" in config.variables:
        raise ConfigError(
            f"--follow: profile {config.env} reads a topic, which the mask job follows anyway "
            "(until Ctrl-C; --bounded stops once caught up). Fix: drop --follow"
        )
    interval = interval or config.variables.get(FOLLOW_VAR) or DEFAULT_FOLLOW_INTERVAL
    return replace(config, variables={**config.variables, FOLLOW_VAR: interval})


def run_mask_locally(config: JobConfig, resume: bool = False) -> int:
    """Mask the new input files (or, with `resume`, finish the run stopped last) and print what
    was committed. Ctrl-C stops the job with a savepoint that --resume continues from. With
    FOLLOW_INTERVAL set the job follows the folder instead (_follow_folder)."""
    from jobs.flink_env import create_table_env, planned
    from jobs.mask_job import build
    from jobs.restore import check_no_stopped_run, check_resume_kind, discard, latest_restore_point

    input_dir = Path(config.variables["INPUT_PATH"])
    checkpoint_dir = Path(config.variables["CHECKPOINT_DIR"])
    point = latest_restore_point(checkpoint_dir) if resume else None
    if point is None and reads_files(config):
        check_no_stopped_run(checkpoint_dir)
    if point is not None:
        check_resume_kind(point, follow=follow_interval(config) is not None)
        config = replace(config, flink={**config.flink, RESTORE_PATH: point.as_uri()})
        print(f"resuming from {point}", file=sys.stderr)
    before, before_q = tables.mark(config, "masked"), tables.mark(config, "quarantine")
    started = time.monotonic()
    t_env = create_table_env(config.flink)
    job = build(t_env, config)
    if job.follow is not None:
        return _follow_folder(config, t_env, job, point)
    inputs = input_files(input_dir) if job.inputs is None else job.inputs.new
    if job.inputs is not None and job.inputs.nothing_new:
        print(job.inputs.render(input_dir))
        return 0
    # A resumed run finishes its files: the records its checkpoints committed are not new.
    partial = job.inputs.partial if job.inputs is not None else {}
    rows_in = count_lines(inputs + list(partial)) - sum(have for have, _ in partial.values())
    if job.inputs is not None and (job.inputs.done or job.inputs.copies):
        print(job.inputs.render(input_dir), file=sys.stderr)
    print(
        f"masking {rows_in:,} rows from {input_dir} with {job.policy.source} "
        f"(dataset {job.policy.dataset} v{job.policy.version})",
        file=sys.stderr,
    )
    progress = _Progress(config, rows_in)
    progress.start()
    try:
        result = planned(t_env, lambda: t_env.execute_sql(job.insert_sql))
        if _wait_or_stop(result, checkpoint_dir) is not None:
            return 130
    finally:
        progress.stop.set()
        progress.join()
    if point is not None:
        discard(point, checkpoint_dir)
    elapsed = time.monotonic() - started
    operators = {f.name: f.operator.name for f in job.policy.masked}
    masked: Counter[str] = Counter()
    rows_out = 0
    for row in tables.rows_since(config, "masked", before):
        rows_out += 1
        for name in filter(None, (row.get("masked_fields") or "").split(",")):
            masked[operators.get(name, "?")] += 1
    rejected: Counter[str] = Counter()
    for row in tables.rows_since(config, "quarantine", before_q):
        rejected[row["error_class"]] += 1
    output_dir = tables.location(config, "masked")
    summary = RunSummary(rows_in, rows_out, dict(rejected), dict(masked), elapsed, output_dir)
    print(summary.render())
    if rows_out + sum(rejected.values()) != rows_in:
        print(
            f"warning: {rows_in - rows_out - sum(rejected.values()):,} input rows are neither "
            "masked nor quarantined",
            file=sys.stderr,
        )
        return 1
    return 0


def _follow_folder(config: JobConfig, t_env: Any, job: Any, point: Path | None) -> int:
    """Run a mask job whose source follows the input folder (jobs.mask_job.MaskJob.follow): it
    masks each new file as it lands and commits every checkpoint, until Ctrl-C stops it with a
    savepoint that `--follow --resume` continues from (the one it resumed from, if any, is then
    superseded and removed). A cancelled job fails the run; its checkpoints are kept."""
    from jobs.flink_env import planned
    from jobs.restore import discard, mark_followed

    input_dir = Path(config.variables["INPUT_PATH"])
    input_files(input_dir)  # a missing folder is reported as in a run that reads it once
    checkpoint_dir = Path(config.variables["CHECKPOINT_DIR"])
    if job.inputs is not None and (job.inputs.done or job.inputs.copies):
        print(
            f"{len(job.inputs.done):,} file(s) of {input_dir} are masked already and left out",
            file=sys.stderr,
        )
    print(
        f"following {input_dir} every {job.follow}; new files are masked as they arrive; "
        "Ctrl-C stops with a savepoint",
        file=sys.stderr,
    )
    before, before_q = tables.mark(config, "masked"), tables.mark(config, "quarantine")
    started = time.monotonic()
    progress = _Progress(config, None)
    progress.start()
    try:
        result = planned(t_env, lambda: t_env.execute_sql(job.insert_sql))
        # Before its first checkpoint: a killed run's retained checkpoints are marked too.
        mark_followed(checkpoint_dir / str(result.get_job_client().get_job_id()))
        savepoint = _wait_or_stop(result, checkpoint_dir, "maskstream run mask --follow --resume")
    finally:
        progress.stop.set()
        progress.join()
    if savepoint is not None:
        mark_followed(savepoint)
        if point is not None:
            discard(point, checkpoint_dir)
    masked = len(tables.rows_since(config, "masked", before))
    quarantined = len(tables.rows_since(config, "quarantine", before_q))
    print(
        f"followed {input_dir} for {time.monotonic() - started:.0f}s: {masked:,} rows masked "
        f"and {quarantined:,} quarantined by this run, committed to "
        f"{tables.location(config, 'masked')}"
    )
    return 0


def show_before_after(config: JobConfig, policy_path: Path, rows: int) -> None:
    """Print a few input records next to their masked rows, matched on the policy's kept id.
    The input side is printed only for a file `maskstream generate` wrote and nobody changed
    since (maskstream.provenance): of real data, only the masked side is shown."""
    from udfs.policy.model import load_policy

    policy = load_policy(policy_path)
    id_field = next(
        (f.name for f in policy.fields if f.is_keep and any(t.startswith("id.") for t in f.tags)),
        None,
    )
    if id_field is None:
        print("(no kept field tagged id.* to match input and output rows on; skipping samples)")
        return
    inputs = [p for p in input_files(Path(config.variables["INPUT_PATH"])) if p.suffix == ".jsonl"]
    if not inputs:
        return
    synthetic = is_generated(inputs[0])
    wanted: list[dict] = []
    for _, record in read_jsonl(inputs[:1]):
        wanted.append(record)
        if len(wanted) == rows:
            break
    ids = {r.get(id_field) for r in wanted}
    masked = {
        row[id_field]: row for row in tables.read_rows(config, "masked") if row.get(id_field) in ids
    }
    if not synthetic:
        print(
            f"\n(the input side is not shown: {inputs[0].name} was not written by `maskstream "
            "generate`, or changed since; masked rows only)"
        )
    width = max(len(f.name) for f in policy.fields)
    for record in wanted:
        out = masked.get(record.get(id_field), {})
        label = "synthetic data: before -> after" if synthetic else "masked"
        print(f"\n{id_field} {record.get(id_field)}  ({label})")
        for f in policy.fields:
            after = _short(out.get(f.name))
            if synthetic:
                print(f"  {f.name:<{width}}  {_short(record.get(f.name)):<40} -> {after}")
            else:
                print(f"  {f.name:<{width}}  {after}")


def _short(value: object, limit: int = 40) -> str:
    text = "null" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_audit_locally(config: JobConfig) -> int:
    """Run the audit job over the masked table and print what it sealed."""
    from jobs.audit_job import audit_flink_conf, build, execute, nothing_new_message
    from jobs.flink_env import create_stream_table_env

    if not tables.count_rows(config, "masked"):
        raise ConfigError(
            f"{tables.location(config, 'masked')}: no masked rows to audit. Fix: run the mask "
            "job first (`maskstream run mask` with the same --policy/--env)"
        )
    before = tables.mark(config, "audit")
    started = time.monotonic()
    env, t_env = create_stream_table_env(audit_flink_conf(config))
    job, statements = build(t_env, config)
    if job.plan.nothing_new:
        print(nothing_new_message(job))
        return 0
    since = f", snapshots after {job.plan.since}" if job.plan.since else ""
    print(
        f"auditing {tables.location(config, 'masked')} ({job.policy.dataset}{since})",
        file=sys.stderr,
    )
    execute(env, statements)
    windows = len(tables.rows_since(config, "audit", before))
    where = tables.location(config, "audit")
    print(f"sealed {windows} window(s) into {where} in {time.monotonic() - started:.1f}s")
    return 0


def follow_audit(
    config: JobConfig,
    interval: str,
    *,
    audit: Callable[[JobConfig], int] = run_audit_locally,
    stop: threading.Event | None = None,
) -> int:
    """Run the audit job every `interval` until Ctrl-C (or `stop`), beside a mask job that
    follows its folder. Each pass is the incremental batch audit (jobs/audit_plan.py): it seals
    only the masked snapshots committed since the last seal and links its seals to the one
    chain, so rows that arrive late for a window get a seal of their own and `verify` holds; a
    pass with nothing new adds nothing. Ctrl-C ends the loop after the current pass, so a pass
    is never cut off between its commits."""
    every, seconds = parse_interval(interval, "--follow")
    masked = tables.table_ref(config, "masked")
    if masked is None or not masked.is_iceberg:
        raise ConfigError(
            f"run audit --follow: the masked table of profile {config.env} is not an Iceberg "
            "table, whose snapshots tell each pass what is new. Fix: use the default profile "
            "(local); on the kafka profile the audit job follows the topic by itself"
        )
    if config.variables.get("AUDIT_RUNTIME_MODE", "STREAMING").upper() != "BATCH":
        raise ConfigError(
            "run audit --follow: AUDIT_RUNTIME_MODE is not BATCH, so the audit job is a "
            "streaming job that never ends a pass. Fix: set AUDIT_RUNTIME_MODE: BATCH, or drop "
            "--follow"
        )
    stop, restore = (stop, None) if stop is not None else _stop_on_ctrl_c()
    print(
        f"auditing {tables.location(config, 'masked')} every {every}: each pass seals what was "
        "committed since the last seal; Ctrl-C stops after the current pass",
        file=sys.stderr,
    )
    passes, waiting = 0, False
    try:
        while not stop.is_set():
            if tables.count_rows(config, "masked"):
                audit(config)
                passes, waiting = passes + 1, False
            elif not waiting:
                print("  no masked rows yet; waiting for the mask job", file=sys.stderr)
                waiting = True
            stop.wait(seconds)
    finally:
        if restore is not None:
            signal.signal(signal.SIGINT, restore)
    print(f"stopped after {passes:,} audit pass(es)")
    return 0


def _stop_on_ctrl_c() -> tuple[threading.Event, Any]:
    """An event that Ctrl-C sets (instead of interrupting whatever runs), and the handler it
    replaced."""
    stop = threading.Event()

    def on_ctrl_c(signum: int, frame: Any) -> None:
        sys.stderr.write("\n  stopping after this pass...\n")
        stop.set()

    return stop, signal.signal(signal.SIGINT, on_ctrl_c)
