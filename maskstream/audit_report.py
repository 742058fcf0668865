"""Render the audit tables (sealed windows and leak hits) as one self-contained HTML page."""

from __future__ import annotations

from collections import Counter
from importlib.resources import files
from typing import Any

from maskstream import report_sections as sections
from maskstream.report_charts import (
    BLUE,
    GREEN,
    LEAK_TABLE_MAX,
    ORANGE,
    VERMILLION,
    Series,
    Window,
    as_text,
    column_chart,
    escape,
    grouped,
    hbar_chart,
    parse_window,
    plural,
    stacked_series,
    values_per_field,
    version_key,
)
from maskstream.report_facts import Provenance, VerifyOutcome
from udfs.detection.detectors import ENTITY_LABELS, LEAK_SCAN_TYPES
from udfs.policy.model import Policy
from udfs.records.residual import BUDGET_FIELD

_CSS = files("maskstream").joinpath("report.css").read_text(encoding="utf-8")


def checked_entities() -> str:
    """What the leak scan looks for, in words: the banner claims no more than this."""
    names = [ENTITY_LABELS[e] for e in LEAK_SCAN_TYPES]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def _status(
    total_leaks: int,
    has_data: bool,
    window_leaks: int,
    table_leaks: int,
    residuals: int,
    *,
    over_budget: int = 0,
) -> str:
    if total_leaks:
        detail = (
            "Masked output contained values the scrubber recognised as personal data. "
            "See the leak hits below."
        )
        if window_leaks != table_leaks:
            detail += (
                f" (The sealed windows count {grouped(window_leaks)}; the leak table holds "
                f"{grouped(table_leaks)} rows.)"
            )
        return (
            '<div class="status status-leak" role="alert">'
            f"⚠ {escape(plural(total_leaks, 'leak hit'))}"
            f"<small>{escape(detail)}</small></div>"
        )
    if not has_data:
        return (
            '<div class="status status-empty" role="status">No audit data yet'
            "<small>No window has been sealed, so there is nothing to check.</small></div>"
        )
    replaced = (
        f" The residual check found {plural(residuals, 'raw value')} of the records' own fields "
        "after masking and replaced each column holding one before it was written."
        if residuals
        else " The residual check replaced no value."
    )
    if over_budget:
        replaced += (
            f" {plural(over_budget, 'free text')} needed more work than the scrub budget and "
            "went whole."
        )
    return (
        '<div class="status status-ok" role="status">No leaks found'
        f"<small>The leak scan found no {escape(checked_entities())} in the masked output; it "
        f"looks for nothing else.{escape(replaced)}</small></div>"
    )


def _quarantined_label(ws: list[Window]) -> str:
    """The card's label; it says when some windows' quarantine was not counted (a streaming
    audit), so their missing records do not read as none."""
    uncounted = sum(w.rows_quarantined is None for w in ws)
    if not uncounted:
        return "Rows quarantined"
    return f"Rows quarantined (not counted in {uncounted} streamed window(s))"


def _leak_table(leaks: list[dict[str, Any]]) -> str:
    if not leaks:
        return '<p class="note">None: no leak hits were recorded.</p>'
    ordered = sorted(leaks, key=lambda r: as_text(r.get("event_time")))
    shown = ordered[:LEAK_TABLE_MAX]
    rows = []
    for r in shown:
        digest = as_text(r.get("row_digest"))
        rows.append(
            "<tr>"
            f"<td>{escape(r.get('event_time'))}</td>"
            f"<td>{escape(r.get('dataset'))}</td>"
            f'<td class="num">{escape(r.get("policy_version"))}</td>'
            f"<td><code>{escape(r.get('field'))}</code></td>"
            f"<td>{escape(r.get('entity_type'))}</td>"
            f"<td><code>{escape(r.get('source_ref'))}</code></td>"
            f'<td class="hash"><code>{escape(digest)}</code></td>'
            "</tr>"
        )
    more = ""
    if len(ordered) > len(shown):
        more = (
            f'<p class="note">Showing the first {grouped(len(shown))} of '
            f"{grouped(len(ordered))}.</p>"
        )
    return (
        '<div class="scroll"><table><thead><tr><th>Event time</th><th>Dataset</th>'
        '<th class="num">Policy</th><th>Field</th><th>Entity type</th><th>Source</th>'
        f"<th>Row digest</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>{more}"
    )


def _charts(
    ws: list[Window],
    per_field: dict[str, int],
    detections: Counter[str],
    quarantine: Counter[str],
    n_datasets: int,
) -> list[str]:
    """Rows per window by key id, quarantine per window and class, and totals per field and
    entity type: one question a chart, each bar named."""
    show_versions = n_datasets <= 1 and len({w.policy_version for w in ws}) > 1
    rows = (
        '<section id="rows"><h2>Rows and token key ids</h2>'
        + column_chart(
            ws,
            stacked_series(ws, lambda w: w.rows_by_key)
            or [Series("rows masked", BLUE, [0] * len(ws))],
            kind="rows",
            title="Rows masked per window, by token key id",
            unit="rows masked",
            show_versions=show_versions,
        )
        + sections.key_summary(ws)
        + "</section>"
    )
    held = '<p class="note">No row was quarantined.</p>'
    if quarantine:
        held = column_chart(
            ws,
            stacked_series(ws, lambda w: w.quarantine_classes),
            kind="quarantine",
            title="Rows quarantined per window, by class",
            unit="rows quarantined",
            show_versions=False,
        ) + hbar_chart(
            dict(quarantine),
            kind="quarantine-class",
            title="Rows quarantined per class (all windows)",
            color=ORANGE,
        )
    values = hbar_chart(
        per_field, kind="field", title="Values masked per field (operator), all windows", color=BLUE
    )
    found = hbar_chart(
        dict(detections), kind="detections", title="Detections per entity type", color=GREEN
    )
    return [
        rows,
        f'<section id="quarantine"><h2>Quarantine</h2>{held}</section>',
        f'<section id="values"><h2>Values masked</h2>{values}</section>',
        f"<section><h2>Scrub detections</h2>{found}</section>",
    ]


def render_html(
    windows: list[dict],
    leaks: list[dict],
    *,
    title: str = "maskstream audit",
    policy: Policy | None = None,
    verify: VerifyOutcome | None = None,
    provenance: Provenance | None = None,
) -> str:
    """Return a self-contained HTML page (inline CSS and SVG, no scripts) summarising an audit:
    the verification verdict `verify` (None: none ran), provenance, the policy, and the audit
    rows (counts and hashes only, never a value)."""
    ws = sorted(
        (parse_window(w) for w in windows if isinstance(w, dict)),
        key=lambda w: (w.start, w.dataset, version_key(w.policy_version), w.end),
    )
    leak_rows = [r for r in leaks if isinstance(r, dict)]

    datasets = sorted({w.dataset for w in ws} | {as_text(r.get("dataset")) for r in leak_rows})
    datasets = [d for d in datasets if d]
    versions = sections.sorted_versions(
        {w.policy_version for w in ws} | {as_text(r.get("policy_version")) for r in leak_rows}
    )
    if ws:
        time_range = f"{min(w.start for w in ws)} – {max(w.end or w.start for w in ws)}"
    elif leak_rows:
        times = sorted(as_text(r.get("event_time")) for r in leak_rows)
        time_range = f"{times[0]} – {times[-1]} (leak events only)"
    else:
        time_range = "—"

    detections: Counter[str] = Counter()
    residual_by_field: Counter[str] = Counter()
    quarantine: Counter[str] = Counter()
    keys: set[str] = set()
    for w in ws:
        detections.update(w.detections)
        residual_by_field.update(w.residual_values)
        quarantine.update(w.quarantine_classes)
        keys.update(w.rows_by_key)
    per_field = values_per_field(ws)
    window_leaks = sum(w.leak_hits for w in ws)
    over_budget = residual_by_field.get(BUDGET_FIELD, 0)
    residuals = sum(residual_by_field.values()) - over_budget
    total_leaks = max(window_leaks, len(leak_rows))
    totals = [
        ("Rows masked", sum(w.rows_masked for w in ws), "rows-masked"),
        (_quarantined_label(ws), sum(w.rows_quarantined or 0 for w in ws), "rows-quarantined"),
        ("Values masked", sum(per_field.values()), "values-masked"),
        ("Detections", sum(detections.values()), "detections"),
        ("Leak hits", total_leaks, "leak-hits"),
        ("Residual values replaced", residuals, "residuals"),
        ("Token key ids", len(keys), "key-ids"),
        ("Audit runs", len(sections.audit_runs(ws)), "audit-runs"),
    ]
    cards = "".join(
        f'<div class="card{" bad" if key == "leak-hits" and n else ""}" data-total="{key}">'
        f'<div class="n">{grouped(n)}</div><div class="l">{escape(label)}</div></div>'
        for label, n, key in totals
    )
    meta_rows = [
        (f"Dataset{'s' if len(datasets) != 1 else ''}", ", ".join(datasets) or "—"),
        (f"Policy version{'s' if len(versions) != 1 else ''}", ", ".join(versions) or "—"),
        ("Time range", time_range),
        ("Windows", grouped(len(ws))),
    ]
    if provenance is not None:
        meta_rows.append(("Generated", provenance.generated_at))
    meta = (
        '<dl class="meta">'
        + "".join(f"<dt>{escape(k)}:</dt><dd>{escape(v)}</dd>" for k, v in meta_rows)
        + "</dl>"
    )
    body = [
        f"<header><h1>{escape(title)}</h1>{meta}",
        sections.verify_banner(verify),
        _status(
            total_leaks,
            bool(ws or leak_rows),
            window_leaks,
            len(leak_rows),
            residuals,
            over_budget=over_budget,
        ),
        f'<div class="cards">{cards}</div></header>',
        sections.verification_section(verify),
        sections.provenance_section(provenance, ws, versions),
        sections.policy_section(policy, versions),
    ]

    if not ws:
        body.append(
            '<section><div class="empty"><strong>No audit data yet.</strong> Charts and the seal '
            "chain appear here once the job has sealed its first window.</div></section>"
        )
    else:
        body += _charts(ws, per_field, detections, quarantine, len(datasets))

    if residuals:
        body.append(
            "<section><h2>Residual values replaced</h2>"
            '<p class="note">Raw values of a record\'s own protected fields that the mask job '
            "still found in a column after masking (in any form: another case, other "
            "separators, a date written out). Each such column was replaced whole with "
            "<code>[REDACTED:residual]</code> before the row was written; counted per field "
            "whose value was found. <code>(budget)</code> counts free text that needed more "
            "work than its budget allows, replaced whole with "
            "<code>[REDACTED:budget]</code>.</p>"
            + hbar_chart(
                dict(residual_by_field),
                kind="residuals",
                title="Residual values replaced per field",
                color=ORANGE,
            )
            + "</section>"
        )

    leak_parts = ["<section><h2>Leak hits</h2>"]
    if ws and window_leaks:
        leak_parts.append(
            column_chart(
                ws,
                [Series("leak hits", VERMILLION, [w.leak_hits for w in ws])],
                kind="leaks",
                title="Leak hits per window",
                unit="leak hits",
                show_versions=False,
            )
        )
    leak_parts.append(_leak_table(leak_rows) + "</section>")
    body.append("".join(leak_parts))

    if ws:
        body.append(
            '<section id="windows"><h2>Windows</h2>' + sections.windows_table(ws) + "</section>"
        )
        body.append(
            '<section id="seals"><h2>Seal chain</h2>' + sections.seal_table(ws) + "</section>"
        )
    body.append(sections.sign_off())
    body.append(
        '<footer><p class="note">Generated by maskstream from the audit tables, which hold '
        "counts and hashes only. Leak hits record where a value was found, never the value "
        "itself.</p></footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
