"""Files in, Iceberg tables out, exactly once: across a failure injected into the running job
(it restarts from its last checkpoint) and across a stop-with-savepoint and a restart from it.
Every input row is in the masked table once, and the table's history is appends only."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from jobs.config import JobConfig, load_config
from jobs.flink_env import stop_with_savepoint
from maskstream.generate import write_events
from maskstream.records import read_jsonl
from maskstream.tables import count_rows, load_iceberg, table_ref
from maskstream.verify import check_history
from tests.integration.conftest import table_paths, table_rows
from tests.integration.kafka_harness import wait_for
from tests.integration.worker_env import FAULT_TRIGGER

pytestmark = pytest.mark.flink

ROWS = 12_000
# Small Arrow batches and bundles slow the job down enough (a few thousand rows a second) that
# a checkpoint commits part of the input before the test interferes.
SLOW = {
    "execution.checkpointing.interval": "1s",
    "python.fn-execution.arrow.batch.size": "500",
    "python.fn-execution.bundle.size": "500",
}


def _config(tmp_path: Path) -> JobConfig:
    write_events(ROWS, tmp_path / "in", seed=17, rows_per_file=ROWS // 6)
    return load_config("local", variables=table_paths(tmp_path), flink=SLOW)


def _start(config: JobConfig, **extra: str):  # type: ignore[no-untyped-def]
    from jobs.flink_env import create_table_env
    from jobs.mask_job import build

    t_env = create_table_env({**config.flink, **extra})
    return t_env.execute_sql(build(t_env, config).insert_sql)


def _assert_each_row_once(config: JobConfig, tmp_path: Path) -> None:
    expected = {r["event_id"] for _, r in read_jsonl(sorted((tmp_path / "in").glob("*.jsonl")))}
    seen = Counter(r["event_id"] for r in table_rows(config, "masked"))
    assert sum(1 for n in seen.values() if n > 1) == 0  # counts only, never a row
    assert set(seen) == expected and len(expected) == ROWS
    ref = table_ref(config, "masked")
    history = check_history(load_iceberg(ref), ref.identifier, provenance=True)
    assert history.problems == []


def _committed_some(config: JobConfig) -> bool:
    return 0 < count_rows(config, "masked") < ROWS


def test_exactly_once_across_an_injected_failure(token_key: str, tmp_path: Path) -> None:
    config = _config(tmp_path)
    result = _start(config)
    try:
        wait_for(lambda: _committed_some(config), 120, "a first committed snapshot")
        FAULT_TRIGGER.touch()
        wait_for(lambda: Path(f"{FAULT_TRIGGER}.fired").exists(), 60, "the injected failure")
        assert count_rows(config, "masked") < ROWS  # it failed mid-input
        result.wait()  # restarts from the last checkpoint and finishes the bounded input
    finally:
        Path(f"{FAULT_TRIGGER}.fired").unlink(missing_ok=True)
        FAULT_TRIGGER.unlink(missing_ok=True)
    _assert_each_row_once(config, tmp_path)
    # The failed attempt's uncommitted data files are in the folder but in no snapshot.
    table = load_iceberg(table_ref(config, "masked"))
    on_disk = len(list(Path(table.location().removeprefix("file:")).rglob("*.parquet")))
    committed = len(table.inspect.files())
    assert on_disk >= committed


def test_exactly_once_across_a_savepoint_restart(token_key: str, tmp_path: Path) -> None:
    config = _config(tmp_path)
    result = _start(config)
    try:
        wait_for(lambda: _committed_some(config), 120, "a first committed snapshot")
        savepoint = stop_with_savepoint(result.get_job_client(), f"file://{tmp_path}/savepoints")
    except BaseException:
        result.get_job_client().cancel().result()
        raise
    stopped_at = count_rows(config, "masked")
    assert 0 < stopped_at < ROWS
    _start(config, **{"execution.state-recovery.path": savepoint}).wait()
    _assert_each_row_once(config, tmp_path)
