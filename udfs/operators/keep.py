"""keep: pass the value through unchanged, for fields that hold no personal data."""

from __future__ import annotations

import pandas as pd

from udfs.operators import STRENGTH_KEEP, WHOLE_CLEAR, ColumnContext, NoParams, leaves, register


@register(
    "keep",
    summary="Pass the value through unchanged (for fields that hold no personal data).",
    strength=STRENGTH_KEEP,
    leaves_clear=leaves(WHOLE_CLEAR),
)
def keep(column: pd.Series, _params: NoParams, _ctx: ColumnContext) -> pd.Series:
    return column
