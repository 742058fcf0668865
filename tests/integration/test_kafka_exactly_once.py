"""Raw topic -> mask job -> masked topic and its Iceberg copy on a real broker: exactly once in
both, also across an injected failure and a stop-with-savepoint/restart, and never a raw value in
the masked topic, the tables or the logs."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from jobs.flink_env import stop_with_savepoint
from maskstream.generate import generate_events
from maskstream.kafka_io import Record, produce
from tests.integration.kafka_harness import (
    BOOTSTRAP,
    KafkaRun,
    completed_checkpoints,
    new_kafka_run,
    require_broker,
    wait_for,
)
from tests.integration.worker_env import FAULT_TRIGGER
from tests.paths import REPO
from udfs.policy.model import load_policy

pytestmark = [pytest.mark.kafka, pytest.mark.flink]


@pytest.fixture
def kafka_run(tmp_path: Path) -> KafkaRun:
    require_broker()
    return new_kafka_run(tmp_path)


def _start(config, **extra):  # type: ignore[no-untyped-def]
    from jobs.flink_env import create_table_env
    from jobs.mask_job import build

    flink = dict(config.flink)
    flink.update(extra)
    t_env = create_table_env(flink)
    job = build(t_env, config)
    return t_env.execute_sql(job.insert_sql)


def _produce(run: KafkaRun, events: list[dict]) -> set[str]:
    coords = produce(BOOTSTRAP, run.raw_topic, events, key_field="customer_id")
    return {f"kafka:{run.raw_topic}/{p}/{o}" for p, o in coords}


def _assert_exactly_once(records: list[Record], produced: set[str]) -> None:
    _assert_once([r.value["source_ref"] for r in records], produced)


def _assert_once(refs_seen: list[str], produced: set[str]) -> None:
    refs = Counter(refs_seen)
    duplicates = sum(1 for n in refs.values() if n > 1)
    assert duplicates == 0
    assert set(refs) == produced
    assert len(refs_seen) == len(produced)


def _iceberg_refs(config) -> list[str]:  # type: ignore[no-untyped-def]
    """The source_ref of every row of the masked topic's Iceberg copy, as committed."""
    from maskstream.tables import read_rows

    return [r["source_ref"] for r in read_rows(config, "masked")]


def _wait_for_iceberg(config, produced: set[str]) -> None:  # type: ignore[no-untyped-def]
    """The Iceberg copy commits on the same checkpoints as the topic's transactions, a moment
    after them: wait until it holds as many rows as were produced (or more: then it fails)."""
    from maskstream.tables import count_rows

    wait_for(lambda: count_rows(config, "masked") >= len(produced), 90, "the Iceberg copy")


def _assert_nothing_raw(records: list[Record], events: list[dict]) -> None:
    policy = load_policy(REPO / "conf/policies/customers.yaml")
    text_fields = [f.name for f in policy.masked if f.input_type.is_text]
    raw_values = {e[n] for e in events for n in text_fields if e.get(n) and len(e[n]) >= 8}
    blob = "\n".join(str(r.value) for r in records)
    assert sum(1 for v in raw_values if v in blob) == 0  # a count: never print the values


def test_bounded_run_masks_each_event_exactly_once(kafka_run: KafkaRun) -> None:
    events = list(generate_events(1500, seed=11))
    produced = _produce(kafka_run, events)
    config = kafka_run.config(STARTUP_MODE="earliest-offset", BOUNDED_MODE="latest-offset")
    _start(config).wait()
    records = kafka_run.masked(max_records=len(events) + 100, timeout=60, idle=8)
    _assert_exactly_once(records, produced)
    _assert_nothing_raw(records, events)
    assert {r.value["policy_version"] for r in records} == {load_policy(config.policy_path).version}
    # The Iceberg copy holds the same rows, each once.
    from maskstream.tables import read_rows

    copy = read_rows(config, "masked")
    _assert_once([r["source_ref"] for r in copy], produced)
    assert {r["row_digest"] for r in copy} == {r.value["row_digest"] for r in records}
    # The audit job reads the masked topic (streaming, watermarks) and seals what it read into
    # the Iceberg audit table.
    from jobs import audit_job
    from jobs.flink_env import create_stream_table_env
    from maskstream.verify import verify_profile, verify_rows

    audit_config = kafka_run.config(
        STARTUP_MODE="earliest-offset", BOUNDED_MODE="latest-offset", AUDIT_WINDOW_MINUTES="1"
    )
    env, st_env = create_stream_table_env(audit_job.audit_flink_conf(audit_config))
    _, statements = audit_job.build(st_env, audit_config)
    audit_job.execute(env, statements)
    seals = read_rows(audit_config, "audit")
    assert sum(s["rows_masked"] for s in seals) == len(events)
    policy = load_policy(audit_config.policy_path)
    report = verify_rows(policy, [r.value for r in records], seals)
    assert report.ok, report.render()
    # `verify` of the profile: the topic against the seals, and the tables' history.
    report = verify_profile(audit_config, policy)
    assert report.ok and report.history_checked, report.render()


def test_exactly_once_across_an_injected_failure(kafka_run: KafkaRun) -> None:
    events = list(generate_events(6000, seed=12))
    produced: set[str] = set()

    def trickle() -> None:  # ~35 s of input, so the failure lands mid-stream
        for i in range(0, len(events), 100):
            produced.update(_produce(kafka_run, events[i : i + 100]))
            time.sleep(0.5)

    def open_transaction_has_records() -> bool:
        committed = len(kafka_run.masked(timeout=3, idle=1))
        return len(kafka_run.masked(isolation="read_uncommitted", timeout=3, idle=1)) > committed

    # A long interval keeps records in the open transaction for long enough that the failure
    # surely hits a transaction holding records (checked below), not one just committed. Bundles
    # of 1 s (conf/config.yaml ends them only at checkpoints) hand the trickle to the UDF as it
    # comes, so the injected failure fires mid-transaction rather than at the next checkpoint.
    config = kafka_run.config(STARTUP_MODE="earliest-offset")
    result = _start(
        config,
        **{"execution.checkpointing.interval": "15s", "python.fn-execution.bundle.time": "1000"},
    )
    producer = threading.Thread(target=trickle)
    producer.start()
    try:
        wait_for(
            lambda: len(completed_checkpoints(kafka_run.checkpoint_dir)) >= 1,
            60,
            "a completed checkpoint",
        )
        wait_for(open_transaction_has_records, 60, "records in an open transaction")
        FAULT_TRIGGER.touch()
        wait_for(lambda: Path(f"{FAULT_TRIGGER}.fired").exists(), 60, "the injected failure")
        producer.join()
        records = kafka_run.masked(max_records=len(events) + 500, timeout=120, idle=20)
        _wait_for_iceberg(config, produced)
    finally:
        producer.join()
        result.get_job_client().cancel().result()
        Path(f"{FAULT_TRIGGER}.fired").unlink(missing_ok=True)
        FAULT_TRIGGER.unlink(missing_ok=True)
    _assert_exactly_once(records, produced)
    # The failed attempt's open transaction was aborted: its records stay in the log, visible
    # to read_uncommitted readers only.
    uncommitted = kafka_run.masked(isolation="read_uncommitted", timeout=60, idle=8)
    assert len(uncommitted) > len(records)
    # The Iceberg copy: the failed attempt's data files were never committed, each row once.
    _assert_once(_iceberg_refs(config), produced)


def test_stop_with_savepoint_and_restart_keeps_exactly_once(kafka_run: KafkaRun) -> None:
    events = list(generate_events(1200, seed=13))
    config = kafka_run.config(STARTUP_MODE="earliest-offset")
    result = _start(config)
    try:
        produced = _produce(kafka_run, events[:600])
        wait_for(lambda: len(kafka_run.masked(timeout=8, idle=3)) >= 600, 90, "the first half")
        # Mid-stream: the second half arrives while the job is stopped.
        savepoint = stop_with_savepoint(
            result.get_job_client(), f"file://{kafka_run.checkpoint_dir}/savepoints"
        )
    except BaseException:
        result.get_job_client().cancel().result()
        raise
    produced |= _produce(kafka_run, events[600:])
    resumed = _start(config, **{"execution.state-recovery.path": savepoint})
    try:
        records = kafka_run.masked(max_records=len(events) + 100, timeout=120, idle=10)
        _wait_for_iceberg(config, produced)
    finally:
        resumed.get_job_client().cancel().result()
    _assert_exactly_once(records, produced)
    _assert_once(_iceberg_refs(config), produced)


def test_hostile_records_on_kafka_are_masked_or_quarantined_and_nothing_leaks(
    kafka_run: KafkaRun, capfd: pytest.CaptureFixture[str]
) -> None:
    from maskstream.kafka_io import produce_raw
    from maskstream.records import table_text
    from maskstream.tables import read_rows
    from tests.hostile_corpus import make_hostile_corpus

    corpus = make_hostile_corpus(1200, seed=6)
    coords = produce_raw(BOOTSTRAP, kafka_run.raw_topic, ((None, line) for line in corpus.lines))
    config = kafka_run.config(STARTUP_MODE="earliest-offset", BOUNDED_MODE="latest-offset")
    _start(config).wait()
    records = kafka_run.masked(max_records=len(corpus.lines), timeout=60, idle=8)
    quarantined = read_rows(config, "quarantine")
    assert len(records) == corpus.expected_valid
    assert len(read_rows(config, "masked")) == corpus.expected_valid  # the Iceberg copy
    refs = {r.value["source_ref"] for r in records} | {q["source_ref"] for q in quarantined}
    assert refs == {f"kafka:{kafka_run.raw_topic}/{p}/{o}" for p, o in coords}
    texts = [str(r.value) for r in records]
    texts.append(table_text(Path(config.variables["ICEBERG_WAREHOUSE_DIR"])))
    out, err = capfd.readouterr()
    texts += [out, err]
    blob = "\n".join(texts)
    assert sum(1 for value in corpus.sensitive if value in blob) == 0
