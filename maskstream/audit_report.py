"""Render the audit tables (sealed windows and leak hits) as one self-contained HTML page."""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
_BLUE = "#0072B2"
_ORANGE = "#E69F00"
_GREEN = "#009E73"
_VERMILLION = "#D55E00"
_PALETTE = (_BLUE, _ORANGE, _GREEN, "#CC79A7", "#56B4E9", "#F0E442", _VERMILLION)
_OTHER_GREY = "#999999"

_SVG_W = 760
_PAD_L, _PAD_R, _PAD_T, _PAD_B = 56, 16, 14, 40
_COL_H = 260
_HBAR_LABEL_W = 220
_HBAR_ROW_H = 22
_HBAR_MAX_ROWS = 40
_STACK_MAX_SERIES = 6
_LEAK_TABLE_MAX = 1000
_SHORT = 12

_TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; margin: 0 auto; max-width: 1000px; padding: 1.5rem; color: #1f2328;
  background: #fff; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #d0d7de;
  padding-bottom: .25rem; }
.meta { color: #57606a; margin: 0 0 1rem; }
.meta dt { display: inline; font-weight: 600; }
.meta dd { display: inline; margin: 0 1.25rem 0 .25rem; }
.status { padding: .9rem 1.1rem; border-radius: 6px; font-size: 1.25rem; font-weight: 700;
  border: 2px solid; margin: 1rem 0; }
.status-ok { background: #e6f4ea; color: #0b5d1e; border-color: #1a7f37; }
.status-leak { background: #fdecea; color: #8a1c1c; border-color: #cf222e; }
.status-empty { background: #f6f8fa; color: #424a53; border-color: #8c959f; }
.status small { display: block; font-size: .85rem; font-weight: 400; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
.card { flex: 1 1 150px; border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem .8rem; }
.card .n { font-size: 1.4rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .l { color: #57606a; font-size: .85rem; }
.card.bad { border-color: #cf222e; color: #8a1c1c; }
figure { margin: 1rem 0 1.5rem; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
.legend { font-size: .85rem; color: #424a53; margin: .25rem 0; }
.legend span.item { margin-right: 1rem; white-space: nowrap; }
.sw { display: inline-block; width: .8em; height: .8em; margin-right: .3em;
  vertical-align: -.05em; border-radius: 2px; }
svg { display: block; width: 100%; height: auto; font-size: 11px; }
svg text { fill: #424a53; }
svg .grid { stroke: #d8dee4; stroke-width: 1; }
svg .axis { stroke: #8c959f; stroke-width: 1; }
svg .hit { fill: #000; fill-opacity: 0; }
svg .hit:hover { fill-opacity: .08; }
svg .marker { stroke: #6e7781; stroke-dasharray: 3 3; }
.note { color: #57606a; font-size: .9rem; }
.empty { padding: 1.5rem; border: 1px dashed #8c959f; border-radius: 6px; color: #424a53; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .85rem; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #d8dee4;
  vertical-align: top; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .95em; }
tr:target { background: #fff8c5; }
"""


def _e(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def _int(value: object) -> int:
    """A count from a data file: anything that is not a number counts as 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return 0


def parse_counts(value: object) -> dict[str, int]:
    """Parse a JSON object of counts; missing or malformed input is an empty mapping."""
    if isinstance(value, (str, bytes, bytearray)):
        try:
            value = json.loads(value)
        except (ValueError, TypeError):
            return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): _int(v) for k, v in value.items()}


def _fmt(n: int) -> str:
    return f"{n:,}"


def _compact(n: float) -> str:
    """Short axis label: 950, 1.2k, 3M."""
    for div, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if abs(n) >= div:
            s = f"{n / div:.1f}".rstrip("0").rstrip(".")
            return s + suffix
    return str(int(n))


def _short(value: object) -> str:
    text = "" if value is None else str(value)
    return text[:_SHORT] + "…" if len(text) > _SHORT else text


def _plural(n: int, word: str) -> str:
    return f"{_fmt(n)} {word}" if n == 1 else f"{_fmt(n)} {word}s"


def _nice_ticks(max_value: int, target: int = 4) -> list[int]:
    """Integer axis ticks from 0 past max_value, with a 1/2/5 x 10^k step."""
    if max_value <= 0:
        return [0, 1]
    raw = max_value / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for m in (1, 2, 5, 10):
        step = m * magnitude
        if step >= raw:
            break
    step_i = max(1, int(step))
    top = math.ceil(max_value / step_i) * step_i
    return list(range(0, top + 1, step_i))


@dataclass
class _Window:
    dataset: str
    policy_version: str
    start: str
    end: str
    rows_masked: int
    rows_quarantined: int
    masked_values: dict[str, int]
    detections: dict[str, int]
    leak_hits: int
    row_set_hash: str
    prev_seal: str | None
    seal: str

    @property
    def values_masked(self) -> int:
        return sum(self.masked_values.values())


@dataclass
class _Series:
    name: str
    color: str
    values: list[int]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _window(raw: dict[str, Any]) -> _Window:
    prev = raw.get("prev_seal")
    return _Window(
        dataset=_text(raw.get("dataset")),
        policy_version=_text(raw.get("policy_version")),
        start=_text(raw.get("window_start")),
        end=_text(raw.get("window_end")),
        rows_masked=_int(raw.get("rows_masked")),
        rows_quarantined=_int(raw.get("rows_quarantined")),
        masked_values=parse_counts(raw.get("masked_values")),
        detections=parse_counts(raw.get("detections")),
        leak_hits=_int(raw.get("leak_hits")),
        row_set_hash=_text(raw.get("row_set_hash")),
        prev_seal=None if prev in (None, "") else str(prev),
        seal=_text(raw.get("seal")),
    )


def _version_key(v: str) -> tuple[int, int | str]:
    return (0, int(v)) if v.lstrip("-").isdigit() else (1, v)


def _axis_labels(starts: list[str]) -> tuple[list[str], str]:
    """Short x-axis labels for window starts, and a caption naming the date if it is shared."""
    matches = [_TS.match(s) for s in starts]
    if not starts or not all(matches):
        return [s[:16] for s in starts], "window start"
    ms = [m for m in matches if m]
    with_seconds = any((m.group(6) or "00") != "00" for m in ms)

    def clock(m: re.Match[str]) -> str:
        hm = f"{m.group(4)}:{m.group(5)}"
        return f"{hm}:{m.group(6) or '00'}" if with_seconds else hm

    dates = {m.group(1, 2, 3) for m in ms}
    if len(dates) == 1:
        y, mo, d = next(iter(dates))
        return [clock(m) for m in ms], f"window start on {y}-{mo}-{d}"
    return [f"{m.group(2)}-{m.group(3)} {clock(m)}" for m in ms], "window start (month-day time)"


def _svg_open(height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {_SVG_W} {height}" '
        f'preserveAspectRatio="xMidYMid meet"><title>{_e(title)}</title><desc>{_e(desc)}</desc>'
    )


def _legend(series: list[_Series]) -> str:
    items = "".join(
        f'<span class="item"><span class="sw" style="background:{s.color}"></span>'
        f"{_e(s.name)}</span>"
        for s in series
    )
    return f'<div class="legend">{items}</div>'


def _column_chart(
    windows: list[_Window],
    series: list[_Series],
    *,
    kind: str,
    title: str,
    unit: str,
    show_versions: bool,
) -> str:
    """Stacked columns, one per window, with y ticks and thinned window-start labels."""
    n = len(windows)
    plot_w = _SVG_W - _PAD_L - _PAD_R
    plot_h = _COL_H - _PAD_T - _PAD_B
    base_y = _PAD_T + plot_h
    totals = [sum(max(0, s.values[i]) for s in series) for i in range(n)]
    ticks = _nice_ticks(max(totals, default=0))
    top = ticks[-1]
    slot = plot_w / n
    bar_w = slot if slot < 4 else slot * 0.78
    labels, axis_caption = _axis_labels([w.start for w in windows])

    parts = [
        _svg_open(_COL_H, title, f"{title}; {n} windows; y axis: {unit}; x axis: {axis_caption}")
    ]
    for t in ticks:
        y = base_y - plot_h * t / top
        parts.append(
            f'<line class="grid" x1="{_PAD_L}" x2="{_SVG_W - _PAD_R}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{_PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end">{_e(_compact(t))}</text>'
        )
    if show_versions:
        for i, w in enumerate(windows):
            if i and w.policy_version != windows[i - 1].policy_version:
                x = _PAD_L + i * slot
                parts.append(
                    f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{_PAD_T}" y2="{base_y}"/>'
                    f'<text x="{x + 3:.1f}" y="{_PAD_T + 9}">policy v{_e(w.policy_version)}</text>'
                )
    for i, w in enumerate(windows):
        x = _PAD_L + i * slot + (slot - bar_w) / 2
        y = float(base_y)
        for s in series:
            v = max(0, s.values[i])
            if not v:
                continue
            h = plot_h * v / top
            y -= h
            parts.append(
                f'<rect data-series="{_e(s.name)}" x="{x:.2f}" y="{y:.2f}" width="{bar_w:.2f}" '
                f'height="{h:.2f}" fill="{s.color}"/>'
            )
        lines = [f"{w.start} – {w.end}", f"{w.dataset} · policy v{w.policy_version}"]
        lines += [f"{s.name}: {_fmt(s.values[i])}" for s in series if s.values[i]]
        if not any(s.values[i] for s in series):
            lines.append(f"no {unit}")
        parts.append(
            f'<rect class="hit" data-kind="{_e(kind)}" data-window="{i}" '
            f'x="{_PAD_L + i * slot:.2f}" '
            f'y="{_PAD_T}" width="{slot:.2f}" height="{plot_h}"><title>{_e(chr(10).join(lines))}'
            "</title></rect>"
        )
    parts.append(
        f'<line class="axis" x1="{_PAD_L}" x2="{_SVG_W - _PAD_R}" y1="{base_y}" y2="{base_y}"/>'
    )
    step = math.ceil(n / max(1, plot_w // 90))
    for i in range(0, n, step):
        cx = _PAD_L + (i + 0.5) * slot
        parts.append(
            f'<line class="axis" x1="{cx:.1f}" x2="{cx:.1f}" y1="{base_y}" y2="{base_y + 4}"/>'
            f'<text x="{cx:.1f}" y="{base_y + 16}" text-anchor="middle">{_e(labels[i])}</text>'
        )
    parts.append(
        f'<text x="{_PAD_L + plot_w / 2:.1f}" y="{_COL_H - 6}" text-anchor="middle">'
        f"{_e(axis_caption)}</text></svg>"
    )
    legend = _legend(series) if len(series) > 1 else ""
    return f"<figure><figcaption>{_e(title)}</figcaption>{legend}{''.join(parts)}</figure>"


def _hbar_chart(items: dict[str, int], *, kind: str, title: str, color: str) -> str:
    """Horizontal bars of totals, largest first."""
    ranked = sorted(items.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked:
        return f'<p class="note">No {_e(title.lower())} recorded.</p>'
    hidden = ranked[_HBAR_MAX_ROWS:]
    ranked = ranked[:_HBAR_MAX_ROWS]
    top = max(1, *(v for _, v in ranked))
    value_w = 70
    bar_max = _SVG_W - _HBAR_LABEL_W - value_w - _PAD_R
    height = _PAD_T + len(ranked) * _HBAR_ROW_H + 8
    parts = [_svg_open(height, title, f"{title}; {len(ranked)} bars, largest first")]
    for i, (label, value) in enumerate(ranked):
        y = _PAD_T + i * _HBAR_ROW_H
        w = bar_max * max(0, value) / top
        shown = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            f"<g><title>{_e(f'{label}: {_fmt(value)}')}</title>"
            f'<text x="{_HBAR_LABEL_W - 8}" y="{y + 15}" text-anchor="end">{_e(shown)}</text>'
            f'<rect data-kind="{_e(kind)}" x="{_HBAR_LABEL_W}" y="{y + 3}" width="{w:.2f}" '
            f'height="{_HBAR_ROW_H - 6}" fill="{color}"/>'
            f'<text x="{_HBAR_LABEL_W + w + 6:.2f}" y="{y + 15}">{_e(_fmt(value))}</text></g>'
        )
    parts.append(
        f'<line class="axis" x1="{_HBAR_LABEL_W}" x2="{_HBAR_LABEL_W}" y1="{_PAD_T}" '
        f'y2="{height - 8}"/></svg>'
    )
    more = ""
    if hidden:
        more = (
            f'<p class="note">…and {_fmt(len(hidden))} more, '
            f"totalling {_fmt(sum(v for _, v in hidden))}.</p>"
        )
    return f"<figure><figcaption>{_e(title)}</figcaption>{''.join(parts)}{more}</figure>"


def _values_series(windows: list[_Window]) -> list[_Series]:
    """Values masked per window, split by the busiest field:operator pairs plus 'other'."""
    totals: Counter[str] = Counter()
    for w in windows:
        totals.update({k: max(0, v) for k, v in w.masked_values.items()})
    ranked = [k for k, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    if len(ranked) > _STACK_MAX_SERIES + 1:
        named, rest = ranked[:_STACK_MAX_SERIES], set(ranked[_STACK_MAX_SERIES:])
    else:
        named, rest = ranked, set()
    series = [
        _Series(k, _PALETTE[i % len(_PALETTE)], [w.masked_values.get(k, 0) for w in windows])
        for i, k in enumerate(named)
    ]
    if rest:
        other = [sum(v for k, v in w.masked_values.items() if k in rest) for w in windows]
        series.append(_Series(f"other ({len(rest)} pairs)", _OTHER_GREY, other))
    if not series:
        series = [_Series("values masked", _BLUE, [0] * len(windows))]
    return series


def _status(total_leaks: int, has_data: bool, window_leaks: int, table_leaks: int) -> str:
    if total_leaks:
        detail = (
            "Masked output contained values the scrubber recognised as personal data. "
            "See the leak hits below."
        )
        if window_leaks != table_leaks:
            detail += (
                f" (The sealed windows count {_fmt(window_leaks)}; the leak table holds "
                f"{_fmt(table_leaks)} rows.)"
            )
        return (
            f'<div class="status status-leak" role="alert">⚠ {_e(_plural(total_leaks, "leak hit"))}'
            f"<small>{_e(detail)}</small></div>"
        )
    if not has_data:
        return (
            '<div class="status status-empty" role="status">No audit data yet'
            "<small>No window has been sealed, so there is nothing to check.</small></div>"
        )
    return (
        '<div class="status status-ok" role="status">✓ No leaks found'
        "<small>The leak scan found no personal data in the masked output.</small></div>"
    )


def _leak_table(leaks: list[dict[str, Any]]) -> str:
    if not leaks:
        return '<p class="note">None: no leak hits were recorded.</p>'
    ordered = sorted(leaks, key=lambda r: _text(r.get("event_time")))
    shown = ordered[:_LEAK_TABLE_MAX]
    rows = []
    for r in shown:
        digest = _text(r.get("row_digest"))
        rows.append(
            "<tr>"
            f"<td>{_e(r.get('event_time'))}</td>"
            f"<td>{_e(r.get('dataset'))}</td>"
            f'<td class="num">{_e(r.get("policy_version"))}</td>'
            f"<td><code>{_e(r.get('field'))}</code></td>"
            f"<td>{_e(r.get('entity_type'))}</td>"
            f"<td><code>{_e(r.get('source_ref'))}</code></td>"
            f'<td><code title="{_e(digest)}">{_e(_short(digest))}</code></td>'
            "</tr>"
        )
    more = ""
    if len(ordered) > len(shown):
        more = f'<p class="note">Showing the first {_fmt(len(shown))} of {_fmt(len(ordered))}.</p>'
    return (
        '<div class="scroll"><table><thead><tr><th>Event time</th><th>Dataset</th>'
        '<th class="num">Policy</th><th>Field</th><th>Entity type</th><th>Source</th>'
        f"<th>Row digest</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>{more}"
    )


def _seal_table(windows: list[_Window]) -> str:
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
                f'<code title="{_e(w.prev_seal)}">{_e(_short(w.prev_seal))}</code> '
                "(not in this report)"
            )
        prev_in_dataset[w.dataset] = w.seal
        rows.append(
            f'<tr id="seal-{i}"><td class="num">{i}</td><td>{_e(w.dataset)}</td>'
            f"<td>{_e(w.start)} – {_e(w.end)}</td>"
            f'<td class="num">{_e(w.policy_version)}</td>'
            f'<td class="num">{_fmt(w.rows_masked)}</td>'
            f'<td class="num">{_fmt(w.rows_quarantined)}</td>'
            f'<td><code title="{_e(w.row_set_hash)}">{_e(_short(w.row_set_hash))}</code></td>'
            f'<td><code title="{_e(w.seal)}">{_e(_short(w.seal))}</code></td>'
            f"<td>{link}</td></tr>"
        )
    summary = (
        f'<p class="note">{_plural(len(windows), "sealed window")}: '
        f"{_plural(starts, 'chain start')}, {_fmt(links)} linked to an earlier window here, "
        f"{_fmt(outside)} pointing outside this report. ✓ marks a link to the previous window "
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
        (_window(w) for w in windows if isinstance(w, dict)),
        key=lambda w: (w.start, w.dataset, _version_key(w.policy_version), w.end),
    )
    leak_rows = [r for r in leaks if isinstance(r, dict)]

    datasets = sorted({w.dataset for w in ws} | {_text(r.get("dataset")) for r in leak_rows})
    versions = sorted(
        {w.policy_version for w in ws} | {_text(r.get("policy_version")) for r in leak_rows},
        key=_version_key,
    )
    datasets = [d for d in datasets if d]
    versions = [v for v in versions if v]
    if ws:
        time_range = f"{min(w.start for w in ws)} – {max(w.end or w.start for w in ws)}"
    elif leak_rows:
        times = sorted(_text(r.get("event_time")) for r in leak_rows)
        time_range = f"{times[0]} – {times[-1]} (leak events only)"
    else:
        time_range = "—"

    detections: Counter[str] = Counter()
    per_pair: Counter[str] = Counter()
    for w in ws:
        detections.update(w.detections)
        per_pair.update(w.masked_values)
    window_leaks = sum(w.leak_hits for w in ws)
    total_leaks = max(window_leaks, len(leak_rows))
    totals = [
        ("Rows masked", sum(w.rows_masked for w in ws), "rows-masked"),
        ("Rows quarantined", sum(w.rows_quarantined for w in ws), "rows-quarantined"),
        ("Values masked", sum(per_pair.values()), "values-masked"),
        ("Detections", sum(detections.values()), "detections"),
        ("Leak hits", total_leaks, "leak-hits"),
    ]
    cards = "".join(
        f'<div class="card{" bad" if key == "leak-hits" and n else ""}" data-total="{key}">'
        f'<div class="n">{_fmt(n)}</div><div class="l">{_e(label)}</div></div>'
        for label, n, key in totals
    )
    meta = (
        '<dl class="meta">'
        f"<dt>Dataset{'s' if len(datasets) != 1 else ''}:</dt>"
        f"<dd>{_e(', '.join(datasets) or '—')}</dd>"
        f"<dt>Policy version{'s' if len(versions) != 1 else ''}:</dt>"
        f"<dd>{_e(', '.join(versions) or '—')}</dd>"
        f"<dt>Time range:</dt><dd>{_e(time_range)}</dd>"
        f"<dt>Windows:</dt><dd>{_fmt(len(ws))}</dd></dl>"
    )
    body = [
        f"<header><h1>{_e(title)}</h1>{meta}",
        _status(total_leaks, bool(ws or leak_rows), window_leaks, len(leak_rows)),
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
            _Series("rows masked", _BLUE, [w.rows_masked for w in ws]),
            _Series("rows quarantined", _ORANGE, [w.rows_quarantined for w in ws]),
        ]
        body.append(
            "<section><h2>Rows</h2>"
            + _column_chart(
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
            + _column_chart(
                ws,
                _values_series(ws),
                kind="values",
                title="Values masked per window",
                unit="values masked",
                show_versions=show_versions,
            )
            + _hbar_chart(
                dict(per_pair),
                kind="field-op",
                title="Values masked per field:operator",
                color=_BLUE,
            )
            + "</section>"
        )
        body.append(
            "<section><h2>Scrub detections</h2>"
            + _hbar_chart(
                dict(detections),
                kind="detections",
                title="Detections per entity type",
                color=_GREEN,
            )
            + "</section>"
        )

    leak_parts = ["<section><h2>Leak hits</h2>"]
    if ws and window_leaks:
        leak_parts.append(
            _column_chart(
                ws,
                [_Series("leak hits", _VERMILLION, [w.leak_hits for w in ws])],
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
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
