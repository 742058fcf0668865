"""The audit report in a real browser: a day of synthetic windows (two key ids, two quarantine
classes, ten masked fields) rendered and, where Chromium is installed, screenshotted headless."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from maskstream.audit_report import render_html
from maskstream.report_facts import Provenance, VerifyOutcome
from udfs.policy.model import compile_policy

# (hours, token key ids, quarantine classes): the day's windows, table-driven. The key
# rotates to k2 at 14:00; quarantine comes in two classes.
DAY = [
    (range(0, 14), ("k1",), {"malformed_json": 2, "missing_field": 1}),
    (range(14, 15), ("k1", "k2"), {"malformed_json": 4}),
    (range(15, 24), ("k2",), {"missing_field": 3}),
]
FIELDS = [
    ("customer_id", "pii.id", {"op": "tokenize"}),
    ("full_name", "pii.name", {"op": "redact", "value": "[NAME]"}),
    ("email", "pii.email", {"op": "email", "mode": "tokenize"}),
    ("phone", "pii.phone", {"op": "mask_show_last", "n": 2}),
    ("ssn", "pii.ssn", {"op": "mask_show_last", "n": 4, "digit": "*"}),
    ("card_number", "pci.pan", {"op": "mask_show_last", "n": 4, "digit": "*"}),
    ("username", "pii.username", {"op": "tokenize", "domain": "username"}),
    ("street_address", "pii.address", {"op": "redact", "value": "[ADDRESS]"}),
    ("postal_code", "pii.postal_code", {"op": "generalize", "prefix": 3}),
    ("ip_address", "pii.ip", "nullify"),
]
POLICY = compile_policy(
    {
        "dataset": "customers",
        "version": 2,
        "fields": [
            {"name": "event_id", "type": "STRING", "tags": ["id.event"], "mask": "keep"},
            {"name": "event_time", "type": "TIMESTAMP(3)", "tags": ["time.event"], "mask": "keep"},
            {"name": "city", "type": "STRING", "tags": ["geo.city"], "mask": "keep"},
            *({"name": n, "type": "STRING", "tags": [t], "mask": m} for n, t, m in FIELDS),
        ],
    },
    "conf/policies/customers.yaml",
)
PROVENANCE = Provenance(
    "2026-01-02 08:15:03 UTC", "0.1.0", "2.2.1", "customers", "local",
    "conf/policies/customers.yaml", "2",
)  # fmt: skip
OUTCOMES = {
    "verified": VerifyOutcome(
        True, "2026-01-02 08:15:01 UTC", "VERIFIED: every window matches its seal",
        (), ("chain: intact",), 24, 24,
    ),
    "not-verified": VerifyOutcome(
        False, "2026-01-02 08:15:01 UTC",
        "FAILED: 1 window(s) differ, 0 chain problem(s), 0 history problem(s)",
        ("2026-01-01 09:00:00.000 .. 2026-01-01 10:00:00.000  v2  rows 4,190 (sealed 4,191)  "
         "MISMATCH: 1 row(s) missing",), ("chain: intact",), 24, 23,
    ),
}  # fmt: skip


def _hex(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def day_of_windows() -> list[dict[str, Any]]:
    windows: list[dict[str, Any]] = []
    prev = None
    for hours, keys, classes in DAY:
        for h in hours:
            rows = 3800 + (h * 397) % 1900
            share = rows // len(keys)
            by_key = {k: share for k in keys}
            by_key[keys[-1]] += rows - share * len(keys)
            seal = _hex("seal", h)
            end = f"2026-01-01 {h + 1:02d}:00:00.000" if h < 23 else "2026-01-02 00:00:00.000"
            windows.append({
                "dataset": "customers", "policy_version": 2,
                "window_start": f"2026-01-01 {h:02d}:00:00.000", "window_end": end,
                "rows_masked": rows, "rows_quarantined": sum(classes.values()),
                "quarantined_by_class": json.dumps(classes),
                "masked_values": json.dumps(
                    {f"{n}:{m if isinstance(m, str) else m['op']}": rows - 7 * i
                     for i, (n, _, m) in enumerate(FIELDS)}
                ),
                "detections": json.dumps({"EMAIL": h % 4, "PHONE_NUMBER": h % 3}),
                "leak_hits": 0, "tokens_by_key": json.dumps(by_key),
                "row_set_hash": _hex("rows", h), "prev_seal": prev, "seal": seal,
                "masked_snapshot": "6380546998754526864" if h < 16 else "7123456789012345678",
            })  # fmt: skip
            prev = seal
    return windows


def write_sample(path: Path, verdict: str) -> Path:
    page = render_html(
        day_of_windows(), [], title="maskstream audit: customers", policy=POLICY,
        verify=OUTCOMES[verdict], provenance=PROVENANCE,
    )  # fmt: skip
    path.write_text(page, encoding="utf-8")
    return path


@pytest.mark.parametrize("verdict", list(OUTCOMES))
def test_a_day_of_windows_renders_every_part_of_the_report(tmp_path: Path, verdict: str) -> None:
    page = write_sample(tmp_path / "report.html", verdict).read_text(encoding="utf-8")
    assert page.count('<tr id="seal-') == 24
    assert "k1 → k2" in page and "malformed_json" in page and "missing_field" in page
    assert all(f"{name} (" in page for name, _, _ in FIELDS)  # a bar per masked field
    assert ("✓ VERIFIED" in page) is (verdict == "verified")


@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="chromium is not installed (Debian: apt-get install -y chromium)",
)
@pytest.mark.parametrize("verdict", list(OUTCOMES))
def test_the_report_renders_in_headless_chromium(tmp_path: Path, verdict: str) -> None:
    html = write_sample(tmp_path / "report.html", verdict)
    png = tmp_path / "report.png"
    done = subprocess.run(
        [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}",
            "--window-size=1280,4000", html.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 50_000  # a page of text and charts, not a blank one
