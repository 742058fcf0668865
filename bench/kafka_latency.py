"""Benchmark on the local broker (`make kafka-up`): throughput of a bounded run over a backlog,
and end-to-end latency, produce -> visible to a read_committed reader, at the kafka profile's
checkpoint interval. Prints figures; asserts exactly-once counts along the way."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from jobs.config import load_config
from maskstream.generate import generate_events
from maskstream.kafka_io import consume, create_topic, produce
from maskstream.options import DEFAULT_BOOTSTRAP


def _config(name: str, work: Path, **variables: str):  # type: ignore[no-untyped-def]
    base = {
        "KAFKA_BOOTSTRAP": DEFAULT_BOOTSTRAP,
        "RAW_TOPIC": f"{name}.raw",
        "MASKED_TOPIC": f"{name}.masked",
        "GROUP_ID": f"{name}-group",
        "TRANSACTIONAL_ID_PREFIX": f"{name}-tx",
        "CHECKPOINT_DIR": str(work / name),
        "ICEBERG_WAREHOUSE_DIR": str(work / name / "warehouse"),
        "STARTUP_MODE": "earliest-offset",
    }
    base.update(variables)
    return load_config("kafka", variables=base)


def _topics(name: str) -> None:
    create_topic(DEFAULT_BOOTSTRAP, f"{name}.raw", 3)
    create_topic(DEFAULT_BOOTSTRAP, f"{name}.masked", 2)


def _start(config):  # type: ignore[no-untyped-def]
    from jobs.flink_env import create_table_env
    from jobs.mask_job import build

    t_env = create_table_env(config.flink)
    return t_env.execute_sql(build(t_env, config).insert_sql)


def throughput(rows: int, work: Path) -> None:
    name = f"bench{uuid.uuid4().hex[:8]}"
    _topics(name)
    produce(DEFAULT_BOOTSTRAP, f"{name}.raw", generate_events(rows), key_field="customer_id")
    config = _config(name, work, BOUNDED_MODE="latest-offset")
    started = time.perf_counter()
    _start(config).wait()
    elapsed = time.perf_counter() - started
    seen = sum(1 for _ in consume(DEFAULT_BOOTSTRAP, f"{name}.masked", timeout=120, idle=8))
    assert seen == rows, f"expected {rows}, read {seen}"
    print(
        f"throughput: {rows:,} events in {elapsed:.1f}s whole-job wall time "
        f"(incl. start-up) = {rows / elapsed:,.0f} events/s"
    )


def latency(rate: int, seconds: int, work: Path) -> None:
    name = f"bench{uuid.uuid4().hex[:8]}"
    _topics(name)
    config = _config(name, work)
    interval = config.flink["execution.checkpointing.interval"]
    result = _start(config)
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}
    total = rate * seconds
    stop = threading.Event()

    def read() -> None:
        for record in consume(DEFAULT_BOOTSTRAP, f"{name}.masked", timeout=seconds + 120):
            seen[record.value["event_id"]] = time.time()
            if stop.is_set() or len(seen) >= total:
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(8)  # let the job start and the reader join its group
    events = list(generate_events(total, seed=99))
    step = max(1, rate // 10)
    began = time.time()
    for i in range(0, total, step):
        chunk = events[i : i + step]
        now = time.time()
        for e in chunk:
            sent[e["event_id"]] = now
        produce(DEFAULT_BOOTSTRAP, f"{name}.raw", chunk)
        time.sleep(max(0.0, began + (i + step) / rate - time.time()))
    reader.join(timeout=60)
    stop.set()
    result.get_job_client().cancel().result()
    lat = sorted(seen[k] - sent[k] for k in seen if k in sent)
    assert len(seen) == total, f"expected {total} visible, got {len(seen)}"
    q = statistics.quantiles(lat, n=100)
    print(
        f"latency at checkpoint interval {interval}, {rate} events/s for {seconds}s "
        f"({len(lat):,} events): p50 {q[49]:.2f}s  p99 {q[98]:.2f}s  max {lat[-1]:.2f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=1000, help="events/s for the latency run")
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("MASKSTREAM_TOKEN_KEY", "benchmark-key-not-secret-0123456789")
    work = Path(tempfile.mkdtemp(prefix="maskstream-kafka-bench-"))
    throughput(args.rows, work)
    latency(args.rate, args.seconds, work)


if __name__ == "__main__":
    main()
