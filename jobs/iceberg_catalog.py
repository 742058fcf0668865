"""The Iceberg catalog a table's DDL names, opened with pyiceberg (no JVM): used by the jobs at
start-up (the snapshot an audit reads) and by every maskstream command that reads a table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jobs.config import ConfigError, JobConfig
from jobs.mask_projection import MASKED_TABLE
from jobs.sql_files import table_options
from jobs.table_ddl import ddl_statements, table_ddl_file

if TYPE_CHECKING:
    from pyiceberg.catalog import Catalog
    from pyiceberg.table import Table

# Iceberg's own connector, and maskstream's (build/iceberg-sink: the same tables, provenance in
# every snapshot summary).
ICEBERG_CONNECTORS = frozenset({"iceberg", "maskstream-iceberg"})
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
        return self.options.get("connector") in ICEBERG_CONNECTORS

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
    ddl = table_ddl_file(config, suffix)
    if ddl is None:
        return None
    variables = config.sql_variables()
    (statement,) = [s for s in ddl_statements(ddl, suffix, variables) if not s.set_key]
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


def current_snapshot_id(config: JobConfig, suffix: str) -> int | None:
    """The current snapshot of the profile's Iceberg table <dataset>_<suffix> (the table its DDL
    defines: never a topic's copy); None when it is not an Iceberg table or has no snapshot yet."""
    ref = _ddl_ref(config, suffix)
    table = load_iceberg(ref) if ref is not None and ref.is_iceberg else None
    snapshot = table.current_snapshot() if table is not None else None
    return None if snapshot is None else snapshot.snapshot_id
