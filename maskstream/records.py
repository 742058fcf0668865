"""Filesystem tables (Parquet or JSON lines): find their committed files, read them back into
comparable Python values, and write rows the way Flink writes them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from jobs.input_files import committed_files
from udfs.columns import is_null
from udfs.sql_types import SqlType, millis_text


def _to_timestamp(value: Any) -> pd.Timestamp:
    ts = pd.Timestamp(str(value).replace("T", " ").rstrip("Z"))
    return ts.floor("ms")


def render_json_value(value: Any, sql_type: SqlType) -> Any:
    """A typed value as Flink's JSON format writes it."""
    if is_null(value):
        return None
    kind = sql_type.kind
    if kind == "DECIMAL":
        return Decimal(value)
    if kind in ("INT", "BIGINT"):
        return int(value)
    if kind == "DATE":
        return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
    if kind == "TIMESTAMP(3)":
        return millis_text(value)
    if kind == "BOOLEAN":
        return bool(value)
    if kind == "DOUBLE":
        return float(value)
    return value


class _DecimalAsNumber(json.JSONEncoder):
    # DECIMAL(p<=15) values round-trip exactly through a float's shortest representation.
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def dumps_row(row: dict[str, Any]) -> str:
    """One JSON line, decimals written as plain numbers."""
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), cls=_DecimalAsNumber)


PARQUET_MAGIC = b"PAR1"


def is_parquet(path: Path) -> bool:
    """Flink names its files part-<uuid>-<n>-<n> whatever the format: tell by the magic bytes."""
    with path.open("rb") as handle:
        return handle.read(4) == PARQUET_MAGIC


def partition_values(path: Path, table_dir: Path | None = None) -> dict[str, str]:
    """The Hive-style partition values (dt=2026-11-27) in the folders of a table file."""
    parts = path.relative_to(table_dir).parts[:-1] if table_dir else path.parts[:-1]
    return dict(part.split("=", 1) for part in parts if "=" in part)


def read_jsonl(paths: Iterable[Path]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every JSON line of `paths` with the file it came from; decimals stay exact."""
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield path, json.loads(line, parse_float=Decimal)


def read_rows(paths: Iterable[Path]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every row of table files, Parquet or JSON lines, with the file it came from. Partition
    columns live in the folder names, not in the files: rows hold the file's columns only."""
    import pyarrow.parquet as pq

    for path in paths:
        if is_parquet(path):
            for row in pq.read_table(path).to_pylist():
                yield path, row
        else:
            yield from read_jsonl([path])


def count_rows(paths: Iterable[Path]) -> int:
    """Rows in table files, from Parquet footers or by counting JSON lines."""
    import pyarrow.parquet as pq

    total = 0
    for path in paths:
        if is_parquet(path):
            total += pq.ParquetFile(path).metadata.num_rows
        else:
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
    return total


def read_table(table_dir: Path) -> list[dict[str, Any]]:
    """Every committed row of a table; a table not yet written has none."""
    return [row for _, row in read_rows(committed_files(table_dir))] if table_dir.exists() else []


def normalize_value(value: Any, sql_type: SqlType) -> Any:
    """A value read back from a JSON table, in a canonical form that compares equal however it
    was written (16000.0 vs 16000.00, '10:00:00' vs '10:00:00.000')."""
    if value is None:
        return None
    kind = sql_type.kind
    if kind == "DECIMAL":
        return Decimal(str(value)).normalize()
    if kind == "TIMESTAMP(3)":
        return _to_timestamp(value)
    if kind == "DATE":
        return dt.date.fromisoformat(str(value)[:10])
    if kind == "DOUBLE":
        return float(value)
    if kind in ("INT", "BIGINT"):
        return int(value)
    return value


def normalize_row(row: dict[str, Any], types: dict[str, SqlType]) -> dict[str, Any]:
    """Every column of `types`, normalized; a column missing from `row` is an error."""
    return {name: normalize_value(row[name], t) for name, t in types.items()}


AVRO_MAGIC = b"Obj\x01"


def _as_text(value: Any) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def table_text(table_dir: Path) -> str:
    """Everything a table folder holds, as searchable text: the rows of every file (committed
    or not, decoded from Parquet) as JSON, the records of every Avro file (an Iceberg manifest
    holds each data file's column bounds, compressed) as JSON, plus every file's raw bytes.
    For leak scans."""
    import fastavro
    import pyarrow.parquet as pq

    parts = []
    for path in sorted(p for p in table_dir.rglob("*") if p.is_file()):
        data = path.read_bytes()
        parts.append(data.decode("utf-8", errors="replace"))
        if data[:4] == PARQUET_MAGIC and data[-4:] == PARQUET_MAGIC:
            rows = pq.read_table(path).to_pylist()
            parts.append(json.dumps(rows, default=_as_text, ensure_ascii=False))
        elif data[:4] == AVRO_MAGIC:
            with path.open("rb") as f:
                records = list(fastavro.reader(f))
            parts.append(json.dumps(records, default=_as_text, ensure_ascii=False))
    return "\n".join(parts)
