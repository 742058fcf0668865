"""Benchmark: the mask job against a job copying the same source to the same kind of sink,
measured in one run on the same generated input. Prints rows/s and the ratio."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from pyflink.table import TableEnvironment

from jobs.mask_job import build, run_sql_file
from maskstream.config import PROJECT_DIR, load_config
from maskstream.flink_env import create_table_env
from maskstream.generate import write_events
from maskstream.records import committed_files
from maskstream.run_local import count_lines


def _timed(label: str, t_env: TableEnvironment, sql: str) -> float:
    started = time.perf_counter()
    t_env.execute_sql(sql).wait()
    elapsed = time.perf_counter() - started
    print(f"  {label:<6} {elapsed:7.2f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("MASKSTREAM_TOKEN_KEY", "benchmark-key-not-secret-0123456789")
    work = Path(tempfile.mkdtemp(prefix="maskstream-bench-"))
    try:
        write_events(args.rows, work / "in")
        print(f"{args.rows:,} rows, whole-job wall time including Flink start-up")
        results: dict[str, list[float]] = {"copy": [], "mask": []}
        for i in range(args.repeat):
            for kind in ("copy", "mask"):
                out = work / f"{kind}-{i}"
                config = load_config(
                    "local",
                    variables={
                        "INPUT_PATH": str(work / "in"),
                        "OUTPUT_PATH": str(out),
                        "COPY_PATH": str(out),
                        "QUARANTINE_PATH": str(work / f"quarantine-{kind}-{i}"),
                    },
                )
                t_env = create_table_env(config.flink)
                job = build(t_env, config)
                if kind == "copy":
                    run_sql_file(
                        t_env, PROJECT_DIR / "sql/bench/customers_copy.sql", config.variables
                    )
                    sql = "INSERT INTO customers_copy SELECT `payload` FROM customers_raw"
                else:
                    sql = job.insert_sql
                results[kind].append(_timed(kind, t_env, sql))
                assert count_lines(committed_files(out)) == args.rows, f"{kind} lost rows"
        copy, mask = min(results["copy"]), min(results["mask"])
        print(f"copy  {args.rows / copy:10,.0f} rows/s")
        print(f"mask  {args.rows / mask:10,.0f} rows/s")
        print(f"mask/copy throughput ratio: {copy / mask:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
