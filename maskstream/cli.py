"""The `maskstream` command line: generate, policy check, explain, preview, run."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from maskstream.config import PROJECT_DIR, ConfigError, load_config, parse_pairs, variable_value
from maskstream.kafka_io import DEFAULT_BOOTSTRAP
from maskstream.query import QueryError
from maskstream.sql_files import SqlFileError, load_sql_file
from udfs.keys import KeyConfigError
from udfs.policy import PolicyError, load_policy
from udfs.policy_evolution import PolicyEvolutionError

USER_ERRORS: tuple[type[Exception], ...] = (
    PolicyError,
    PolicyEvolutionError,
    ConfigError,
    KeyConfigError,
    SqlFileError,
    QueryError,
)


def cmd_generate(args: argparse.Namespace) -> int:
    from maskstream.generate import write_events

    files = write_events(
        args.rows,
        Path(args.out),
        seed=args.seed,
        rows_per_file=args.per_file,
        dataset=args.dataset,
        customers=args.customers,
    )
    print(f"wrote {args.rows:,} {args.dataset} events in {files} file(s) to {args.out}")
    return 0


def cmd_policy_check(args: argparse.Namespace) -> int:
    policy = load_policy(args.file)
    masked = len(policy.masked)
    print(
        f"OK {args.file}: dataset {policy.dataset} v{policy.version}, {len(policy.fields)} fields "
        f"({masked} masked, {len(policy.fields) - masked} kept)"
    )
    width = max(len(f.name) for f in policy.fields)
    for f in policy.fields:
        print(f"  {f.name:<{width}}  {f.input_type.sql:<15} -> {f.describe()}")
    return 0


def cmd_policy_diff(args: argparse.Namespace) -> int:
    from udfs.policy_evolution import PolicyEvolutionError, check_evolution, diff

    old, new = load_policy(args.old), load_policy(args.new)
    changes = diff(old, new)
    print(f"{old.dataset} v{old.version} -> v{new.version}: {len(changes)} change(s)")
    for change in changes:
        print("  " + change.render())
    try:
        check_evolution(old, new)
    except PolicyEvolutionError as e:
        print(f"refused: {e}", file=sys.stderr)
        return 1
    print("accepted: the job would run this policy after the old one")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from jobs.mask_projection import compile_insert, compile_view
    from udfs.flink_udf import function_name

    config = load_config(args.env, policy=args.policy)
    policy = load_policy(config.policy_path)
    partitioned = False
    for suffix in ("raw", "masked", "quarantine"):
        for path in config.table_files(suffix, policy.dataset):
            print(f"-- {path.relative_to(PROJECT_DIR)}")
            for statement in load_sql_file(path, config.variables):
                print(statement.text + ";\n")
                partitioned |= suffix == "masked" and "PARTITIONED BY (`dt`)" in statement.text
    print(f"-- compiled from {config.policy_path} (dataset {policy.dataset} v{policy.version})")
    print(compile_view(policy, function_name(policy)) + ";\n")
    print(compile_insert(policy, date_partition=partitioned) + ";")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from maskstream.preview import mask_lines, read_lines
    from maskstream.records import dumps_row
    from udfs.keys import load_keyring

    policy = load_policy(args.policy)
    results = mask_lines(policy, read_lines([Path(args.input)]), load_keyring())
    counts = Counter()
    with contextlib.ExitStack() as stack:
        out = (
            stack.enter_context(open(args.output, "w", encoding="utf-8"))
            if args.output
            else sys.stdout
        )
        for ok, row in results:
            counts["masked" if ok else row["error_class"]] += 1
            if ok:
                out.write(dumps_row(row) + "\n")
    rejected = {k: v for k, v in counts.items() if k != "masked"}
    print(
        f"masked {counts['masked']:,} records"
        + (f" into {args.output}" if args.output else "")
        + (f"; quarantined {sum(rejected.values()):,}: {rejected}" if rejected else ""),
        file=sys.stderr,
    )
    return 0


def cmd_produce(args: argparse.Namespace) -> int:
    from maskstream.generate import generate_events
    from maskstream.kafka_io import produce, topic_exists

    if not topic_exists(args.bootstrap, args.topic):
        raise ConfigError(
            f"topic {args.topic} does not exist on {args.bootstrap}. Fix: `make kafka-topics`, "
            f"or `bash scripts/kafka.sh topic {args.topic} 3` (topics are never auto-created)"
        )
    events = generate_events(args.rows, seed=args.seed)
    delivered = produce(args.bootstrap, args.topic, events, key_field="customer_id")
    print(f"produced {len(delivered):,} events to {args.topic}")
    return 0


def cmd_consume(args: argparse.Namespace) -> int:
    from maskstream.kafka_io import consume
    from maskstream.records import dumps_row

    count = 0
    for record in consume(args.bootstrap, args.topic, max_records=args.max, timeout=args.timeout):
        print(dumps_row(record.value))
        count += 1
    print(f"{count:,} records (read_committed) from {args.topic}", file=sys.stderr)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from maskstream.audit_report import parse_counts
    from maskstream.records import read_table

    config = load_config(args.env, policy=args.policy, variables=_variables(args))
    policy = load_policy(config.policy_path)
    windows = read_table(Path(config.variables["AUDIT_PATH"]))
    windows = [w for w in windows if w["dataset"] == policy.dataset]
    leaks = read_table(Path(config.variables["LEAKS_PATH"]))
    leaks = [x for x in leaks if x["dataset"] == policy.dataset]
    windows.sort(key=lambda w: (w["window_start"], w["policy_version"]))
    if args.html:
        from maskstream.audit_report import render_html

        Path(args.html).write_text(render_html(windows, leaks), encoding="utf-8")
        print(f"wrote {args.html}", file=sys.stderr)
    print(f"audit of {policy.dataset}: {len(windows)} sealed window(s)")
    header = ("window start", "version", "rows", "masked", "detected", "leaks")
    print("  {:<24}{:>8}{:>10}{:>10}{:>10}{:>7}".format(*header))
    for w in windows[-args.last :]:
        masked = sum(parse_counts(w.get("masked_values")).values())
        detected = sum(parse_counts(w.get("detections")).values())
        print(
            f"  {w['window_start']!s:<24}{w['policy_version']:>8}{w['rows_masked']:>10,}"
            f"{masked:>10,}{detected:>10,}{w['leak_hits']:>7,}"
        )
    hits = sum(int(w["leak_hits"]) for w in windows)
    if hits or leaks:
        by_field = Counter(f"{x['field']}:{x['entity_type']}" for x in leaks)
        print(f"LEAKS: {max(hits, len(leaks))} hit(s): {dict(by_field)} (see the leaks table)")
        return 1
    print("no leaks found")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from maskstream.verify import read_seals, verify, verify_rows

    config = load_config(args.env, policy=args.policy, variables=_variables(args))
    policy = load_policy(config.policy_path)
    audit_dir = Path(config.variables["AUDIT_PATH"])
    if "MASKED_TOPIC" in config.variables:
        from maskstream.kafka_io import consume

        topic, bootstrap = config.variables["MASKED_TOPIC"], config.variables["KAFKA_BOOTSTRAP"]
        rows = [r.value for r in consume(bootstrap, topic, timeout=600, idle=10)]
        report = verify_rows(policy, rows, read_seals(audit_dir))
    else:
        report = verify(policy, Path(config.variables["OUTPUT_PATH"]), audit_dir)
    print(report.render())
    return 0 if report.ok else 1


def cmd_query(args: argparse.Namespace) -> int:
    from maskstream.query import analyst_tables, describe_tables, run_query, write_result

    tables = analyst_tables(args.env, _variables(args))
    if args.tables:
        describe_tables(tables)
        return 0
    if bool(args.sql) == bool(args.file):
        raise QueryError(
            "give the SQL as an argument or with --file (not both). Try: maskstream query --tables"
        )
    sql = args.sql or Path(args.file).read_text(encoding="utf-8")
    columns, rows = run_query(sql, tables)
    write_result(columns, rows, args.format)
    return 0


def cmd_sql_init(args: argparse.Namespace) -> int:
    from maskstream.query import flink_init_sql

    text = flink_init_sql(args.env, _variables(args))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}: sql-client.sh -i {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def flink_binary() -> Path:
    """The `flink` client: $FLINK_HOME/bin/flink, else the PyFlink wheel's own."""
    import pyflink

    home = os.environ.get("FLINK_HOME") or str(Path(pyflink.__file__).parent)
    return Path(home) / "bin" / "flink"


def submit_command(args: argparse.Namespace) -> list[str]:
    """`flink run -py` with everything a cluster needs: the job file, the project's Python
    packages (--pyFiles), the interpreter on the workers, and the profile and variables."""
    folders = ",".join(str(PROJECT_DIR / name) for name in ("udfs", "jobs", "maskstream"))
    command = [
        str(flink_binary()), "run", "--detached",
        "--jobmanager", args.jobmanager,
        "--python", str(PROJECT_DIR / "jobs" / f"{args.job}_job.py"),
        "--pyFiles", folders,
        "--pyExecutable", args.python,
        "--pyClientExecutable", sys.executable,
        "--", "--env", args.env,
    ]  # fmt: skip
    for pair in args.var:
        command += ["--var", pair]
    return command


def cmd_submit(args: argparse.Namespace) -> int:
    import re
    import subprocess

    command = submit_command(args)
    # Folders a Flink script derived for some other process (PyFlink exports the wheel's into
    # its own): the client derives its own from FLINK_HOME, or it may miss flink-python.
    derived = {"FLINK_LIB_DIR", "FLINK_OPT_DIR", "FLINK_PLUGINS_DIR", "FLINK_BIN_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in derived | {"FLINK_INHERITED_LOGS"}}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    match = re.search(r"JobID ([0-9a-f]{32})", done.stdout + done.stderr)
    if done.returncode != 0 or match is None:
        # The client's output can quote SQL but never records; still, show only its tail.
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-5:])
        print(f"error: submission failed (exit {done.returncode}):\n{tail}", file=sys.stderr)
        return 1
    print(match.group(1))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    import json
    import urllib.request

    base = f"http://{args.jobmanager}"

    def get(path: str) -> dict:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return json.loads(response.read())

    jobs = get("/jobs/overview")["jobs"]
    print(
        f"{'job id':<34}{'name':<40}{'state':<11}{'records in':>12}{'records out':>12}  checkpoint"
    )
    for job in sorted(jobs, key=lambda j: j["start-time"], reverse=True):
        detail = get(f"/jobs/{job['jid']}")
        metrics = [v.get("metrics", {}) for v in detail.get("vertices", [])]
        # Records into the first task and out of the last one (Python operators run in a task
        # of their own, so these count what crossed the masking step).
        read = metrics[0].get("read-records", 0) if metrics else 0
        written = metrics[-1].get("write-records", 0) if metrics else 0
        try:
            latest = get(f"/jobs/{job['jid']}/checkpoints")["latest"]["completed"]
            checkpoint = f"#{latest['id']}" if latest else "none"
        except (OSError, KeyError, TypeError):
            checkpoint = "none"
        print(
            f"{job['jid']:<34}{job['name'][:38]:<40}{job['state']:<11}"
            f"{read:>12,}{written:>12,}  {checkpoint}"
        )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from maskstream.run_local import run_mask_locally

    variables = _variables(args)
    if args.input:
        variables["INPUT_PATH"] = str(Path(args.input).resolve())
    if args.output:
        variables["OUTPUT_PATH"] = str(Path(args.output).resolve())
    config = load_config(
        args.env, policy=args.policy, variables=variables, flink=parse_pairs(args.define, "-D")
    )
    if args.job == "audit":
        from maskstream.run_local import run_audit_locally

        return run_audit_locally(config)
    if "RAW_TOPIC" in config.variables:
        from maskstream.run_kafka import run_mask_on_kafka

        return run_mask_on_kafka(config, bounded=args.bounded, savepoint=args.savepoint)
    status = run_mask_locally(config)
    if args.show:
        from maskstream.run_local import show_before_after

        show_before_after(config, config.policy_path, args.show)
    return status


def _add_kafka_parsers(sub: argparse._SubParsersAction) -> None:
    bootstrap = {"default": DEFAULT_BOOTSTRAP, "help": "Kafka bootstrap servers"}
    prod = sub.add_parser("produce", help="produce synthetic events to a Kafka topic")
    prod.add_argument("--rows", type=int, required=True)
    prod.add_argument("--topic", required=True)
    prod.add_argument("--seed", type=int, default=42)
    prod.add_argument("--bootstrap", **bootstrap)
    prod.set_defaults(func=cmd_produce)

    cons = sub.add_parser("consume", help="print records of a topic (read_committed)")
    cons.add_argument("--topic", required=True)
    cons.add_argument("--max", type=int, help="stop after this many records")
    cons.add_argument("--timeout", type=float, default=10.0, help="seconds to read for")
    cons.add_argument("--bootstrap", **bootstrap)
    cons.set_defaults(func=cmd_consume)


def _add_audit_parsers(sub: argparse._SubParsersAction) -> None:
    aud = sub.add_parser("audit", help="print the latest audit windows; exit 1 on any leak")
    aud.add_argument("--policy", help="policy file (default: from conf/maskstream.yaml)")
    aud.add_argument("--env", default="local", help="environment profile in conf/env/")
    _add_var(aud)
    aud.add_argument("--last", type=int, default=10, help="how many windows to print")
    aud.add_argument("--html", metavar="FILE", help="also write an HTML report with charts")
    aud.set_defaults(func=cmd_audit)

    ver = sub.add_parser("verify", help="check the masked table against the audit seals")
    ver.add_argument("--policy", help="policy file (default: from conf/maskstream.yaml)")
    ver.add_argument("--env", default="local", help="environment profile in conf/env/")
    _add_var(ver)
    ver.set_defaults(func=cmd_verify)


def _add_var(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a ${KEY} of the profile, e.g. --var AUDIT_PATH=/tmp/audit",
    )


def _variables(args: argparse.Namespace) -> dict[str, str]:
    """--var values; paths (names ending in _PATH or _DIR) relative to the current folder."""
    variables = parse_pairs(args.var, "--var")
    return {k: variable_value(k, v, Path.cwd()) for k, v in variables.items()}


def _add_query(sub: argparse._SubParsersAction) -> None:
    qry = sub.add_parser(
        "query", help="SQL over the masked and audit tables (DuckDB; never the raw tables)"
    )
    qry.add_argument("sql", nargs="?", help='e.g. "SELECT count(*) FROM customers_masked"')
    qry.add_argument("--file", help="read the SQL from a file, e.g. sql/analyst/rows_per_day.sql")
    qry.add_argument("--tables", action="store_true", help="list the queryable tables")
    qry.add_argument("--format", choices=["table", "csv", "json"], default="table")
    qry.add_argument("--env", default="local", help="environment profile in conf/env/")
    _add_var(qry)
    qry.set_defaults(func=cmd_query)

    ini = sub.add_parser(
        "sql-init", help="write a Flink SQL client init file declaring the analyst tables"
    )
    ini.add_argument("--out", help="write here instead of stdout")
    ini.add_argument("--env", default="local", help="environment profile in conf/env/")
    _add_var(ini)
    ini.set_defaults(func=cmd_sql_init)


def _add_generate(sub: argparse._SubParsersAction) -> None:
    gen = sub.add_parser("generate", help="write synthetic events as JSON lines")
    gen.add_argument("--rows", type=int, required=True)
    gen.add_argument(
        "--dataset", choices=["customers", "payments"], default="customers", help="what to write"
    )
    gen.add_argument(
        "--customers",
        type=int,
        help="customer pool size (default: min(rows, 5000)); give both datasets the same pool "
        "so payments belong to the generated customers",
    )
    gen.add_argument("--out", required=True, help="folder for events-*.jsonl")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--per-file", type=int, default=50_000, help="rows per file")
    gen.set_defaults(func=cmd_generate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="maskstream",
        description="Mask personal data in event streams with Apache Flink.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    _add_generate(sub)

    pol = sub.add_parser("policy", help="work with masking policies")
    pol_sub = pol.add_subparsers(dest="policy_command", required=True)
    check = pol_sub.add_parser("check", help="validate a policy file")
    check.add_argument("file")
    check.set_defaults(func=cmd_policy_check)
    pdiff = pol_sub.add_parser("diff", help="classify the changes between two policy versions")
    pdiff.add_argument("old")
    pdiff.add_argument("new")
    pdiff.set_defaults(func=cmd_policy_diff)

    exp = sub.add_parser("explain", help="print the SQL the mask job runs")
    exp.add_argument("--policy", help="policy file (default: from conf/maskstream.yaml)")
    exp.add_argument("--env", default="local", help="environment profile in conf/env/")
    exp.set_defaults(func=cmd_explain)

    pre = sub.add_parser("preview", help="apply a policy to JSON lines without Flink")
    pre.add_argument("--policy", required=True)
    pre.add_argument("--input", required=True, help="a .jsonl file")
    pre.add_argument("--output", help="write here instead of stdout")
    pre.set_defaults(func=cmd_preview)

    _add_kafka_parsers(sub)
    _add_audit_parsers(sub)

    sub_ = sub.add_parser("submit", help="submit a job to a Flink cluster (flink run -py)")
    sub_.add_argument("job", choices=["mask", "audit"])
    sub_.add_argument("--jobmanager", required=True, metavar="HOST:PORT", help="REST address")
    sub_.add_argument("--env", default="kafka", help="environment profile in conf/env/")
    sub_.add_argument("--python", default=sys.executable, help="Python on the TaskManagers")
    sub_.add_argument("--var", action="append", default=[], metavar="KEY=VALUE")
    sub_.set_defaults(func=cmd_submit)

    st = sub.add_parser("status", help="the cluster's jobs: state, records, last checkpoint")
    st.add_argument("--jobmanager", required=True, metavar="HOST:PORT")
    st.set_defaults(func=cmd_status)

    _add_query(sub)

    run = sub.add_parser("run", help="run a job on the embedded MiniCluster")
    run.add_argument("job", choices=["mask", "audit"])
    run.add_argument("--policy", help="policy file (default: from conf/maskstream.yaml)")
    run.add_argument("--env", default="local", help="environment profile in conf/env/")
    run.add_argument("--input", help="input folder (sets INPUT_PATH)")
    run.add_argument("--output", help="output folder (sets OUTPUT_PATH)")
    _add_var(run)
    run.add_argument(
        "-D",
        dest="define",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a Flink option, e.g. -D parallelism.default=2",
    )
    run.add_argument("--show", type=int, default=0, metavar="N", help="print N before/after pairs")
    run.add_argument(
        "--bounded", action="store_true", help="kafka: stop once caught up with the raw topic"
    )
    run.add_argument("--savepoint", help="kafka: resume from this savepoint")
    run.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except USER_ERRORS as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Exception as e:
        # Last line of defence: a Flink exception may quote a record, so never print it.
        if os.environ.get("MASKSTREAM_DEBUG"):
            raise
        print(
            f"error: {type(e).__name__} (details withheld: they may quote record data; "
            "see the Flink log)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
