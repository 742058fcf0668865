"""`date_shift`: every date of one subject moves by the same keyed number of days in
[-max_days, max_days], never 0. The subject is another column of the batch (ColumnContext.batch);
a null date or a null subject gives null. DATE and TIMESTAMP(3).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from tests.unit.udfs.operators.op_cases import (
    LONG,
    OTHER_KEYS,
    TEST_KEYS,
    output_type,
    params_of,
    run_op,
    type_fix,
)
from udfs.operators import get_operator

D = dt.date(2021, 3, 14)
TS = pd.Timestamp("2021-03-14 09:26:53.589")
P30 = {"max_days": 30, "subject": "subject"}


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


# Expected shifts are pinned for TEST_KEYS, so a change in the derivation (which would move the
# already-published dates of every subject) is noticed.
CASES = [
    # A null DATE stays null.
    pytest.param("DATE", None, "S-0001", P30, None, id="null-date"),
    # A NaT TIMESTAMP stays null.
    pytest.param("TIMESTAMP(3)", pd.NaT, "S-0001", P30, None, id="null-nat"),
    # A null subject: no consistent shift, so the date becomes null rather than leak.
    pytest.param("DATE", D, None, P30, None, id="null-subject"),
    # A NaN subject (nullable numeric column) is null too.
    pytest.param("DATE", D, float("nan"), P30, None, id="nan-subject"),
    # A DATE moves by the subject's shift (+13 days for S-0001).
    pytest.param("DATE", D, "S-0001", P30, D + days(13), id="date"),
    # A TIMESTAMP moves by the same whole days; the time of day is kept.
    pytest.param("TIMESTAMP(3)", TS, "S-0001", P30, TS + days(13), id="timestamp"),
    # Another subject, another shift (+19).
    pytest.param("DATE", D, "S-0002", P30, D + days(19), id="other-subject"),
    # A shift across the end of a leap-year February.
    pytest.param("DATE", dt.date(2020, 2, 20), "S-0001", P30, dt.date(2020, 3, 4), id="leap"),
    # The smallest range: the shift is -1 or +1 (here -1).
    pytest.param("DATE", D, "S-0001", {**P30, "max_days": 1}, D - days(1), id="max-days-1"),
    # The largest range: up to ten years (here +3553 days).
    pytest.param("DATE", D, "S-0001", {**P30, "max_days": 3650}, D + days(3553), id="max-3650"),
    # Past the calendar's last day: no shifted date exists, and the true one must not leak.
    pytest.param("DATE", dt.date(9999, 12, 31), "S-0001", P30, None, id="past-calendar-end"),
    # Before its first day (the subject "42" shifts by -10).
    pytest.param("DATE", dt.date(1, 1, 5), "42", P30, None, id="before-calendar-start"),
    # The first day itself, moved forward.
    pytest.param("DATE", dt.date(1, 1, 1), "S-0001", P30, dt.date(1, 1, 14), id="first-day"),
    # A TIMESTAMP past the calendar's end becomes null too.
    pytest.param(
        "TIMESTAMP(3)", pd.Timestamp("9999-12-31 12:00"), "S-0001", P30, None, id="ts-past-end"
    ),
    # The empty string is a subject, not a null.
    pytest.param("DATE", D, "", P30, D + days(26), id="empty-subject"),
    # A subject given as text "42" ...
    pytest.param("DATE", D, "42", P30, D - days(10), id="subject-text"),
    # ... as the integer 42 (an INT subject column) shifts the same ...
    pytest.param("DATE", D, 42, P30, D - days(10), id="subject-int"),
    # ... and as 42.0 (a nullable INT column in pandas) too.
    pytest.param("DATE", D, 42.0, P30, D - days(10), id="subject-float"),
    # An accented subject is keyed by its UTF-8 text.
    pytest.param("DATE", D, "Émilie", P30, D - days(10), id="subject-accented"),
    # A CJK and emoji (non-BMP) subject.
    pytest.param("DATE", D, "東京😀", P30, D + days(21), id="subject-cjk-emoji"),
    # A right-to-left subject.
    pytest.param("DATE", D, "שלום", P30, D - days(10), id="subject-rtl"),
    # A very long subject.
    pytest.param("DATE", D, "z" * LONG, P30, D + days(27), id="subject-long"),
]


@pytest.mark.parametrize(("input_type", "value", "subject", "params", "expected"), CASES)
def test_date_shift(
    input_type: str, value: Any, subject: Any, params: dict[str, Any], expected: Any
) -> None:
    (result,) = run_op("date_shift", [value], params, input_type, batch={"subject": [subject]})
    assert result == expected
    if expected is not None:
        assert type(result) is type(expected)


def test_same_subject_gets_the_same_shift_across_rows() -> None:
    subjects = ["S-0001", "S-0002", "S-0001", "S-0003", "S-0002", "S-0001"]
    dates = [dt.date(2020, 1, 1) + days(37 * i) for i in range(len(subjects))]
    out = run_op("date_shift", dates, P30, "DATE", batch={"subject": subjects})
    shifts: dict[str, set[int]] = {}
    for subject, before, after in zip(subjects, dates, out, strict=True):
        shifts.setdefault(subject, set()).add((after - before).days)
    assert all(len(s) == 1 for s in shifts.values())
    # Intervals between one subject's events survive.
    assert out[2] - out[0] == dates[2] - dates[0]


@pytest.mark.parametrize("max_days", [1, 7, 365, 3650])
def test_shifts_stay_in_range_and_are_never_zero(max_days: int) -> None:
    subjects = [f"S-{i:05d}" for i in range(2000)]
    dates = [D] * len(subjects)
    params = {"max_days": max_days, "subject": "subject"}
    out = run_op("date_shift", dates, params, "DATE", batch={"subject": subjects})
    shifts = [(after - D).days for after in out]
    assert all(0 < abs(s) <= max_days for s in shifts)
    assert min(shifts) < 0 < max(shifts)  # both directions occur
    if max_days <= 7:
        assert set(shifts) == {*range(-max_days, 0), *range(1, max_days + 1)}


def test_different_keys_give_different_shifts_for_most_subjects() -> None:
    subjects = [f"S-{i:05d}" for i in range(500)]
    dates = [D] * len(subjects)
    params = {"max_days": 365, "subject": "subject"}
    mine = run_op("date_shift", dates, params, "DATE", keys=TEST_KEYS, batch={"subject": subjects})
    theirs = run_op(
        "date_shift", dates, params, "DATE", keys=OTHER_KEYS, batch={"subject": subjects}
    )
    same = sum(a == b for a, b in zip(mine, theirs, strict=True))
    assert same <= len(subjects) // 20  # by chance about 1 in 730


def test_subject_column_is_read_from_the_batch_by_name() -> None:
    params = {"max_days": 30, "subject": "customer_id"}
    batch = {"customer_id": ["S-0002", None], "subject": ["S-0001", "S-0001"]}
    out = run_op("date_shift", [D, D], params, "DATE", batch=batch)
    assert out == [D + days(19), None]


def test_nulls_in_a_batch_do_not_disturb_other_rows() -> None:
    subjects = ["S-0001", None, "S-0001", "S-0002"]
    dates = [D, D, None, D]
    out = run_op("date_shift", dates, P30, "DATE", batch={"subject": subjects})
    assert out == [D + days(13), None, None, D + days(19)]


def test_dates_at_the_end_of_the_range_do_not_fail_the_batch() -> None:
    sentinel = dt.date(9999, 12, 31)
    out = run_op("date_shift", [sentinel, D], P30, "DATE", batch={"subject": ["S-0001"] * 2})
    assert out[1] == D + days(13)
    assert out[0] is None or isinstance(out[0], dt.date)


def test_date_shift_needs_a_key() -> None:
    assert get_operator("date_shift").needs_key(params_of("date_shift", P30))


INVALID_PARAMS = [
    # max_days is required.
    pytest.param({"subject": "subject"}, id="missing-max-days"),
    # subject is required.
    pytest.param({"max_days": 30}, id="missing-subject"),
    # A zero range cannot hold a non-zero shift.
    pytest.param({"max_days": 0, "subject": "subject"}, id="max-days-0"),
    # Negative ranges are errors.
    pytest.param({"max_days": -5, "subject": "subject"}, id="max-days-negative"),
    # At most ten years.
    pytest.param({"max_days": 3651, "subject": "subject"}, id="max-days-3651"),
    # max_days is a whole number.
    pytest.param({"max_days": 1.5, "subject": "subject"}, id="max-days-fractional"),
    # subject names a field.
    pytest.param({"max_days": 30, "subject": None}, id="null-subject"),
    # Unknown parameters are errors.
    pytest.param({"max_days": 30, "subject": "subject", "seed": 1}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_date_shift_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("date_shift", params)


@pytest.mark.parametrize("input_type", ["STRING", "INT", "BIGINT", "DOUBLE", "DECIMAL(12, 2)"])
def test_date_shift_rejects_non_temporal_types(input_type: str) -> None:
    fix = type_fix("date_shift", input_type, P30)
    assert fix is not None and "DATE or TIMESTAMP(3)" in fix


@pytest.mark.parametrize("input_type", ["DATE", "TIMESTAMP(3)"])
def test_date_shift_accepts_dates_and_keeps_the_type(input_type: str) -> None:
    assert type_fix("date_shift", input_type, P30) is None
    assert output_type("date_shift", input_type, P30).sql == input_type
