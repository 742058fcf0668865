"""redact: replace every non-null value with a constant."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from udfs.columns import map_values
from udfs.operators import NOTHING_CLEAR, ColumnContext, Params, leaves, register
from udfs.sql_types import STRING


class RedactParams(Params):
    value: str = Field(default="[REDACTED]", description="the constant that replaces the value")


@register(
    "redact",
    summary="Replace every non-null value with a constant (default [REDACTED]).",
    strength=6,
    leaves_clear=leaves(NOTHING_CLEAR),
    copies_input=False,
    params=RedactParams,
    output_type=lambda _t, _p: STRING,
)
def redact(column: pd.Series, params: RedactParams, _ctx: ColumnContext) -> pd.Series:
    constant = params.value
    return map_values(column, lambda _v: constant)
