"""Run the mask job on the embedded MiniCluster against Kafka topics: until caught up
(--bounded) or until Ctrl-C, which stops the job with a savepoint to resume from."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from jobs.config import RESTORE_PATH, JobConfig


def _checkpoints(checkpoint_dir: Path) -> int:
    return len(list(checkpoint_dir.glob("*/chk-*/_metadata")))


def run_mask_on_kafka(config: JobConfig, *, bounded: bool, savepoint: str | None) -> int:
    from jobs.flink_env import create_table_env, planned, stop_with_savepoint
    from jobs.mask_job import build

    flink = dict(config.flink)
    if savepoint:
        flink[RESTORE_PATH] = savepoint
    if bounded:
        config.variables["BOUNDED_MODE"] = "latest-offset"
    t_env = create_table_env(flink)
    job = build(t_env, config)
    variables = config.variables
    print(
        f"masking {variables['RAW_TOPIC']} -> {variables['MASKED_TOPIC']} at "
        f"{variables['KAFKA_BOOTSTRAP']} with {job.policy.source} (v{job.policy.version})"
        + ("; stops when caught up" if bounded else "; Ctrl-C stops with a savepoint"),
        file=sys.stderr,
    )
    started = time.monotonic()
    result = planned(t_env, lambda: t_env.execute_sql(job.insert_sql))
    client = result.get_job_client()
    checkpoint_dir = Path(variables["CHECKPOINT_DIR"])
    failure: list[BaseException] = []

    def wait() -> None:
        try:
            result.wait()
        except Exception as e:  # reported below without its text, which may quote records
            failure.append(e)

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    try:
        while waiter.is_alive():
            waiter.join(1.0)
            elapsed = time.monotonic() - started
            done = _checkpoints(checkpoint_dir)
            sys.stderr.write(f"\r  running {elapsed:5.0f}s, {done} checkpoints completed ")
            sys.stderr.flush()
    except KeyboardInterrupt:
        sys.stderr.write("\n  stopping with a savepoint...\n")
        path = stop_with_savepoint(client, (checkpoint_dir / "savepoints").as_uri())
        print(f"savepoint: {path}\nresume with: maskstream run mask --env kafka --savepoint {path}")
        return 0
    sys.stderr.write("\n")
    if failure:
        raise failure[0]
    print(f"finished: caught up with {variables['RAW_TOPIC']} in {time.monotonic() - started:.1f}s")
    return 0
