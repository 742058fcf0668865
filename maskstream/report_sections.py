"""The audit report's sections beyond the charts: the verification verdict, provenance, the
policy, token key ids, the windows, the full seal chain and the sign-off. Pure: HTML from data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from maskstream.report_charts import Window, escape, grouped, plural, version_key
from maskstream.report_facts import Provenance, VerifyOutcome
from udfs.policy.model import Policy

RUN_COMMAND = "maskstream audit --html FILE"


def verify_banner(outcome: VerifyOutcome | None) -> str:
    """VERIFIED only when a verification ran and passed; anything else says NOT VERIFIED."""
    if outcome is None:
        return (
            '<div class="status status-unverified" role="alert" data-verdict="none">'
            "✗ NOT VERIFIED<small>No verification ran for this report: the seal chain and the "
            f"windows below are as recorded, not checked. Write it with <code>{RUN_COMMAND}"
            "</code>, which runs <code>maskstream verify</code> first.</small></div>"
        )
    if outcome.verified:
        return (
            '<div class="status status-verified" role="status" data-verdict="verified">'
            f"✓ VERIFIED<small>maskstream verify ran at {escape(outcome.ran_at)}, when this "
            f"report was written: {escape(outcome.verdict.removeprefix('VERIFIED: '))} "
            f"({plural(outcome.windows_checked, 'window')} checked).</small></div>"
        )
    return (
        '<div class="status status-unverified" role="alert" data-verdict="not-verified">'
        f"✗ NOT VERIFIED<small>maskstream verify ran at {escape(outcome.ran_at)}, when this "
        f"report was written: {escape(outcome.verdict)}. "
        f"{escape(plural(len(outcome.findings), 'finding'))} below.</small></div>"
    )


def verification_section(outcome: VerifyOutcome | None) -> str:
    if outcome is None:
        return (
            '<section id="verification"><h2>Verification</h2><p class="note">Not run. '
            "Nothing in this report has been checked against the masked table.</p></section>"
        )
    facts = (
        '<dl class="facts">'
        f"<dt>Result</dt><dd><strong>{'VERIFIED' if outcome.verified else 'NOT VERIFIED'}"
        f"</strong></dd><dt>Ran at</dt><dd>{escape(outcome.ran_at)}</dd>"
        f"<dt>Verdict</dt><dd>{escape(outcome.verdict)}</dd>"
        f"<dt>Windows</dt><dd>{grouped(outcome.windows_ok)} of "
        f"{grouped(outcome.windows_checked)} match their seals</dd></dl>"
    )
    parts = ['<section id="verification"><h2>Verification</h2>', facts]
    if outcome.findings:
        items = "".join(f"<li><code>{escape(f)}</code></li>" for f in outcome.findings)
        parts.append(f'<h3>Findings</h3><ul class="findings bad">{items}</ul>')
    if outcome.notes:
        items = "".join(f"<li><code>{escape(n)}</code></li>" for n in outcome.notes)
        parts.append(f'<h3>Checked</h3><ul class="findings">{items}</ul>')
    parts.append(
        '<p class="note">The verification re-reads the masked table, recomputes every row '
        "digest and window hash and compares them with the seals, walks the seal chain, and "
        "on Iceberg tables checks that every snapshot is an append.</p></section>"
    )
    return "".join(parts)


@dataclass
class AuditRun:
    """One audit run: the masked table's snapshot it read, and the windows it sealed."""

    snapshot: str
    windows: list[int] = field(default_factory=list)  # 1-based, in the report's window order
    rows: int = 0
    quarantine_snapshots: set[str] = field(default_factory=set)


def audit_runs(windows: list[Window]) -> list[AuditRun]:
    """Distinct (`masked_snapshot`, `quarantine_snapshot`) of the seals: an audit run reads up
    to one snapshot of each table (a run that only counted new quarantine reads the same masked
    snapshot as the run before it), in the order the seal chain reaches them."""
    next_of = {w.prev_seal: i for i, w in enumerate(windows) if w.prev_seal}
    seals = {w.seal for w in windows}
    order: list[int] = []
    seen: set[int] = set()
    for i, w in enumerate(windows):
        if w.prev_seal is None or w.prev_seal not in seals:  # a chain start, or its first here
            j: int | None = i
            while j is not None and j not in seen:
                seen.add(j)
                order.append(j)
                j = next_of.get(windows[j].seal)
    order += [i for i in range(len(windows)) if i not in seen]
    runs: dict[tuple[str, str], AuditRun] = {}
    for i in order:
        w = windows[i]
        run = runs.setdefault(
            (w.masked_snapshot, w.quarantine_snapshot), AuditRun(w.masked_snapshot)
        )
        run.windows.append(i + 1)
        run.rows += windows[i].rows_masked
        if windows[i].quarantine_snapshot:
            run.quarantine_snapshots.add(windows[i].quarantine_snapshot)
    return list(runs.values())


def provenance_section(
    provenance: Provenance | None, windows: list[Window], versions: list[str]
) -> str:
    runs = audit_runs(windows)
    if provenance is None:
        facts = '<p class="note">Not given: this report was rendered without its provenance.</p>'
    else:
        rows = [
            ("Generated at", provenance.generated_at),
            ("maskstream", provenance.maskstream_version),
            ("Apache Flink (PyFlink)", provenance.flink_version),
            ("Dataset", provenance.dataset),
            ("Profile", provenance.profile or "—"),
            ("Policy file", provenance.policy_file or "—"),
            ("Policy version (file)", provenance.policy_version or "—"),
        ]
        facts = (
            '<dl class="facts" data-section="provenance">'
            + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
            + "</dl>"
        )
    facts += (
        '<dl class="facts"><dt>Policy versions sealed</dt>'
        f"<dd>{escape(', '.join(versions) or '—')}</dd></dl>"
    )
    if runs:
        body = "".join(
            f'<tr><td class="num">{k}</td><td><code>{escape(r.snapshot or "—")}</code></td>'
            f"<td><code>{escape(', '.join(sorted(r.quarantine_snapshots)) or '—')}</code></td>"
            f'<td class="num">{grouped(len(r.windows))}</td><td class="num">{grouped(r.rows)}</td>'
            f"<td>{_window_span(r.windows)}</td></tr>"
            for k, r in enumerate(runs, start=1)
        )
        facts += (
            f"<h3>Audit runs ({grouped(len(runs))})</h3>"
            '<p class="note">Each audit run seals what the mask job committed since the run '
            "before it and names, in each seal, the masked table's Iceberg snapshot it read up "
            "to, and the quarantine table's snapshot it counted. A dash: the seal names none "
            "(the parquet profile, or seals written before snapshots were named).</p>"
            '<div class="scroll"><table><thead><tr><th class="num">Run</th>'
            "<th>Masked snapshot read</th><th>Quarantine snapshot counted</th>"
            '<th class="num">Windows sealed</th>'
            '<th class="num">Rows sealed</th><th>Windows (#)</th></tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )
    return f'<section id="provenance"><h2>Provenance</h2>{facts}</section>'


def _window_span(positions: list[int]) -> str:
    ordered = sorted(positions)
    spans: list[str] = []
    start = prev = ordered[0]
    for p in [*ordered[1:], None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        text = f"#{start}" if start == prev else f"#{start}–#{prev}"
        spans.append(f'<a href="#seal-{start}">{text}</a>')
        if p is not None:
            start = prev = p
    return ", ".join(spans)


def policy_section(policy: Policy | None, versions: list[str]) -> str:
    if policy is None:
        return (
            '<section id="policy"><h2>Policy</h2><p class="note">Not given: this report was '
            "rendered without the policy, so it cannot say which fields stay in clear.</p>"
            "</section>"
        )
    rows = []
    for f in policy.fields:
        clear = f.operator.leaves_clear(f.input_type, f.params).what
        tags = ", ".join(f.tags) or "—"
        rows.append(
            f'<tr{" class=clear" if f.is_keep else ""} data-field="{escape(f.name)}">'
            f"<td><code>{escape(f.name)}</code></td><td><code>{escape(f.input_type.sql)}</code>"
            f"</td><td>{escape(tags)}</td><td><code>{escape(f.describe())}</code></td>"
            f"<td>{'<strong>the whole value (in clear)</strong>' if f.is_keep else escape(clear)}"
            "</td></tr>"
        )
    kept = [f.name for f in policy.fields if f.is_keep]
    kept_html = (
        ", ".join(f"<code>{escape(k)}</code>" for k in kept)
        if kept
        else "none: every field is masked"
    )
    other = [v for v in versions if v != str(policy.version)]
    older = (
        f'<p class="note">Windows sealed under policy version {escape(", ".join(other))} are '
        f"in this report too; this section shows version {policy.version}, the policy file as "
        "it is now.</p>"
        if other
        else ""
    )
    return (
        '<section id="policy"><h2>Policy</h2>'
        f"<p><strong>{escape(policy.dataset)} v{policy.version}</strong> "
        f"({escape(policy.source)}): {plural(len(policy.fields), 'field')}, "
        f"{grouped(len(policy.masked))} masked, {grouped(len(kept))} kept in clear."
        f"{' ' + escape(policy.description) if policy.description else ''}</p>{older}"
        f'<div class="clear-list" data-section="kept"><strong>Stays in clear (<code>keep</code>):'
        f"</strong> {kept_html}</div>"
        '<div class="scroll"><table class="policy"><thead><tr><th>Field</th><th>Type</th>'
        "<th>Tags</th><th>Rule</th><th>Leaves in clear</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def key_summary(windows: list[Window]) -> str:
    """Rows per token key id, where each was first and last seen: a rotation is visible."""
    rows: Counter[str] = Counter()
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, w in enumerate(windows, start=1):
        for key, n in w.rows_by_key.items():
            rows[key] += n
            first.setdefault(key, i)
            last[key] = i
    if not rows:
        return '<p class="note">No rows, so no token key id.</p>'
    keys = sorted(rows, key=lambda k: (first[k], k))
    body = "".join(
        f'<tr data-key="{escape(k)}"><td><code>{escape(k)}</code></td>'
        f'<td class="num">{grouped(rows[k])}</td>'
        f'<td class="num">{grouped(sum(1 for w in windows if k in w.rows_by_key))}</td>'
        f'<td><a href="#seal-{first[k]}">#{first[k]}</a> {escape(windows[first[k] - 1].start)}</td>'
        f'<td><a href="#seal-{last[k]}">#{last[k]}</a> {escape(windows[last[k] - 1].end)}</td></tr>'
        for k in keys
    )
    if len(keys) > 1:
        steps = "; ".join(
            f"<code>{escape(k)}</code> from window #{first[k]} "
            f"({escape(windows[first[k] - 1].start)})"
            for k in keys[1:]
        )
        ended = "; ".join(
            f"<code>{escape(k)}</code> last in window #{last[k]}"
            for k in keys
            if last[k] < len(windows)
        )
        said = (
            f"<p><strong>Key rotation:</strong> {' → '.join(map(escape, keys))}: {steps}"
            f"{'; ' + ended if ended else ''}.</p>"
        )
    else:
        said = f"<p>One token key id throughout: <code>{escape(keys[0])}</code>.</p>"
    return (
        f"{said}"
        '<div class="scroll"><table><thead><tr><th>Token key id</th><th class="num">Rows</th>'
        '<th class="num">Windows</th><th>First window</th><th>Last window (end)</th></tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _counts_cell(counts: dict[str, int]) -> str:
    if not counts:
        return "—"
    return "<br>".join(f"<code>{escape(k)}</code> {grouped(v)}" for k, v in sorted(counts.items()))


def window_label(w: Window) -> str:
    """`2026-01-01 08:00:00.000 – 09:00:00.000`: the end's date only when it differs."""
    day, _, clock = w.end.partition(" ")
    end = clock if clock and w.start.startswith(day + " ") else w.end
    return f'<span class="nw">{escape(w.start)}</span> – <span class="nw">{escape(end)}</span>'


def _quarantined_cell(n: int | None) -> str:
    return '<span class="muted">not counted</span>' if n is None else grouped(n)


def windows_table(windows: list[Window]) -> str:
    rows = "".join(
        f'<tr><td class="num"><a href="#seal-{i}">{i}</a></td>'
        f'<td class="when">{window_label(w)}</td>'
        f'<td class="num">{escape(w.policy_version)}</td>'
        f'<td class="num">{grouped(w.rows_masked)}</td><td>{_counts_cell(w.rows_by_key)}</td>'
        f'<td class="num">{_quarantined_cell(w.rows_quarantined)}</td>'
        f"<td>{_counts_cell(w.quarantine_classes)}</td>"
        f'<td class="num">{grouped(w.values_masked)}</td>'
        f'<td class="num{" bad" if w.leak_hits else ""}">{grouped(w.leak_hits)}</td></tr>'
        for i, w in enumerate(windows, start=1)
    )
    return (
        '<div class="scroll"><table class="windows"><thead><tr><th class="num">#</th>'
        '<th>Window</th><th class="num">Policy</th><th class="num">Rows masked</th>'
        '<th>Rows per key id</th><th class="num">Quarantined</th><th>Quarantined per class</th>'
        '<th class="num">Values masked</th><th class="num">Leak hits</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def seal_table(windows: list[Window]) -> str:
    """Every seal, row-set hash and previous seal in full: links say what the rows record,
    the verification above says whether they hold."""
    first_row: dict[str, int] = {}
    for i, w in enumerate(windows, start=1):
        if w.seal:
            first_row.setdefault(w.seal, i)
    starts = links = outside = 0
    rows = []
    for i, w in enumerate(windows, start=1):
        if w.prev_seal is None:
            starts += 1
            link = "chain start"
        elif w.prev_seal in first_row:  # earlier or later in window order: the chain's own
            links += 1
            k = first_row[w.prev_seal]
            link = f'follows <a href="#seal-{k}">#{k}</a>'
        else:
            outside += 1
            link = "follows a seal not in this report"
        prev = f"<code>{escape(w.prev_seal)}</code>" if w.prev_seal else "—"
        rows.append(
            f'<tr id="seal-{i}"><td class="num">{i}</td>'
            f'<td class="when">{window_label(w)}<br>policy v{escape(w.policy_version)}, '
            f"{plural(w.rows_masked, 'row')}, {link}<br>snapshot "
            f"<code>{escape(w.masked_snapshot or '—')}</code></td>"
            f'<td class="hash"><dl><dt>seal</dt><dd><code>{escape(w.seal)}</code></dd>'
            f"<dt>row-set hash</dt><dd><code>{escape(w.row_set_hash)}</code></dd>"
            f"<dt>prev seal</dt><dd>{prev}</dd></dl></td></tr>"
        )
    summary = (
        f'<p class="note">{plural(len(windows), "sealed window")}: '
        f"{plural(starts, 'chain start')}, {grouped(links)} following another window here, "
        f"{grouped(outside)} following a seal outside this report. The links are as the audit "
        "rows record them; the verification above is what checks them. Every hash is a SHA-256, "
        "in full (the row-set hash: of the window's MuHash).</p>"
    )
    return (
        f'{summary}<div class="scroll"><table class="seals"><thead><tr><th class="num">#</th>'
        "<th>Window</th><th>Seal, row-set hash, previous seal</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def sign_off() -> str:
    cells = "".join(
        f'<div class="sign"><span class="line"></span>{label}</div>'
        for label in ("Reviewed by (name)", "Role", "Date", "Signature")
    )
    return (
        '<section id="sign-off"><h2>Sign-off</h2><p class="note">I have reviewed this report: '
        "the verification result and the time it ran, the policy and the fields it keeps in "
        "clear, the token key ids, the quarantine and the seals.</p>"
        f'<div class="signs">{cells}</div></section>'
    )


def sorted_versions(versions: set[str]) -> list[str]:
    return sorted((v for v in versions if v), key=version_key)
