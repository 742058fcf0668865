"""Benchmark suite (issue #7): four Flink jobs over the same generated customer events, one run
each on the embedded MiniCluster, each in a fresh TableEnvironment:

  a  copy          the raw records copied as bytes (sql/bench/customers_copy.sql)
  b  native SQL    the policy approximated with Flink SQL built-ins over Flink's JSON format
                   (sql/bench/customers_native_mask.sql)
  c  mask job      maskstream's mask job with the policy (jobs/mask_job.py), into Parquet
                   files (sql/filesystem/masked.sql)
  e  mask job      the same job into an Iceberg table (the default profile,
     (Iceberg)     sql/iceberg/masked.sql): e/c is the Iceberg sink against Parquet
  d  row UDFs      the policy as row-at-a-time Python UDFs (bench/row_udfs.py,
                   sql/bench/customers_row_mask.sql)

Prints whole-job wall time (Flink start-up included), rows/s, the peak RSS of the Python
workers, and the throughput ratios c/b, c/d, c/a and e/c (Iceberg vs Parquet sink). Every job
must commit exactly --rows rows.
Prints figures only, never a value.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from pyflink.table import TableEnvironment

from jobs.config import JobConfig, load_config
from jobs.flink_env import create_table_env
from jobs.mask_job import build
from jobs.sql_files import load_sql_file
from jobs.tables import check_schema, define_table, run_sql_file
from maskstream import tables
from maskstream.generate import write_events
from maskstream.records import committed_files, count_rows
from udfs.crypto.keys import load_keyring
from udfs.flink.mask_function import TIMING_FILE_ENV
from udfs.policy.model import Policy, load_policy

REPO = Path(__file__).resolve().parent.parent  # the checkout this benchmark belongs to

BENCH_DIR = Path(__file__).resolve().parent
BENCH_SQL = REPO / "sql" / "bench"
ARROW_BATCH = "python.fn-execution.arrow.batch.size"
BUNDLE_SIZE = "python.fn-execution.bundle.size"
BUNDLE_TIME = "python.fn-execution.bundle.time"
# What identifies a PyFlink Python worker: the embedded MiniCluster starts each one as
# `<python> -m pyflink.fn_execution.beam.beam_boot --id=... --provision_endpoint=...`
# (through pyflink-udf-runner.sh, whose own command line does not match).
WORKER_MARK = b"pyflink.fn_execution"
WORKER_MODE_ENV = "_python_worker_execution_mode"


# --- Peak memory of the Python workers this process started (not anybody else's).


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after the command name: state, ppid, ... (None once the process is gone).
    The name may hold spaces and parentheses, so the split is after the last ')'."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _parent(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[1]) if fields else None


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else None


def _jvm_pids() -> list[int]:
    """The Java processes this process started (PyFlink's gateway JVM runs the MiniCluster)."""
    me = os.getpid()
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _parent(int(entry)) == me:
            try:
                exe = os.readlink(f"/proc/{entry}/exe")
            except OSError:
                continue
            if os.path.basename(exe) == "java":
                out.append(int(entry))
    return out


def _status_kib(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


@dataclass
class WorkerMemory:
    """Polls /proc every `interval` seconds while a job runs, for descendants of this process
    whose command line contains WORKER_MARK; keeps each worker's peak VmHWM / VmRSS (KiB)."""

    interval: float = 0.2
    peak_kib: dict[int, int] = field(default_factory=dict)
    # CPU seconds each worker had used when last seen (a worker's total by the job's end).
    cpu_seconds: dict[int, float] = field(default_factory=dict)
    command: str | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> WorkerMemory:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        while True:
            self._sample(me)
            if self._stop.wait(self.interval):
                return

    def _descends_from(self, pid: int, ancestor: int) -> bool:
        for _ in range(64):
            parent = _parent(pid)
            if parent is None or parent <= 1:
                return False
            if parent == ancestor:
                return True
            pid = parent
        return False

    def _sample(self, me: int) -> None:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if WORKER_MARK not in cmdline or not self._descends_from(pid, me):
                continue
            kib = _status_kib(pid)
            if kib:
                peak = max(kib.get("VmHWM", 0), kib.get("VmRSS", 0))
                self.peak_kib[pid] = max(self.peak_kib.get(pid, 0), peak)
            cpu = _cpu_seconds(pid)
            if cpu is not None:
                self.cpu_seconds[pid] = cpu
                if self.command is None:
                    self.command = cmdline.replace(b"\0", b" ").decode(errors="replace").strip()

    @property
    def peak_mib(self) -> float | None:
        return max(self.peak_kib.values()) / 1024 if self.peak_kib else None


# --- The variants.


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    # Defines the variant's tables and functions; returns the INSERT to time.
    prepare: Callable[[TableEnvironment, JobConfig, Policy], str]
    # The profile whose tables it writes: `parquet` (Parquet folders) or `local` (Iceberg).
    env: str = "parquet"


@dataclass
class Result:
    variant: Variant
    seconds: float
    rows: int
    peak_mib: float | None
    workers: int
    worker_command: str | None
    # CPU seconds during the job: the MiniCluster's JVM, and the Python workers (their whole
    # life: the workers start and end with the job).
    jvm_cpu: float | None
    worker_cpu: float | None
    # The lines of the UDF timing file its workers wrote.
    timing_from: int = 0
    timing_to: int = 0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


def _only_insert(path: Path, variables: dict[str, str]) -> str:
    statements = load_sql_file(path, variables)
    if len(statements) != 1 or not statements[0].text.upper().startswith("INSERT"):
        raise SystemExit(f"{path}: expected exactly one INSERT statement")
    return statements[0].text


def _json_source_and_sink(t_env: TableEnvironment, config: JobConfig, policy: Policy) -> None:
    """customers_json (typed like the policy's input, checked) and customers_bench_masked
    (LIKE the masked table, which is defined for that)."""
    define_table(t_env, config, policy, "masked")
    source = BENCH_SQL / "customers_json.sql"
    run_sql_file(t_env, source, config.variables)
    check_schema(
        t_env, "customers_json", source, [(f.name, f.input_type.sql) for f in policy.fields]
    )
    run_sql_file(t_env, BENCH_SQL / "customers_bench_masked.sql", config.variables)


def prepare_copy(t_env: TableEnvironment, config: JobConfig, policy: Policy) -> str:
    define_table(t_env, config, policy, "raw")
    run_sql_file(t_env, BENCH_SQL / "customers_copy.sql", config.variables)
    return "INSERT INTO customers_copy SELECT `payload` FROM customers_raw"


def prepare_native(t_env: TableEnvironment, config: JobConfig, policy: Policy) -> str:
    _json_source_and_sink(t_env, config, policy)
    return _only_insert(BENCH_SQL / "customers_native_mask.sql", config.variables)


def prepare_mask_job(t_env: TableEnvironment, config: JobConfig, policy: Policy) -> str:
    return build(t_env, config, policy).insert_sql


def row_udfs_module() -> ModuleType:
    """bench/row_udfs.py, imported as the top-level module `row_udfs`: the name its functions
    are pickled under, and the name the Python workers import it by (add_python_file)."""
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    return importlib.import_module("row_udfs")


def prepare_row_udfs(t_env: TableEnvironment, config: JobConfig, policy: Policy) -> str:
    # The workers import bench/row_udfs.py from the job's Python files; the `udfs` package it
    # imports is on their path through the editable install, as for the mask job's UDF.
    t_env.add_python_file(str(BENCH_DIR / "row_udfs.py"))
    for name, function in row_udfs_module().functions().items():
        t_env.create_temporary_system_function(name, function)
    _json_source_and_sink(t_env, config, policy)
    return _only_insert(BENCH_SQL / "customers_row_mask.sql", config.variables)


VARIANTS = (
    Variant("a", "copy (raw bytes)", prepare_copy),
    Variant("b", "native Flink SQL", prepare_native),
    Variant("c", "maskstream mask job", prepare_mask_job),
    Variant("d", "row-at-a-time Python UDFs", prepare_row_udfs),
    Variant("e", "mask job, Iceberg sink", prepare_mask_job, env="local"),
)
MASK_JOBS = ("c", "e")
POLICY_FILE = REPO / "conf" / "policies" / "customers.yaml"


def run_variant(variant: Variant, args: argparse.Namespace, work: Path, key_id: str) -> Result:
    """One job in a fresh TableEnvironment, timed from submission to the end of the job; its
    sink must hold exactly --rows committed rows."""
    policy = load_policy(POLICY_FILE)
    sink = work / f"{variant.key}-out"
    config = load_config(
        variant.env,
        policy=POLICY_FILE,
        variables={
            "INPUT_PATH": str(work / "in"),
            # (b, d) define customers_masked only for their sink to be LIKE it.
            "OUTPUT_PATH": str(sink if variant.key in MASK_JOBS else work / f"{variant.key}-x"),
            "ICEBERG_WAREHOUSE_DIR": str(work / f"{variant.key}-warehouse"),
            "CHECKPOINT_DIR": str(work / f"{variant.key}-checkpoints"),
            "COPY_PATH": str(sink),
            "BENCH_MASKED_PATH": str(sink),
            "QUARANTINE_PATH": str(work / f"{variant.key}-quarantine"),
            "POLICY_REGISTRY_DIR": str(work / f"{variant.key}-policy-registry"),
            "TOKEN_KEY_ID": key_id,
            "POLICY_VERSION": str(policy.version),
        },
        flink={"parallelism.default": str(args.parallelism), **dict(args.flink)},
    )
    t_env = create_table_env(config.flink)
    insert = variant.prepare(t_env, config, policy)
    jvms = _jvm_pids()
    jvm_before = [_cpu_seconds(pid) or 0.0 for pid in jvms]
    with WorkerMemory() as memory:
        started = time.perf_counter()
        t_env.execute_sql(insert).wait()
        seconds = time.perf_counter() - started
    jvm_after = [_cpu_seconds(pid) or 0.0 for pid in jvms]
    jvm_cpu = sum(jvm_after) - sum(jvm_before) if jvms else None
    worker_cpu = sum(memory.cpu_seconds.values()) if memory.cpu_seconds else None
    if variant.env == "local":
        rows = tables.count_rows(config, "masked")
    else:
        rows = count_rows(committed_files(sink)) if sink.exists() else 0
    if rows != args.rows:
        raise SystemExit(
            f"variant {variant.key}: the sink committed {rows:,} rows, not {args.rows:,}"
        )
    return Result(
        variant,
        seconds,
        rows,
        memory.peak_mib,
        len(memory.peak_kib),
        memory.command,
        jvm_cpu,
        worker_cpu,
    )


def _flink_option(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value.strip()


def _ratio(results: dict[str, Result], top: str, bottom: str) -> str:
    if top not in results or bottom not in results:
        return "n/a"
    return f"{results[top].rows_per_second / results[bottom].rows_per_second:.2f}"


def print_report(results: dict[str, Result], timing: Path) -> None:
    """The figures of a run: per variant, the ratios, and the mask UDF's share of its job."""
    print()
    print(
        f"{'variant':<32}{'seconds':>9}{'rows/s':>12}{'JVM CPU s':>11}{'Python CPU s':>14}"
        f"{'worker peak MiB':>17}{'workers':>9}"
    )
    for r in results.values():
        peak = f"{r.peak_mib:,.0f}" if r.peak_mib is not None else "n/a"
        jvm = f"{r.jvm_cpu:,.1f}" if r.jvm_cpu is not None else "n/a"
        worker = f"{r.worker_cpu:,.1f}" if r.worker_cpu is not None else "-"
        print(
            f"{r.variant.key}  {r.variant.label:<29}{r.seconds:>9.2f}"
            f"{r.rows_per_second:>12,.0f}{jvm:>11}{worker:>14}{peak:>17}{r.workers:>9}"
        )
    print(
        "JVM CPU s: CPU time of the MiniCluster's JVM during the job; Python CPU s: of the "
        "Python workers (2 cores: CPU s above the wall time means both were busy)"
    )
    print(
        "worker peak MiB: the largest peak RSS (VmHWM) of one Python worker, polled every "
        f"{WorkerMemory.interval} s; workers: how many ran"
    )
    print(
        f"\nc/b {_ratio(results, 'c', 'b')} (target >= 0.8)   "
        f"c/d {_ratio(results, 'c', 'd')} (target >= 3)   "
        f"c/a {_ratio(results, 'c', 'a')}   e/c {_ratio(results, 'e', 'c')} (Iceberg sink / "
        "Parquet sink)   (throughput ratios)"
    )
    if "c" in results and timing.exists():
        # The spans c's workers wrote (each variant's job appends its own, in turn).
        spans = [json.loads(line) for line in timing.read_text().splitlines() if line]
        spans = spans[results["c"].timing_from : results["c"].timing_to]
        busy = sum(t["seconds"] for t in spans)
        rows = sum(t["rows"] for t in spans)
        c = results["c"]
        print(
            f"c: the mask UDF ran {busy:.1f} s for {rows:,} rows ({busy / max(rows, 1) * 1e6:.1f} "
            f"µs/row, summed over workers): {busy / c.seconds:.0%} of the job's {c.seconds:.1f} s"
        )
        if c.worker_cpu is not None:
            print(
                f"   the workers' other CPU ({max(c.worker_cpu - busy, 0):.1f} s) is Arrow "
                "conversion and gRPC; while a worker waits, the JVM is starting the job, reading "
                "input, or writing results (after each bundle, before the next one is sent)"
            )
    command = next((r.worker_command for r in results.values() if r.worker_command), None)
    if command:
        shape = re.sub(r"=\S+", "=...", command)  # ids and ports differ per run
        print(f"python workers: {shape}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="events (default 1,000,000)")
    parser.add_argument("--parallelism", type=int, default=1, help="parallelism.default")
    parser.add_argument("--only", help="comma-separated variants to run, e.g. b,c (default all)")
    parser.add_argument("--keep", action="store_true", help="keep the input and output folders")
    parser.add_argument(
        "--flink",
        action="append",
        default=[],
        type=_flink_option,
        metavar="KEY=VALUE",
        help="override a Flink option of conf/config.yaml for every variant (repeatable), "
        f"e.g. --flink {ARROW_BATCH}=20000",
    )
    args = parser.parse_args(argv)
    wanted = [v for v in VARIANTS if args.only is None or v.key in args.only.split(",")]
    unknown = set((args.only or "").split(",")) - {v.key for v in VARIANTS} - {""}
    if unknown or not wanted:
        parser.error(f"--only takes a comma-separated subset of a,b,c,d,e (got {args.only!r})")

    # A fixed, obviously fake key for the synthetic input unless one is configured; set before
    # the JVM starts, so the Python workers inherit it.
    os.environ.setdefault("MASKSTREAM_TOKEN_KEY", "benchmark-key-not-secret-0123456789")
    # On the MiniCluster PyFlink runs the Python worker inside this process ("loopback") unless
    # told otherwise; as its own process, as on a cluster, its memory and CPU can be measured
    # apart from the client's (PyFlink reads this variable when a TableEnvironment opens).
    os.environ.setdefault(WORKER_MODE_ENV, "process")
    key_id = load_keyring().active_id
    work = Path(tempfile.mkdtemp(prefix="maskstream-bench-"))
    # The mask UDF's workers append how long they spent masking (rows and seconds, no data).
    os.environ[TIMING_FILE_ENV] = str(work / "udf-timing.jsonl")
    try:
        started = time.perf_counter()
        files = write_events(args.rows, work / "in")
        print(
            f"input: {args.rows:,} synthetic customer events in {files} JSON lines file(s), "
            f"generated in {time.perf_counter() - started:.1f} s"
        )
        flink = {**load_config("local").flink, **dict(args.flink)}
        print(
            f"parallelism {args.parallelism}; Python: arrow batch size "
            f"{flink.get(ARROW_BATCH, '(Flink default)')}, bundle size "
            f"{flink.get(BUNDLE_SIZE, '(Flink default)')}, bundle time "
            f"{flink.get(BUNDLE_TIME, '(Flink default)')} ms (conf/config.yaml"
            f"{', overridden by --flink' if args.flink else ''})"
        )
        print("whole-job wall time on the embedded MiniCluster, Flink start-up included\n")
        results: dict[str, Result] = {}
        for variant in wanted:
            print(f"running {variant.key}: {variant.label} ...", flush=True)
            timing = work / "udf-timing.jsonl"
            before = len(timing.read_text().splitlines()) if timing.exists() else 0
            results[variant.key] = run_variant(variant, args, work, key_id)
            results[variant.key].timing_from = before
            results[variant.key].timing_to = (
                len(timing.read_text().splitlines()) if timing.exists() else 0
            )
        print_report(results, work / "udf-timing.jsonl")
        if args.keep:
            print(f"\nkept {work}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
