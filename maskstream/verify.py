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
from maskstream.table_history import (  # noqa: F401  (check_history: re-exported)
    PROVENANCE,
    History,
    check_history,
    check_sealed_snapshots,
)
from maskstream.verify_quarantine import (
    WindowKey,
    check_quarantine,
    seal_key,
    window_key,
    window_size,
)
from udfs.crypto.digest import row_digests
from udfs.crypto.seal import canonical_window, row_set_hash, seal_hash
from udfs.policy.model import Policy, event_time_field
from udfs.policy.sink import masked_types


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
    # Rows committed after the last audit: not sealed yet, so not checked (and not a failure).
    pending: list[str] = field(default_factory=list)
    # The seals' quarantine counts against the quarantine table (maskstream.verify_quarantine).
    quarantine_problems: list[str] = field(default_factory=list)
    quarantine_checked: str | None = None

    @property
    def empty(self) -> bool:
        """No seal and no row: nothing was checked, so nothing is verified."""
        return not self.windows

    @property
    def ok(self) -> bool:
        return (
            not self.empty
            and not self.chain_problems
            and not self.history_problems
            and not self.quarantine_problems
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
        lines += [f"quarantine: {p}" for p in self.quarantine_problems]
        if self.quarantine_checked and not self.quarantine_problems:
            lines.append(self.quarantine_checked)
        lines += [f"pending: {p}" for p in self.pending]
        bad = sum(1 for w in self.windows if not w.ok)
        if self.empty:
            lines.append(
                "NOT VERIFIED: nothing to check (no seals and no masked rows). Fix: run the mask "
                "job, then the audit job (`maskstream run mask`, `maskstream run audit`)"
            )
            return "\n".join(lines)
        lines.append(
            "VERIFIED: every window matches its seal"
            + (", every snapshot is an append" if self.history_checked else "")
            if self.ok
            else f"FAILED: {bad} window(s) differ, {len(self.chain_problems)} chain problem(s), "
            f"{len(self.history_problems)} history problem(s)"
            + (
                f", {len(self.quarantine_problems)} quarantine problem(s)"
                if self.quarantine_problems
                else ""
            )
        )
        return "\n".join(lines)


def verify(policy: Policy, masked_dir: Path, audit_dir: Path) -> VerifyReport:
    """Verify a masked table of files against the seals in `audit_dir`."""
    return verify_rows(policy, read_table(masked_dir), read_seals(audit_dir))


def verify_profile(config: JobConfig, policy: Policy) -> VerifyReport:
    """Verify the masked table of the profile (its Iceberg table or files, or its topic read
    read_committed) against the seals, and the history of its Iceberg tables. Each table is
    loaded once."""
    audit_ref, audit = tables.open_table(config, "audit")
    seals = tables.rows_of(audit_ref, audit)
    ref, masked = tables.open_table(config, "masked")  # a topic's Iceberg copy, if it has one
    topic = "MASKED_TOPIC" in config.variables
    rows = tables.rows_of(ref, masked) if topic or masked is None else []
    if topic:
        from maskstream.kafka_io import consume

        topic, bootstrap = config.variables["MASKED_TOPIC"], config.variables["KAFKA_BOOTSTRAP"]
        topic_rows = [r.value for r in consume(bootstrap, topic, timeout=600, idle=10)]
        report = verify_rows(policy, topic_rows, seals)
        # The topic's Iceberg copy holds the same rows: checked against the same seals.
        if ref is not None and masked is not None:
            copy = verify_rows(policy, rows, seals)
            report.history_problems += [
                f"{ref.identifier} (the topic's Iceberg copy): {w.render()}"
                for w in copy.windows
                if not w.ok
            ]
    elif ref is not None and masked is not None:
        report = verify_by_audit_run(policy, masked, ref.identifier, seals)
    else:
        report = verify_rows(policy, rows, seals)
    q_ref, quarantine = tables.open_table(config, "quarantine")
    counted = check_quarantine(q_ref, quarantine, seals, policy.dataset)
    report.quarantine_problems += counted.problems
    report.quarantine_checked = counted.summary
    report.pending += counted.pending
    checked_tables = (
        ("masked", ref, masked),
        ("quarantine", q_ref, quarantine),
        ("audit", audit_ref, audit),
    )
    for suffix, r, table in checked_tables:
        if r is None or table is None:
            continue
        history = check_history(table, r.identifier, provenance=suffix != "audit")
        report.history_problems += history.problems
        report.history_checked.append(history.summary)
        if suffix == "masked":
            checked = check_sealed_snapshots(policy, table, r.identifier, seals)
            report.history_problems += checked.problems
            report.history_checked += [checked.summary] if checked.summary else []
    return report


def _digest_runs(table: Any, known: list[tuple[int, int]], order: dict[int, int]) -> dict[str, int]:
    """Row digest -> the audit run (its snapshot) that sealed the row: the rows each run's
    snapshot held that the snapshots since the run before it appended (`order`: snapshot ->
    sequence number)."""
    home: dict[str, int] = {}
    previous = -1
    for sequence, run in known:
        for snapshot, rows in tables.rows_by_snapshot(table, as_of=run).items():
            if previous < order.get(snapshot, -1) <= sequence:
                home.update((str(r.get("row_digest")), run) for r in rows)
        previous = sequence
    return home


def verify_by_audit_run(
    policy: Policy, table: Any, name: str, all_seals: list[dict[str, Any]]
) -> VerifyReport:
    """An Iceberg masked table against seals that each name the snapshot their audit run read
    up to. A run sealed what the snapshots after the previous run's appended, so the table's
    current rows are split by the snapshot that appended them (the data file they are in) and
    each part is checked against its run's seals: a window with late rows has a seal per run.
    Rows appended after the last run are pending: not sealed yet, named, not a failure."""
    seals = [r for r in all_seals if r.get("dataset") == policy.dataset]
    by_snapshot = tables.rows_by_snapshot(table)
    if not seals or any(not s.get("masked_snapshot") for s in seals):
        # No audit yet, or seals older than snapshot names: one audit of the whole table.
        return verify_rows(policy, [r for part in by_snapshot.values() for r in part], seals)
    order = tables.sequence_numbers(table)
    runs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for seal in seals:
        runs[int(seal["masked_snapshot"])].append(seal)
    known = sorted((order[run], run) for run in runs if run in order)
    appends = tables.append_snapshots(table)
    parts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    pending, rewritten, moved = 0, Counter[int](), []
    for snapshot, rows in by_snapshot.items():
        sequence = order.get(snapshot)
        run = next((r for q, r in known if sequence is not None and sequence <= q), None)
        if run is not None:
            parts[run].extend(rows)
        elif snapshot in appends:
            pending += len(rows)
        else:  # a delete or overwrite wrote them again
            rewritten[snapshot] += len(rows)
            moved.extend(rows)
    if moved:
        # Rows a delete or overwrite wrote again belong to the run that sealed them: found by
        # their digests among the rows each run's snapshot held (the table's own history).
        home = _digest_runs(table, known, order)
        for row in moved:
            run = home.get(str(row.get("row_digest")))
            if run is not None:
                parts[run].append(row)
    windows = [w for run, group in runs.items() for w in compare_windows(policy, parts[run], group)]
    windows.sort(key=lambda w: (w.key[1], w.key[0]))
    report = VerifyReport(windows, _check_chain(seals))
    report.history_problems += [
        f"{n:,} row(s) of {name} sit in data files that snapshot {snapshot} (not an append) "
        "wrote again after they were sealed"
        for snapshot, n in rewritten.items()
    ]
    if pending:
        last = f" (snapshot {known[-1][1]})" if known else ""
        report.pending.append(
            f"{pending:,} row(s) of {name} committed after the last audit{last} are not sealed "
            "yet. Fix: run the audit job (`maskstream run audit`)"
        )
    return report


def read_seals(audit_dir: Path) -> list[dict[str, Any]]:
    return read_table(audit_dir)


def verify_rows(
    policy: Policy, rows: list[dict[str, Any]], all_seals: list[dict[str, Any]]
) -> VerifyReport:
    """Verify masked rows (read from files or a topic) against the audit trail's seals."""
    seals = [r for r in all_seals if r.get("dataset") == policy.dataset]
    return VerifyReport(compare_windows(policy, rows, seals), _check_chain(seals))


def compare_windows(
    policy: Policy, rows: list[dict[str, Any]], seals: list[dict[str, Any]]
) -> list[WindowResult]:
    """Each window of `rows` against its seal among `seals` (one seal per window): counts,
    row-set hash, and each row against its own digest."""
    by_key = {seal_key(r): r for r in seals}
    size = window_size(seals)

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
        key = window_key(row["policy_version"], row[event_time], size)
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
    return results


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
