"""A real standalone session cluster (the PyFlink wheel's own bin/start-cluster.sh, the
project's config, 2 slots): submit the mask job on the Kafka profile with the README's command,
then SIGKILL the TaskManager mid-stream, start a new one, and find every event in the masked
topic and its Iceberg copy exactly once; then submit the audit job the same way and verify the
topic against its seals."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from jobs.config import JobConfig, load_config
from maskstream.cli import main
from maskstream.generate import generate_events
from maskstream.kafka_io import consume, produce
from maskstream.tables import read_rows
from maskstream.verify import verify_rows
from tests.integration.conftest import SessionCluster
from tests.integration.conftest import session_cluster_script as _cluster
from tests.integration.kafka_harness import (
    BOOTSTRAP,
    KafkaRun,
    new_kafka_run,
    require_broker,
    wait_for,
)
from tests.paths import REPO
from udfs.policy.model import load_policy

pytestmark = [pytest.mark.kafka, pytest.mark.flink]
TERMINAL = {"FINISHED", "FAILED", "CANCELED"}


@pytest.fixture
def kafka_session_cluster(request: pytest.FixtureRequest) -> str:
    require_broker()  # first: without a broker the test skips before a cluster starts
    cluster: SessionCluster = request.getfixturevalue("session_cluster")
    return cluster.address


def _vars(run: KafkaRun) -> list[str]:
    values = {
        "RAW_TOPIC": run.raw_topic,
        "MASKED_TOPIC": run.masked_topic,
        "GROUP_ID": f"{run.name}-group",
        "TRANSACTIONAL_ID_PREFIX": f"{run.name}-tx",
        "STARTUP_MODE": "earliest-offset",
        "CHECKPOINT_DIR": str(run.checkpoint_dir),
        "POLICY_REGISTRY_DIR": str(run.checkpoint_dir.parent / "registry"),
        # The Iceberg copy of the masked topic, the quarantine, audit and leaks tables.
        "ICEBERG_WAREHOUSE_DIR": str(run.checkpoint_dir.parent / "warehouse"),
        "AUDIT_GROUP_ID": f"{run.name}-audit",
    }
    out: list[str] = []
    for key, value in values.items():
        out += ["--var", f"{key}={value}"]
    return out


def _config(run: KafkaRun) -> JobConfig:
    """The kafka profile with the test's variables, to read its tables."""
    pairs = _vars(run)
    return load_config("kafka", variables=dict(v.split("=", 1) for v in pairs[1::2]))


def _submit(
    job: str, cluster: str, run: KafkaRun, capsys: pytest.CaptureFixture[str], *extra: str
) -> str:
    assert main(["submit", job, "--jobmanager", cluster, *_vars(run), *extra]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def _job_state(cluster: str, job_id: str) -> str:
    with urllib.request.urlopen(f"http://{cluster}/jobs/{job_id}", timeout=10) as response:
        return json.load(response)["state"]


def test_jobs_survive_a_killed_taskmanager_exactly_once(
    kafka_session_cluster: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_cluster = kafka_session_cluster
    run = new_kafka_run(tmp_path)
    events = list(generate_events(4000, seed=41))
    produced: set[str] = set()

    def trickle() -> None:
        for i in range(0, len(events), 100):
            coords = produce(BOOTSTRAP, run.raw_topic, events[i : i + 100])
            produced.update(f"kafka:{run.raw_topic}/{p}/{o}" for p, o in coords)
            time.sleep(0.4)

    job_id = _submit("mask", session_cluster, run, capsys)
    assert len(job_id) == 32
    producer = threading.Thread(target=trickle)
    producer.start()
    try:
        wait_for(
            lambda: len(list(run.checkpoint_dir.glob("*/chk-*/_metadata"))) >= 1, 90, "a checkpoint"
        )
        wait_for(lambda: len(produced) >= 1000, 60, "input flowing")
        pids = [int(p) for p in _cluster("taskmanager-pids").split()]
        assert pids
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        _cluster("taskmanager-start")
    finally:
        producer.join()
    records = list(
        consume(BOOTSTRAP, run.masked_topic, max_records=len(events) + 500, timeout=180, idle=25)
    )
    refs = Counter(r.value["source_ref"] for r in records)
    assert sum(1 for n in refs.values() if n > 1) == 0
    assert set(refs) == produced and len(records) == len(events)
    # The status command sees the job.
    assert main(["status", "--jobmanager", session_cluster]) == 0
    assert job_id in capsys.readouterr().out

    # The audit job, submitted the same way, reads the masked topic up to its current end
    # (bounded), seals every window into the Iceberg audit table, and the topic verifies.
    audit_id = _submit("audit", session_cluster, run, capsys, "--var", "BOUNDED_MODE=latest-offset")
    wait_for(lambda: _job_state(session_cluster, audit_id) in TERMINAL, 240, "the audit job")
    assert _job_state(session_cluster, audit_id) == "FINISHED"
    seals = read_rows(_config(run), "audit")
    assert sum(int(s["rows_masked"]) for s in seals) == len(events)
    report = verify_rows(
        load_policy(REPO / "conf/policies/customers.yaml"), [r.value for r in records], seals
    )
    assert report.ok, report.render()
    # The Iceberg copy the cluster's mask job wrote beside the topic: every event once, across
    # the TaskManager kill.
    copy = Counter(r["source_ref"] for r in read_rows(_config(run), "masked"))
    assert set(copy) == produced and sum(copy.values()) == len(events)
