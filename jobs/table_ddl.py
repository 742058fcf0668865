"""Which DDL file defines a table of a profile, and its statements."""

from __future__ import annotations

from pathlib import Path

from jobs.config import JobConfig
from jobs.mask_projection import MASKED_TABLE
from jobs.sql_files import Statement, load_sql_file, renamed


def table_ddl_file(config: JobConfig, suffix: str, dataset: str | None = None) -> Path | None:
    """The DDL of table <dataset>_<suffix>; for the Iceberg copy of a masked topic
    (MASKED_TABLE), the copy's: the masked table of the profile's fallback folder."""
    if suffix == MASKED_TABLE:
        return config.copy_ddl_file("masked", dataset)
    return config.ddl_file(suffix, dataset)


def ddl_statements(ddl: Path, suffix: str, variables: dict[str, str]) -> list[Statement]:
    """The statements of a table's DDL file, creating the Flink table <dataset>_<suffix>."""
    statements = load_sql_file(ddl, variables)
    if suffix == MASKED_TABLE:
        dataset = variables["DATASET"]
        return renamed(statements, f"{dataset}_masked", f"{dataset}_{suffix}", str(ddl))
    return statements
