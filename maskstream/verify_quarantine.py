"""Verify the quarantine counts of the seals against the quarantine table: each window's records
per error class, as the audit runs counted them (in the window of the record's event time, or of
when it was taken in when that could not be read). Records quarantined after the last audit are
pending, not a failure."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from maskstream import tables
from udfs.sql_types import millis_text

WindowKey = tuple[int, str, str]  # policy_version, window_start, window_end


def window_key(version: object, time: object, size: pd.Timedelta | None) -> WindowKey:
    """The tumbling window (epoch-aligned, as Flink's TUMBLE) of an event at `time`; an hour
    when no seal gives the size."""
    ts = pd.Timestamp(time)
    if size is None:
        start = ts.floor("h")
        end = start + pd.Timedelta(hours=1)
    else:
        start = pd.Timestamp(ts.value - ts.value % size.value)
        end = start + size
    return int(version), millis_text(start), millis_text(end)


def seal_key(seal: dict[str, Any]) -> WindowKey:
    """The window a seal covers."""
    return (
        int(seal["policy_version"]),
        millis_text(seal["window_start"]),
        millis_text(seal["window_end"]),
    )


def window_size(seals: list[dict[str, Any]]) -> pd.Timedelta | None:
    if not seals:
        return None
    return pd.Timestamp(seals[0]["window_end"]) - pd.Timestamp(seals[0]["window_start"])


@dataclass
class QuarantineCheck:
    problems: list[str] = field(default_factory=list)
    summary: str | None = None
    pending: list[str] = field(default_factory=list)


def _classes(seal: dict[str, Any]) -> Counter[str]:
    value = seal.get("quarantined_by_class")
    return Counter({str(k): int(v) for k, v in json.loads(value).items()}) if value else Counter()


def _split(table: Any, seals: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The quarantine table's rows the audit runs counted (those committed up to the last
    sealed quarantine snapshot, and any a delete rewrote), and how many came after."""
    by_snapshot = tables.rows_by_snapshot(table)
    order = tables.sequence_numbers(table)
    named = [int(s["quarantine_snapshot"]) for s in seals if s.get("quarantine_snapshot")]
    last = max((order.get(n, -1) for n in named), default=-1)
    appends = tables.append_snapshots(table)
    counted, pending = [], 0
    for snapshot, rows in by_snapshot.items():
        if snapshot in appends and order.get(snapshot, -1) > last:
            pending += len(rows)
        else:
            counted.extend(rows)
    return counted, pending


def check_quarantine(
    ref: tables.TableRef | None, table: Any, all_seals: list[dict[str, Any]], dataset: str
) -> QuarantineCheck:
    """Each sealed window's quarantine counts against the table's records."""
    seals = [s for s in all_seals if s.get("dataset") == dataset]
    counting = [s for s in seals if s.get("rows_quarantined") is not None]
    check = QuarantineCheck()
    if ref is None or not counting:
        if seals and ref is not None and tables.rows_of(ref, table):
            check.summary = "quarantine: not counted by these seals (a streaming audit)"
        return check
    if table is not None:
        rows, pending = _split(table, counting)
    else:
        rows, pending = tables.rows_of(ref, table), 0
    size = window_size(counting)
    actual: dict[WindowKey, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.get("dataset") not in (None, dataset):
            continue
        time = row.get("event_time") or row.get("ingested_at")
        if time is None:  # written before quarantine rows carried times: cannot be placed
            check.problems.append("a quarantined record has no event or ingestion time")
            continue
        actual[window_key(row["policy_version"], time, size)][str(row["error_class"])] += 1
    sealed: dict[WindowKey, Counter[str]] = defaultdict(Counter)
    for s in counting:
        key = seal_key(s)
        sealed[key] += _classes(s)
        if sum(_classes(s).values()) != int(s["rows_quarantined"]):
            check.problems.append(
                f"seal of window {key[1]}: rows_quarantined {s['rows_quarantined']} is not the "
                "sum of its classes"
            )
    for key in sorted(set(actual) | set(sealed), key=lambda k: (k[1], k[0])):
        have, want = actual.get(key, Counter()), sealed.get(key, Counter())
        if have != want:
            check.problems.append(
                f"window {key[1]} v{key[0]}: the seals count {_render(want)} quarantined, "
                f"the quarantine table holds {_render(have)}"
            )
    total = sum(sum(c.values()) for c in actual.values())
    check.summary = (
        f"quarantine: {total:,} record(s) in {len([k for k in actual if actual[k]]):,} "
        "window(s), each counted by class in its seals"
    )
    if pending:
        name = ref.identifier if ref.is_iceberg else ref.name
        check.pending.append(
            f"{pending:,} quarantined record(s) of {name} committed after the last audit are "
            "not counted yet. Fix: run the audit job (`maskstream run audit`)"
        )
    return check


def _render(counts: Counter[str]) -> str:
    if not counts:
        return "none"
    return ", ".join(f"{n} {cls}" for cls, n in sorted(counts.items()))
