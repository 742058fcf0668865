"""Keyed date shift: every date of one subject moves by the same secret number of days.

Intervals between a subject's events survive (useful for analytics); the true dates do not.
The shift is derived from HMAC(key, subject) and is never 0. A row whose subject is null has no
consistent shift, and a date shifted past the calendar's end has no value: both become null
rather than leak.
"""

from __future__ import annotations

import datetime as dt
import hmac

import pandas as pd
from pydantic import Field

from udfs.columns import as_text
from udfs.registry import ColumnContext, Params, register
from udfs.sql_types import SqlType

DOMAIN = b"date_shift\x00"


class DateShiftParams(Params):
    max_days: int = Field(ge=1, le=3650, description="shifts fall in [-max_days, max_days], not 0")
    subject: str = Field(description="the field whose value keys the shift, e.g. customer_id")


def _check_type(input_type: SqlType, _params: DateShiftParams) -> str | None:
    if input_type.is_temporal:
        return None
    return "date_shift takes DATE or TIMESTAMP(3) fields"


def shift_days(key: bytes, subject: str, max_days: int) -> int:
    """The shift for one subject: uniform over [-max_days, -1] and [1, max_days]."""
    digest = hmac.digest(key, DOMAIN + subject.encode("utf-8"), "sha256")
    k = int.from_bytes(digest[:8], "big") % (2 * max_days)
    return k - max_days if k < max_days else k - max_days + 1


@register(
    "date_shift",
    summary="Shift dates by a keyed, per-subject offset within +/- max_days (never 0).",
    params=DateShiftParams,
    check_type=_check_type,
    keyed=True,
)
def date_shift(column: pd.Series, params: DateShiftParams, ctx: ColumnContext) -> pd.Series:
    assert ctx.keys is not None
    key, max_days = ctx.keys.active_key, params.max_days
    subject_column = ctx.batch[params.subject]
    subjects = subject_column.to_numpy(dtype=object)
    nulls = column.isna().to_numpy() | subject_column.isna().to_numpy()
    cache: dict[str, int] = {}
    out: list[object] = []
    rows = zip(column.to_numpy(dtype=object), subjects, nulls, strict=True)
    for value, subject, null in rows:
        if null:
            out.append(None)
            continue
        text = as_text(subject)
        days = cache.get(text)
        if days is None:
            days = cache[text] = shift_days(key, text, max_days)
        try:
            out.append(value + dt.timedelta(days=days))
        except (OverflowError, ValueError):
            # Past the end of the calendar (e.g. a 9999-12-31 "open end"): no shifted date
            # exists, and the true one must not leak.
            out.append(None)
    return pd.Series(out, index=column.index, dtype=object)
