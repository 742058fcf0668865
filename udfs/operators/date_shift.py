"""Keyed date shift: every date of one subject moves by the same secret number of days.

Intervals between a subject's events survive (useful for analytics); the true dates do not.
The shift is derived from HMAC(key, subject) and is never 0. A row whose subject is null has no
consistent shift, and a date shifted past the calendar's end has no value: both become null
rather than leak.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from udfs.columns import as_text, map_values
from udfs.operators import STRENGTH_PARTIAL, Clear, ColumnContext, Params, compare_by, register
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
    strength=STRENGTH_PARTIAL,
    # No date of the input is in the output, only intervals between a subject's dates.
    leaves_clear=lambda _type, p: Clear(0, f"the date give or take {p.max_days} days"),
    compare=compare_by("max_days", stronger_when="larger"),
    params=DateShiftParams,
    check_type=_check_type,
    keyed=True,
)
def date_shift(column: pd.Series, params: DateShiftParams, ctx: ColumnContext) -> pd.Series:
    assert ctx.keys is not None
    key, max_days = ctx.keys.active_key, params.max_days
    subject_column = ctx.batch[params.subject]
    # One HMAC per distinct subject (a customer's events repeat within a batch).
    shifts = map_values(subject_column, lambda s: shift_days(key, as_text(s), max_days), ctx.memo)
    values = column.to_numpy(dtype=object)
    nulls = column.isna().to_numpy() | subject_column.isna().to_numpy()
    out = (
        _shifted_dates(values, shifts.to_numpy(), nulls) if ctx.input_type.kind == "DATE" else None
    )
    if out is None:
        out = np.full(len(values), None, dtype=object)
        for i in np.flatnonzero(~nulls):
            try:
                moved = values[i] + dt.timedelta(days=int(shifts.iat[i]))
            except (OverflowError, ValueError):
                moved = None
            # Past the end of the calendar (e.g. a 9999-12-31 "open end"): no shifted date
            # exists, and the true one must not leak. (pandas has a year 10000, SQL has not.)
            out[i] = moved if moved is not None and 1 <= moved.year <= 9999 else None
    return pd.Series(out, index=column.index, dtype=object)


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_CALENDAR = (np.datetime64("0001-01-01", "D"), np.datetime64("9999-12-31", "D"))


def _shifted_dates(values: np.ndarray, shifts: np.ndarray, nulls: np.ndarray) -> Any:
    """DATE values (datetime.date) moved a column at a time with numpy; dates pushed off the
    calendar become None. None when a value is not a plain date (the caller goes row by row)."""
    rows = np.flatnonzero(~nulls)
    present = values[rows]
    if not all(type(v) is dt.date for v in present):
        return None
    days = np.fromiter((v.toordinal() for v in present), dtype=np.int64, count=len(present))
    moved = (days - _EPOCH_ORDINAL + shifts[rows].astype(np.int64)).astype("datetime64[D]")
    on_calendar = (moved >= _CALENDAR[0]) & (moved <= _CALENDAR[1])
    out = np.full(len(values), None, dtype=object)
    out[rows[on_calendar]] = moved[on_calendar].astype(object)  # datetime.date objects
    return out
