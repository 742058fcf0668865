"""The audit HTML report: verdict, banner, totals, charts, policy, key ids, quarantine, seals,
provenance, escaping, edge cases and no leaked values."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from maskstream.audit_report import render_html
from maskstream.report_charts import grouped
from maskstream.report_facts import Provenance, VerifyOutcome
from udfs.policy.model import compile_policy

SVG_NS = "{http://www.w3.org/2000/svg}"
FAKE_SSN = "123-45-6789"  # synthetic, the kind of value a leak row must never carry


def window(i: int, **over: Any) -> dict[str, Any]:
    """A synthetic sealed window; i picks the hour and makes the hashes distinct."""
    row = {
        "dataset": "customers",
        "policy_version": 1,
        "window_start": f"2026-01-01 {8 + i:02d}:00:00",
        "window_end": f"2026-01-01 {9 + i:02d}:00:00",
        "rows_masked": 100 + i,
        "rows_quarantined": i,
        "masked_values": json.dumps({"ssn:mask_show_last": 100 + i, "email:email": 50}),
        "detections": json.dumps({"EMAIL": 3, "CREDIT_CARD": 1}),
        "leak_hits": 0,
        "row_set_hash": f"{i:02x}" + "a" * 62,
        "prev_seal": None if i == 0 else f"{i - 1:02x}" + "5" * 62,
        "seal": f"{i:02x}" + "5" * 62,
    }
    row.update(over)
    return row


def leak(n: int = 0, **over: Any) -> dict[str, Any]:
    row = {
        "dataset": "customers",
        "policy_version": 1,
        "event_time": f"2026-01-01 08:{n:02d}:00",
        "source_ref": f"file:/data/events-0000{n}.jsonl",
        "row_digest": f"{n:02x}" + "d" * 62,
        "field": "notes",
        "entity_type": "US_SSN",
    }
    row.update(over)
    return row


def svgs(page: str) -> list[ET.Element]:
    """Every <svg> fragment parsed as XML (raises if one is not well-formed)."""
    fragments = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert page.count("<svg") == page.count("</svg>") == len(fragments)
    return [ET.fromstring(f) for f in fragments]


def total(page: str, key: str) -> str:
    m = re.search(rf'data-total="{key}"><div class="n">([^<]*)</div>', page)
    assert m, key
    return m.group(1)


def kind_count(page: str, kind: str) -> int:
    return len(re.findall(rf'<rect[^>]*data-kind="{kind}"', page))


@pytest.mark.parametrize(
    ("windows", "leaks", "expected", "absent"),
    [
        pytest.param([window(0)], [], "No leaks found", "leak hit", id="clean"),
        pytest.param([window(0, leak_hits=1)], [leak()], "1 leak hit<", "No leaks", id="one"),
        pytest.param(
            [window(0, leak_hits=2), window(1, leak_hits=1)],
            [leak(0), leak(1), leak(2)],
            "3 leak hits",
            "No leaks",
            id="several",
        ),
        # Leak rows without a matching window count still turn the banner red.
        pytest.param([window(0)], [leak()], "1 leak hit<", "No leaks", id="table-only"),
        pytest.param([], [], "No audit data yet", "No leaks found", id="empty"),
    ],
)
def test_status_banner(
    windows: list[dict[str, Any]], leaks: list[dict[str, Any]], expected: str, absent: str
) -> None:
    page = render_html(windows, leaks)
    banner = re.search(r'<div class="status status-(ok|leak|empty)".*?</div>', page, flags=re.S)
    assert banner
    assert expected in banner.group(0)
    assert absent not in banner.group(0)
    assert banner.group(1) == ("leak" if leaks else "ok" if windows else "empty")


def test_totals_for_a_small_fixture() -> None:
    windows = [
        window(0, leak_hits=1),
        window(1),
        window(2, masked_values='{"ssn:mask_show_last": 7}', detections='{"EMAIL": 5}'),
    ]
    page = render_html(windows, [leak()])
    assert total(page, "rows-masked") == "303"  # 100 + 101 + 102
    assert total(page, "rows-quarantined") == "3"  # 0 + 1 + 2
    assert total(page, "values-masked") == "308"  # 150 + 151 + 7
    assert total(page, "detections") == "13"  # 4 + 4 + 5
    assert total(page, "leak-hits") == "1"
    assert "2026-01-01 08:00:00 – 2026-01-01 11:00:00" in page
    assert "ssn (mask_show_last): 208" in page  # per-field bar tooltip: 100 + 101 + 7
    assert "EMAIL: 11" in page


@pytest.mark.parametrize("n", [1, 3, 24, 300])
def test_one_column_per_window(n: int) -> None:
    windows = [
        window(
            0,
            window_start=f"2026-01-{1 + i // 24:02d} {i % 24:02d}:00:00",
            window_end=f"2026-01-{1 + i // 24:02d} {i % 24:02d}:59:59.999",
            rows_quarantined=1,
        )
        for i in range(n)
    ]
    page = render_html(windows, [])
    assert kind_count(page, "rows") == n
    assert kind_count(page, "quarantine") == n
    assert kind_count(page, "field") == 2  # one bar a field, not a column a window
    assert kind_count(page, "leaks") == 0  # no leaks: no leak chart
    for w in windows:
        assert w["window_start"] in page  # in the bar tooltip and the seal table
    # Axis labels are thinned so they do not overlap.
    rows_svg = svgs(page)[0]
    labels = [t for t in rows_svg.iter(f"{SVG_NS}text") if t.get("text-anchor") == "middle"]
    assert 2 <= len(labels) <= 10 or n == 1


def test_windows_are_sorted_by_start() -> None:
    windows = [window(2), window(0), window(1)]
    page = render_html(windows, [])
    positions = [page.index(f'id="seal-{k}"') for k in (1, 2, 3)]
    assert positions == sorted(positions)
    seal_rows = re.findall(r'<tr id="seal-\d+">.*?</tr>', page)
    assert ["08:00:00" in seal_rows[0], "09:00:00" in seal_rows[1]] == [True, True]
    # Each window links back to the one before it, as recorded: no tick, nothing verified here.
    assert 'follows <a href="#seal-1">#1</a>' in seal_rows[1]
    assert "chain start" in seal_rows[0]
    assert "✓" not in page


def test_leak_chart_and_table() -> None:
    digest = "ab" * 32
    page = render_html(
        [window(0, leak_hits=1), window(1)],
        [leak(0, row_digest=digest, source_ref="kafka:topic/0/42")],
    )
    assert kind_count(page, "leaks") == 2
    assert f"<code>{digest}</code>" in page  # in full
    assert "kafka:topic/0/42" in page and "US_SSN" in page
    assert "2026-01-01 08:00:00" in page


def test_no_leaks_says_none() -> None:
    assert "None: no leak hits were recorded." in render_html([window(0)], [])


@pytest.mark.parametrize(
    ("field", "where"),
    [
        ("masked_values", lambda bad: json.dumps({f"{bad}:redact": 3})),
        ("detections", lambda bad: json.dumps({bad: 3})),
        ("dataset", lambda bad: bad),
        ("window_start", lambda bad: bad),
        ("seal", lambda bad: bad),
    ],
)
def test_window_values_are_escaped(field: str, where: Any) -> None:
    bad = "<script>alert(1)</script>"
    page = render_html([window(0, **{field: where(bad)})], [], title=bad)
    assert "<script" not in page
    assert "&lt;script&gt;" in page
    svgs(page)  # still well-formed


@pytest.mark.parametrize("key", ["field", "entity_type", "source_ref", "dataset", "event_time"])
def test_leak_values_are_escaped(key: str) -> None:
    page = render_html([window(0, leak_hits=1)], [leak(**{key: '<script>"x"</script>'})])
    assert "<script" not in page
    assert "&lt;script&gt;&quot;x&quot;" in page


def test_zero_windows() -> None:
    page = render_html([], [])
    assert page.startswith("<!DOCTYPE html>")
    assert "No audit data yet" in page
    assert "<svg" not in page
    assert total(page, "rows-masked") == "0"


def test_zero_windows_but_leak_rows() -> None:
    page = render_html([], [leak(3)])
    assert "1 leak hit" in page and "notes" in page
    assert "No audit data yet" in page


@pytest.mark.parametrize(
    "bad",
    [None, "", "not json", "{", "[1, 2]", '"text"', "42", '{"a": "x", "b": null, "c": [1]}', {}],
)
def test_malformed_json_counts_do_not_crash(bad: Any) -> None:
    w = window(0, masked_values=bad, detections=bad)
    page = render_html([w, window(1)], [])
    assert kind_count(page, "rows") == 2
    svgs(page)


def test_missing_keys_and_junk_rows_do_not_crash() -> None:
    page = render_html([{"window_start": "2026-01-01 08:00:00"}, "junk"], [{}, 7])  # type: ignore[list-item]
    assert kind_count(page, "rows") == 1
    svgs(page)


def test_several_policy_versions() -> None:
    windows = [window(i, policy_version=1 if i < 3 else 2) for i in range(6)]
    page = render_html(windows, [])
    assert "Policy versions:</dt><dd>1, 2</dd>" in page
    assert "policy v2" in page  # marker where the version changes


def test_svgs_are_well_formed_and_accessible() -> None:
    windows = [window(i, leak_hits=i % 2) for i in range(5)]
    page = render_html(windows, [leak(i) for i in range(2)])
    parsed = svgs(page)
    assert len(parsed) == 6  # rows, quarantine per window and per class, fields, detections, leaks
    for svg in parsed:
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG_NS}title") is not None
    bars_with_tooltips = [
        r for svg in parsed for r in svg.iter(f"{SVG_NS}rect") if r.get("data-kind") == "rows"
    ]
    assert all(r.find(f"{SVG_NS}title") is not None for r in bars_with_tooltips)


def test_self_contained() -> None:
    page = render_html([window(i) for i in range(3)], [leak()])
    for needle in ("<script", "<link", "@import", "http://", "https://", "url("):
        without_ns = page.replace("http://www.w3.org/2000/svg", "")
        assert needle not in without_ns, needle
    assert "<title>maskstream audit</title>" in page


def test_undocumented_keys_are_never_rendered() -> None:
    leaky = leak(0, value=FAKE_SSN, raw={"ssn": FAKE_SSN}, original=f"ssn={FAKE_SSN}")
    w = window(0, leak_hits=1, value=FAKE_SSN, sample=FAKE_SSN)
    page = render_html([w], [leaky])
    assert FAKE_SSN not in page
    assert "6789" not in page


def test_the_all_clear_banner_names_what_was_checked_and_claims_no_more() -> None:
    page = render_html([window(0)], [])
    banner = re.search(r'<div class="status status-ok".*?</div>', page, flags=re.S)
    assert banner
    for label in ("emails", "phone numbers", "SSNs", "card numbers", "IBANs", "IP addresses",
                  "national ids", "dates of birth"):  # fmt: skip
        assert label in banner.group(0), label
    assert "looks for nothing else" in banner.group(0)
    assert "residual check replaced no value" in banner.group(0)


def test_residual_replacements_are_counted_per_field_on_the_page() -> None:
    windows = [
        window(0, residual_values=json.dumps({"birth_date": 3, "ssn": 1})),
        window(1, residual_values=json.dumps({"birth_date": 2})),
    ]
    page = render_html(windows, [])
    card = re.search(r'data-total="residuals"><div class="n">([\d,]+)</div>', page)
    assert card and card.group(1) == "6"
    assert "Residual values replaced" in page and "birth_date" in page
    assert "found 6 raw values" in page  # the banner says so too


def test_texts_over_the_scrub_budget_are_counted_apart_from_residual_values() -> None:
    windows = [window(0, residual_values=json.dumps({"(budget)": 2, "ssn": 1}))]
    page = render_html(windows, [])
    card = re.search(r'data-total="residuals"><div class="n">([\d,]+)</div>', page)
    assert card and card.group(1) == "1"
    banner = re.search(r'<div class="status status-ok".*?</div>', page, flags=re.S)
    assert banner
    assert "found 1 raw value " in banner.group(0)
    assert "2 free texts needed more work than the scrub budget" in banner.group(0)
    assert "[REDACTED:budget]" in page


def test_windows_written_before_residual_counts_render_with_none() -> None:
    page = render_html([window(0)], [])  # no residual_values column at all
    card = re.search(r'data-total="residuals"><div class="n">([\d,]+)</div>', page)
    assert card and card.group(1) == "0"


# --- A report to sign: verdict, policy, key ids, quarantine, seals, provenance -------------

POLICY_DOC = {
    "dataset": "customers",
    "version": 3,
    "fields": [
        {"name": "event_id", "type": "STRING", "tags": ["id.event"], "mask": "keep"},
        {"name": "event_time", "type": "TIMESTAMP(3)", "tags": ["time.event"], "mask": "keep"},
        {"name": "customer_id", "type": "STRING", "tags": ["pii.id"], "mask": {"op": "tokenize"}},
        {"name": "full_name", "type": "STRING", "tags": ["pii.name"],
         "mask": {"op": "redact", "value": "[NAME]"}},
        {"name": "email", "type": "STRING", "tags": ["pii.email"],
         "mask": {"op": "email", "mode": "tokenize"}},
        {"name": "ssn", "type": "STRING", "tags": ["pii.ssn"],
         "mask": {"op": "mask_show_last", "n": 4, "digit": "*"}},
        {"name": "birth_date", "type": "DATE", "tags": ["pii.birth_date"],
         "mask": {"op": "generalize", "to": "year"}},
        {"name": "ip_address", "type": "STRING", "tags": ["pii.ip"], "mask": "nullify"},
        {"name": "city", "type": "STRING", "tags": ["geo.city"], "mask": "keep"},
    ],
}  # fmt: skip
POLICY = compile_policy(POLICY_DOC, "conf/policies/customers.yaml")
RAN_AT = "2026-01-02 08:15:01 UTC"
VERIFIED = VerifyOutcome(
    True, RAN_AT, "VERIFIED: every window matches its seal", (), ("chain: intact",), 3, 3
)
FAILED = VerifyOutcome(
    False,
    RAN_AT,
    "FAILED: 1 window(s) differ, 0 chain problem(s), 0 history problem(s)",
    (
        "2026-01-01 09:00:00.000 .. 2026-01-01 10:00:00.000  v1  rows 100 (sealed 101)  "
        "MISMATCH: 1 row(s) missing",
    ),
    ("chain: intact",),
    3,
    2,
)
PROVENANCE = Provenance(
    generated_at="2026-01-02 08:15:03 UTC",
    maskstream_version="9.8.7",
    flink_version="2.2.1",
    dataset="customers",
    profile="local",
    policy_file="conf/policies/customers.yaml",
    policy_version="3",
)


def signed(windows: list[dict[str, Any]], verify: VerifyOutcome | None = VERIFIED) -> str:
    return render_html(windows, [], policy=POLICY, verify=verify, provenance=PROVENANCE)


def section(page: str, name: str) -> str:
    m = re.search(rf'<section id="{name}">.*?</section>', page, flags=re.S)
    assert m, name
    return m.group(0)


@pytest.mark.parametrize(
    ("verify", "verdict", "shown", "tick"),
    [
        # A verification that ran and passed: the only place a tick appears.
        (VERIFIED, "verified", ["✓ VERIFIED", RAN_AT, "every window matches its seal"], True),
        # One that ran and failed: NOT VERIFIED with every finding, and when it ran.
        (FAILED, "not-verified", ["NOT VERIFIED", RAN_AT, "1 row(s) missing", "FAILED"], False),
        # None ran (render_html called without one): never a tick.
        (None, "none", ["NOT VERIFIED", "No verification ran"], False),
        # Nothing to check is no verification either.
        (
            VerifyOutcome(False, RAN_AT, "NOT VERIFIED: nothing to check"),
            "not-verified",
            ["NOT VERIFIED", "nothing to check"],
            False,
        ),
    ],
)
def test_the_verify_verdict_and_when_it_ran_lead_the_report(
    verify: VerifyOutcome | None, verdict: str, shown: list[str], tick: bool
) -> None:
    page = signed([window(i) for i in range(3)], verify)
    banner = re.search(r'<div class="status status-\w+" role="\w+" data-verdict="([\w-]+)"', page)
    assert banner and banner.group(1) == verdict
    head = page[: page.index('<section id="provenance">')]  # banner and verification section
    for text in shown:
        assert text in head, text
    assert ("✓" in page) is tick
    if not tick:
        assert "✓ VERIFIED" not in page


@pytest.mark.parametrize(
    ("field", "rule", "clear"),
    [
        ("event_id", "keep", "the whole value (in clear)"),
        ("event_time", "keep", "the whole value (in clear)"),
        ("city", "keep", "the whole value (in clear)"),
        ("customer_id", "tokenize", "nothing"),
        ("full_name", "redact(value=&#x27;[NAME]&#x27;)", "nothing"),
        ("email", "email(mode=&#x27;tokenize&#x27;)", "the domain"),
        ("ssn", "mask_show_last(digit=&#x27;*&#x27;, n=4)", "the last 4 characters"),
        ("birth_date", "generalize(to=&#x27;year&#x27;)", "the year"),
        ("ip_address", "nullify", "nothing"),
    ],
)
def test_every_policy_field_shows_its_tags_rule_and_what_it_leaves_in_clear(
    field: str, rule: str, clear: str
) -> None:
    policy = section(signed([window(0)]), "policy")
    row = re.search(rf'<tr[^>]*data-field="{field}">.*?</tr>', policy, flags=re.S)
    assert row, field
    for tag in POLICY.field(field).tags:
        assert tag in row.group(0)
    assert f"<code>{rule}</code>" in row.group(0)
    assert clear in row.group(0)
    assert ("class=clear" in row.group(0)) is POLICY.field(field).is_keep


def test_the_fields_that_stay_in_clear_are_listed_with_the_policy_version_and_file() -> None:
    policy = section(signed([window(0)]), "policy")
    kept = re.search(r'data-section="kept">(.*?)</div>', policy, flags=re.S)
    assert kept
    listed = re.findall(r"<code>(\w+)</code>", kept.group(1))
    assert listed == ["keep", "event_id", "event_time", "city"]  # the heading names the rule
    assert "customers v3" in policy and "conf/policies/customers.yaml" in policy
    assert "9 fields, 6 masked, 3 kept in clear" in policy
    # Windows sealed under another version than the file's are said to be so.
    assert "Windows sealed under policy version 1" in policy


def test_without_a_policy_the_report_says_it_cannot_tell_what_stays_in_clear() -> None:
    page = render_html([window(0)], [])
    assert "cannot say which fields stay in clear" in section(page, "policy")


ROTATION = [
    {"k1": 100},
    {"k1": 101},
    {"k1": 40, "k2": 62},  # the window in which the new key takes effect
    {"k2": 103},
]


def test_key_ids_per_window_and_the_rotation_are_shown() -> None:
    windows = [window(i, tokens_by_key=json.dumps(k)) for i, k in enumerate(ROTATION)]
    page = signed(windows)
    keys = section(page, "rows")
    said = re.sub(r"<[^>]+>", "", keys)
    assert "Key rotation: k1 → k2: k2 from window #3" in said and "k1 last in window #3" in said
    k1 = re.search(r'<tr data-key="k1">(.*?)</tr>', keys, flags=re.S)
    k2 = re.search(r'<tr data-key="k2">(.*?)</tr>', keys, flags=re.S)
    assert k1 and ">241<" in k1.group(1)  # 100 + 101 + 40 rows
    assert k2 and ">165<" in k2.group(1)  # 62 + 103
    table = section(page, "windows")
    assert "<code>k1</code> 40<br><code>k2</code> 62" in table
    assert total(page, "key-ids") == "2"
    # The rows chart stacks each window's rows by key id, with both named in the legend.
    rows_svg = svgs(page)[0]
    assert {r.get("data-series") for r in rows_svg.iter(f"{SVG_NS}rect")} >= {"k1", "k2"}


@pytest.mark.parametrize(
    ("classes", "rows_quarantined", "expected"),
    [
        # The column as the audit job writes it: a JSON object of counts per class.
        ('{"malformed_json": 3, "missing_field": 1}', 4, {"malformed_json": 3, "missing_field": 1}),
        # Older rows have no column, or NULL: their quarantine is counted, not classified.
        (None, 2, {"(not classified)": 2}),
        ("missing", 0, {}),
        # Malformed JSON is no class.
        ("{not json", 1, {"(not classified)": 1}),
    ],
)
def test_quarantine_is_shown_per_class_and_per_window(
    classes: str | None, rows_quarantined: int, expected: dict[str, int]
) -> None:
    over: dict[str, Any] = {"rows_quarantined": rows_quarantined}
    if classes != "missing":
        over["quarantined_by_class"] = classes
    page = signed([window(0, **over), window(1, **over)])
    held = section(page, "quarantine")
    for name, n in expected.items():
        assert f"{name}: {grouped(2 * n)}" in held  # the per-class bar's tooltip: two windows
        assert f"<code>{name}</code> {n}" in section(page, "windows")
    if not expected:
        assert "No row was quarantined" in held
    assert total(page, "rows-quarantined") == grouped(2 * rows_quarantined)


def test_a_streaming_audits_uncounted_quarantine_is_not_shown_as_zero() -> None:
    # A streaming audit of a topic seals NULL: it did not count the quarantine.
    page = signed([window(0, rows_quarantined=None), window(1, rows_quarantined=3)])
    assert total(page, "rows-quarantined") == "3"
    assert "not counted in 1 streamed window(s)" in page
    assert section(page, "windows").count("not counted") == 1


def test_seals_row_set_hashes_and_previous_seals_appear_in_full() -> None:
    windows = [window(i) for i in range(4)]
    seals = section(signed(windows), "seals")
    for w in windows:
        for key in ("seal", "row_set_hash", "prev_seal"):
            if w[key] is not None:
                assert re.fullmatch(r"[0-9a-f]{64}", w[key])
                assert f"<code>{w[key]}</code>" in seals, key
    assert "…" not in seals
    assert 'class="hash"' in seals  # the monospace cell that wraps anywhere


def test_provenance_names_versions_profile_policy_and_audit_runs() -> None:
    windows = [
        window(i, masked_snapshot="6380546998754526864" if i < 2 else "7123456789012345678")
        for i in range(3)
    ]
    page = signed(windows)
    prov = section(page, "provenance")
    for text in ("2026-01-02 08:15:03 UTC", "9.8.7", "2.2.1", "local",
                 "conf/policies/customers.yaml", "Audit runs (2)"):  # fmt: skip
        assert text in prov, text
    runs = re.findall(r"<td><code>(\d+)</code></td>", prov)
    assert runs == ["6380546998754526864", "7123456789012345678"]  # in chain order
    assert "Generated:</dt><dd>2026-01-02 08:15:03 UTC" in page
    assert total(page, "audit-runs") == "2"


def test_a_signed_report_never_holds_a_raw_value() -> None:
    leaky = leak(0, value=FAKE_SSN, raw={"ssn": FAKE_SSN})
    w = window(0, leak_hits=1, value=FAKE_SSN, sample=FAKE_SSN,
               tokens_by_key=json.dumps({"k1": 100}),
               quarantined_by_class=json.dumps({"malformed_json": 1}))  # fmt: skip
    for verify in (VERIFIED, FAILED, None):
        page = render_html([w], [leaky], policy=POLICY, verify=verify, provenance=PROVENANCE)
        assert FAKE_SSN not in page and "6789" not in page
        svgs(page)
    assert "Sign-off" in page
