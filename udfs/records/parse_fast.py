"""The vectorized path of record parsing: Arrow's JSON reader over a whole batch, for the same
columns and verdicts as udfs.records.parse (the definition), only faster."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pandas as pd

from udfs.policy.model import Policy
from udfs.records import parse
from udfs.records.parse import (
    _DATE,
    _TIMESTAMP,
    MAX_RECORD_BYTES,
    MAX_TEXT_CHARS,
    ParsedBatch,
    Reject,
    without_bom,
)
from udfs.sql_types import SqlType

# Arrow's C++ JSON reader parses a whole batch of flat records at once. It is only a faster way
# to the same verdicts: every row it cannot vouch for (nesting, a line break, a failed check)
# and every batch it refuses (a type mismatch, a policy field's key written twice) goes through
# parse_one, which stays the definition. A key that is no policy field's, written twice, Arrow
# ignores as parse_one does. tests/unit/udfs/test_parse_fast.py holds the two paths equal.


def _arrow_type(sql_type: SqlType) -> Any:
    import pyarrow as pa

    return {
        "STRING": pa.string(),
        "INT": pa.int32(),
        "BIGINT": pa.int64(),
        "DOUBLE": pa.float64(),
        "BOOLEAN": pa.bool_(),
        # JSON numbers, converted exactly as json.loads does (float, then Decimal(str(float)))
        "DECIMAL": pa.float64(),
        # strings, checked and converted below
        "DATE": pa.string(),
        "TIMESTAMP(3)": pa.string(),
    }[sql_type.kind]


def _flat_object(payload: bytes | None) -> bool:
    """A payload the vectorized reader may take: one flat JSON object on one line, valid UTF-8,
    within the size limit (anything else is decided by parse_one). A byte order mark before it
    is dropped, as parse_one drops it."""
    if payload is None or len(payload) > MAX_RECORD_BYTES:
        return False
    body = without_bom(bytes(payload)).strip()
    if body[:1] != b"{" or body[-1:] != b"}" or b"\n" in body or b"\r" in body:
        return False
    if body.count(b"{") != 1 or b"[" in body:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _column_values(column: Any, sql_type: SqlType) -> tuple[list[Any], Any]:
    """A parsed Arrow column as parse_one's values, and a mask of rows it cannot vouch for."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = sql_type.kind
    present = column.is_valid().to_numpy(zero_copy_only=False)
    doubtful = np.zeros(len(column), dtype=bool)
    if kind == "STRING":
        too_long = pc.greater(pc.utf8_length(column), MAX_TEXT_CHARS)
        doubtful |= pc.fill_null(too_long, False).to_numpy(zero_copy_only=False)
        return column.to_numpy(zero_copy_only=False), doubtful  # str objects, None for null
    if kind == "DECIMAL":
        quantum = Decimal(1).scaleb(-sql_type.scale)
        scale, precision = sql_type.scale, sql_type.precision
        raw = column.to_numpy(zero_copy_only=False)  # float64, NaN for null
        with np.errstate(invalid="ignore", over="ignore"):
            # A double that is k / 10**scale for an integer k within the precision: its
            # shortest repr has at most `scale` decimals, so quantizing it is only a matter of
            # writing those decimals out, which "%.{scale}f" does exactly.
            simple = (
                present
                & (np.abs(raw) < min(10.0 ** (precision - scale), 2**53 / 10**scale))
                & (np.round(raw, scale) == raw)
            )
        values = np.full(len(column), None, dtype=object)
        text = f"%.{scale}f"
        values[simple] = [Decimal(text % v) for v in raw[simple].tolist()]
        for i in np.flatnonzero(present & ~simple).tolist():
            v = raw[i].item()
            try:
                # Beyond 2**53 a JSON integer is exact for json.loads, not for a double.
                d = None if abs(v) >= 2**53 else Decimal(repr(v)).quantize(quantum, ROUND_HALF_UP)
            except InvalidOperation:
                d = None
            if d is None or not d.is_finite() or len(d.as_tuple().digits) > sql_type.precision:
                doubtful[i] = True
            values[i] = d
        return values, doubtful
    if kind in ("DATE", "TIMESTAMP(3)"):
        pattern = "^" + (_DATE if kind == "DATE" else _TIMESTAMP).pattern + "$"
        shaped = pc.fill_null(pc.match_substring_regex(column, pattern), True)
        doubtful |= ~shaped.to_numpy(zero_copy_only=False)
        text = pc.if_else(pa.array(doubtful), pa.nulls(len(column), pa.string()), column)
        converted = _arrow_dates(text) if kind == "DATE" else _arrow_timestamps(text)
        if converted is None:  # a value Arrow refuses: the whole column the pandas way
            converted = _pandas_dates(text) if kind == "DATE" else _pandas_timestamps(text)
        values, missing = converted
        doubtful |= present & ~doubtful & missing
        values[missing] = None
        return values, doubtful
    return column.to_pylist(), doubtful


# Years whose every instant pandas holds in nanoseconds (1677-09-21 .. 2262-04-11); a timestamp
# outside them goes to parse_one, which knows other units.
_NS_YEARS = (1678, 2261)
_FIRST_DATE = -719_162  # 0001-01-01 in days since 1970-01-01: Python has no year 0


def _arrow_dates(text: Any) -> tuple[Any, Any] | None:
    """yyyy-MM-dd strings (nulls where absent or misshapen) as datetime.date objects and a mask
    of the ones without a value; None when Arrow refuses one (e.g. 2026-02-30)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        days = pc.cast(text, pa.date32())
    except pa.ArrowInvalid:
        return None
    number = days.cast(pa.int32()).to_numpy(zero_copy_only=False)  # float with NaN for nulls
    missing = ~days.is_valid().to_numpy(zero_copy_only=False) | (
        np.nan_to_num(number) < _FIRST_DATE
    )
    days = pc.if_else(pa.array(missing), pa.nulls(len(days), pa.date32()), days)
    return np.asarray(days.to_pandas(date_as_object=True), dtype=object), missing


def _arrow_timestamps(text: Any) -> tuple[Any, Any] | None:
    """Timestamp strings (nulls where absent or misshapen) floored to milliseconds, as
    pd.Timestamp objects, and a mask of the ones without a value; None when Arrow refuses one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.replace_substring(pc.utf8_rtrim(text, characters="Z"), "T", " ")
    year = pc.cast(pc.utf8_slice_codeunits(text, 0, 4), pa.int32())
    in_range = pc.and_(pc.greater_equal(year, _NS_YEARS[0]), pc.less_equal(year, _NS_YEARS[1]))
    text = pc.if_else(pc.fill_null(in_range, False), text, pa.nulls(len(text), pa.string()))
    try:
        stamps = pc.cast(text, pa.timestamp("ns"))
    except pa.ArrowInvalid:
        return None
    missing = ~stamps.is_valid().to_numpy(zero_copy_only=False)
    nanos = pc.fill_null(stamps.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
    millis = (nanos // 1_000_000 * 1_000_000).view("datetime64[ns]")
    values = pd.Series(millis).astype(object).to_numpy()  # pd.Timestamp objects
    return values, missing


def _pandas_dates(text: Any) -> tuple[Any, Any]:
    parsed = pd.to_datetime(
        pd.Series(text.to_pylist(), dtype=object), format="%Y-%m-%d", errors="coerce"
    )
    return parsed.dt.date.to_numpy(dtype=object), parsed.isna().to_numpy()


def _pandas_timestamps(text: Any) -> tuple[Any, Any]:
    import numpy as np

    cleaned = (
        pd.Series(text.to_pylist(), dtype=object).str.rstrip("Z").str.replace("T", " ", regex=False)
    )
    parsed = pd.to_datetime(cleaned, format="ISO8601", errors="coerce").dt.floor("ms")
    missing = parsed.isna().to_numpy()
    # pd.Timestamp objects; iterating beats to_numpy(dtype=object) here
    values = np.empty(len(parsed), dtype=object)
    values[:] = [None if m else v for v, m in zip(parsed, missing, strict=True)]
    return values, missing


def _parse_flat(
    payloads: list[bytes], policy: Policy
) -> tuple[dict[str, list[Any]], Any, dict[str, Any]] | None:
    """Columns of flat records parsed by Arrow, a mask of rows to re-check one by one, and the
    STRING columns as Arrow read them; None when Arrow refuses the batch."""
    import io

    import numpy as np
    import pyarrow as pa
    import pyarrow.json as pj

    schema = pa.schema([(f.name, _arrow_type(f.input_type)) for f in policy.fields])
    options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    try:
        table = pj.read_json(
            io.BytesIO(b"\n".join(without_bom(bytes(p)).strip() for p in payloads)),
            read_options=pj.ReadOptions(use_threads=False, block_size=1 << 26),
            parse_options=options,
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != len(payloads):  # e.g. two objects on one line
        return None
    doubtful = np.zeros(len(payloads), dtype=bool)
    columns: dict[str, list[Any]] = {}
    strings: dict[str, Any] = {}
    for rule in policy.fields:
        column = table.column(rule.name).combine_chunks()
        values, unsure = _column_values(column, rule.input_type)
        doubtful |= unsure
        if rule.required:
            doubtful |= ~column.is_valid().to_numpy(zero_copy_only=False)
        columns[rule.name] = values
        if rule.input_type.kind == "STRING":
            strings[rule.name] = column
    return columns, doubtful, strings


def _object_array(values: Sequence[Any]) -> Any:
    import numpy as np

    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def parse_payloads_fast(payloads: Sequence[bytes | None], policy: Policy) -> ParsedBatch:
    """parse_payloads, vectorized where it can be: same columns, same verdicts."""
    import numpy as np

    flat = [i for i, p in enumerate(payloads) if _flat_object(p)]
    parsed = _parse_flat([payloads[i] for i in flat], policy) if flat else None
    if parsed is None:
        return parse.parse_payloads(payloads, policy)
    flat_columns, doubtful, strings = parsed
    names = [f.name for f in policy.fields]
    errors: list[Reject | None] = [None] * len(payloads)
    columns: dict[str, Any] = {}
    everything = len(flat) == len(payloads)  # the usual batch: all flat, in order
    for name in names:
        values = np.asarray(flat_columns[name], dtype=object)
        if everything:
            columns[name] = values if values.ndim == 1 else _object_array(flat_columns[name])
            continue
        column = np.full(len(payloads), None, dtype=object)
        column[flat] = values
        columns[name] = column
    recheck_rows = np.ones(len(payloads), dtype=bool)  # rows Arrow did not take ...
    recheck_rows[flat] = doubtful  # ... and rows it took but cannot vouch for
    recheck = np.flatnonzero(recheck_rows).tolist()
    if not recheck:  # Arrow read every row as it stands: its string columns are the columns
        return ParsedBatch(columns, errors, strings)
    slow = parse.parse_payloads([payloads[i] for i in recheck], policy)
    for k, i in enumerate(recheck):
        errors[i] = slow.errors[k]
        for name in names:
            columns[name][i] = slow.columns[name][k]
    return ParsedBatch(columns, errors)
