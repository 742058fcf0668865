"""Column plumbing shared by operators: apply a value function to the non-null cells of a column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd


def is_null(value: Any) -> bool:
    """None, NaN, NaT or pd.NA: the nulls pandas may hand over."""
    return value is None or bool(pd.isna(value))


def map_values(column: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """Apply `fn` to every non-null value; nulls (None, NaN, NaT, pd.NA) stay null. `fn` must
    be a pure function of the value: it runs once per distinct value (ids, cards and dates
    repeat within a batch), and the results are spread back with numpy."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = np.asarray(uniques, dtype=object)
    mapped = np.fromiter((fn(v) for v in values), dtype=object, count=len(values))
    out = np.full(len(column), None, dtype=object)
    present = codes >= 0
    out[present] = mapped[codes[present]]
    return pd.Series(out, index=column.index, dtype=object)


def as_text(value: Any) -> str:
    """The text form of a scalar as it is hashed or tokenized (integers without a decimal point)."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
