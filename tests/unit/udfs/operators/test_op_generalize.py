"""`generalize`: coarsen a value. DATE/TIMESTAMP -> "YYYY" or "YYYY-MM" (`to`), numbers -> the
lower bound of their bucket (`bucket`, floored, so negatives go down), text -> its first n
code points (`prefix`). Exactly one of the three; nulls stay null.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from tests.unit.udfs.operators.op_cases import LONG, output_type, params_of, run_one, type_fix

YEAR = {"to": "year"}
MONTH = {"to": "month"}

CASES = [
    # A null DATE stays null.
    pytest.param("DATE", None, YEAR, None, id="null-date"),
    # A NaT TIMESTAMP stays null.
    pytest.param("TIMESTAMP(3)", pd.NaT, MONTH, None, id="null-nat"),
    # A NaN DOUBLE stays null (it is not bucketed to NaN).
    pytest.param("DOUBLE", float("nan"), {"bucket": 10}, None, id="null-nan-double"),
    # A NaN in a nullable INT column stays null.
    pytest.param("INT", float("nan"), {"bucket": 10}, None, id="null-nan-int"),
    # A null DECIMAL stays null.
    pytest.param("DECIMAL(12, 2)", None, {"bucket": 1000}, None, id="null-decimal"),
    # A null STRING stays null.
    pytest.param("STRING", None, {"prefix": 3}, None, id="null-string"),
    # The empty string has an empty prefix.
    pytest.param("STRING", "", {"prefix": 3}, "", id="empty-prefix"),
    # DATE to year.
    pytest.param("DATE", dt.date(1987, 4, 12), YEAR, "1987", id="date-year"),
    # DATE to month, zero-padded.
    pytest.param("DATE", dt.date(1987, 4, 12), MONTH, "1987-04", id="date-month"),
    # Years before 1000 are zero-padded to four digits.
    pytest.param("DATE", dt.date(99, 1, 5), MONTH, "0099-01", id="date-early-year"),
    # TIMESTAMP (pandas Timestamp) to year.
    pytest.param(
        "TIMESTAMP(3)", pd.Timestamp("1987-04-12 23:59:59.999"), YEAR, "1987", id="ts-year"
    ),
    # TIMESTAMP to month: the last millisecond of a month stays in that month.
    pytest.param(
        "TIMESTAMP(3)", pd.Timestamp("1987-12-31 23:59:59.999"), MONTH, "1987-12", id="ts-month"
    ),
    # DECIMAL(12,2) bucket 1000: the lower bound, at the column's scale.
    pytest.param(
        "DECIMAL(12, 2)",
        Decimal("16234.56"),
        {"bucket": 1000},
        Decimal("16000.00"),
        id="decimal-bucket",
    ),
    # Negative values floor (go down), they do not truncate towards zero.
    pytest.param(
        "DECIMAL(12, 2)", Decimal("-0.01"), {"bucket": 1000}, Decimal("-1000.00"), id="decimal-neg"
    ),
    # A bucket's lower bound maps to itself (buckets are closed below).
    pytest.param(
        "DECIMAL(12, 2)",
        Decimal("-1000.00"),
        {"bucket": 1000},
        Decimal("-1000.00"),
        id="decimal-boundary",
    ),
    # Zero is in the bucket [0, size).
    pytest.param("DECIMAL(12, 2)", Decimal("0.00"), {"bucket": 1000}, Decimal("0.00"), id="zero"),
    # A fractional bucket (given as text, as YAML may) on a DECIMAL.
    pytest.param(
        "DECIMAL(12, 2)", Decimal("1.74"), {"bucket": "0.5"}, Decimal("1.50"), id="decimal-half"
    ),
    # INT bucket 10, value given as text "37".
    pytest.param("INT", "37", {"bucket": 10}, 30, id="int-as-text"),
    # INT bucket 10, value given as an integer.
    pytest.param("INT", 37, {"bucket": 10}, 30, id="int"),
    # INT from a nullable column (pandas float64, 37.0) gives an integer.
    pytest.param("INT", 37.0, {"bucket": 10}, 30, id="int-as-float"),
    # Negative integers floor too.
    pytest.param("INT", -1, {"bucket": 10}, -10, id="int-negative"),
    # BIGINT beyond 2**53 is bucketed exactly.
    pytest.param(
        "BIGINT", 9_007_199_254_740_993, {"bucket": 1000}, 9_007_199_254_740_000, id="bigint-big"
    ),
    # DOUBLE bucket 1000.
    pytest.param("DOUBLE", 16234.56, {"bucket": 1000}, 16000.0, id="double"),
    # Negative DOUBLE floors.
    pytest.param("DOUBLE", -0.01, {"bucket": 1000}, -1000.0, id="double-negative"),
    # A fractional bucket on a DOUBLE.
    pytest.param("DOUBLE", 1.74, {"bucket": 0.5}, 1.5, id="double-half"),
    # prefix 3 of a postal code.
    pytest.param("STRING", "94107", {"prefix": 3}, "941", id="prefix"),
    # A value shorter than the prefix is unchanged.
    pytest.param("STRING", "94", {"prefix": 3}, "94", id="prefix-short-value"),
    # Accented letters are one character each.
    pytest.param("STRING", "Évry-Courcouronnes", {"prefix": 2}, "Év", id="prefix-accented"),
    # CJK characters are one character each.
    pytest.param("STRING", "東京都港区", {"prefix": 2}, "東京", id="prefix-cjk"),
    # A non-BMP emoji is never split.
    pytest.param("STRING", "😀😀😀", {"prefix": 1}, "😀", id="prefix-emoji"),
    # Right-to-left text keeps its first characters in logical order.
    pytest.param("STRING", "שלום עולם", {"prefix": 2}, "של", id="prefix-rtl"),
    # A very long value is cut to the prefix.
    pytest.param("STRING", "9" * LONG, {"prefix": 3}, "999", id="prefix-long"),
]


@pytest.mark.parametrize(("input_type", "value", "params", "expected"), CASES)
def test_generalize(input_type: str, value: Any, params: dict[str, Any], expected: Any) -> None:
    result = run_one("generalize", value, params, input_type)
    # repr also compares the type and a Decimal's scale (16000.00, not 16000).
    assert repr(result) == repr(expected)


def test_wide_decimals_are_bucketed_exactly() -> None:
    value = Decimal("123456789012345678901234567.89")  # 29 digits, fits DECIMAL(38, 2)
    result = run_one("generalize", value, {"bucket": 1000}, "DECIMAL(38, 2)")
    assert result == Decimal("123456789012345678901234000.00")


@pytest.mark.parametrize(
    ("input_type", "value", "bucket", "low", "high"),
    [
        pytest.param(
            "DECIMAL(5, 2)",
            Decimal("-950.00"),
            100,
            Decimal("-999.99"),
            Decimal("999.99"),
            id="decimal",
        ),
        pytest.param("INT", -(2**31), 10, -(2**31), 2**31 - 1, id="int-min"),
    ],
)
def test_bucket_fits_the_output_type(
    input_type: str, value: Any, bucket: int, low: Any, high: Any
) -> None:
    assert output_type("generalize", input_type, {"bucket": bucket}).sql == input_type
    result = run_one("generalize", value, {"bucket": bucket}, input_type)
    # A bound the type cannot hold becomes null (documented) rather than an overflow.
    assert result is None or low <= result <= high


INVALID_PARAMS = [
    # None of to, bucket, prefix.
    pytest.param({}, id="none"),
    # Two of them.
    pytest.param({"to": "year", "bucket": 10}, id="to-and-bucket"),
    # Two of them.
    pytest.param({"bucket": 10, "prefix": 3}, id="bucket-and-prefix"),
    # All three.
    pytest.param({"to": "month", "bucket": 10, "prefix": 3}, id="all-three"),
    # Only year and month.
    pytest.param({"to": "day"}, id="to-day"),
    # A bucket must be positive ...
    pytest.param({"bucket": 0}, id="bucket-zero"),
    # ... not negative.
    pytest.param({"bucket": -5}, id="bucket-negative"),
    # A bucket is a number.
    pytest.param({"bucket": "ten"}, id="bucket-text"),
    # A prefix keeps at least one character.
    pytest.param({"prefix": 0}, id="prefix-zero"),
    # A prefix is a whole number.
    pytest.param({"prefix": 1.5}, id="prefix-fractional"),
    # Unknown parameters are errors.
    pytest.param({"to": "year", "round": True}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_generalize_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("generalize", params)


WRONG_TYPES = [
    # `to` needs a date or timestamp, not text.
    pytest.param("STRING", YEAR, "`to`", id="to-on-string"),
    # `to` needs a date or timestamp, not a number.
    pytest.param("INT", MONTH, "`to`", id="to-on-int"),
    # `bucket` needs a number, not text.
    pytest.param("STRING", {"bucket": 10}, "`bucket`", id="bucket-on-string"),
    # `bucket` needs a number, not a date.
    pytest.param("DATE", {"bucket": 10}, "`bucket`", id="bucket-on-date"),
    # A fractional bucket on INT.
    pytest.param("INT", {"bucket": 0.5}, "whole number", id="fractional-bucket-on-int"),
    # A fractional bucket on BIGINT.
    pytest.param("BIGINT", {"bucket": 2.5}, "whole number", id="fractional-bucket-on-bigint"),
    # `prefix` needs text, not a number.
    pytest.param("INT", {"prefix": 3}, "`prefix`", id="prefix-on-int"),
    # `prefix` needs text, not a timestamp.
    pytest.param("TIMESTAMP(3)", {"prefix": 4}, "`prefix`", id="prefix-on-timestamp"),
    # Nothing generalizes a BOOLEAN.
    pytest.param("BOOLEAN", {"bucket": 1}, "`bucket`", id="bucket-on-boolean"),
]


@pytest.mark.parametrize(("input_type", "params", "fix_mentions"), WRONG_TYPES)
def test_generalize_rejects_wrong_type_combinations(
    input_type: str, params: dict[str, Any], fix_mentions: str
) -> None:
    fix = type_fix("generalize", input_type, params)
    assert fix is not None and fix_mentions in fix


OUTPUT_TYPES = [
    # A year or month is text.
    pytest.param("DATE", YEAR, "STRING", id="date-year"),
    # ... also from a timestamp.
    pytest.param("TIMESTAMP(3)", MONTH, "STRING", id="ts-month"),
    # A prefix is text.
    pytest.param("STRING", {"prefix": 3}, "STRING", id="prefix"),
    # A bucket keeps the numeric type, DECIMAL precision and scale included.
    pytest.param("DECIMAL(12, 2)", {"bucket": 1000}, "DECIMAL(12, 2)", id="decimal"),
    # ... and INT.
    pytest.param("INT", {"bucket": 10}, "INT", id="int"),
    # ... and DOUBLE with a fractional bucket.
    pytest.param("DOUBLE", {"bucket": 0.5}, "DOUBLE", id="double"),
]


@pytest.mark.parametrize(("input_type", "params", "expected"), OUTPUT_TYPES)
def test_generalize_accepted_types_and_output_type(
    input_type: str, params: dict[str, Any], expected: str
) -> None:
    assert type_fix("generalize", input_type, params) is None
    assert output_type("generalize", input_type, params).sql == expected
