"""nullify: replace every value with NULL, keeping the column and its type."""

from __future__ import annotations

import pandas as pd

from udfs.operators import (
    NOTHING_CLEAR,
    STRENGTH_NOTHING,
    ColumnContext,
    NoParams,
    leaves,
    register,
)


@register(
    "nullify",
    summary="Replace every value with NULL, keeping the column and its type (Ranger: Nullify).",
    strength=STRENGTH_NOTHING,
    leaves_clear=leaves(NOTHING_CLEAR),
    copies_input=False,
)
def nullify(column: pd.Series, _params: NoParams, _ctx: ColumnContext) -> pd.Series:
    return pd.Series([None] * len(column), index=column.index, dtype=object)
