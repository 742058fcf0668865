"""Compile a policy into the SQL the mask job runs: one vectorized UDF call per record batch
parses and masks the raw payloads right after the source scan; valid records go to the masked
table, rejected ones to the quarantine table, in one statement set."""

from __future__ import annotations

from udfs.policy.model import Policy, event_time_field, table_name
from udfs.policy.sink import COMPUTED_METADATA, QUARANTINE_COLUMNS, SINK_METADATA, VERDICT_FIELDS

# The partition column of the filesystem tables: the event date, yyyy-MM-dd.
DATE_PARTITION = "dt"


def date_partition_sql(column: str) -> str:
    """The date partition value of a row whose event time is `column` (already quoted)."""
    return f"DATE_FORMAT({column}, 'yyyy-MM-dd') AS `{DATE_PARTITION}`"


def _q(name: str) -> str:
    return f"`{name}`"


def parsed_view_name(policy: Policy) -> str:
    return table_name(policy, "parsed")


def compile_view(policy: Policy, function: str) -> str:
    return (
        f"CREATE TEMPORARY VIEW {_q(parsed_view_name(policy))} AS\n"
        f"SELECT `source_ref`, {function}(`payload`, `source_ref`) AS `m`\n"
        f"FROM {_q(table_name(policy, 'raw'))}"
    )


def _given(policy: Policy, name: str) -> str:
    """The value of a column the masking function does not compute."""
    constants = {
        "dataset": f"'{policy.dataset}'",
        "policy_version": f"CAST({policy.version} AS INT)",
    }
    return constants.get(name, _q(name))  # source_ref comes from the source table


def _masked_insert(policy: Policy, table: str, date_partition: bool) -> str:
    lines = [f"  `m`.{_q(f.name)} AS {_q(f.name)},  -- {f.describe()}" for f in policy.fields]
    for c in SINK_METADATA:
        value = f"`m`.{_q(c.name)}" if c.name in COMPUTED_METADATA else _given(policy, c.name)
        lines.append(f"  {value} AS {_q(c.name)},")
    lines[-1] = lines[-1].removesuffix(",")
    if date_partition:
        lines[-1] += ","
        lines.append("  " + date_partition_sql(f"`m`.{_q(event_time_field(policy))}"))
    return (
        f"INSERT INTO {_q(table)}\nSELECT\n" + "\n".join(lines) + "\n"
        f"FROM {_q(parsed_view_name(policy))}\nWHERE `m`.`_status` = 'ok'"
    )


# The Iceberg copy of a masked topic (the fallback folder's masked.sql, JobConfig.copy_ddl_file):
# the same rows, for analysts.
MASKED_TABLE = "masked_table"


def compile_insert(
    policy: Policy, *, date_partition: bool = False, masked_table: bool = False
) -> str:
    """The INSERTs, as one statement set the planner runs as one job (the UDF runs once).
    With `date_partition`, masked rows also get the `dt` partition of their event date; with
    `masked_table`, the masked rows also go to the date-partitioned <dataset>_masked_table."""
    view = _q(parsed_view_name(policy))
    masked = _masked_insert(policy, table_name(policy, "masked"), date_partition)
    if masked_table:
        masked += ";\n" + _masked_insert(policy, table_name(policy, MASKED_TABLE), True)
    quarantined = [
        f"`m`.{_q('_' + c.name)}" if c.name in VERDICT_FIELDS else _given(policy, c.name)
        for c in QUARANTINE_COLUMNS
    ]
    quarantine = (
        f"INSERT INTO {_q(table_name(policy, 'quarantine'))}\n"
        f"SELECT {', '.join(quarantined)}\n"
        f"FROM {view}\nWHERE `m`.`_status` <> 'ok'"
    )
    return f"EXECUTE STATEMENT SET\nBEGIN\n{masked};\n{quarantine};\nEND"
