"""Shared fixtures for integration tests: one masked run on the MiniCluster, reused by tests,
and one standalone session cluster."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import tests.integration.worker_env  # noqa: F401  (sets the JVM's environment first)
from jobs.config import JobConfig, load_config
from maskstream.generate import write_events
from tests.integration.worker_env import TEST_KEY
from tests.paths import REPO

KEY_VARS = ("MASKSTREAM_TOKEN_KEY", "MASKSTREAM_TOKEN_KEY_FILE", "MASKSTREAM_KEYSET_FILE")
# This process's environment before any job ran: PyFlink runs the Python workers of local jobs
# inside this process (loopback) and sets worker variables in os.environ then (for one,
# PYFLINK_GATEWAY_DISABLED, which stops a child from starting PyFlink at all). Child processes
# that run the CLI start from this.
PRISTINE_ENV = dict(os.environ)
SESSION_SCRIPT = REPO / "scripts" / "session-cluster.sh"
SESSION_PORT = "18091"


@dataclass(frozen=True)
class MaskedRun:
    config: JobConfig
    input_files: list[Path]
    output_dir: Path  # every output table, data and metadata: the Iceberg warehouse

    def rows(self, suffix: str = "masked") -> list[dict]:
        return table_rows(self.config, suffix)


def table_rows(config: JobConfig, suffix: str) -> list[dict]:
    """Every committed row of the profile's <dataset>_<suffix> table (Iceberg or files), read
    the way `maskstream` reads it."""
    from maskstream.tables import read_rows

    return read_rows(config, suffix)


@pytest.fixture(scope="session")
def token_key() -> str:
    # The key tests/integration/worker_env.py puts in os.environ before any JVM exists; taken
    # from the module, since the first TableEnvironment moves it out of os.environ
    # (jobs/key_handoff.py).
    return TEST_KEY


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
    return MaskedRun(config, sorted((base / "in").glob("*.jsonl")), base / "warehouse")


def table_paths(base: Path) -> dict[str, str]:
    """Every table of every local profile under `base` (the Iceberg warehouse of the default
    profile, the folders of the `parquet` profile); 1-minute audit windows."""
    return {
        "INPUT_PATH": str(base / "in"),
        "OUTPUT_PATH": str(base / "out"),
        "QUARANTINE_PATH": str(base / "quarantine"),
        "POLICY_REGISTRY_DIR": str(base / "registry"),
        "AUDIT_PATH": str(base / "audit"),
        "LEAKS_PATH": str(base / "leaks"),
        "AUDIT_WINDOW_MINUTES": "1",
        "CHECKPOINT_DIR": str(base / "checkpoints"),
        # The default profile's Iceberg tables and their SQLite catalog.
        "ICEBERG_WAREHOUSE_DIR": str(base / "warehouse"),
    }


def run_mask(config: JobConfig) -> None:
    from jobs import mask_job
    from jobs.flink_env import create_table_env, planned

    t_env = create_table_env(config.flink)
    insert = mask_job.build(t_env, config).insert_sql
    planned(t_env, lambda: t_env.execute_sql(insert)).wait()


def run_audit(config: JobConfig) -> None:
    from jobs import audit_job
    from jobs.audit_job import audit_flink_conf
    from jobs.flink_env import create_stream_table_env

    env, st_env = create_stream_table_env(audit_flink_conf(config))
    job, statements = audit_job.build(st_env, config)
    if not job.plan.nothing_new:
        audit_job.execute(env, statements)


def run_mask_and_audit(config: JobConfig) -> None:
    run_mask(config)
    run_audit(config)


@pytest.fixture(scope="session")
def audited_run(masked_run: MaskedRun) -> MaskedRun:
    """The audit job, run once over the masked run's real output."""
    run_audit(masked_run.config)
    return masked_run


@dataclass(frozen=True)
class SessionCluster:
    address: str  # REST, host:port
    log_dir: Path  # its JobManager's and TaskManagers' logs (FLINK_LOG_DIR of the script)
    started: float  # epoch seconds: log files older than this are from earlier clusters


def _session_env() -> dict[str, str]:
    """The cluster's environment: the key given as a value, the documented way that reached
    Flink's logs before; scripts/session-cluster.sh hands it to the cluster as a file. The same
    key (id k1) as the tests' keyset, so tokens match a MiniCluster run."""
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARS}
    return dict(env, MASKSTREAM_TOKEN_KEY=TEST_KEY, FLINK_REST_PORT=SESSION_PORT)


def session_cluster_script(*args: str) -> str:
    """scripts/session-cluster.sh up|down|taskmanager-start|taskmanager-pids on the test port."""
    done = subprocess.run(
        ["bash", str(SESSION_SCRIPT), *args],
        capture_output=True,
        text=True,
        env=_session_env(),
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="session")
def session_cluster() -> Iterator[SessionCluster]:
    """One standalone session cluster (the PyFlink wheel's bin/start-cluster.sh, the project's
    config, 2 slots) for every test that needs one: it takes about 20 s to start."""
    started = time.time()
    session_cluster_script("up")
    try:
        yield SessionCluster(f"127.0.0.1:{SESSION_PORT}", REPO / ".flink" / "log", started)
    finally:
        session_cluster_script("down")
