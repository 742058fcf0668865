"""The audit report's parts: sealed windows as the report reads them, and the SVG charts
(column and bar charts, Okabe-Ito colours, text alternatives) it draws of them."""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
_PALETTE = (BLUE, ORANGE, GREEN, "#CC79A7", "#56B4E9", "#F0E442", VERMILLION)

_SVG_W = 760
_PAD_L, _PAD_R, _PAD_T, _PAD_B = 56, 16, 14, 40
_COL_H = 260
_HBAR_LABEL_W = 220
_HBAR_ROW_H = 22
_HBAR_MAX_ROWS = 40
LEAK_TABLE_MAX = 1000
_SHORT = 12
NO_KEY = "(no key id)"
UNCLASSIFIED = "(not classified)"

_TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")


def escape(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def as_count(value: object) -> int:
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
    return {str(k): as_count(v) for k, v in value.items()}


def grouped(n: int) -> str:
    return f"{n:,}"


def _compact(n: float) -> str:
    """Short axis label: 950, 1.2k, 3M."""
    for div, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if abs(n) >= div:
            s = f"{n / div:.1f}".rstrip("0").rstrip(".")
            return s + suffix
    return str(int(n))


def shorten(value: object) -> str:
    text = "" if value is None else str(value)
    return text[:_SHORT] + "…" if len(text) > _SHORT else text


def plural(n: int, word: str) -> str:
    return f"{grouped(n)} {word}" if n == 1 else f"{grouped(n)} {word}s"


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
class Window:
    dataset: str
    policy_version: str
    start: str
    end: str
    rows_masked: int
    # None: the audit that sealed this window did not count quarantined records (a streaming
    # audit of a topic); shown as "not counted", never as 0.
    rows_quarantined: int | None
    masked_values: dict[str, int]
    detections: dict[str, int]
    leak_hits: int
    row_set_hash: str
    prev_seal: str | None
    seal: str
    residual_values: dict[str, int] = field(default_factory=dict)
    # Rows per token key id, rows quarantined per class, and the masked (quarantine) table's
    # snapshot the audit run that sealed this window read (older rows lack them: {} and "").
    tokens_by_key: dict[str, int] = field(default_factory=dict)
    quarantined_by_class: dict[str, int] = field(default_factory=dict)
    masked_snapshot: str = ""
    quarantine_snapshot: str = ""

    @property
    def values_masked(self) -> int:
        return sum(self.masked_values.values())

    @property
    def rows_by_key(self) -> dict[str, int]:
        """Rows per token key id; rows no key id accounts for are counted apart."""
        rows = {k: v for k, v in self.tokens_by_key.items() if v > 0}
        rest = self.rows_masked - sum(rows.values())
        if rest > 0:
            rows[NO_KEY] = rest
        return rows

    @property
    def quarantine_classes(self) -> dict[str, int]:
        """Rows quarantined per class; rows an older audit row did not classify counted apart."""
        classes = {k: v for k, v in self.quarantined_by_class.items() if v > 0}
        rest = (self.rows_quarantined or 0) - sum(classes.values())
        if rest > 0:
            classes[UNCLASSIFIED] = rest
        return classes


@dataclass
class Series:
    name: str
    color: str
    values: list[int]


def as_text(value: object) -> str:
    return "" if value is None else str(value)


def parse_window(raw: dict[str, Any]) -> Window:
    prev = raw.get("prev_seal")
    return Window(
        dataset=as_text(raw.get("dataset")),
        policy_version=as_text(raw.get("policy_version")),
        start=as_text(raw.get("window_start")),
        end=as_text(raw.get("window_end")),
        rows_masked=as_count(raw.get("rows_masked")),
        rows_quarantined=(
            None if raw.get("rows_quarantined") is None else as_count(raw["rows_quarantined"])
        ),
        masked_values=parse_counts(raw.get("masked_values")),
        detections=parse_counts(raw.get("detections")),
        leak_hits=as_count(raw.get("leak_hits")),
        row_set_hash=as_text(raw.get("row_set_hash")),
        prev_seal=None if prev in (None, "") else str(prev),
        residual_values=parse_counts(raw.get("residual_values")),
        seal=as_text(raw.get("seal")),
        tokens_by_key=parse_counts(raw.get("tokens_by_key")),
        quarantined_by_class=parse_counts(raw.get("quarantined_by_class")),
        masked_snapshot=as_text(raw.get("masked_snapshot")),
        quarantine_snapshot=as_text(raw.get("quarantine_snapshot")),
    )


def version_key(v: str) -> tuple[int, int | str]:
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
        f'preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>'
        f"<desc>{escape(desc)}</desc>"
    )


def _legend(series: list[Series]) -> str:
    items = "".join(
        f'<span class="item"><span class="sw" style="background:{s.color}"></span>'
        f"{escape(s.name)}</span>"
        for s in series
    )
    return f'<div class="legend">{items}</div>'


def column_chart(
    windows: list[Window],
    series: list[Series],
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
            f'<text x="{_PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(_compact(t))}</text>'
        )
    if show_versions:
        for i, w in enumerate(windows):
            if i and w.policy_version != windows[i - 1].policy_version:
                x = _PAD_L + i * slot
                parts.append(
                    f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{_PAD_T}" y2="{base_y}"/>'
                    f'<text x="{x + 3:.1f}" y="{_PAD_T + 9}">'
                    f"policy v{escape(w.policy_version)}</text>"
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
                f'<rect data-series="{escape(s.name)}" x="{x:.2f}" y="{y:.2f}" width="{bar_w:.2f}" '
                f'height="{h:.2f}" fill="{s.color}"/>'
            )
        lines = [f"{w.start} – {w.end}", f"{w.dataset} · policy v{w.policy_version}"]
        lines += [f"{s.name}: {grouped(s.values[i])}" for s in series if s.values[i]]
        if not any(s.values[i] for s in series):
            lines.append(f"no {unit}")
        parts.append(
            f'<rect class="hit" data-kind="{escape(kind)}" data-window="{i}" '
            f'x="{_PAD_L + i * slot:.2f}" '
            f'y="{_PAD_T}" width="{slot:.2f}" height="{plot_h}">'
            f"<title>{escape(chr(10).join(lines))}"
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
            f'<text x="{cx:.1f}" y="{base_y + 16}" text-anchor="middle">{escape(labels[i])}</text>'
        )
    parts.append(
        f'<text x="{_PAD_L + plot_w / 2:.1f}" y="{_COL_H - 6}" text-anchor="middle">'
        f"{escape(axis_caption)}</text></svg>"
    )
    legend = _legend(series) if len(series) > 1 else ""
    return f"<figure><figcaption>{escape(title)}</figcaption>{legend}{''.join(parts)}</figure>"


def hbar_chart(items: dict[str, int], *, kind: str, title: str, color: str) -> str:
    """Horizontal bars of totals, largest first."""
    ranked = sorted(items.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked:
        return f'<p class="note">No {escape(title.lower())} recorded.</p>'
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
            f"<g><title>{escape(f'{label}: {grouped(value)}')}</title>"
            f'<text x="{_HBAR_LABEL_W - 8}" y="{y + 15}" text-anchor="end">{escape(shown)}</text>'
            f'<rect data-kind="{escape(kind)}" x="{_HBAR_LABEL_W}" y="{y + 3}" width="{w:.2f}" '
            f'height="{_HBAR_ROW_H - 6}" fill="{color}"/>'
            f'<text x="{_HBAR_LABEL_W + w + 6:.2f}" y="{y + 15}">'
            f"{escape(grouped(value))}</text></g>"
        )
    parts.append(
        f'<line class="axis" x1="{_HBAR_LABEL_W}" x2="{_HBAR_LABEL_W}" y1="{_PAD_T}" '
        f'y2="{height - 8}"/></svg>'
    )
    more = ""
    if hidden:
        more = (
            f'<p class="note">…and {grouped(len(hidden))} more, '
            f"totalling {grouped(sum(v for _, v in hidden))}.</p>"
        )
    return f"<figure><figcaption>{escape(title)}</figcaption>{''.join(parts)}{more}</figure>"


def stacked_series(
    windows: list[Window], counts: Callable[[Window], dict[str, int]]
) -> list[Series]:
    """One series per key of `counts(window)` (a key id, a quarantine class), largest first,
    each in its own colour: few enough keys to name every one in the legend."""
    totals: Counter[str] = Counter()
    per_window = [counts(w) for w in windows]
    for c in per_window:
        totals.update({k: max(0, v) for k, v in c.items()})
    ranked = [k for k, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    return [
        Series(k, _PALETTE[i % len(_PALETTE)], [c.get(k, 0) for c in per_window])
        for i, k in enumerate(ranked)
    ]


def values_per_field(windows: list[Window]) -> dict[str, int]:
    """Values masked per field over all windows, labelled `field (operator)`: one bar a field,
    whichever operators its policy versions used."""
    by_field: dict[str, Counter[str]] = {}
    for w in windows:
        for pair, n in w.masked_values.items():
            name, _, op = pair.partition(":")
            by_field.setdefault(name, Counter())[op] += n
    return {
        f"{name} ({', '.join(sorted(o for o in ops if o)) or '?'})": sum(ops.values())
        for name, ops in by_field.items()
    }
