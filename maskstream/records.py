"""JSON lines tables: find their committed files, read them back into comparable Python values,
and write rows the way Flink's JSON format writes them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

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


def read_jsonl(paths: Iterable[Path]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every JSON line of `paths` with the file it came from; decimals stay exact."""
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield path, json.loads(line, parse_float=Decimal)


def committed_files(table_dir: Path) -> list[Path]:
    """Files of a filesystem table that are committed: Flink hides in-progress files with a
    leading dot (or underscore) until the checkpoint that commits them."""
    return sorted(
        p
        for p in table_dir.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(table_dir).parts)
    )


def read_table(table_dir: Path) -> list[dict[str, Any]]:
    """Every committed row of a JSON lines table; a table not yet written has none."""
    return [row for _, row in read_jsonl(committed_files(table_dir))] if table_dir.exists() else []


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
