"""The output tables of a profile as Python reads them: an Iceberg table through pyiceberg (no
JVM), at its current or an earlier snapshot, or a folder of Parquet / JSON lines files (the
`files` profile). Which one a table is comes from its DDL, the same file the jobs run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobs.config import ConfigError, JobConfig
from jobs.mask_projection import MASKED_TABLE
from jobs.sql_files import load_sql_file, table_options
from maskstream.records import committed_files, read_table

if TYPE_CHECKING:
    import pyarrow as pa
    from pyiceberg.catalog import Catalog
    from pyiceberg.table import Table

JDBC_CATALOG = "org.apache.iceberg.jdbc.JdbcCatalog"
REST_CATALOG = "org.apache.iceberg.rest.RESTCatalog"


@dataclass(frozen=True)
class TableRef:
    """Where table <dataset>_<suffix> of a profile lives."""

    name: str  # the Flink table name, e.g. customers_masked
    ddl: Path
    options: dict[str, str]

    @property
    def is_iceberg(self) -> bool:
        return self.options.get("connector") == "iceberg"

    @property
    def is_table(self) -> bool:
        """An Iceberg table or a folder of files, not a topic."""
        return self.is_iceberg or self.options.get("connector") == "filesystem"

    @property
    def identifier(self) -> str:
        """The Iceberg table identifier, namespace.table."""
        return f"{self.options['catalog-database']}.{self.options['catalog-table']}"

    @property
    def path(self) -> Path:
        """The folder of a filesystem table."""
        return Path(self.options["path"].removeprefix("file://"))


def _ddl_ref(config: JobConfig, suffix: str) -> TableRef | None:
    ddl = config.ddl_file(suffix)
    if ddl is None:
        return None
    (statement,) = [s for s in load_sql_file(ddl, config.variables) if not s.set_key]
    return TableRef(f"{config.dataset}_{suffix}", ddl, table_options(statement))


def table_ref(config: JobConfig, suffix: str) -> TableRef | None:
    """The table <dataset>_<suffix> of the profile, or None when the profile has no DDL for it.
    Where the masked table is a topic, the masked table read here is its Iceberg copy
    (<dataset>_masked_table, jobs.mask_projection.MASKED_TABLE), if the profile keeps one."""
    ref = _ddl_ref(config, suffix)
    if suffix == "masked" and ref is not None and not ref.is_table:
        copy = _ddl_ref(config, MASKED_TABLE)
        if copy is not None:
            return TableRef(ref.name, copy.ddl, copy.options)
    return ref


def open_catalog(ref: TableRef) -> Catalog | None:
    """The Iceberg catalog a table's DDL names; None when a local catalog does not exist yet
    (nothing was written)."""
    impl, uri = ref.options.get("catalog-impl", ""), ref.options.get("uri", "")
    name, warehouse = ref.options.get("catalog-name", "maskstream"), ref.options.get("warehouse")
    if impl == JDBC_CATALOG and uri.startswith("jdbc:sqlite:"):
        from pyiceberg.catalog.sql import SqlCatalog

        database = Path(uri.removeprefix("jdbc:sqlite:"))
        if not database.exists():
            return None
        return SqlCatalog(name, uri=f"sqlite:///{database}", warehouse=warehouse)
    if impl == REST_CATALOG:
        from pyiceberg.catalog.rest import RestCatalog

        properties = {"uri": uri} | ({"warehouse": warehouse} if warehouse else {})
        return RestCatalog(name, **properties)
    raise ConfigError(
        f"{ref.ddl}: table `{ref.name}` names catalog-impl '{impl}' with uri '{uri}', which "
        f"maskstream cannot open. Fix: use {JDBC_CATALOG} on a jdbc:sqlite: file, or "
        f"{REST_CATALOG} (ICEBERG_CATALOG_IMPL / ICEBERG_CATALOG_URI in the profile)"
    )


def load_iceberg(ref: TableRef) -> Table | None:
    """The Iceberg table, or None when it was never written."""
    from pyiceberg.exceptions import NoSuchNamespaceError, NoSuchTableError

    catalog = open_catalog(ref)
    if catalog is None:
        return None
    try:
        return catalog.load_table(ref.identifier)
    except (NoSuchTableError, NoSuchNamespaceError):
        return None


def scan_arrow(table: Table, snapshot_id: int | None = None) -> pa.Table:
    """Every row of the table at a snapshot (the current one by default)."""
    return table.scan(snapshot_id=snapshot_id).to_arrow()


def read_rows(config: JobConfig, suffix: str) -> list[dict[str, Any]]:
    """Every committed row of the profile's table <dataset>_<suffix>; none if not yet written.
    Rows of an Iceberg table hold its partition column too."""
    ref = table_ref(config, suffix)
    if ref is None:
        return []
    if ref.is_iceberg:
        table = load_iceberg(ref)
        if table is None or table.current_snapshot() is None:
            return []
        return scan_arrow(table).to_pylist()
    return read_table(ref.path)


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


def added_data_files(table: Table, after: int | None = None) -> list[str]:
    """The data files that the snapshots after snapshot `after` (all, when None) added."""
    from pyiceberg.manifest import ManifestEntryStatus

    snapshots = sorted(table.snapshots(), key=lambda s: s.sequence_number or 0)
    if after is not None:
        ids = [s.snapshot_id for s in snapshots]
        snapshots = snapshots[ids.index(after) + 1 :] if after in ids else snapshots
    files = []
    for snapshot in snapshots:
        for manifest in snapshot.manifests(table.io):
            if manifest.added_snapshot_id != snapshot.snapshot_id:
                continue
            for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=True):
                if entry.status == ManifestEntryStatus.ADDED:
                    files.append(entry.data_file.file_path)
    return files


def _local(path: str) -> str:
    return path.removeprefix("file:").removeprefix("//") if path.startswith("file:") else path
