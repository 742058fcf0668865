"""Verify a masked table against the audit trail's seals: per window OK, or exactly what differs
(rows missing, added, altered), and whether the seal chain itself is intact."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jobs.config import JobConfig
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

    @property
    def ok(self) -> bool:
        return not self.chain_problems and all(w.ok for w in self.windows)

    def render(self) -> str:
        # Every window when there are few; otherwise the ones that differ and a count.
        shown = [w for w in self.windows if not w.ok or len(self.windows) <= 24]
        lines = [w.render() for w in shown]
        if len(shown) < len(self.windows):
            lines.append(f"... {len(self.windows) - len(shown):,} more window(s), all OK")
        lines += [f"chain: {p}" for p in self.chain_problems] or ["chain: intact"]
        bad = sum(1 for w in self.windows if not w.ok)
        lines.append(
            "VERIFIED: every window matches its seal"
            if self.ok
            else f"FAILED: {bad} window(s) differ, {len(self.chain_problems)} chain problem(s)"
        )
        return "\n".join(lines)


def verify(policy: Policy, masked_dir: Path, audit_dir: Path) -> VerifyReport:
    """Verify a masked table of files against the seals in `audit_dir`."""
    return verify_rows(policy, read_table(masked_dir), read_seals(audit_dir))


def verify_profile(config: JobConfig, policy: Policy) -> VerifyReport:
    """Verify the masked table of the profile: its files, or its topic (read_committed)."""
    audit_dir = Path(config.variables["AUDIT_PATH"])
    if "MASKED_TOPIC" in config.variables:
        from maskstream.kafka_io import consume

        topic, bootstrap = config.variables["MASKED_TOPIC"], config.variables["KAFKA_BOOTSTRAP"]
        rows = [r.value for r in consume(bootstrap, topic, timeout=600, idle=10)]
        return verify_rows(policy, rows, read_seals(audit_dir))
    return verify(policy, Path(config.variables["OUTPUT_PATH"]), audit_dir)


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
