"""Shared fixtures for integration tests: one masked run on the MiniCluster, reused by tests."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

import tests.integration.worker_env  # noqa: F401  (sets the JVM's environment first)
from jobs.config import JobConfig, load_config
from maskstream.generate import write_events


@dataclass(frozen=True)
class MaskedRun:
    config: JobConfig
    input_files: list[Path]
    output_dir: Path


@pytest.fixture(scope="session")
def token_key() -> str:
    # tests/integration/worker_env.py sets it at import time, before any JVM exists.
    return os.environ["MASKSTREAM_TOKEN_KEY"]


@pytest.fixture(scope="session")
def masked_run(tmp_path_factory: pytest.TempPathFactory, token_key: str) -> MaskedRun:
    """600 events in 3 files masked with Arrow batches of 3 rows, so batch edges are crossed
    many times (a batch ends mid-file, files end mid-batch)."""
    from jobs.flink_env import create_table_env
    from jobs.mask_job import build

    base = tmp_path_factory.mktemp("masked_run")
    write_events(600, base / "in", seed=7, rows_per_file=250)
    config = load_config(
        "local",
        variables=table_paths(base),
        flink={
            "python.fn-execution.arrow.batch.size": "3",
            "python.fn-execution.bundle.size": "7",
        },
    )
    t_env = create_table_env(config.flink)
    job = build(t_env, config)
    t_env.execute_sql(job.insert_sql).wait()
    return MaskedRun(config, sorted((base / "in").glob("*.jsonl")), base / "out")


def table_paths(base: Path) -> dict[str, str]:
    """Every table of the local profile under `base`; 1-minute audit windows."""
    return {
        "INPUT_PATH": str(base / "in"),
        "OUTPUT_PATH": str(base / "out"),
        "QUARANTINE_PATH": str(base / "quarantine"),
        "POLICY_REGISTRY_DIR": str(base / "registry"),
        "AUDIT_PATH": str(base / "audit"),
        "LEAKS_PATH": str(base / "leaks"),
        "AUDIT_WINDOW_MINUTES": "1",
    }


def run_mask_and_audit(config: JobConfig) -> None:
    from jobs import audit_job, mask_job
    from jobs.audit_job import audit_flink_conf
    from jobs.flink_env import create_stream_table_env, create_table_env

    t_env = create_table_env(config.flink)
    t_env.execute_sql(mask_job.build(t_env, config).insert_sql).wait()
    env, st_env = create_stream_table_env(audit_flink_conf(config))
    _, statements = audit_job.build(st_env, config)
    audit_job.execute(env, statements)


@pytest.fixture(scope="session")
def audited_run(masked_run: MaskedRun) -> MaskedRun:
    """The audit job, run once over the masked run's real output."""
    from jobs import audit_job
    from jobs.audit_job import audit_flink_conf
    from jobs.flink_env import create_stream_table_env

    env, st_env = create_stream_table_env(audit_flink_conf(masked_run.config))
    _, statements = audit_job.build(st_env, masked_run.config)
    audit_job.execute(env, statements)
    return masked_run
