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
from maskstream.report_facts import (
    Provenance,
    VerifyOutcome,
    collect_provenance,
    run_verification,
)
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


def write_html(
    trail: AuditTrail,
    path: Path,
    *,
    policy: Policy | None = None,
    verify: VerifyOutcome | None = None,
    provenance: Provenance | None = None,
) -> None:
    title = f"maskstream audit: {policy.dataset}" if policy else "maskstream audit"
    page = render_html(
        trail.windows, trail.leaks, title=title, policy=policy, verify=verify, provenance=provenance
    )
    path.write_text(page, encoding="utf-8")


def write_report(trail: AuditTrail, path: Path, config: JobConfig, policy: Policy) -> VerifyOutcome:
    """Verify the profile now, then write the report with that verdict, the policy and the
    provenance; return the verdict."""
    outcome = run_verification(config, policy)
    write_html(
        trail, path, policy=policy, verify=outcome, provenance=collect_provenance(config, policy)
    )
    return outcome


def render_text(trail: AuditTrail, dataset: str, last: int) -> str:
    """The last `last` windows as a table, then the leak verdict."""
    if not trail.windows:
        return (
            f"audit of {dataset}: nothing audited yet (no sealed windows), so no verdict on "
            "leaks. Fix: run the audit job (`maskstream run audit`)"
        )
    lines = [f"audit of {dataset}: {len(trail.windows)} sealed window(s)"]
    header = ("window start", "version", "rows", "quarant.", "masked", "detected", "leaks")
    lines.append("  {:<24}{:>8}{:>10}{:>10}{:>10}{:>10}{:>7}".format(*header))
    for w in trail.windows[-last:]:
        masked = sum(parse_counts(w.get("masked_values")).values())
        detected = sum(parse_counts(w.get("detections")).values())
        lines.append(
            f"  {w['window_start']!s:<24}{w['policy_version']:>8}{w['rows_masked']:>10,}"
            f"{_count(w.get('rows_quarantined')):>10}{masked:>10,}{detected:>10,}"
            f"{w['leak_hits']:>7,}"
        )
    if trail.leak_hits:
        by_field = Counter(f"{x['field']}:{x['entity_type']}" for x in trail.leaks)
        lines.append(f"LEAKS: {trail.leak_hits} hit(s): {dict(by_field)} (see the leaks table)")
    else:
        lines.append("no leaks found")
    return "\n".join(lines)


def _count(value: object) -> str:
    """A count, or "-" where the audit did not count (quarantine of a streaming audit)."""
    return "-" if value is None else f"{int(value):,}"  # type: ignore[call-overload]
