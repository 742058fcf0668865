"""Submit jobs to a Flink cluster (`flink run -py`) and read their state over its REST API."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import jobs
import udfs
from jobs.project import PROJECT_ENV, Project

# What the cluster's Python workers and the job's client need: the worker layer and the job
# layer, never the CLI (maskstream/), so Faker, DuckDB and confluent-kafka stay off the cluster.
SHIPPED_PACKAGES = (udfs, jobs)
# Folders a Flink script derived for some other process (PyFlink exports the wheel's into
# its own): the client derives its own from FLINK_HOME, or it may miss flink-python.
_DERIVED = {"FLINK_LIB_DIR", "FLINK_OPT_DIR", "FLINK_PLUGINS_DIR", "FLINK_BIN_DIR"}


def flink_binary() -> Path:
    """The `flink` client: $FLINK_HOME/bin/flink, else the PyFlink wheel's own."""
    import pyflink

    home = os.environ.get("FLINK_HOME") or str(Path(pyflink.__file__).parent)
    return Path(home) / "bin" / "flink"


def package_folders() -> list[Path]:
    """The folders of the shipped packages, wherever they are installed."""
    return [Path(p.__file__).resolve().parent for p in SHIPPED_PACKAGES]


def submit_command(
    job: str, jobmanager: str, env: str, worker_python: str, variables: list[str]
) -> list[str]:
    """`flink run -py` with everything a cluster needs: the job file, the worker and job
    packages (--pyFiles), the interpreter on the workers, and the profile and variables."""
    jobs_dir = Path(jobs.__file__).resolve().parent
    command = [
        str(flink_binary()), "run", "--detached",
        "--jobmanager", jobmanager,
        "--python", str(jobs_dir / f"{job}_job.py"),
        "--pyFiles", ",".join(str(p) for p in package_folders()),
        "--pyExecutable", worker_python,
        "--pyClientExecutable", sys.executable,
        "--", "--env", env,
    ]  # fmt: skip
    for pair in variables:
        command += ["--var", pair]
    return command


def submit(command: list[str], project: Project) -> tuple[str | None, str]:
    """Run the client; returns (job id, None) or (None, the tail of its output)."""
    env = {k: v for k, v in os.environ.items() if k not in _DERIVED | {"FLINK_INHERITED_LOGS"}}
    # The job's client code reads conf/ and sql/ from this project, wherever it runs from.
    env[PROJECT_ENV] = str(project.root)
    # The client's log goes with the project's other logs (as the MiniCluster's does), rather
    # than into the Flink installation, where no one looks for it.
    Path(env.setdefault("FLINK_LOG_DIR", str(project.data_root / "log"))).mkdir(
        parents=True, exist_ok=True
    )
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    match = re.search(r"JobID ([0-9a-f]{32})", done.stdout + done.stderr)
    if done.returncode != 0 or match is None:
        # The client's output can quote SQL but never records; still, show only its tail.
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-5:])
        return None, f"submission failed (exit {done.returncode}):\n{tail}"
    return match.group(1), ""


def _get(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.loads(response.read())


def status_lines(jobmanager: str) -> list[str]:
    """One line per job of the cluster, newest first: state, records, last checkpoint."""
    base = f"http://{jobmanager}"
    jobs_ = _get(base, "/jobs/overview")["jobs"]
    lines = [
        f"{'job id':<34}{'name':<40}{'state':<11}{'records in':>12}{'records out':>12}  checkpoint"
    ]
    for job in sorted(jobs_, key=lambda j: j["start-time"], reverse=True):
        detail = _get(base, f"/jobs/{job['jid']}")
        metrics = [v.get("metrics", {}) for v in detail.get("vertices", [])]
        # Records into the first task and out of the last one (Python operators run in a task
        # of their own, so these count what crossed the masking step).
        read = metrics[0].get("read-records", 0) if metrics else 0
        written = metrics[-1].get("write-records", 0) if metrics else 0
        try:
            latest = _get(base, f"/jobs/{job['jid']}/checkpoints")["latest"]["completed"]
            checkpoint = f"#{latest['id']}" if latest else "none"
        except (OSError, KeyError, TypeError):
            checkpoint = "none"
        lines.append(
            f"{job['jid']:<34}{job['name'][:38]:<40}{job['state']:<11}"
            f"{read:>12,}{written:>12,}  {checkpoint}"
        )
    return lines
