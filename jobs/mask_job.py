"""The mask job: raw table -> vectorized masking UDF -> append-only masked table."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from pyflink.table import TableEnvironment

from jobs.config import RESTORE_PATH, ConfigError, JobConfig, config_from_job_args
from jobs.flink_env import create_table_env, planned
from jobs.input_files import FOLLOW_VAR, InputPlan, follow_interval, plan_inputs, reads_files
from jobs.mask_projection import MASKED_TABLE, compile_insert, compile_view
from jobs.sql_files import SchemaMismatchError
from jobs.table_ddl import table_ddl_file
from jobs.tables import (
    check_schema,
    columns_of,
    date_partitioned,
    define_table,
    require_insert_only,
    run_sql_file,
)
from udfs.crypto.keys import load_keyring
from udfs.flink.mask_function import function_name, mask_udf
from udfs.policy.evolution import PolicyRegistry
from udfs.policy.model import Policy, load_policy, table_name
from udfs.policy.sink import masked_columns


@dataclass(frozen=True)
class MaskJob:
    """A built, not yet executed, mask job."""

    policy: Policy
    insert_sql: str
    # The input files of a file profile: new ones, done ones left out (None for a topic).
    inputs: InputPlan | None = None
    # How often a file source lists its folder for new files; None: it reads it once.
    follow: str | None = None

    @property
    def nothing_to_do(self) -> bool:
        """Every input file is masked already and the job does not wait for new ones."""
        return self.inputs is not None and self.inputs.nothing_new and self.follow is None


def build(t_env: TableEnvironment, config: JobConfig, policy: Policy | None = None) -> MaskJob:
    """Define the tables, register the masking UDF and compile the INSERTs; execute nothing."""
    policy = policy or load_policy(config.policy_path)
    keyring = load_keyring()  # fail at start-up, on the client, if the key is missing or weak
    # Provenance of every Iceberg snapshot the job commits (sql/iceberg/masked.sql).
    job = {"JOB_POLICY_VERSION": str(policy.version), "JOB_TOKEN_KEY_ID": keyring.active_id}
    # A file source reads only the files the tables do not hold whole yet (jobs/input_files.py).
    inputs = None
    files = reads_files(config)
    # (A missing input folder is reported where the run lists its files.)
    if files and Path(config.variables["INPUT_PATH"]).exists():
        resume = bool(config.flink.get(RESTORE_PATH))
        inputs = plan_inputs(config, resume=resume)
        job["INPUT_FILES_PATTERN"] = inputs.pattern
    follow = follow_interval(config) if files else None
    if follow is not None:
        _check_streaming(config)
    registry = config.variables.get("POLICY_REGISTRY_DIR")
    if registry:
        # Versions only go up, and weakening a field is explicit (allow_weaker).
        PolicyRegistry(Path(registry)).admit(policy)
    raw, masked = table_name(policy, "raw"), table_name(policy, "masked")
    raw_sql = define_table(t_env, config, policy, "raw", job)
    if follow is not None:
        # An option added to the raw table, whichever DDL defined it (sql/filesystem).
        follow_sql = config.ddl_file("raw_follow", policy.dataset)
        assert follow_sql is not None  # shipped in sql/filesystem, the last place looked in
        variables = {**config.sql_variables(job), "DATASET": policy.dataset, FOLLOW_VAR: follow}
        run_sql_file(t_env, follow_sql, variables)
    masked_sql = define_table(t_env, config, policy, "masked", job)
    define_table(t_env, config, policy, "quarantine", job)
    columns = columns_of(t_env, raw)
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
    sink_columns = [(c.name, c.type.sql) for c in masked_columns(policy)]
    partitioned = date_partitioned(t_env, masked)
    check_schema(t_env, masked, masked_sql, sink_columns, partition=partitioned)
    function = function_name(policy)
    t_env.create_temporary_system_function(function, mask_udf(policy))
    t_env.execute_sql(compile_view(policy, function))
    # A profile whose masked table is a topic may keep an Iceberg copy of it too.
    copy = table_ddl_file(config, MASKED_TABLE) is not None
    if copy:
        copy_name = table_name(policy, MASKED_TABLE)
        copy_sql = define_table(t_env, config, policy, MASKED_TABLE, job)
        check_schema(t_env, copy_name, copy_sql, sink_columns, partition=True)
    insert_sql = compile_insert(policy, date_partition=partitioned, masked_table=copy)
    planned(t_env, lambda: require_insert_only(t_env, insert_sql, masked))
    return MaskJob(policy, insert_sql, inputs, follow)


def _check_streaming(config: JobConfig) -> None:
    """A source that follows its folder never ends: only a streaming job commits while it runs."""
    mode = config.flink.get("execution.runtime-mode", "STREAMING").upper()
    if mode != "STREAMING":
        raise ConfigError(
            f"{FOLLOW_VAR} is set, so the raw files' folder is followed, but "
            f"execution.runtime-mode is {mode}: a batch job commits nothing until its input "
            f"ends, and followed input never ends. Fix: drop the -D/flink: setting, or leave "
            f"{FOLLOW_VAR} empty to read the folder once"
        )


def submitted_by_flink_cli() -> bool:
    """True under `flink run -py`: the Flink client starts Python with a gateway of its own."""
    return "PYFLINK_GATEWAY_PORT" in os.environ


def main(argv: list[str] | None = None) -> int:
    """Entry point for `flink run -py jobs/mask_job.py` and `python -m jobs.mask_job`."""
    config = config_from_job_args("mask_job", __doc__, argv)
    t_env = create_table_env(config.flink)
    job = build(t_env, config)
    if job.nothing_to_do:
        assert job.inputs is not None
        print(job.inputs.render(Path(config.variables["INPUT_PATH"])), file=sys.stderr)
        return 0
    result = planned(t_env, lambda: t_env.execute_sql(job.insert_sql))
    if not submitted_by_flink_cli():
        result.wait()  # on the embedded MiniCluster the job lives only as long as this process
    return 0


if __name__ == "__main__":
    sys.exit(main())
