"""`maskstream audit`: the sealed windows and leak hits of a dataset, as a table and as HTML."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobs.config import JobConfig
from maskstream import tables
from maskstream.audit_report import render_html
from maskstream.report_charts import parse_counts
from udfs.policy.model import Policy


@dataclass(frozen=True)
class AuditTrail:
    windows: list[dict[str, Any]]
    leaks: list[dict[str, Any]]

    @property
    def leak_hits(self) -> int:
        return max(sum(int(w["leak_hits"]) for w in self.windows), len(self.leaks))


def read_audit_trail(config: JobConfig, policy: Policy) -> AuditTrail:
    """The dataset's windows (in window order) and leak hits from the profile's tables."""
    windows = [w for w in tables.read_rows(config, "audit") if w["dataset"] == policy.dataset]
    leaks = [x for x in tables.read_rows(config, "leaks") if x["dataset"] == policy.dataset]
    windows.sort(key=lambda w: (w["window_start"], w["policy_version"]))
    return AuditTrail(windows, leaks)


def write_html(trail: AuditTrail, path: Path) -> None:
    path.write_text(render_html(trail.windows, trail.leaks), encoding="utf-8")


def render_text(trail: AuditTrail, dataset: str, last: int) -> str:
    """The last `last` windows as a table, then the leak verdict."""
    if not trail.windows:
        return (
            f"audit of {dataset}: nothing audited yet (no sealed windows), so no verdict on "
            "leaks. Fix: run the audit job (`maskstream run audit`)"
        )
    lines = [f"audit of {dataset}: {len(trail.windows)} sealed window(s)"]
    header = ("window start", "version", "rows", "masked", "detected", "leaks")
    lines.append("  {:<24}{:>8}{:>10}{:>10}{:>10}{:>7}".format(*header))
    for w in trail.windows[-last:]:
        masked = sum(parse_counts(w.get("masked_values")).values())
        detected = sum(parse_counts(w.get("detections")).values())
        lines.append(
            f"  {w['window_start']!s:<24}{w['policy_version']:>8}{w['rows_masked']:>10,}"
            f"{masked:>10,}{detected:>10,}{w['leak_hits']:>7,}"
        )
    if trail.leak_hits:
        by_field = Counter(f"{x['field']}:{x['entity_type']}" for x in trail.leaks)
        lines.append(f"LEAKS: {trail.leak_hits} hit(s): {dict(by_field)} (see the leaks table)")
    else:
        lines.append("no leaks found")
    return "\n".join(lines)
