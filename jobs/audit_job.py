"""The audit job: masked table -> per-row scan -> sealed event-time windows (audit table) and
leak-sentinel hits (leaks table). A separate job from the mask job, with its own entry point."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from pyflink.common import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import StatementSet, StreamTableEnvironment

from jobs.audit_plan import AuditPlan, plan_audit
from jobs.audit_projection import (
    compile_audit_insert,
    compile_leaks_insert,
    compile_scan_view,
    compile_window_query,
)
from jobs.config import JobConfig, config_from_job_args
from jobs.flink_env import create_stream_table_env, planned
from jobs.tables import date_partitioned, define_table
from udfs.detection.audit_scan import scanned_fields
from udfs.flink.audit_functions import SEALED_TYPE, SealChain, audit_scan_udf, window_summary_udaf
from udfs.policy.model import Policy, event_time_field, load_policy, table_name


@dataclass(frozen=True)
class AuditJob:
    policy: Policy
    window_sql: str
    leaks_sql: str
    plan: AuditPlan


def build(
    t_env: StreamTableEnvironment, config: JobConfig, policy: Policy | None = None
) -> tuple[AuditJob, StatementSet]:
    """Define the tables and the pipeline; returns (AuditJob, StatementSet) not yet executed."""
    policy = policy or load_policy(config.policy_path)
    event_time_field(policy)  # fail at start-up if the policy has no event time
    batch = config.variables.get("AUDIT_RUNTIME_MODE", "STREAMING").upper() == "BATCH"
    # A batch job sees all rows before it closes a window and needs no watermarks; a streaming
    # job reads the masked table through a watermarked definition of it.
    source_suffix = "masked" if batch else "masked_events"
    suffixes = (
        ("masked", "audit", "leaks") if batch else ("masked", "masked_events", "audit", "leaks")
    )
    # A batch audit counts the quarantined records per window too (jobs/audit_plan.py).
    plan = plan_audit(config, policy, batch)
    if plan.nothing_new:  # nothing to plan: the caller says so and runs nothing
        return AuditJob(policy, "", "", plan), t_env.create_statement_set()
    if plan.reads_quarantine:
        suffixes += ("quarantine",)
    for suffix in suffixes:
        define_table(t_env, config, policy, suffix)
    scan_fn = f"audit_scan_{policy.dataset}"
    summary_fn = f"audit_window_{policy.dataset}"
    t_env.create_temporary_system_function(scan_fn, audit_scan_udf(policy))
    t_env.create_temporary_system_function(summary_fn, window_summary_udaf(policy))
    text_fields = [f.name for f in scanned_fields(policy)]
    source = table_name(policy, source_suffix)
    # A batch audit of an Iceberg table reads the snapshots since the last seal up to the
    # current one, names it in every seal and continues the chain (jobs/audit_plan.py).
    t_env.execute_sql(compile_scan_view(policy, scan_fn, text_fields, source, plan.masked))
    minutes = int(config.variables.get("AUDIT_WINDOW_MINUTES", "60"))
    quarantine = (
        (table_name(policy, "quarantine"), plan.quarantine)
        if plan.reads_quarantine and plan.quarantine is not None
        else None
    )
    window_sql = compile_window_query(policy, minutes, summary_fn, quarantine)
    windows = t_env.sql_query(window_sql)
    # Seals chain across windows: a keyed, stateful step in the DataStream API.
    sealed = (
        planned(t_env, lambda: t_env.to_data_stream(windows))
        .key_by(lambda row: row[0], key_type=Types.STRING())
        .process(
            SealChain(
                plan.snapshot,
                plan.prev_seal,
                counts_quarantine=plan.quarantine is not None,
                quarantine_snapshot=plan.quarantine.snapshot if plan.quarantine else None,
            ),
            output_type=SEALED_TYPE,
        )
    )
    statements = t_env.create_statement_set()
    audit = table_name(policy, "audit")
    sealed_view = table_name(policy, "sealed")
    t_env.create_temporary_view(sealed_view, t_env.from_data_stream(sealed))
    statements.add_insert_sql(
        compile_audit_insert(audit, sealed_view, date_partitioned(t_env, audit))
    )
    leaks_sql = compile_leaks_insert(policy)
    statements.add_insert_sql(leaks_sql)
    return AuditJob(policy, window_sql, leaks_sql, plan), statements


def nothing_new_message(job: AuditJob) -> str:
    return (
        f"{job.policy.dataset}: nothing new to audit: the masked and quarantine tables' "
        f"current snapshots ({job.plan.snapshot}, "
        f"{job.plan.quarantine.snapshot if job.plan.quarantine else None}) are the ones the "
        "last seal names; the audit adds nothing"
    )


def execute(env: StreamExecutionEnvironment, statements: StatementSet) -> None:
    """Run the built job: to completion on bounded (file) input, or until cancelled."""
    # The statement set's own TableEnvironment (PyFlink keeps it as _t_env) plans it.
    planned(statements._t_env, statements.attach_as_datastream)
    env.execute("maskstream-audit")


def audit_flink_conf(config: JobConfig) -> dict[str, str]:
    """The Flink options of the audit job: the profile's, in its runtime mode."""
    flink = dict(config.flink)
    flink["execution.runtime-mode"] = config.variables.get("AUDIT_RUNTIME_MODE", "STREAMING")
    return flink


def main(argv: list[str] | None = None) -> int:
    """Entry point for `flink run -py jobs/audit_job.py` and `python -m jobs.audit_job`."""
    config = config_from_job_args("audit_job", __doc__, argv)
    env, t_env = create_stream_table_env(audit_flink_conf(config))
    job, statements = build(t_env, config)
    if job.plan.nothing_new:
        print(nothing_new_message(job), file=sys.stderr)
        return 0
    execute(env, statements)
    return 0


if __name__ == "__main__":
    sys.exit(main())
