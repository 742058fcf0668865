"""The simplest operators: keep, redact (a constant), null and truncate."""

from __future__ import annotations

import pandas as pd
from pydantic import Field

from udfs.columns import map_values
from udfs.registry import ColumnContext, NoParams, Params, register, text_only
from udfs.sql_types import STRING


@register(
    "keep",
    summary="Pass the value through unchanged (for fields that hold no personal data).",
)
def keep(column: pd.Series, _params: NoParams, _ctx: ColumnContext) -> pd.Series:
    return column


class RedactParams(Params):
    value: str = Field(default="[REDACTED]", description="the constant that replaces the value")


@register(
    "redact",
    summary="Replace every non-null value with a constant (default [REDACTED]).",
    params=RedactParams,
    output_type=lambda _t, _p: STRING,
)
def redact(column: pd.Series, params: RedactParams, _ctx: ColumnContext) -> pd.Series:
    constant = params.value
    return map_values(column, lambda _v: constant)


@register(
    "nullify",
    summary="Replace every value with NULL, keeping the column and its type (Ranger: Nullify).",
)
def nullify(column: pd.Series, _params: NoParams, _ctx: ColumnContext) -> pd.Series:
    return pd.Series([None] * len(column), index=column.index, dtype=object)


class TruncateParams(Params):
    length: int = Field(ge=0, description="how many leading characters (code points) to keep")


@register(
    "truncate",
    summary="Keep the first `length` characters (code points, never half of one).",
    params=TruncateParams,
    check_type=text_only,
)
def truncate(column: pd.Series, params: TruncateParams, _ctx: ColumnContext) -> pd.Series:
    n = params.length
    return map_values(column, lambda v: v[:n])
