"""Render the audit tables (sealed windows and leak hits) as one self-contained HTML page."""

from __future__ import annotations

from collections import Counter
from importlib.resources import files
from typing import Any

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
    shorten,
    values_series,
    version_key,
)
from udfs.detection.detectors import ENTITY_LABELS, LEAK_SCAN_TYPES
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
        '<div class="status status-ok" role="status">✓ No leaks found'
        f"<small>The leak scan found no {escape(checked_entities())} in the masked output; it "
        f"looks for nothing else.{escape(replaced)}</small></div>"
    )


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
            f'<td><code title="{escape(digest)}">{escape(shorten(digest))}</code></td>'
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


def _seal_table(windows: list[Window]) -> str:
    first_row: dict[str, int] = {}
    for i, w in enumerate(windows, start=1):
        if w.seal:
            first_row.setdefault(w.seal, i)
    prev_in_dataset: dict[str, str] = {}
    starts = links = outside = 0
    rows = []
    for i, w in enumerate(windows, start=1):
        if w.prev_seal is None:
            starts += 1
            link = "chain start"
        elif w.prev_seal in first_row and first_row[w.prev_seal] < i:
            links += 1
            k = first_row[w.prev_seal]
            mark = "✓ " if prev_in_dataset.get(w.dataset) == w.prev_seal else ""
            link = f'{mark}<a href="#seal-{k}">#{k}</a>'
        else:
            outside += 1
            link = (
                f'<code title="{escape(w.prev_seal)}">{escape(shorten(w.prev_seal))}</code> '
                "(not in this report)"
            )
        prev_in_dataset[w.dataset] = w.seal
        rows.append(
            f'<tr id="seal-{i}"><td class="num">{i}</td><td>{escape(w.dataset)}</td>'
            f"<td>{escape(w.start)} – {escape(w.end)}</td>"
            f'<td class="num">{escape(w.policy_version)}</td>'
            f'<td class="num">{grouped(w.rows_masked)}</td>'
            f'<td class="num">{grouped(w.rows_quarantined)}</td>'
            f'<td><code title="{escape(w.row_set_hash)}">'
            f"{escape(shorten(w.row_set_hash))}</code></td>"
            f'<td><code title="{escape(w.seal)}">{escape(shorten(w.seal))}</code></td>'
            f"<td>{link}</td></tr>"
        )
    summary = (
        f'<p class="note">{plural(len(windows), "sealed window")}: '
        f"{plural(starts, 'chain start')}, {grouped(links)} linked to an earlier window here, "
        f"{grouped(outside)} pointing outside this report. ✓ marks a link to the previous window "
        "of the same dataset. Hover a shortened hash to see it in full.</p>"
    )
    return (
        f'{summary}<div class="scroll"><table><thead><tr><th class="num">#</th><th>Dataset</th>'
        '<th>Window</th><th class="num">Policy</th><th class="num">Rows masked</th>'
        '<th class="num">Quarantined</th><th>Row-set hash</th><th>Seal</th><th>Prev seal</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def render_html(windows: list[dict], leaks: list[dict], *, title: str = "maskstream audit") -> str:
    """Return a self-contained HTML page (inline CSS and SVG, no scripts) summarising an audit."""
    ws = sorted(
        (parse_window(w) for w in windows if isinstance(w, dict)),
        key=lambda w: (w.start, w.dataset, version_key(w.policy_version), w.end),
    )
    leak_rows = [r for r in leaks if isinstance(r, dict)]

    datasets = sorted({w.dataset for w in ws} | {as_text(r.get("dataset")) for r in leak_rows})
    versions = sorted(
        {w.policy_version for w in ws} | {as_text(r.get("policy_version")) for r in leak_rows},
        key=version_key,
    )
    datasets = [d for d in datasets if d]
    versions = [v for v in versions if v]
    if ws:
        time_range = f"{min(w.start for w in ws)} – {max(w.end or w.start for w in ws)}"
    elif leak_rows:
        times = sorted(as_text(r.get("event_time")) for r in leak_rows)
        time_range = f"{times[0]} – {times[-1]} (leak events only)"
    else:
        time_range = "—"

    detections: Counter[str] = Counter()
    per_pair: Counter[str] = Counter()
    for w in ws:
        detections.update(w.detections)
        per_pair.update(w.masked_values)
    window_leaks = sum(w.leak_hits for w in ws)
    residual_by_field: Counter[str] = Counter()
    for w in ws:
        residual_by_field.update(w.residual_values)
    over_budget = residual_by_field.get(BUDGET_FIELD, 0)
    residuals = sum(residual_by_field.values()) - over_budget
    total_leaks = max(window_leaks, len(leak_rows))
    totals = [
        ("Rows masked", sum(w.rows_masked for w in ws), "rows-masked"),
        ("Rows quarantined", sum(w.rows_quarantined for w in ws), "rows-quarantined"),
        ("Values masked", sum(per_pair.values()), "values-masked"),
        ("Detections", sum(detections.values()), "detections"),
        ("Leak hits", total_leaks, "leak-hits"),
        ("Residual values replaced", residuals, "residuals"),
    ]
    cards = "".join(
        f'<div class="card{" bad" if key == "leak-hits" and n else ""}" data-total="{key}">'
        f'<div class="n">{grouped(n)}</div><div class="l">{escape(label)}</div></div>'
        for label, n, key in totals
    )
    meta = (
        '<dl class="meta">'
        f"<dt>Dataset{'s' if len(datasets) != 1 else ''}:</dt>"
        f"<dd>{escape(', '.join(datasets) or '—')}</dd>"
        f"<dt>Policy version{'s' if len(versions) != 1 else ''}:</dt>"
        f"<dd>{escape(', '.join(versions) or '—')}</dd>"
        f"<dt>Time range:</dt><dd>{escape(time_range)}</dd>"
        f"<dt>Windows:</dt><dd>{grouped(len(ws))}</dd></dl>"
    )
    body = [
        f"<header><h1>{escape(title)}</h1>{meta}",
        _status(
            total_leaks,
            bool(ws or leak_rows),
            window_leaks,
            len(leak_rows),
            residuals,
            over_budget=over_budget,
        ),
        f'<div class="cards">{cards}</div></header>',
    ]

    if not ws:
        body.append(
            '<section><div class="empty"><strong>No audit data yet.</strong> Charts and the seal '
            "chain appear here once the job has sealed its first window.</div></section>"
        )
    else:
        show_versions = len(datasets) <= 1 and len({w.policy_version for w in ws}) > 1
        rows_series = [
            Series("rows masked", BLUE, [w.rows_masked for w in ws]),
            Series("rows quarantined", ORANGE, [w.rows_quarantined for w in ws]),
        ]
        body.append(
            "<section><h2>Rows</h2>"
            + column_chart(
                ws,
                rows_series,
                kind="rows",
                title="Rows per window",
                unit="rows",
                show_versions=show_versions,
            )
            + "</section>"
        )
        body.append(
            "<section><h2>Values masked</h2>"
            + column_chart(
                ws,
                values_series(ws),
                kind="values",
                title="Values masked per window",
                unit="values masked",
                show_versions=show_versions,
            )
            + hbar_chart(
                dict(per_pair),
                kind="field-op",
                title="Values masked per field:operator",
                color=BLUE,
            )
            + "</section>"
        )
        body.append(
            "<section><h2>Scrub detections</h2>"
            + hbar_chart(
                dict(detections),
                kind="detections",
                title="Detections per entity type",
                color=GREEN,
            )
            + "</section>"
        )

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
        body.append("<section><h2>Seal chain</h2>" + _seal_table(ws) + "</section>")

    body.append(
        '<footer><p class="note">Generated by maskstream from the audit tables. Leak hits record '
        "where a value was found, never the value itself.</p></footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
