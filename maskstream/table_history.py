"""The history of an Iceberg table as the immutability record: every snapshot an append by the
mask job, in one line of descent, its data files unchanged; and every snapshot the seals name
still in it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from maskstream import tables
from udfs.policy.model import Policy
from udfs.sql_types import millis_text


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
    snapshots = tables.snapshots_in_order(table)
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
        for entry in tables.entries_written_by(table, snapshot):
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


def check_sealed_snapshots(
    policy: Policy, table: Any, name: str, seals: list[dict[str, Any]]
) -> History:
    """Each seal names the snapshot of the masked table its audit read up to: that snapshot must
    be in the table's history. So a rewritten history (a table dropped and written again with
    the same rows, all appends) fails here, and the chain and the table's history vouch for
    each other; verify_by_audit_run checks the rows each run sealed."""
    named: Counter[str] = Counter(
        str(seal["masked_snapshot"])
        for seal in seals
        if seal.get("dataset") == policy.dataset and seal.get("masked_snapshot")
    )
    problems = [
        f"{count} seal(s) name snapshot {snapshot_id} of {name}, which its history does not "
        "have: the table was rewritten or rolled back after it was audited"
        for snapshot_id, count in named.items()
        if table.snapshot_by_id(int(snapshot_id)) is None
    ]
    summary = f"seals name {len(named)} snapshot(s) of {name}, each in its history" if named else ""
    return History(problems, summary)
