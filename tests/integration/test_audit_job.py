"""The audit job, on the MiniCluster over the mask job's real output: sealed windows that add
up, a leak sentinel that finds planted personal data without recording it, and seals that
`verify` checks."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from jobs.config import load_config
from maskstream.cli import main
from maskstream.generate import generate_events
from maskstream.records import table_text
from maskstream.tables import load_iceberg, table_ref
from maskstream.verify import verify_profile
from tests.integration.conftest import (
    MaskedRun,
    run_audit,
    run_mask,
    table_paths,
    table_rows,
)
from udfs.policy.model import load_policy

pytestmark = pytest.mark.flink


def test_windows_count_every_masked_row_and_value(audited_run: MaskedRun) -> None:
    windows = audited_run.rows("audit")
    masked = audited_run.rows("masked")
    assert len(windows) >= 2  # 600 events 250 ms apart span several 1-minute windows
    assert sum(w["rows_masked"] for w in windows) == len(masked) == 600
    policy = load_policy(audited_run.config.policy_path)
    expected = Counter()
    for row in masked:
        for name in filter(None, row["masked_fields"].split(",")):
            expected[f"{name}:{policy.field(name).operator.name}"] += 1
    counted = Counter()
    for w in windows:
        counted.update(json.loads(w["masked_values"]))
    assert +counted == +expected
    detections = Counter()
    for w in windows:
        detections.update(json.loads(w["detections"]))
    assert detections["EMAIL"] > 0 and detections["PHONE"] > 0
    assert all(w["leak_hits"] == 0 for w in windows)


def test_seals_chain_and_verify_ok(audited_run: MaskedRun) -> None:
    windows = audited_run.rows("audit")
    assert sum(1 for w in windows if w["prev_seal"] is None) == 1
    assert {w["prev_seal"] for w in windows} - {None} <= {w["seal"] for w in windows}
    config = audited_run.config
    report = verify_profile(config, load_policy(config.policy_path))
    assert report.ok, report.render()


def _plant(config, column: str, values: dict[int, str]) -> None:
    """Append copies of the masked table's first rows with `values` in `column`: rows as a
    writer without the residual check (an older version, a job outside maskstream) would
    have appended them, in a snapshot of their own."""
    import pyarrow as pa

    table = load_iceberg(table_ref(config, "masked"))
    data = table.scan(limit=len(values)).to_arrow()
    cells = data.column(column).to_pylist()
    for row, value in values.items():
        cells[row] = value
    index = data.schema.get_field_index(column)
    field = data.schema.field(index)
    table.append(data.set_column(index, field, pa.array(cells, field.type)))


def test_leak_sentinel_records_field_and_type_never_the_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A kept field that should hold no personal data, carrying an email in 5 rows.
    events = list(generate_events(200, seed=21))
    planted = [f"planted.leak{i}@example.org" for i in range(5)]
    for event, address in zip(events[:5], planted, strict=True):
        event["event_type"] = f"customer.updated by {address}"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "events.jsonl").write_text("\n".join(json.dumps(e) for e in events) + "\n")
    config = load_config("local", variables=table_paths(tmp_path))
    run_mask(config)
    # The mask job's residual check replaced them already (udfs.records.residual) ...
    residuals = Counter(r["residual_fields"] for r in table_rows(config, "masked"))
    assert residuals["(EMAIL)@event_type"] == 5
    # ... so the audit's sentinel, the second line of defence, is tried on rows a writer
    # without that check would have left (an older version, a job outside maskstream).
    _plant(config, "event_type", {i: f"by {a}" for i, a in enumerate(planted)})
    run_audit(config)
    leaks = table_rows(config, "leaks")
    assert [(x["field"], x["entity_type"]) for x in leaks] == [("event_type", "EMAIL")] * 5
    assert all(x["source_ref"].startswith("file:") and len(x["row_digest"]) == 64 for x in leaks)
    # The leaks and audit tables (data, manifests, metadata) hold no planted value.
    warehouse = Path(config.variables["ICEBERG_WAREHOUSE_DIR"]) / config.dataset
    leak_text = table_text(warehouse / "leaks") + table_text(warehouse / "audit")
    assert sum(1 for a in planted if a in leak_text) == 0
    assert sum(w["leak_hits"] for w in table_rows(config, "audit")) == 5
    # `maskstream audit` exits non-zero and names the field and entity type.
    for key, value in table_paths(tmp_path).items():
        monkeypatch.setitem(config.variables, key, value)
    monkeypatch.setattr("maskstream.cli.load_config", lambda *a, **k: config)
    assert main(["audit", "--html", str(tmp_path / "report.html")]) == 1
    out = capsys.readouterr().out
    assert "LEAKS: 5 hit(s)" in out and "event_type:EMAIL" in out
    report = (tmp_path / "report.html").read_text()
    assert "5 leak hits" in report or "5 leak hit" in report
    assert sum(1 for a in planted if a in report) == 0
