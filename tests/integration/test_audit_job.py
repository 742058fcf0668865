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
from maskstream.records import committed_files, read_rows
from maskstream.verify import verify
from tests.integration.conftest import (
    MaskedRun,
    run_audit,
    run_mask,
    table_paths,
)
from udfs.policy.model import load_policy

pytestmark = pytest.mark.flink


def _rows(folder: str | Path) -> list[dict]:
    folder = Path(folder)
    return [r for _, r in read_rows(committed_files(folder))] if folder.exists() else []


def test_windows_count_every_masked_row_and_value(audited_run: MaskedRun) -> None:
    windows = _rows(audited_run.config.variables["AUDIT_PATH"])
    masked = _rows(audited_run.output_dir)
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
    windows = _rows(audited_run.config.variables["AUDIT_PATH"])
    assert sum(1 for w in windows if w["prev_seal"] is None) == 1
    assert {w["prev_seal"] for w in windows} - {None} <= {w["seal"] for w in windows}
    report = verify(
        load_policy(audited_run.config.policy_path),
        audited_run.output_dir,
        Path(audited_run.config.variables["AUDIT_PATH"]),
    )
    assert report.ok, report.render()


def _plant(table: Path, column: str, values: dict[int, str]) -> None:
    """Rewrite the first rows of the table's first file with `values` in `column`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = committed_files(table)[0]
    data = pq.read_table(path)
    cells = data.column(column).to_pylist()
    for row, value in values.items():
        cells[row] = value
    index = data.schema.get_field_index(column)
    pq.write_table(data.set_column(index, column, pa.array(cells, pa.string())), path)


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
    masked_dir = Path(config.variables["OUTPUT_PATH"])
    residuals = Counter(r["residual_fields"] for _, r in read_rows(committed_files(masked_dir)))
    assert residuals["(EMAIL)@event_type"] == 5
    # ... so the audit's sentinel, the second line of defence, is tried on rows a writer
    # without that check would have left (an older version, a job outside maskstream).
    _plant(masked_dir, "event_type", {i: f"by {a}" for i, a in enumerate(planted)})
    run_audit(config)
    leaks = _rows(config.variables["LEAKS_PATH"])
    assert [(x["field"], x["entity_type"]) for x in leaks] == [("event_type", "EMAIL")] * 5
    assert all(x["source_ref"].startswith("file:") and len(x["row_digest"]) == 64 for x in leaks)
    leak_text = "".join(
        p.read_text() for p in Path(config.variables["LEAKS_PATH"]).rglob("*") if p.is_file()
    )
    assert sum(1 for a in planted if a in leak_text) == 0
    assert sum(w["leak_hits"] for w in _rows(config.variables["AUDIT_PATH"])) == 5
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
