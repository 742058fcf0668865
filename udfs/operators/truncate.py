"""truncate: keep the first `length` characters of a text."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from udfs.columns import map_values
from udfs.operators import ColumnContext, Params, compare_by, register, text_only


class TruncateParams(Params):
    length: int = Field(ge=0, description="how many leading characters (code points) to keep")


@register(
    "truncate",
    summary="Keep the first `length` characters (code points, never half of one).",
    strength=1,
    params=TruncateParams,
    check_type=text_only,
    compare=compare_by("length", stronger_when="smaller"),
)
def truncate(column: pd.Series, params: TruncateParams, _ctx: ColumnContext) -> pd.Series:
    n = params.length
    return map_values(column, lambda v: v[:n])
