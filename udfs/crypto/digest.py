"""Row digests: a SHA-256 over a canonical rendering of a masked row, for tamper evidence.

The rendering depends only on each value and its SQL type, so a verifier reading the masked
table back (from JSON, Parquet or Kafka) recomputes the same digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from udfs.columns import as_text, map_values, rows_with, string_bytes
from udfs.sql_types import SqlType, millis_text


def _date(v: Any) -> str:
    if isinstance(v, dt.datetime | pd.Timestamp):
        v = v.date()
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def _decimal(v: Any) -> str:
    d = v if isinstance(v, Decimal) else Decimal(str(v))
    return format(d.normalize(), "f")


def _boolean(v: Any) -> str:
    if isinstance(v, str):
        return "true" if v.lower() == "true" else "false"
    return "true" if bool(v) else "false"


_RENDERERS: dict[str, Callable[[Any], str]] = {
    "STRING": str,
    "INT": as_text,
    "BIGINT": as_text,
    "DOUBLE": lambda v: repr(float(v)),
    "DECIMAL": _decimal,
    "DATE": _date,
    "TIMESTAMP(3)": lambda v: millis_text(v, sep="T"),
    "BOOLEAN": _boolean,
}


# Types whose equal values always render alike (Decimal("1.0") == Decimal("1") == 1.0, all "1";
# True == 1, both "true"): rendered once per distinct value of a batch, since buckets, dates and
# flags repeat. INT and BIGINT only when every value is an int (True == 1 but "True" != "1");
# never DOUBLE (0.0 == -0.0).
_RENDERED_ONCE_PER_VALUE = frozenset({"DECIMAL", "DATE", "BOOLEAN"})


def _timestamps(values: np.ndarray, nulls: np.ndarray) -> list[str | None] | None:
    """Naive timestamps rendered like millis_text(v, "T"), a column at a time; None when the
    column holds anything else (zoned values, text), which then goes value by value."""
    out = np.full(len(values), None, dtype=object)
    present = ~nulls
    if present.any():
        try:
            stamps = pd.DatetimeIndex(values[present])
        except (ValueError, TypeError):
            return None
        if stamps.tz is not None:
            return None
        out[present] = np.datetime_as_string(stamps.to_numpy(dtype="datetime64[ms]"), unit="ms")
    return out.tolist()


def render_column(column: pd.Series, sql_type: SqlType) -> Sequence[Any]:
    """Each value's canonical text, None (or NaN, for STRING) where it is null."""
    values = column.to_numpy(dtype=object)
    if sql_type.kind == "STRING":
        # Text renders as itself; nulls (None or NaN) become JSON null in _json_tokens.
        return values
    fn = _RENDERERS[sql_type.kind]
    if sql_type.kind in _RENDERED_ONCE_PER_VALUE:
        return map_values(column, fn).tolist()  # map_values finds the nulls itself
    nulls = pd.isna(values)
    if sql_type.kind == "TIMESTAMP(3)":
        rendered = _timestamps(values, nulls)
        if rendered is not None:
            return rendered
    if sql_type.kind in ("INT", "BIGINT") and all(type(v) is int for v in values[~nulls]):
        return map_values(column, fn).tolist()
    return [None if null else fn(v) for v, null in zip(values, nulls, strict=True)]


def row_digests(columns: Sequence[tuple[pd.Series, SqlType]]) -> list[str]:
    """The hex SHA-256 of each row's canonical JSON array of rendered values:
    json.dumps(row, ensure_ascii=False, separators=(",", ":")), built a column at a time."""
    rendered = [render_column(col, t) for col, t in columns]
    if not rendered or len(rendered[0]) == 0:
        return []
    import pyarrow.compute as pc

    tokens = [_json_tokens(values) for values in rendered]
    tokens[0] = pc.binary_join_element_wise("[", tokens[0], "")
    tokens[-1] = pc.binary_join_element_wise(tokens[-1], "]", "")
    rows = pc.binary_join_element_wise(*tokens, ",")
    # Each row's UTF-8 bytes hashed straight from Arrow's buffer: no Python string per row.
    data, offsets = string_bytes(rows)
    view = memoryview(data)
    bounds = offsets.tolist()
    sha = hashlib.sha256
    return [sha(view[a:b]).hexdigest() for a, b in itertools.pairwise(bounds)]


def _json_tokens(values: Sequence[Any]) -> Any:
    """Each rendered value as its JSON token (ensure_ascii=False): "text" or null. Text with
    quotes, backslashes or control characters is encoded by json; the rest is only quoted."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(values, type=pa.string(), from_pandas=True)  # None and NaN: null
    quoted = pc.binary_join_element_wise('"', text, '"', "")
    data, offsets = string_bytes(text)
    escape = rows_with((data < 0x20) | (data == ord('"')) | (data == ord("\\")), offsets)
    if escape.any():
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        fixed = quoted.to_pylist()
        for i in escape.nonzero()[0]:
            fixed[i] = dumps(values[i])
        quoted = pa.array(fixed, type=pa.string())
    return pc.fill_null(quoted, "null")
