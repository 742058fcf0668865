"""Table definitions: each table of a dataset is its column schema, then the profile's DDL.

The masked and quarantine tables' columns are derived from the policy (udfs.policy.sink), so no
per-dataset DDL is written by hand; the raw, audit and leaks tables share the schema in
sql/schema/<suffix>.sql. The profile's DDL (sql/<profile>/<suffix>.sql) adds the connector and
is `LIKE` the schema."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jobs.config import JobConfig
from jobs.iceberg_catalog import ICEBERG_CONNECTORS
from jobs.mask_projection import DATE_PARTITION
from jobs.sql_files import SchemaMismatchError, Statement, load_sql_file, table_options
from jobs.table_ddl import ddl_statements, table_ddl_file
from udfs.policy.model import Policy, table_name
from udfs.policy.sink import QUARANTINE_COLUMNS, Column, masked_columns
from udfs.sql_types import parse_sql_type

if TYPE_CHECKING:  # building statements needs no JVM; running them does
    from pyflink.table import TableEnvironment


@dataclass(frozen=True)
class TablePart:
    """One step of a table's definition: where it comes from and its statements."""

    origin: str  # a file, or "derived from <policy file>"
    statements: list[Statement]
    path: Path | None = None


def schema_ddl(name: str, columns: list[Column], purpose: str) -> str:
    """CREATE TEMPORARY TABLE `name` with `columns`, for profile DDLs to be LIKE."""
    width = max(len(c.name) for c in columns) + 2
    lines = []
    for i, c in enumerate(columns):
        comment = f" COMMENT '{c.comment.replace(chr(39), chr(39) * 2)}'" if c.comment else ""
        comma = "," if i < len(columns) - 1 else ""
        lines.append(f"  {'`' + c.name + '`':<{width}} {c.type.sql}{comment}{comma}")
    body = "\n".join(lines)
    return (
        f"-- {purpose}\n"
        f"CREATE TEMPORARY TABLE IF NOT EXISTS `{name}` (\n{body}\n)\n"
        "WITH ('connector' = 'blackhole')"
    )


def derived_schema(policy: Policy, suffix: str) -> str | None:
    """The column schema of <dataset>_<suffix> when it is derived rather than written."""
    if suffix == "masked":
        return schema_ddl(
            f"{policy.dataset}_masked_schema",
            masked_columns(policy),
            f"Columns of {policy.dataset}_masked (policy v{policy.version}): each field as its "
            "rule outputs it, then the row metadata.",
        )
    if suffix == "quarantine":
        return schema_ddl(
            "quarantine_schema",
            list(QUARANTINE_COLUMNS),
            "Records the mask job rejected: where from, why, a keyed digest and a masked shape.",
        )
    return None


def table_parts(
    config: JobConfig, policy: Policy, suffix: str, job: dict[str, str] | None = None
) -> list[TablePart]:
    """What defines table <dataset>_<suffix>, in the order to run it. `job`: the values the job
    sets at start-up (jobs.config.JOB_PLACEHOLDERS)."""
    variables = {**config.sql_variables(job), "DATASET": policy.dataset}
    parts: list[TablePart] = []
    derived = derived_schema(policy, suffix)
    if derived is not None:
        parts.append(TablePart(f"derived from {policy.source}", [Statement(derived, 1)]))
    elif (schema := config.schema_file(suffix)) is not None:
        parts.append(TablePart(str(schema), load_sql_file(schema, variables), schema))
    ddl = table_ddl_file(config, suffix, policy.dataset)
    if ddl is None:
        name = table_name(policy, suffix)
        raise SchemaMismatchError(
            f"{config.sql_dir / f'{suffix}.sql'}: no DDL for table `{name}`. Fix: add "
            f"{suffix}.sql (every dataset) or {name}.sql (this dataset only) to {config.sql_dir}"
        )
    parts.append(TablePart(str(ddl), ddl_statements(ddl, suffix, variables), ddl))
    return parts


class NotAppendOnlyError(SchemaMismatchError):
    """An INSERT whose rows can be updated or retracted: masked tables take appends only."""


def require_insert_only(t_env: TableEnvironment, insert_sql: str, table: str) -> None:
    """Fail unless every row `insert_sql` writes is an insert. An Iceberg sink accepts updates
    and deletes (it writes them as delete files), so append-only cannot be left to the sink:
    the plan's changelog modes must all be [I]."""
    from pyflink.table.explain_detail import ExplainDetail

    plan = t_env.explain_sql(insert_sql, ExplainDetail.CHANGELOG_MODE)
    optimized = plan.split("== Optimized Physical Plan ==", 1)[-1]
    optimized = optimized.split("== Optimized Execution Plan ==", 1)[0]
    modes = set(re.findall(r"changelogMode=\[([^\]]*)\]", optimized))
    changing = sorted(m for m in modes if set(m.split(",")) - {"I", "NONE"})
    if changing:
        raise NotAppendOnlyError(
            f"table `{table}` is append-only, but this query would update or retract rows "
            f"(changelog {', '.join(changing)}): masked rows are never updated or deleted. "
            "Fix: write an insert-only query (no GROUP BY without a window, no deduplication)"
        )


def prepare_catalog(options: dict[str, str]) -> None:
    """Create the folder of a local (SQLite) Iceberg catalog: SQLite creates the file, not the
    folder it lives in."""
    uri = options.get("uri", "")
    if options.get("connector") in ICEBERG_CONNECTORS and uri.startswith("jdbc:sqlite:"):
        Path(uri.removeprefix("jdbc:sqlite:")).parent.mkdir(parents=True, exist_ok=True)


def run_statements(t_env: TableEnvironment, statements: list[Statement]) -> None:
    for statement in statements:
        if statement.set_key is not None:
            t_env.get_config().set(statement.set_key, statement.set_value or "")
        else:
            t_env.execute_sql(statement.text)


def run_sql_file(t_env: TableEnvironment, path: Path, variables: dict[str, str]) -> None:
    run_statements(t_env, load_sql_file(path, variables))


def define_table(
    t_env: TableEnvironment,
    config: JobConfig,
    policy: Policy,
    suffix: str,
    job: dict[str, str] | None = None,
) -> Path:
    """Create table <dataset>_<suffix> (see table_parts). Returns its DDL file."""
    parts = table_parts(config, policy, suffix, job)
    for part in parts:
        for statement in part.statements:
            prepare_catalog(table_options(statement))
        run_statements(t_env, part.statements)
    ddl = parts[-1].path
    assert ddl is not None
    return ddl


def columns_of(t_env: TableEnvironment, table: str) -> list[tuple[str, str, bool]]:
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
    physical = [(n, t) for n, t, is_physical in columns_of(t_env, table) if is_physical]
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
    partition column when `partition`): a profile DDL may add columns of its own."""
    actual = [(n, t) for n, t, physical in columns_of(t_env, table) if physical]
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
