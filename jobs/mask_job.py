"""The mask job: raw table -> vectorized masking UDF -> append-only masked table."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from pyflink.table import TableEnvironment

from jobs.mask_projection import DATE_PARTITION, compile_insert, compile_view
from maskstream.config import JobConfig, config_from_job_args
from maskstream.flink_env import create_table_env
from maskstream.sql_files import SchemaMismatchError, load_sql_file
from udfs.flink_udf import function_name, mask_udf
from udfs.keys import load_keyring
from udfs.policy import SINK_METADATA, Policy, load_policy, table_name
from udfs.policy_evolution import PolicyRegistry
from udfs.sql_types import parse_sql_type


@dataclass(frozen=True)
class MaskJob:
    """A built, not yet executed, mask job."""

    policy: Policy
    insert_sql: str


def run_sql_file(t_env: TableEnvironment, path: Path, variables: dict[str, str]) -> None:
    for statement in load_sql_file(path, variables):
        if statement.set_key is not None:
            t_env.get_config().set(statement.set_key, statement.set_value or "")
        else:
            t_env.execute_sql(statement.text)


def define_table(t_env: TableEnvironment, config: JobConfig, policy: Policy, suffix: str) -> Path:
    """Create table <dataset>_<suffix>: its shared column schema, then the profile's DDL (see
    JobConfig.table_files). Returns the DDL file."""
    files = config.table_files(suffix, policy.dataset)
    name = table_name(policy, suffix)
    if not files or files[-1].parent.name == "schema":
        raise SchemaMismatchError(
            f"{config.sql_dir / f'{suffix}.sql'}: no DDL for table `{name}`. Fix: add "
            f"{suffix}.sql (every dataset) or {name}.sql (this dataset only) to {config.sql_dir}"
        )
    for path in files:
        run_sql_file(t_env, path, {**config.variables, "DATASET": policy.dataset})
    return files[-1]


def _columns(t_env: TableEnvironment, table: str) -> list[tuple[str, str, bool]]:
    """(name, type, physical) of each column, as DESCRIBE prints them."""
    rows = t_env.execute_sql(f"DESCRIBE `{table}`").collect()
    with rows:
        return [(r[0], str(r[1]), not (r[4] or "")) for r in rows]


def _same_type(ddl_type: str, declared: str) -> bool:
    ddl_type = ddl_type.replace(" NOT NULL", "")
    try:
        return parse_sql_type(ddl_type) == parse_sql_type(declared)
    except ValueError:
        return False


def date_partitioned(t_env: TableEnvironment, table: str) -> bool:
    """Whether `table` ends with the date partition column (`dt STRING`, yyyy-MM-dd) that the
    job fills itself: the filesystem tables have it, Kafka topics do not."""
    physical = [(n, t) for n, t, is_physical in _columns(t_env, table) if is_physical]
    return bool(physical) and physical[-1][0] == DATE_PARTITION


def check_schema(
    t_env: TableEnvironment,
    table: str,
    ddl_file: Path,
    expected: list[tuple[str, str]],
    *,
    partition: bool = False,
) -> None:
    """The physical columns of `table` must be exactly `expected`, in order (then the date
    partition column when `partition`)."""
    actual = [(n, t) for n, t, physical in _columns(t_env, table) if physical]
    if partition:
        actual = actual[:-1]
    problems = []
    actual_names = [n for n, _ in actual]
    for name, declared in expected:
        if name not in actual_names:
            problems.append(f"column `{name}` is missing; add `{name} {declared}`")
    for name, ddl_type in actual:
        want = dict(expected).get(name)
        if want is None:
            problems.append(f"column `{name}` is not in the policy; remove it or declare it")
        elif not _same_type(ddl_type, want):
            problems.append(f"column `{name}` is {ddl_type}, the policy needs {want}")
    if not problems and actual_names != [n for n, _ in expected]:
        problems.append("columns are out of order; list them in the policy's order")
    if problems:
        raise SchemaMismatchError(
            f"{ddl_file}: table `{table}` does not match the policy:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


def build(t_env: TableEnvironment, config: JobConfig, policy: Policy | None = None) -> MaskJob:
    """Define the tables, register the masking UDF and compile the INSERTs; execute nothing."""
    policy = policy or load_policy(config.policy_path)
    load_keyring()  # fail at start-up, on the client, if the key is missing or weak
    registry = config.variables.get("POLICY_REGISTRY_DIR")
    if registry:
        # Versions only go up, and weakening a field is explicit (allow_weaker).
        PolicyRegistry(Path(registry)).admit(policy)
    raw, masked = table_name(policy, "raw"), table_name(policy, "masked")
    raw_sql = define_table(t_env, config, policy, "raw")
    masked_sql = define_table(t_env, config, policy, "masked")
    define_table(t_env, config, policy, "quarantine")
    columns = _columns(t_env, raw)
    if ("payload", "BYTES") not in [(n, t.replace(" NOT NULL", "")) for n, t, _ in columns]:
        raise SchemaMismatchError(
            f"{raw_sql}: table `{raw}` must read whole records as `payload BYTES` with "
            "'format' = 'raw'. Fix: make it LIKE raw_schema (sql/schema/raw.sql); the job "
            "parses the records itself so that no Flink component ever prints a raw record"
        )
    if "source_ref" not in [n for n, _, _ in columns]:
        raise SchemaMismatchError(
            f"{raw_sql}: table `{raw}` has no `source_ref` column. Fix: add a computed column "
            "with the source coordinates, e.g. `source_ref AS CONCAT('file:', file_path)`"
        )
    sink_columns = [(f.name, f.output_type.sql) for f in policy.fields]
    sink_columns += [(name, sql_type.sql) for name, sql_type in SINK_METADATA]
    partitioned = date_partitioned(t_env, masked)
    check_schema(t_env, masked, masked_sql, sink_columns, partition=partitioned)
    function = function_name(policy)
    t_env.create_temporary_system_function(function, mask_udf(policy))
    t_env.execute_sql(compile_view(policy, function))
    return MaskJob(policy, compile_insert(policy, date_partition=partitioned))


def submitted_by_flink_cli() -> bool:
    """True under `flink run -py`: the Flink client starts Python with a gateway of its own."""
    return "PYFLINK_GATEWAY_PORT" in os.environ


def main(argv: list[str] | None = None) -> int:
    """Entry point for `flink run -py jobs/mask_job.py` and `python -m jobs.mask_job`."""
    config = config_from_job_args("mask_job", __doc__, argv)
    t_env = create_table_env(config.flink)
    job = build(t_env, config)
    result = t_env.execute_sql(job.insert_sql)
    if not submitted_by_flink_cli():
        result.wait()  # on the embedded MiniCluster the job lives only as long as this process
    return 0


if __name__ == "__main__":
    sys.exit(main())
