"""Helpers for tests against the real Kafka broker started by `make kafka-up`."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from jobs.config import JobConfig, load_config
from maskstream.kafka_io import Record, consume, create_topic

BOOTSTRAP = os.environ.get("MASKSTREAM_KAFKA_BOOTSTRAP", "127.0.0.1:19092")


def require_broker() -> str:
    host, _, port = BOOTSTRAP.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return BOOTSTRAP
    except OSError:
        msg = f"no Kafka broker at {BOOTSTRAP} (run: make kafka-up)"
        if os.environ.get("MASKSTREAM_REQUIRE_KAFKA") == "1":
            pytest.fail(msg)
        pytest.skip(msg)


@dataclass(frozen=True)
class KafkaRun:
    """Topics, group and checkpoint folder of one test, isolated from every other test."""

    raw_topic: str
    masked_topic: str
    checkpoint_dir: Path
    name: str

    def config(self, **variables: str) -> JobConfig:
        base = {
            "KAFKA_BOOTSTRAP": BOOTSTRAP,
            "RAW_TOPIC": self.raw_topic,
            "MASKED_TOPIC": self.masked_topic,
            "GROUP_ID": f"{self.name}-group",
            "TRANSACTIONAL_ID_PREFIX": f"{self.name}-tx",
            "CHECKPOINT_DIR": str(self.checkpoint_dir),
            # The Iceberg copy of the masked topic, the quarantine, audit and leaks tables.
            "ICEBERG_WAREHOUSE_DIR": str(self.checkpoint_dir.parent / "warehouse"),
            "POLICY_REGISTRY_DIR": str(self.checkpoint_dir.parent / "registry"),
        }
        base.update(variables)
        return load_config(
            "kafka", variables=base, flink={"execution.checkpointing.interval": "1s"}
        )

    def masked(self, **kwargs: object) -> list[Record]:
        return list(consume(BOOTSTRAP, self.masked_topic, **kwargs))  # type: ignore[arg-type]


def new_kafka_run(tmp_path: Path, raw_partitions: int = 3) -> KafkaRun:
    name = f"t{uuid.uuid4().hex[:10]}"
    run = KafkaRun(f"{name}.raw", f"{name}.masked", tmp_path / "checkpoints", name)
    create_topic(BOOTSTRAP, run.raw_topic, raw_partitions)
    create_topic(BOOTSTRAP, run.masked_topic, 2)
    return run


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def completed_checkpoints(checkpoint_dir: Path) -> list[Path]:
    return sorted(checkpoint_dir.glob("*/chk-*/_metadata"))
