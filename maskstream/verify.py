"""Verify a masked table against the audit trail's seals: per window OK, or exactly what differs
(rows missing, added, altered), and whether the seal chain itself is intact."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jobs.config import JobConfig
from maskstream import tables
from maskstream.records import read_table
from udfs.crypto.digest import row_digests
from udfs.crypto.seal import canonical_window, row_set_hash, seal_hash
from udfs.policy.model import Policy, event_time_field
from udfs.policy.sink import masked_types
from udfs.sql_types import millis_text

WindowKey = tuple[int, str, str]  # policy_version, window_start, window_end


@dataclass
class WindowResult:
    key: WindowKey
    sealed_rows: int | None
    actual_rows: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def render(self) -> str:
        version, start, end = self.key
        status = "OK" if self.ok else "MISMATCH: " + "; ".join(self.problems)
        sealed = "unsealed" if self.sealed_rows is None else f"sealed {self.sealed_rows:,}"
        return f"{start} .. {end}  v{version}  rows {self.actual_rows:,} ({sealed})  {status}"


@dataclass
class VerifyReport:
    windows: list[WindowResult]
    chain_problems: list[str]
    # What the Iceberg tables' own history says was done to them other than appends.
    history_problems: list[str] = field(default_factory=list)
    history_checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.chain_problems
            and not self.history_problems
            and all(w.ok for w in self.windows)
        )

    def render(self) -> str:
        # Every window when there are few; otherwise the ones that differ and a count.
        shown = [w for w in self.windows if not w.ok or len(self.windows) <= 24]
        lines = [w.render() for w in shown]
        if len(shown) < len(self.windows):
            lines.append(f"... {len(self.windows) - len(shown):,} more window(s), all OK")
        lines += [f"chain: {p}" for p in self.chain_problems] or ["chain: intact"]
        lines += [f"history: {p}" for p in self.history_problems]
        if self.history_checked and not self.history_problems:
            lines.append(f"history: append-only ({'; '.join(self.history_checked)})")
        bad = sum(1 for w in self.windows if not w.ok)
        lines.append(
            "VERIFIED: every window matches its seal"
            + (", every snapshot is an append" if self.history_checked else "")
            if self.ok
            else f"FAILED: {bad} window(s) differ, {len(self.chain_problems)} chain problem(s), "
            f"{len(self.history_problems)} history problem(s)"
        )
        return "\n".join(lines)


def verify(policy: Policy, masked_dir: Path, audit_dir: Path) -> VerifyReport:
    """Verify a masked table of files against the seals in `audit_dir`."""
    return verify_rows(policy, read_table(masked_dir), read_seals(audit_dir))


def verify_profile(config: JobConfig, policy: Policy) -> VerifyReport:
    """Verify the masked table of the profile (its Iceberg table or files, or its topic read
    read_committed) against the seals, and the history of its Iceberg tables."""
    seals = tables.read_rows(config, "audit")
    if "MASKED_TOPIC" in config.variables:
        from maskstream.kafka_io import consume

        topic, bootstrap = config.variables["MASKED_TOPIC"], config.variables["KAFKA_BOOTSTRAP"]
        rows = [r.value for r in consume(bootstrap, topic, timeout=600, idle=10)]
        report = verify_rows(policy, rows, seals)
        # The topic's Iceberg copy holds the same rows: checked against the same seals.
        ref = tables.table_ref(config, "masked")
        if ref is not None and ref.is_iceberg and tables.load_iceberg(ref) is not None:
            copy = verify_rows(policy, tables.read_rows(config, "masked"), seals)
            report.history_problems += [
                f"{ref.identifier} (the topic's Iceberg copy): {w.render()}"
                for w in copy.windows
                if not w.ok
            ]
    else:
        report = verify_rows(policy, tables.read_rows(config, "masked"), seals)
    for suffix in ("masked", "audit"):
        ref = tables.table_ref(config, suffix)
        table = tables.load_iceberg(ref) if ref is not None and ref.is_iceberg else None
        if table is not None:
            history = check_history(table, ref.identifier, provenance=suffix == "masked")
            report.history_problems += history.problems
            report.history_checked.append(history.summary)
            if suffix == "masked":
                checked = check_sealed_snapshots(policy, table, ref.identifier, seals)
                report.history_problems += checked.problems
                report.history_checked += [checked.summary] if checked.summary else []
    return report


def check_sealed_snapshots(
    policy: Policy, table: Any, name: str, seals: list[dict[str, Any]]
) -> History:
    """Each seal names the snapshot of the masked table its audit read: that snapshot must be
    in the table's history, and its rows, read again as of it, must match the seals that name it
    (counts and row-set hashes). So a rewritten history (a snapshot the seals name is gone) or a
    seal forged for rows that were never committed fails here, and the chain and the table's
    history vouch for each other."""
    named: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for seal in seals:
        if seal.get("dataset") == policy.dataset and seal.get("masked_snapshot"):
            named[str(seal["masked_snapshot"])].append(seal)
    problems = []
    for snapshot_id, group in named.items():
        snapshot = table.snapshot_by_id(int(snapshot_id))
        if snapshot is None:
            problems.append(
                f"{len(group)} seal(s) name snapshot {snapshot_id} of {name}, which its history "
                "does not have: the table was rewritten or rolled back after it was audited"
            )
            continue
        rows = tables.scan_arrow(table, int(snapshot_id)).to_pylist()
        sealed = verify_rows(policy, rows, group)
        keys = {
            (int(r["policy_version"]), millis_text(r["window_start"]), millis_text(r["window_end"]))
            for r in group
        }
        problems += [
            f"{name} as of snapshot {snapshot_id} (named by its seals): {w.render()}"
            for w in sealed.windows
            if w.key in keys and not w.ok
        ]
    summary = f"seals match {name} as of {len(named)} snapshot(s)" if named else ""
    return History(problems, summary)


@dataclass(frozen=True)
class History:
    problems: list[str]
    summary: str


# Written by the mask job into every snapshot it commits (build/iceberg-sink).
PROVENANCE = ("maskstream.policy-version", "maskstream.token-key-id", "flink.job-id")


def check_history(table: Any, name: str, provenance: bool = False) -> History:
    """An Iceberg table is append-only when every snapshot since its first is an `append`, each
    the child of the one before, the current snapshot is the newest (no rollback), and every
    data file any snapshot added is still there, unchanged in size. With `provenance`, every
    append must also carry the mask job's provenance (PROVENANCE): rows appended by any other
    writer are named. Problems name the snapshot."""
    from pyiceberg.manifest import ManifestEntryStatus

    problems: list[str] = []
    snapshots = sorted(table.snapshots(), key=lambda s: s.sequence_number or 0)
    previous = None
    writers: set[str] = set()
    for snapshot in snapshots:
        operation = snapshot.summary.operation.value if snapshot.summary else "unknown"
        when = millis_text(pd.Timestamp(snapshot.timestamp_ms, unit="ms"))
        label = f"{name} snapshot {snapshot.snapshot_id} ({when})"
        if operation != "append":
            problems.append(
                f"{label} is a `{operation}`, not an append: rows were replaced or "
                "deleted after they were committed"
            )
        elif provenance:
            summary = snapshot.summary or {}
            missing = [k for k in PROVENANCE if not summary.get(k)]
            if missing:
                problems.append(
                    f"{label} was appended by another writer than the mask job (no "
                    f"{', '.join(missing)} in its summary)"
                )
            else:
                writers.add(
                    f"v{summary['maskstream.policy-version']}/{summary['maskstream.token-key-id']}"
                )
        if previous is not None and snapshot.parent_snapshot_id != previous.snapshot_id:
            problems.append(
                f"{label} does not follow snapshot {previous.snapshot_id}: the "
                "history was rewritten"
            )
        previous = snapshot
        for manifest in snapshot.manifests(table.io):
            if manifest.added_snapshot_id != snapshot.snapshot_id:
                continue
            for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=False):
                if entry.status == ManifestEntryStatus.DELETED:
                    problems.append(f"{label} removes data file {entry.data_file.file_path}")
                    continue
                if entry.status != ManifestEntryStatus.ADDED:
                    continue
                problem = _file_problem(table, entry.data_file)
                if problem:
                    problems.append(f"{label}: {problem}")
    current = table.current_snapshot()
    if snapshots and (current is None or current.snapshot_id != snapshots[-1].snapshot_id):
        problems.append(
            f"{name}: the current snapshot is not the newest "
            f"({snapshots[-1].snapshot_id}): the table was rolled back"
        )
    written = f", by the mask job with policy/key {', '.join(sorted(writers))}" if writers else ""
    return History(problems, f"{name}: {len(snapshots)} snapshot(s){written}")


def _file_problem(table: Any, data_file: Any) -> str | None:
    path = data_file.file_path
    try:
        size = len(table.io.new_input(path))
    except (FileNotFoundError, OSError):
        return f"data file {path} is gone"
    if size != data_file.file_size_in_bytes:
        return (
            f"data file {path} changed after it was committed "
            f"({data_file.file_size_in_bytes:,} bytes committed, {size:,} now)"
        )
    return None


def read_seals(audit_dir: Path) -> list[dict[str, Any]]:
    return read_table(audit_dir)


def verify_rows(
    policy: Policy, rows: list[dict[str, Any]], all_seals: list[dict[str, Any]]
) -> VerifyReport:
    """Verify masked rows (read from files or a topic) against the audit trail's seals."""
    seals = [r for r in all_seals if r.get("dataset") == policy.dataset]
    by_key = {
        (int(r["policy_version"]), millis_text(r["window_start"]), millis_text(r["window_end"])): r
        for r in seals
    }
    size = None
    if seals:
        first = seals[0]
        size = pd.Timestamp(first["window_end"]) - pd.Timestamp(first["window_start"])

    types = masked_types(policy)
    names = list(types)
    stored = [row.get("row_digest") for row in rows]
    columns = [
        (pd.Series([row.get(name) for row in rows], dtype=object), types[name])
        for name in names
        if name != "row_digest"
    ]
    recomputed = row_digests(columns) if rows else []
    event_time = event_time_field(policy)

    digests: dict[WindowKey, list[str]] = defaultdict(list)
    altered: Counter[WindowKey] = Counter()
    for row, digest, fresh in zip(rows, stored, recomputed, strict=True):
        ts = pd.Timestamp(row[event_time])
        if size is None:
            start = ts.floor("h")
            end = start + pd.Timedelta(hours=1)
        else:
            start = pd.Timestamp(ts.value - ts.value % size.value)
            end = start + size
        key = (int(row["policy_version"]), millis_text(start), millis_text(end))
        digests[key].append(str(digest))
        if digest != fresh:
            altered[key] += 1

    results = []
    for key in sorted(set(by_key) | set(digests), key=lambda k: (k[1], k[0])):
        seal = by_key.get(key)
        actual = digests.get(key, [])
        result = WindowResult(key, None if seal is None else int(seal["rows_masked"]), len(actual))
        if seal is None:
            result.problems.append(f"{len(actual)} row(s) in a window that has no seal")
        else:
            expected = int(seal["rows_masked"])
            duplicates = len(actual) - len(set(actual))
            if len(actual) < expected:
                result.problems.append(f"{expected - len(actual)} row(s) missing")
            elif len(actual) > expected:
                extra = f"{len(actual) - expected} row(s) added"
                if duplicates:
                    extra += f" ({duplicates} duplicate(s) of existing rows)"
                result.problems.append(extra)
            elif row_set_hash(actual) != seal["row_set_hash"]:
                result.problems.append("row(s) altered: same count, different rows than sealed")
        if altered[key]:
            result.problems.append(f"{altered[key]} row(s) altered: content does not match digest")
        results.append(result)
    return VerifyReport(results, _check_chain(seals))


def _check_chain(seals: list[dict[str, Any]]) -> list[str]:
    problems = []
    known = {r["seal"] for r in seals}
    for r in seals:
        window = {k: r.get(k) for k in r}
        if seal_hash(canonical_window(window)) != r["seal"]:
            problems.append(f"seal of window {r['window_start']} does not match its contents")
    starts = [r for r in seals if r.get("prev_seal") is None]
    if seals and len(starts) != 1:
        problems.append(f"{len(starts)} chain starts (expected 1): a seal was removed or forged")
    referenced = Counter(r["prev_seal"] for r in seals if r.get("prev_seal") is not None)
    for prev, count in referenced.items():
        if prev not in known:
            problems.append(f"a seal links to a previous seal that is missing ({prev[:12]}...)")
        if count > 1:
            problems.append(f"{count} seals link to the same previous seal ({prev[:12]}...)")
    return problems
