"""The audit HTML report: banner, totals, charts, escaping, edge cases and no leaked values."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from maskstream.audit_report import render_html

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
    banner = re.search(r'<div class="status status-(\w+)".*?</div>', page, flags=re.S)
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
    assert "ssn:mask_show_last: 208" in page  # horizontal bar tooltip: 100 + 101 + 7
    assert "EMAIL: 11" in page


@pytest.mark.parametrize("n", [1, 3, 24, 300])
def test_one_column_per_window(n: int) -> None:
    windows = [
        window(
            0,
            window_start=f"2026-01-{1 + i // 24:02d} {i % 24:02d}:00:00",
            window_end=f"2026-01-{1 + i // 24:02d} {i % 24:02d}:59:59.999",
        )
        for i in range(n)
    ]
    page = render_html(windows, [])
    assert kind_count(page, "rows") == n
    assert kind_count(page, "values") == n
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
    # Each window links back to the one before it.
    assert '✓ <a href="#seal-1">#1</a>' in seal_rows[1]
    assert "chain start" in seal_rows[0]


def test_leak_chart_and_table() -> None:
    digest = "ab" * 32
    page = render_html(
        [window(0, leak_hits=1), window(1)],
        [leak(0, row_digest=digest, source_ref="kafka:topic/0/42")],
    )
    assert kind_count(page, "leaks") == 2
    assert f">{digest[:12]}…<" in page
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
    assert len(parsed) == 5  # rows, values, field:operator, detections, leaks
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
