"""JSON records <-> typed columns, the way Flink's JSON format and PyFlink's pandas UDFs see them.

`preview` uses this to hand the masking code exactly the columns the Flink job hands it, and
tests and `verify` use it to read masked tables back into comparable Python values.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from udfs.columns import is_null
from udfs.sql_types import SqlType


def _to_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _to_decimal(value: Any, sql_type: SqlType) -> Decimal | None:
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-sql_type.scale), rounding=ROUND_HALF_UP)
    return None if len(d.as_tuple().digits) > sql_type.precision else d


def _to_timestamp(value: Any) -> pd.Timestamp:
    ts = pd.Timestamp(str(value).replace("T", " ").rstrip("Z"))
    return ts.floor("ms")


def parse_value(value: Any, sql_type: SqlType) -> Any:
    """One JSON value as Flink's JSON format reads it into `sql_type` (None for null)."""
    if value is None:
        return None
    kind = sql_type.kind
    if kind == "STRING":
        return _to_text(value)
    if kind in ("INT", "BIGINT"):
        return int(value)
    if kind == "DOUBLE":
        return float(value)
    if kind == "DECIMAL":
        return _to_decimal(value, sql_type)
    if kind == "BOOLEAN":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if kind == "DATE":
        return dt.date.fromisoformat(str(value)[:10])
    return _to_timestamp(value)


def udf_column(values: list[Any], sql_type: SqlType) -> pd.Series:
    """A column as PyFlink passes it to the masking UDF (integers arrive as exact text)."""
    kind = sql_type.kind
    if kind in ("INT", "BIGINT"):
        return pd.Series([None if v is None else str(v) for v in values], dtype=object)
    if kind == "TIMESTAMP(3)":
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[ms]")
    if kind == "DOUBLE":
        return pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
    return pd.Series(values, dtype=object)


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
        ts = pd.Timestamp(value)
        return f"{ts:%Y-%m-%d %H:%M:%S}.{ts.microsecond // 1000:03d}"
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
