"""Column plumbing shared by operators: apply a value function to the non-null cells of a column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd


def is_null(value: Any) -> bool:
    """None, NaN, NaT or pd.NA: the nulls pandas may hand over."""
    return value is None or bool(pd.isna(value))


# Entries a memo of map_values keeps before it starts afresh (it bounds the worker's memory).
MEMO_LIMIT = 65_536


def map_values(
    column: pd.Series, fn: Callable[[Any], Any], memo: dict[str, Any] | None = None
) -> pd.Series:
    """Apply `fn` to every non-null value; nulls (None, NaN, NaT, pd.NA) stay null. `fn` must
    be a pure function of the value: it runs once per distinct value (ids, cards and dates
    repeat within a batch), and the results are spread back with numpy. With a `memo` (one per
    operator, field and key ring: see ColumnContext.memo) it runs once per distinct text value
    across batches too: a stream's customers come back batch after batch."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = np.asarray(uniques, dtype=object)
    if memo is None:
        mapped = np.fromiter((fn(v) for v in values), dtype=object, count=len(values))
    else:
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        mapped = np.fromiter(
            (_memoized(memo, fn, v) for v in values), dtype=object, count=len(values)
        )
    out = np.full(len(column), None, dtype=object)
    present = codes >= 0
    out[present] = mapped[codes[present]]
    return pd.Series(out, index=column.index, dtype=object)


def _memoized(memo: dict[str, Any], fn: Callable[[Any], Any], value: Any) -> Any:
    if type(value) is not str:  # 1 == 1.0 == True as keys, but not as text
        return fn(value)
    try:
        return memo[value]
    except KeyError:
        result = memo[value] = fn(value)
        return result


def as_text(value: Any) -> str:
    """The text form of a scalar as it is hashed or tokenized (integers without a decimal point)."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def string_bytes(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of a pyarrow StringArray (offset 0) and its value offsets, rebased to 0:
    value i is bytes[offsets[i]:offsets[i + 1]]."""
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[: len(values) + 1]
    data_buffer = values.buffers()[2]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
        if data_buffer is not None
        else np.zeros(0, dtype=np.uint8)
    )
    return data, offsets - offsets[0]


def rows_with(byte_flags: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Which values hold at least one flagged byte (flags per byte, offsets from string_bytes)."""
    rows = np.zeros(len(offsets) - 1, dtype=bool)
    flagged = np.flatnonzero(byte_flags)
    if flagged.size:
        rows[np.searchsorted(offsets[1:], flagged, side="right")] = True
    return rows
