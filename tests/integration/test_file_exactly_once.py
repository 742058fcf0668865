"""Files in, Iceberg tables out, exactly once: across a failure injected into the running job
(it restarts from its last checkpoint), across a stop-with-savepoint and `run mask --resume`,
and across a cancelled run resumed from its retained checkpoint. Every input row is in the
masked table once, and the table's history is appends only; a rerun over the same input adds
nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from jobs.config import ConfigError, JobConfig, load_config
from jobs.flink_env import stop_with_savepoint
from jobs.restore import SAVEPOINTS
from maskstream.generate import write_events
from maskstream.records import read_jsonl
from maskstream.run_local import run_mask_locally
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


def test_a_run_stopped_with_a_savepoint_is_finished_by_resume(
    token_key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What Ctrl-C does (a savepoint into CHECKPOINT_DIR), then what a person runs next: a plain
    rerun refuses (it would mask the committed part twice), --resume finishes from the savepoint
    and removes it, and a rerun after that adds nothing."""
    config = _config(tmp_path)
    result = _start(config)
    savepoints = Path(config.variables["CHECKPOINT_DIR"]) / SAVEPOINTS
    try:
        wait_for(lambda: _committed_some(config), 120, "a first committed snapshot")
        stop_with_savepoint(result.get_job_client(), savepoints.resolve().as_uri())
    except BaseException:
        result.get_job_client().cancel().result()
        raise
    stopped_at = count_rows(config, "masked")
    assert 0 < stopped_at < ROWS
    with pytest.raises(ConfigError, match=r"stopped run was not finished.*run mask --resume"):
        run_mask_locally(config)
    assert count_rows(config, "masked") == stopped_at  # the refusal wrote nothing
    assert run_mask_locally(config, resume=True) == 0
    _assert_each_row_once(config, tmp_path)
    assert not list(savepoints.glob("*/_metadata"))  # used, so no later run replays it
    capsys.readouterr()
    assert run_mask_locally(config) == 0
    assert "nothing new" in capsys.readouterr().out
    assert count_rows(config, "masked") == ROWS
    _files_are_known_by_content(config, tmp_path, capsys)


def _files_are_known_by_content(
    config: JobConfig, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A copy of a masked file under a new name adds nothing; a masked file edited in place
    stops the run (by its digest, though its record count is the same)."""
    first, *_ = sorted((tmp_path / "in").glob("*.jsonl"))
    body = first.read_bytes()
    (tmp_path / "in" / "copied-again.jsonl").write_bytes(body)
    assert run_mask_locally(config) == 0
    out = capsys.readouterr().out
    assert "nothing new" in out and "copied-again.jsonl = " + first.name in out
    assert count_rows(config, "masked") == ROWS
    (tmp_path / "in" / "copied-again.jsonl").unlink()
    first.write_bytes(body[:-1] + b" \n")  # one space more: the same records, other bytes
    with pytest.raises(ConfigError, match=r"content changed after it was masked"):
        run_mask_locally(config)
    assert count_rows(config, "masked") == ROWS


def test_a_cancelled_run_resumes_from_its_retained_checkpoint(
    token_key: str, tmp_path: Path
) -> None:
    """A run killed without a savepoint (cancelled here) keeps its last checkpoints
    (RETAIN_ON_CANCELLATION); --resume restores the newest and every row lands once."""
    config = _config(tmp_path)
    result = _start(config)
    wait_for(lambda: _committed_some(config), 120, "a first committed snapshot")
    result.get_job_client().cancel().result()
    assert count_rows(config, "masked") < ROWS
    assert run_mask_locally(config, resume=True) == 0
    _assert_each_row_once(config, tmp_path)
