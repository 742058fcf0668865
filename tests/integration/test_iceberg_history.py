"""The default profile: the masked, quarantine, audit and leaks tables as Iceberg v2 tables
that a second reader (pyiceberg, and DuckDB through `maskstream query`, with time travel) reads,
and their own history as the immutability record: `maskstream verify` walks the
snapshots of the masked and audit tables and fails, naming the snapshot, on anything but an
append (a delete or overwrite through pyiceberg, as any engine could do), on a data file
changed by hand under a committed snapshot, and on a rollback. An untouched table verifies."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from jobs.config import JobConfig, load_config
from maskstream.generate import write_events
from maskstream.query import analyst_tables, run_query
from maskstream.records import is_parquet
from maskstream.tables import added_data_files, load_iceberg, table_ref
from maskstream.verify import verify_profile
from tests.integration.conftest import run_audit, run_mask, table_paths
from udfs.policy.model import load_policy

pytestmark = pytest.mark.flink


@pytest.fixture
def written(tmp_path: Path) -> JobConfig:
    """120 events masked in two runs (two append snapshots) and audited, in a fresh warehouse."""
    write_events(60, tmp_path / "in", seed=41)
    config = load_config("local", variables=table_paths(tmp_path))
    run_mask(config)
    write_events(60, tmp_path / "in2", seed=42)
    second = {**table_paths(tmp_path), "INPUT_PATH": str(tmp_path / "in2")}
    run_mask(load_config("local", variables=second))
    run_audit(config)
    return config


def _table(config: JobConfig, suffix: str):
    ref = table_ref(config, suffix)
    assert ref is not None
    table = load_iceberg(ref)
    assert table is not None
    return table


def _report(config: JobConfig) -> str:
    report = verify_profile(config, load_policy(config.policy_path))
    text = report.render()
    assert not report.ok, text
    return text


def test_history_is_append_only_and_tampering_is_named(written: JobConfig) -> None:
    config = written
    report = verify_profile(config, load_policy(config.policy_path))
    assert report.ok, report.render()
    assert "customers.masked: 2 snapshot(s)" in report.render()
    masked = _table(config, "masked")
    assert [s.summary.operation.value for s in masked.snapshots()] == ["append", "append"]
    # Every seal names the snapshot its audit read, and verify re-read it.
    current = str(masked.current_snapshot().snapshot_id)
    assert {
        w["masked_snapshot"] for w in _table(config, "audit").scan().to_arrow().to_pylist()
    } == {current}
    assert "seals name 1 snapshot(s) of customers.masked, each in its history" in report.render()
    assert "by the mask job with policy/key v2/k1" in report.render()

    # A delete through pyiceberg: a new snapshot that is no append, named in the report.
    from pyiceberg.expressions import EqualTo

    victim = masked.scan().to_arrow().column("event_id")[0].as_py()
    masked.delete(EqualTo("event_id", victim))
    masked = _table(config, "masked")
    tampered = masked.current_snapshot()
    assert tampered is not None
    text = _report(config)
    assert f"customers.masked snapshot {tampered.snapshot_id}" in text
    assert "not an append" in text
    assert "1 row(s) missing" in text  # and the seal of its window says so too


def test_a_data_file_rewritten_by_hand_is_named_with_its_snapshot(written: JobConfig) -> None:
    config = written
    masked = _table(config, "masked")
    first, second = sorted(masked.snapshots(), key=lambda s: s.sequence_number or 0)
    # A file the second commit added: everything after the first snapshot.
    (file_path, *_) = added_data_files(masked, after=first.snapshot_id)
    path = Path(file_path.removeprefix("file:"))
    data = pq.read_table(path)
    pq.write_table(data.slice(1), path)  # one row fewer, no new snapshot
    text = _report(config)
    assert (
        f"customers.masked snapshot {second.snapshot_id} " in text
        and f"data file {file_path} changed after it was committed" in text
    ), text


def test_a_rollback_of_the_audit_table_is_named(written: JobConfig) -> None:
    config = written
    audit = _table(config, "audit")
    # New events masked and another audit appended their seals; then the table is set back
    # to the snapshot before it.
    before = audit.current_snapshot()
    assert before is not None
    tmp = Path(config.variables["ICEBERG_WAREHOUSE_DIR"]).parent
    write_events(30, tmp / "in3", seed=43)
    run_mask(load_config("local", variables={**table_paths(tmp), "INPUT_PATH": str(tmp / "in3")}))
    run_audit(config)
    audit = _table(config, "audit")
    newest = audit.current_snapshot()
    assert newest is not None and newest.snapshot_id != before.snapshot_id
    with audit.transaction() as tx:  # pyiceberg 0.8 has no public rollback: move `main`
        tx._apply(
            *tx._set_ref_snapshot(snapshot_id=before.snapshot_id, ref_name="main", type="branch")
        )
    text = _report(config)
    assert f"the current snapshot is not the newest ({newest.snapshot_id})" in text


def test_tables_are_iceberg_v2_read_by_pyiceberg_and_duckdb_with_time_travel(
    written: JobConfig,
) -> None:
    config = written
    masked = _table(config, "masked")
    assert masked.metadata.format_version == 2
    assert [f.name for f in masked.spec().fields] == ["dt"]
    first, second = sorted(masked.snapshots(), key=lambda s: s.sequence_number or 0)
    # The Flink committer's provenance: the job and the checkpoint of each commit.
    for snapshot in (first, second):
        props = snapshot.summary.additional_properties
        assert props["flink.job-id"] and int(props["flink.max-committed-checkpoint-id"]) > 0
    files = masked.inspect.files().to_pylist()
    paths = [Path(f["file_path"].removeprefix("file:")) for f in files]
    assert paths and all(p.suffix == ".parquet" and is_parquet(p) for p in paths)
    rows = masked.scan().to_arrow().to_pylist()
    assert len(rows) == 120 and {r["dt"] for r in rows} == {
        r["event_time"].strftime("%Y-%m-%d") for r in rows
    }
    assert all(r["customer_id"].startswith("tok_k1_") for r in rows)
    # DuckDB through maskstream query: now, and as of the first commit (by id and by time).
    tables = analyst_tables("local", {k: v for k, v in config.variables.items() if k != "DATASET"})
    count = "SELECT count(*) FROM customers_masked"
    assert run_query(count, tables)[1] == [(120,)]
    assert run_query(count, tables, str(first.snapshot_id))[1] == [(60,)]
    assert run_query(count, tables, str(first.timestamp_ms))[1] == [(60,)]
    assert run_query(count, tables, "2000-01-01T00:00:00")[1] == [(0,)]
    audited = run_query("SELECT sum(rows_masked) FROM customers_audit", tables)[1]
    assert audited == [(120,)]


def test_a_table_recreated_with_the_same_rows_is_caught_by_the_seals(written: JobConfig) -> None:
    """Drop the masked table and create it again holding the very same rows: its new history
    is all appends and every row matches its seal, but the snapshot the seals name is gone."""
    config = written
    masked = _table(config, "masked")
    sealed = masked.current_snapshot().snapshot_id
    rows, schema, spec = masked.scan().to_arrow(), masked.schema(), masked.spec()
    catalog = masked.catalog
    catalog.drop_table("customers.masked")
    again = catalog.create_table("customers.masked", schema=schema, partition_spec=spec)
    again.append(rows)
    text = _report(config)
    assert f"name snapshot {sealed} of customers.masked, which its history does not have" in text
    assert "chain: intact" in text  # the seals themselves are untouched
    # ... and its one append carries no mask job provenance: named as another writer's.
    (snapshot,) = again.snapshots()
    assert f"snapshot {snapshot.snapshot_id}" in text and "appended by another writer" in text
