"""The `maskstream` command line. Options are declared once (maskstream/options.py); each
command is a few lines that call the function doing the work; one set-up step resolves the
profile and policy, and one handler turns user errors into a one-line message and exit 2."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jobs.config import ConfigError, JobConfig, load_config, parse_pairs, variable_value
from jobs.project import ProjectNotFoundError, find_project
from jobs.sql_files import SqlFileError
from maskstream import errors
from maskstream import options as o
from maskstream.query import QueryError
from udfs.crypto.keys import KeyConfigError
from udfs.policy.evolution import PolicyEvolutionError
from udfs.policy.model import PolicyError, load_policy

USER_ERRORS: tuple[type[Exception], ...] = (
    PolicyError,
    PolicyEvolutionError,
    ConfigError,
    KeyConfigError,
    SqlFileError,
    QueryError,
    ProjectNotFoundError,
)


def cmd_generate(args: argparse.Namespace) -> int:
    from maskstream.generate import write_events

    files = write_events(
        args.rows, Path(args.out), seed=args.seed, rows_per_file=args.per_file,
        dataset=args.dataset, customers=args.customers,
    )  # fmt: skip
    print(f"wrote {args.rows:,} {args.dataset} events in {files} file(s) to {args.out}")
    return 0


def cmd_policy_check(args: argparse.Namespace) -> int:
    from maskstream.policy_report import describe

    print(describe(load_policy(args.file), args.file))
    return 0


def cmd_policy_diff(args: argparse.Namespace) -> int:
    from maskstream.policy_report import compare

    text, refused = compare(load_policy(args.old), load_policy(args.new))
    print(text)
    if refused:
        print(f"refused: {refused}", file=sys.stderr)
        return 1
    print("accepted: the job would run this policy after the old one")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from maskstream.explain import explain

    print(explain(args.config, args.policy_obj))
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from maskstream.preview import preview_file
    from udfs.crypto.keys import load_keyring

    policy = load_policy(args.policy)
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(args.output, "w", encoding="utf-8")) if args.output else None
        masked, rejected = preview_file(policy, Path(args.input), load_keyring(), out or sys.stdout)
    print(
        f"masked {masked:,} records"
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
    from maskstream.audit_trail import read_audit_trail, render_text, write_report

    trail = read_audit_trail(args.config, args.policy_obj)
    if args.html:
        # The report states a verification it ran itself, not one it was told about.
        outcome = write_report(trail, Path(args.html), args.config, args.policy_obj)
        verdict = f"{outcome.verdict} (verify ran at {outcome.ran_at})"
        print(f"wrote {args.html}: {verdict}", file=sys.stderr)
    print(render_text(trail, args.policy_obj.dataset, args.last))
    if not trail.windows:
        return 2  # nothing audited: no verdict to give
    return 1 if trail.leak_hits else 0


def cmd_verify(args: argparse.Namespace) -> int:
    from maskstream.verify import verify_profile

    report = verify_profile(args.config, args.policy_obj)
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
    columns, rows = run_query(sql, tables, args.as_of)
    write_result(columns, rows, args.format)
    return 0


def cmd_sql_init(args: argparse.Namespace) -> int:
    from maskstream.confinement import exposure_warning, readable_raw_inputs
    from maskstream.query import flink_init_sql

    exposed = readable_raw_inputs(args.env, _variables(args))
    if exposed:
        print(exposure_warning(exposed), file=sys.stderr)
        if args.strict:
            return 2
    text = flink_init_sql(args.env, _variables(args))
    if not args.out:
        sys.stdout.write(text)
        return 0
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: sql-client.sh -i {args.out}", file=sys.stderr)
    return 0


def cmd_submit(args: argparse.Namespace) -> int:
    from maskstream.cluster import submit, submit_command

    command = submit_command(args.job, args.jobmanager, args.env, args.python, args.var)
    with _reaching(args.jobmanager):
        job_id, problem = submit(command, find_project())
    if job_id is None:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(job_id)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from maskstream.cluster import status_lines

    with _reaching(args.jobmanager):
        print("\n".join(status_lines(args.jobmanager)))
    return 0


@contextlib.contextmanager
def _reaching(jobmanager: str) -> Iterator[None]:
    """Name the address when the cluster cannot be reached (urllib's error does not)."""
    import urllib.error

    try:
        yield
    except urllib.error.URLError as e:
        reason = getattr(e.reason, "strerror", None) or e.reason
        raise ConfigError(
            f"cannot reach the JobManager at {jobmanager}: {reason}. Fix: start the cluster "
            "(`make session-up`, or `make up` for docker compose) or point --jobmanager at its "
            "REST address (host:port)"
        ) from None


def cmd_run(args: argparse.Namespace) -> int:
    from maskstream import run_local

    config: JobConfig = args.config
    if args.job == "audit":
        if args.follow is not None:
            return run_local.follow_audit(config, args.follow or o.AUDIT_FOLLOW_INTERVAL)
        return run_local.run_audit_locally(config)
    if args.follow is not None:
        config = run_local.following(config, args.follow)
    if "RAW_TOPIC" in config.variables:
        from maskstream.run_kafka import run_mask_on_kafka

        return run_mask_on_kafka(config, bounded=args.bounded, savepoint=args.savepoint)
    status = run_local.run_mask_locally(config, resume=args.resume)
    if args.show:
        run_local.show_before_after(config, config.policy_path, args.show)
    return status


@dataclass(frozen=True)
class Command:
    """A command: its name (a group and a name for `policy check`), help, options, function,
    and whether it resolves the profile first (args.config and args.policy_obj)."""

    name: str
    run: Callable[[argparse.Namespace], int]
    help: str
    options: tuple[o.Option, ...] = ()
    uses_profile: bool = False


PROFILE = (o.POLICY, o.ENV, o.VAR)
COMMANDS = (
    Command("generate", cmd_generate, "write synthetic events as JSON lines", (
        o.ROWS,
        o.Option(("--dataset",), {"choices": ["customers", "payments"], "default": "customers"}),
        o.Option(("--customers",), {"type": int, "help": "customer pool size (default: "
                 "min(rows, 5000)); give both datasets the same pool so payments join"}),
        o.OUT_DIR, o.SEED,
        o.Option(("--per-file",), {"type": int, "default": 50_000, "help": "rows per file"}),
    )),
    Command("policy check", cmd_policy_check, "validate a policy file", (o.Option(("file",)),)),
    Command("policy diff", cmd_policy_diff, "classify the changes between two policy versions",
            (o.Option(("old",)), o.Option(("new",)))),
    Command("explain", cmd_explain, "print the SQL the mask job runs", PROFILE, True),
    Command("preview", cmd_preview, "apply a policy to JSON lines without Flink",
            (o.POLICY.but(required=True), o.INPUT_FILE, o.OUTPUT_FILE)),
    Command("produce", cmd_produce, "produce synthetic events to a Kafka topic",
            (o.ROWS, o.TOPIC, o.SEED, o.BOOTSTRAP)),
    Command("consume", cmd_consume, "print records of a topic (read_committed)", (
        o.TOPIC,
        o.Option(("--max",), {"type": int, "help": "stop after this many records"}),
        o.Option(("--timeout",), {"type": float, "default": 10.0, "help": "seconds to read"}),
        o.BOOTSTRAP,
    )),
    Command("audit", cmd_audit, "print the latest audit windows; exit 1 on any leak", (
        *PROFILE,
        o.Option(("--last",), {"type": int, "default": 10, "help": "how many windows to print"}),
        o.Option(("--html",), {"metavar": "FILE", "help": "also verify and write an HTML "
                               "report: verdict, policy, key ids, quarantine, seals"}),
    ), True),
    Command("verify", cmd_verify, "check the masked table against the audit seals", PROFILE, True),
    Command("submit", cmd_submit, "submit a job to a Flink cluster (flink run -py)",
            (o.JOB, o.JOBMANAGER, o.ENV.but(default="kafka"), o.WORKER_PYTHON, o.VAR)),
    Command("status", cmd_status, "the cluster's jobs: state, records, last checkpoint",
            (o.JOBMANAGER,)),
    Command("query", cmd_query, "SQL over the masked and audit tables (never the raw ones)", (
        o.Option(("sql",), {"nargs": "?", "help": 'e.g. "SELECT count(*) FROM customers_masked"'}),
        o.Option(("--file",), {"help": "read the SQL from a file, e.g. sql/analyst/x.sql"}),
        o.Option(("--tables",), {"action": "store_true", "help": "list the queryable tables"}),
        o.Option(("--format",), {"choices": ["table", "csv", "json"], "default": "table"}),
        o.Option(("--as-of",), {"metavar": "SNAPSHOT|TIME", "help": "read the Iceberg tables as "
                 "of a snapshot id (see --tables) or a time, e.g. 2026-12-03T10:00:00"}),
        o.ENV, o.VAR,
    )),
    Command("sql-init", cmd_sql_init, "write a Flink SQL client init file for the analyst tables",
            (o.Option(("--out",), {"help": "write here instead of stdout"}),
             o.Option(("--strict",), {"action": "store_true", "help": "refuse (exit 2) when "
                      "this account can read a raw input folder"}),
             o.ENV, o.VAR)),
    Command("run", cmd_run, "run a job on the embedded MiniCluster", (
        o.JOB, *PROFILE, o.RUN_INPUT, o.RUN_OUTPUT, o.DEFINE,
        o.Option(("--show",), {"type": int, "default": 0, "metavar": "N",
                               "help": "print N before/after pairs"}),
        o.Option(("--bounded",), {"action": "store_true",
                                  "help": "kafka: stop once caught up with the raw topic"}),
        o.Option(("--savepoint",), {"help": "kafka: resume from this savepoint"}),
        o.Option(("--resume",), {"action": "store_true", "help": "files: finish the run "
                                 "stopped last (Ctrl-C or killed) from its savepoint or "
                                 "last checkpoint; with --follow, follow on from it"}),
        o.FOLLOW,
    ), True),
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="maskstream", description="Mask personal data in event streams with Apache Flink."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    groups: dict[str, argparse._SubParsersAction] = {}
    for command in COMMANDS:
        group, _, name = command.name.rpartition(" ")
        target = sub
        if group:
            if group not in groups:
                holder = sub.add_parser(group, help=f"work with {group} files")
                groups[group] = holder.add_subparsers(dest=f"{group}_command", required=True)
            target = groups[group]
        command_parser = target.add_parser(name, help=command.help)
        for option in command.options:
            option.add_to(command_parser)
        command_parser.set_defaults(command_spec=command)
    return parser


def _variables(args: argparse.Namespace) -> dict[str, str]:
    """--var values (paths, names ending in _PATH or _DIR, relative to the current folder),
    then --input/--output of `run` (--output: the Iceberg warehouse, or on the parquet profile
    the masked table's folder)."""
    variables = parse_pairs(args.var, "--var")
    variables = {k: variable_value(k, v, Path.cwd()) for k, v in variables.items()}
    flags = (
        ("input", "INPUT_PATH"),
        ("output", "OUTPUT_PATH"),
        ("output", "ICEBERG_WAREHOUSE_DIR"),
    )
    for flag, name in flags:
        if args.command == "run" and getattr(args, flag, None):
            variables[name] = str(Path(getattr(args, flag)).resolve())
    return variables


def resolve_profile(args: argparse.Namespace) -> None:
    """The shared set-up of commands that use the profile: the layered config and its policy."""
    defines = parse_pairs(getattr(args, "define", []), "-D")
    args.config = load_config(
        args.env, policy=args.policy, variables=_variables(args), flink=defines
    )
    args.policy_obj = load_policy(args.config.policy_path)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command: Command = args.command_spec
    try:
        if command.uses_profile:
            resolve_profile(args)
        return command.run(args)
    except USER_ERRORS as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Exception as e:
        # A failed Flink job or masking code may quote a record: errors.describe prints the
        # cause only when it cannot (paths, connectivity, SQL), and logs frames without messages.
        if errors.debug_enabled():
            raise
        failure = errors.describe(e)
        if failure.code != 2:
            errors.record(e)
        print(failure.line, file=sys.stderr)
        if isinstance(e, BrokenPipeError):
            _silence_stdout()
        return failure.code


def _silence_stdout() -> None:
    # The reader is gone: point stdout at /dev/null so the interpreter's own flush at exit does
    # not raise again.
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
