"""Ad-hoc SQL over the masked and audit tables with DuckDB, for analysts.

Every dataset with a policy in conf/policies/ contributes its filesystem tables (masked, audit,
leaks, quarantine) as views named like the Flink tables. Only committed files are read, and
DuckDB may read nothing but those tables' folders: the raw tables are out of reach.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from jobs.config import JobConfig, load_config
from jobs.project import find_project
from jobs.sql_files import Statement, load_sql_file, table_options
from maskstream.records import committed_files

# The tables an analyst may query, per dataset. Never `raw`.
ANALYST_TABLES = ("masked", "audit", "leaks", "quarantine")
READERS = {
    "parquet": "read_parquet({files}, hive_partitioning = true, union_by_name = true)",
    "json": "read_json({files}, format = 'newline_delimited', hive_partitioning = true)",
}


class QueryError(Exception):
    """A query that cannot run; the message says why and what to do."""


@dataclass(frozen=True)
class AnalystTable:
    name: str
    path: Path
    format: str
    files: tuple[Path, ...]


@dataclass(frozen=True)
class _AnalystDdl:
    config: JobConfig
    name: str
    suffix: str
    ddl: Path
    statement: Statement
    options: dict[str, str]


def _analyst_ddl(env: str, variables: dict[str, str] | None) -> Iterator[_AnalystDdl]:
    """The filesystem tables an analyst may query, of every policy's dataset in profile `env`.
    Tables of other connectors (a Kafka topic) are left out, and raw tables never appear."""
    for policy_path in sorted((find_project().conf_dir / "policies").glob("*.yaml")):
        config = load_config(env, policy=policy_path, variables=variables)
        for suffix in ANALYST_TABLES:
            ddl = config.ddl_file(suffix)
            if ddl is None:
                continue
            (statement,) = [s for s in load_sql_file(ddl, config.variables) if not s.set_key]
            options = table_options(statement)
            if options.get("connector") == "filesystem" and options.get("format") in READERS:
                yield _AnalystDdl(
                    config, f"{config.dataset}_{suffix}", suffix, ddl, statement, options
                )


def analyst_tables(
    env: str = "local", variables: dict[str, str] | None = None
) -> list[AnalystTable]:
    """The analyst tables of profile `env` with their committed files."""
    tables = []
    for t in _analyst_ddl(env, variables):
        path = Path(t.options["path"].removeprefix("file://"))
        files = tuple(committed_files(path)) if path.is_dir() else ()
        tables.append(AnalystTable(t.name, path, t.options["format"], files))
    return tables


def connect(tables: list[AnalystTable]) -> Any:
    """A DuckDB connection with a view per table that has rows, confined to their folders."""
    import duckdb

    con = duckdb.connect()
    readable = [t for t in tables if t.files]
    folders = [str(t.path.resolve()) + "/" for t in readable]
    con.execute("SET allowed_directories = $1", [folders])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    for table in readable:
        files = "[" + ", ".join(_literal(str(p)) for p in table.files) + "]"
        reader = READERS[table.format].format(files=files)
        con.execute(f'CREATE VIEW "{table.name}" AS SELECT * FROM {reader}')
    return con


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def run_query(sql: str, tables: list[AnalystTable]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `sql` over the analyst tables."""
    import duckdb

    con = connect(tables)
    try:
        result = con.execute(sql)
    except duckdb.CatalogException as exc:
        empty = [t.name for t in tables if not t.files]
        hint = f" Tables with no committed rows yet: {', '.join(empty)}." if empty else ""
        known = ", ".join(t.name for t in tables if t.files) or "none"
        raise QueryError(f"{exc}. Queryable tables: {known}.{hint}") from None
    except (duckdb.PermissionException, duckdb.Error) as exc:
        raise QueryError(str(exc).splitlines()[0]) from None
    columns = [d[0] for d in result.description or []]
    return columns, result.fetchall()


def _text(value: Any) -> str:
    return "NULL" if value is None else str(value)


def write_result(
    columns: list[str], rows: list[tuple[Any, ...]], fmt: str, out: TextIO | None = None
) -> None:
    """Rows as an aligned table, CSV or JSON lines."""
    out = out or sys.stdout
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([[_text(v) for v in row] for row in rows])
        return
    if fmt == "json":
        for row in rows:
            out.write(json.dumps(dict(zip(columns, row, strict=True)), default=str) + "\n")
        return
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
    out.write(f"({len(rows):,} row{'s' if len(rows) != 1 else ''})\n")


def describe_tables(tables: list[AnalystTable], out: TextIO | None = None) -> None:
    from maskstream.records import count_rows

    out = out or sys.stdout
    for t in tables:
        rows = count_rows(t.files)
        out.write(f"{t.name:<24} {t.format:<8} {rows:>10,} rows  {t.path}\n")


def flink_init_sql(env: str = "local", variables: dict[str, str] | None = None) -> str:
    """The Flink SQL client init file: sql/analyst/flink-init.sql, then the DDL (shared column
    schema first) of every analyst table of every dataset, paths filled in from the profile."""
    from jobs.tables import table_parts
    from udfs.policy.model import load_policy

    project = find_project()
    parts = [(project.sql_dir / "analyst" / "flink-init.sql").read_text(encoding="utf-8")]
    done: set[str] = set()
    for t in _analyst_ddl(env, variables):
        policy = load_policy(t.config.policy_path)
        for schema in table_parts(t.config, policy, t.suffix)[:-1]:  # its column schema, once
            for statement in schema.statements:
                if statement.text not in done:
                    parts.append(statement.text + ";")
                    done.add(statement.text)
        parts.append(f"-- {_relative(t.ddl, project.root)}\n{t.statement.text};")
    return "\n\n".join(parts) + "\n"


def _relative(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_relative_to(root) else path
