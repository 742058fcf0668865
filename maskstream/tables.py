"""The output tables of a profile as Python reads them: an Iceberg table through pyiceberg (no
JVM), at its current or an earlier snapshot, or a folder of Parquet / JSON lines files (the
`parquet` profile). Which one a table is comes from its DDL, the same file the jobs run; the
catalog part lives in jobs/iceberg_catalog.py, which the jobs use too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from jobs.config import JobConfig
from jobs.iceberg_catalog import (  # noqa: F401  (re-exported: maskstream reads tables here)
    JDBC_CATALOG,
    REST_CATALOG,
    TableRef,
    current_snapshot_id,
    load_iceberg,
    open_catalog,
    table_ref,
)
from maskstream.records import committed_files, read_table

if TYPE_CHECKING:
    import pyarrow as pa
    from pyiceberg.table import Table


def scan_arrow(table: Table, snapshot_id: int | None = None) -> pa.Table:
    """Every row of the table at a snapshot (the current one by default)."""
    return table.scan(snapshot_id=snapshot_id).to_arrow()


def open_table(config: JobConfig, suffix: str) -> tuple[TableRef | None, Table | None]:
    """The profile's table <dataset>_<suffix>: where it lives, and the Iceberg table once
    loaded (None for files, or an Iceberg table never written)."""
    ref = table_ref(config, suffix)
    table = load_iceberg(ref) if ref is not None and ref.is_iceberg else None
    return ref, table


def rows_of(ref: TableRef | None, table: Table | None) -> list[dict[str, Any]]:
    """Every committed row of a table opened with open_table; none if not yet written. Rows
    of an Iceberg table hold its partition column too."""
    if ref is None:
        return []
    if ref.is_iceberg:
        if table is None or table.current_snapshot() is None:
            return []
        return scan_arrow(table).to_pylist()
    return read_table(ref.path)


def read_rows(config: JobConfig, suffix: str) -> list[dict[str, Any]]:
    """Every committed row of the profile's table <dataset>_<suffix>; none if not yet written."""
    return rows_of(*open_table(config, suffix))


def count_rows(config: JobConfig, suffix: str) -> int:
    """Committed rows of <dataset>_<suffix>, from Iceberg's snapshot summary or file footers."""
    from maskstream.records import count_rows as count_file_rows

    ref = table_ref(config, suffix)
    if ref is None:
        return 0
    if ref.is_iceberg:
        table = load_iceberg(ref)
        snapshot = table.current_snapshot() if table is not None else None
        if snapshot is None or snapshot.summary is None:
            return 0
        return int(snapshot.summary.get("total-records") or 0)
    return count_file_rows(committed_files(ref.path)) if ref.path.is_dir() else 0


def location(config: JobConfig, suffix: str) -> str:
    """Where a person finds the table: the Iceberg identifier and location, or the folder."""
    ref = table_ref(config, suffix)
    if ref is None:
        return "(no table)"
    if not ref.is_iceberg:
        return str(ref.path)
    table = load_iceberg(ref)
    where = table.location() if table is not None else "not written yet"
    return f"{ref.options.get('catalog-name')}.{ref.identifier} ({where})"


def mark(config: JobConfig, suffix: str) -> Any:
    """What the table holds now, to read later what a run added (rows_since): the current
    snapshot of an Iceberg table, the committed files of a folder."""
    ref = table_ref(config, suffix)
    if ref is None:
        return None
    if ref.is_iceberg:
        table = load_iceberg(ref)
        snapshot = table.current_snapshot() if table is not None else None
        return None if snapshot is None else snapshot.snapshot_id
    return frozenset(committed_files(ref.path)) if ref.path.is_dir() else frozenset()


def rows_since(config: JobConfig, suffix: str, marker: Any) -> list[dict[str, Any]]:
    """The rows committed to <dataset>_<suffix> after `marker` (see mark)."""
    ref = table_ref(config, suffix)
    if ref is None:
        return []
    if not ref.is_iceberg:
        from maskstream.records import read_rows as read_file_rows

        new = [p for p in committed_files(ref.path) if p not in marker] if ref.path.is_dir() else []
        return [row for _, row in read_file_rows(new)]
    table = load_iceberg(ref)
    if table is None:
        return []
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = added_data_files(table, after=marker)
    arrays = [pq.read_table(_local(path)) for path in files]
    return pa.concat_tables(arrays, promote_options="default").to_pylist() if arrays else []


def snapshots_in_order(table: Table) -> list[Any]:
    """The table's snapshots, oldest first."""
    return sorted(table.snapshots(), key=lambda s: s.sequence_number or 0)


def append_snapshots(table: Table) -> set[int]:
    """The ids of the table's snapshots that only appended rows."""
    return {
        s.snapshot_id
        for s in table.snapshots()
        if s.summary is not None and s.summary.operation.value == "append"
    }


def sequence_numbers(table: Table) -> dict[int, int]:
    """Snapshot id -> its sequence number: the order of the commits."""
    return {s.snapshot_id: s.sequence_number or 0 for s in table.snapshots()}


def entries_written_by(table: Table, snapshot: Any) -> Iterator[Any]:
    """The manifest entries (added and deleted data files) that `snapshot` itself wrote."""
    for manifest in snapshot.manifests(table.io):
        if manifest.added_snapshot_id == snapshot.snapshot_id:
            yield from manifest.fetch_manifest_entry(table.io, discard_deleted=False)


def added_data_files(table: Table, after: int | None = None) -> list[str]:
    """The data files that the snapshots after snapshot `after` (all, when None) added."""
    from pyiceberg.manifest import ManifestEntryStatus

    snapshots = snapshots_in_order(table)
    if after is not None:
        ids = [s.snapshot_id for s in snapshots]
        snapshots = snapshots[ids.index(after) + 1 :] if after in ids else snapshots
    return [
        entry.data_file.file_path
        for snapshot in snapshots
        for entry in entries_written_by(table, snapshot)
        if entry.status == ManifestEntryStatus.ADDED
    ]


def rows_by_snapshot(table: Table, as_of: int | None = None) -> dict[int, list[dict[str, Any]]]:
    """The table's rows (current, or as of snapshot `as_of`), by the snapshot that appended
    each: the one whose commit added the data file the row is in. Read as the table's own scan
    reads them (deletes applied)."""
    from collections import defaultdict

    from pyiceberg.expressions import AlwaysTrue
    from pyiceberg.io.pyarrow import ArrowScan

    current = table.current_snapshot() if as_of is None else table.snapshot_by_id(as_of)
    if current is None:
        return {}
    added_by = {
        entry.data_file.file_path: entry.snapshot_id
        for manifest in current.manifests(table.io)
        for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=True)
    }
    tasks: dict[int, list[Any]] = defaultdict(list)
    for task in table.scan(snapshot_id=current.snapshot_id).plan_files():
        tasks[added_by[task.file.file_path]].append(task)
    scan = ArrowScan(table.metadata, table.io, table.schema(), AlwaysTrue())
    return {snapshot: scan.to_table(group).to_pylist() for snapshot, group in tasks.items()}


def _local(path: str) -> str:
    return path.removeprefix("file:").removeprefix("//") if path.startswith("file:") else path
