"""Generalization: dates to a year or month, numbers to fixed-size buckets, codes to a prefix."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Context, Decimal
from typing import Any, Literal

import pandas as pd
from pydantic import Field, model_validator

from udfs.columns import as_text, map_values
from udfs.operators import STRENGTH_PARTIAL, Clear, ColumnContext, Params, register
from udfs.sql_types import STRING, SqlType


class GeneralizeParams(Params):
    to: Literal["year", "month"] | None = Field(
        default=None, description="DATE/TIMESTAMP -> 'YYYY' or 'YYYY-MM'"
    )
    bucket: Decimal | None = Field(
        default=None,
        gt=0,
        description="number -> lower bound of its bucket of this size (null if that bound "
        "does not fit the column's type)",
    )
    prefix: int | None = Field(
        default=None, ge=1, description="STRING (e.g. a postal code) -> its first n characters"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> GeneralizeParams:
        given = [k for k in ("to", "bucket", "prefix") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of `to: year|month` (dates), `bucket: <size>` (numbers) "
                f"or `prefix: <n>` (text); got {given or 'none'}"
            )
        return self


def _check_type(input_type: SqlType, params: GeneralizeParams) -> str | None:
    if params.to is not None and not input_type.is_temporal:
        return "`to` generalizes DATE or TIMESTAMP(3) fields; use `bucket` or `prefix` here"
    if params.bucket is not None and not input_type.is_numeric:
        return "`bucket` generalizes numeric fields; use `to` or `prefix` here"
    whole = params.bucket is None or params.bucket == params.bucket.to_integral_value()
    if input_type.kind in ("INT", "BIGINT") and not whole:
        return "`bucket` must be a whole number for INT/BIGINT fields"
    if params.prefix is not None and not input_type.is_text:
        return "`prefix` generalizes STRING fields; use `to` or `bucket` here"
    return None


def _output_type(input_type: SqlType, params: GeneralizeParams) -> SqlType:
    return input_type if params.bucket is not None else STRING


_INT_RANGE = {"INT": 2**31, "BIGINT": 2**63}
# Enough digits for any DECIMAL(38, s) quotient and product.
_WIDE = Context(prec=80)


def _bucket_fn(sql_type: SqlType, size: Decimal) -> Any:
    """value -> lower bound of its bucket, or None when that bound is outside the type's range
    (e.g. DECIMAL(5, 2) -950.00 in buckets of 100 would need -1000.00)."""
    kind = sql_type.kind
    if kind in _INT_RANGE:
        step, limit = int(size), _INT_RANGE[kind]

        def integer(v: Any) -> int | None:
            low = int(as_text(v)) // step * step
            return low if -limit <= low < limit else None

        return integer
    if kind == "DOUBLE":
        step_f = float(size)
        return lambda v: (float(v) // step_f) * step_f
    exponent = Decimal(1).scaleb(-sql_type.scale)
    bound = Decimal(10) ** (sql_type.precision - sql_type.scale)

    def decimal(v: Any) -> Decimal | None:
        low = _WIDE.multiply(_WIDE.divide(Decimal(v), size).to_integral_value(ROUND_FLOOR), size)
        low = low.quantize(exponent, context=_WIDE)
        return low if abs(low) < bound else None

    return decimal


_COARSENESS = {"month": 0, "year": 1}


def _compare(old: GeneralizeParams, new: GeneralizeParams) -> int:
    """Larger buckets, shorter prefixes and coarser dates are stronger; across kinds, unknown."""
    if old.bucket is not None and new.bucket is not None:
        return (new.bucket > old.bucket) - (new.bucket < old.bucket)
    if old.prefix is not None and new.prefix is not None:
        return (old.prefix > new.prefix) - (old.prefix < new.prefix)
    if old.to and new.to:
        return _COARSENESS[new.to] - _COARSENESS[old.to]
    return 0


def _leaves_clear(input_type: SqlType, params: GeneralizeParams) -> Clear:
    if params.prefix is not None:
        n = params.prefix
        return Clear(n, f"the first {n} characters (the whole value when shorter)")
    if params.to is not None:
        return Clear(0, "the year" if params.to == "year" else "the year and month")
    assert params.bucket is not None
    # A bucket no wider than the type's own step (1 for INT, 0.01 for DECIMAL(p, 2)) puts every
    # value in a bucket of its own: the number comes out as it went in. DOUBLE has no step.
    step = (
        Decimal(1)
        if input_type.kind in _INT_RANGE
        else Decimal(1).scaleb(-input_type.scale)
        if input_type.kind == "DECIMAL"
        else None
    )
    if step is not None and params.bucket <= step:
        return Clear(None, f"the whole number (a bucket of {params.bucket} is no coarser than it)")
    return Clear(0, f"the bucket of {params.bucket} the number falls in")


@register(
    "generalize",
    summary="Coarsen: date -> year/month, number -> bucket lower bound, text -> prefix.",
    strength=STRENGTH_PARTIAL,
    leaves_clear=_leaves_clear,
    compare=_compare,
    params=GeneralizeParams,
    check_type=_check_type,
    output_type=_output_type,
)
def generalize(column: pd.Series, params: GeneralizeParams, ctx: ColumnContext) -> pd.Series:
    if params.to == "year":
        return map_values(column, lambda v: f"{v.year:04d}")
    if params.to == "month":
        return map_values(column, lambda v: f"{v.year:04d}-{v.month:02d}")
    if params.prefix is not None:
        n = params.prefix
        return map_values(column, lambda v: v[:n])
    assert params.bucket is not None
    fn = _bucket_fn(ctx.input_type, params.bucket)
    return map_values(column, fn)
