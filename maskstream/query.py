"""Ad-hoc SQL over the masked and audit tables with DuckDB, for analysts.

Every dataset with a policy in conf/policies/ contributes its output tables (masked, audit,
leaks, quarantine) as views named like the Flink tables. Iceberg tables are read through
pyiceberg at their current snapshot, or as of an earlier one (time travel); filesystem tables
(the `files` profile) by their committed files. DuckDB itself may open no file at all, or only
those tables' folders: the raw tables are out of reach.
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
from jobs.iceberg_catalog import ICEBERG_CONNECTORS
from jobs.project import find_project
from jobs.sql_files import Statement, load_sql_file
from maskstream.records import committed_files
from maskstream.tables import TableRef, load_iceberg, scan_arrow, table_ref

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
    format: str  # parquet, json or iceberg
    files: tuple[Path, ...]
    ref: TableRef | None = None  # an Iceberg table's DDL

    @property
    def readable(self) -> bool:
        return bool(self.files) or self.ref is not None


@dataclass(frozen=True)
class _AnalystDdl:
    config: JobConfig
    name: str
    suffix: str
    ddl: Path
    statement: Statement
    options: dict[str, str]


def _analyst_ddl(env: str, variables: dict[str, str] | None) -> Iterator[_AnalystDdl]:
    """The Iceberg and filesystem tables an analyst may query, of every policy's dataset in
    profile `env`. Tables of other connectors (a Kafka topic) are left out, raw tables never
    appear."""
    for policy_path in sorted((find_project().conf_dir / "policies").glob("*.yaml")):
        config = load_config(env, policy=policy_path, variables=variables)
        for suffix in ANALYST_TABLES:
            ref = table_ref(config, suffix)  # a masked topic's Iceberg copy, where it has one
            if ref is None:
                continue
            ddl = ref.ddl
            (statement,) = [s for s in load_sql_file(ddl, config.sql_variables()) if not s.set_key]
            options = ref.options
            connector = options.get("connector")
            if connector in ICEBERG_CONNECTORS or (
                connector == "filesystem" and options.get("format") in READERS
            ):
                yield _AnalystDdl(
                    config, f"{config.dataset}_{suffix}", suffix, ddl, statement, options
                )


def analyst_tables(
    env: str = "local", variables: dict[str, str] | None = None
) -> list[AnalystTable]:
    """The analyst tables of profile `env`: Iceberg tables that exist, and filesystem tables
    with their committed files."""
    tables = []
    for t in _analyst_ddl(env, variables):
        if t.options["connector"] in ICEBERG_CONNECTORS:
            ref = TableRef(t.name, t.ddl, t.options)
            table = load_iceberg(ref)
            if table is not None:  # with no snapshot yet it is queryable, and empty
                tables.append(AnalystTable(t.name, Path(table.location()), "iceberg", (), ref))
            else:
                tables.append(AnalystTable(t.name, Path(t.options["warehouse"]), "iceberg", ()))
            continue
        path = Path(t.options["path"].removeprefix("file://"))
        files = tuple(committed_files(path)) if path.is_dir() else ()
        tables.append(AnalystTable(t.name, path, t.options["format"], files))
    return tables


def as_of_snapshot(table: Any, as_of: str) -> int | None:
    """The snapshot of `table` to read for --as-of: a snapshot id of this table, or a time
    (ISO, or epoch milliseconds) for every table; None when the table had no rows yet then."""
    import pandas as pd

    if as_of.isdigit() and table.snapshot_by_id(int(as_of)) is not None:
        return int(as_of)
    if as_of.isdigit() and len(as_of) > 13:  # a snapshot id of another table: use its time
        return None
    try:
        millis = int(as_of) if as_of.isdigit() else int(pd.Timestamp(as_of).value // 1_000_000)
    except ValueError:
        raise QueryError(
            f"--as-of {as_of}: neither a snapshot id nor a time. Fix: give a snapshot id "
            "(`maskstream query --tables` lists them) or a time like 2026-12-03T10:00:00"
        ) from None
    snapshot = table.snapshot_as_of_timestamp(millis)
    return None if snapshot is None else snapshot.snapshot_id


def connect(tables: list[AnalystTable], as_of: str | None = None) -> Any:
    """A DuckDB connection with a view per table that has rows, confined to their folders;
    Iceberg tables are scanned by pyiceberg (at `as_of`, see as_of_snapshot) and handed over
    as Arrow tables, so DuckDB opens no file of its own for them."""
    import duckdb

    con = duckdb.connect()
    files = [t for t in tables if t.files]
    folders = [str(t.path.resolve()) + "/" for t in files]
    con.execute("SET allowed_directories = $1", [folders])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    for table in files:
        listed = "[" + ", ".join(_literal(str(p)) for p in table.files) + "]"
        reader = READERS[table.format].format(files=listed)
        con.execute(f'CREATE VIEW "{table.name}" AS SELECT * FROM {reader}')
    for table in tables:
        if table.ref is None:
            continue
        iceberg = load_iceberg(table.ref)
        if iceberg is None:
            continue
        snapshot = as_of_snapshot(iceberg, as_of) if as_of else None
        if iceberg.current_snapshot() is None or (as_of and snapshot is None):
            data = iceberg.schema().as_arrow().empty_table()  # no rows yet: zero rows
        else:
            data = scan_arrow(iceberg, snapshot)
        con.register(table.name, data)
    return con


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def run_query(
    sql: str, tables: list[AnalystTable], as_of: str | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `sql` over the analyst tables (as of a snapshot or time)."""
    import duckdb

    con = connect(tables, as_of)
    try:
        result = con.execute(sql)
    except duckdb.CatalogException as exc:
        empty = [t.name for t in tables if not t.readable]
        hint = f" Tables with no committed rows yet: {', '.join(empty)}." if empty else ""
        known = ", ".join(t.name for t in tables if t.readable) or "none"
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
    """Each table with its rows and where it lives; an Iceberg table with its snapshots, the
    ids --as-of takes."""
    from maskstream.records import count_rows

    out = out or sys.stdout
    for t in tables:
        iceberg = load_iceberg(t.ref) if t.ref is not None else None
        if iceberg is None:
            rows = count_rows(t.files)
            out.write(f"{t.name:<24} {t.format:<8} {rows:>10,} rows  {t.path}\n")
            continue
        snapshots = sorted(iceberg.snapshots(), key=lambda s: s.sequence_number or 0)
        current = iceberg.current_snapshot()
        rows = int((current.summary or {}).get("total-records") or 0) if current else 0
        out.write(f"{t.name:<24} {t.format:<8} {rows:>10,} rows  {t.path}\n")
        for snap in snapshots[-5:]:
            when = _millis_text(snap.timestamp_ms)
            operation = snap.summary.operation.value if snap.summary else "?"
            added = (snap.summary or {}).get("added-records", "0")
            out.write(f"    snapshot {snap.snapshot_id}  {when}  {operation}  +{added} rows\n")
        if len(snapshots) > 5:
            out.write(f"    ... {len(snapshots) - 5} earlier snapshot(s)\n")


def _millis_text(millis: int) -> str:
    import pandas as pd

    return str(pd.Timestamp(millis, unit="ms"))[:23]


def flink_init_sql(env: str = "local", variables: dict[str, str] | None = None) -> str:
    """The Flink SQL client init file: sql/analyst/flink-init.sql, then the DDL (shared column
    schema first) of every analyst table of every dataset, paths filled in from the profile."""
    from jobs.tables import table_parts
    from udfs.policy.model import load_policy

    project = find_project()
    parts = [(project.sql_dir / "analyst" / "flink-init.sql").read_text(encoding="utf-8")]
    done: set[str] = set()
    analyst = list(_analyst_ddl(env, variables))
    # The Iceberg catalog itself, for time travel and every table in it:
    #   SELECT * FROM maskstream.customers.masked /*+ OPTIONS('snapshot-id'='...') */
    for t in analyst:
        iceberg = t.options.get("connector") in ICEBERG_CONNECTORS
        if not iceberg or t.options["catalog-name"] in done:
            continue
        done.add(t.options["catalog-name"])
        keys = ("catalog-impl", "uri", "warehouse")
        options = ",\n".join(
            f"  '{k}' = '{t.options[k].replace(chr(39), chr(39) * 2)}'" for k in keys
        )
        parts.append(
            f"CREATE CATALOG `{t.options['catalog-name']}` WITH (\n  'type' = 'iceberg',\n"
            f"{options}\n);"
        )
    for t in analyst:
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
