"""`keep`: the value passes through unchanged, whatever its type; nulls (None, NaN, NaT) stay
null."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from tests.unit.udfs.operators.op_cases import LONG, output_type, params_of, run_one, type_fix

CASES = [
    # A SQL NULL stays null.
    pytest.param("STRING", None, {}, None, id="null-none"),
    # A float NaN stays null (it is not turned into a number or the text "nan").
    pytest.param("DOUBLE", float("nan"), {}, None, id="null-nan"),
    # A NaT timestamp stays null.
    pytest.param("TIMESTAMP(3)", pd.NaT, {}, None, id="null-nat"),
    # The empty string stays the empty string (not null).
    pytest.param("STRING", "", {}, "", id="empty"),
    # Plain text passes through.
    pytest.param("STRING", "gold", {}, "gold", id="text"),
    # Accented letters, CJK, emoji (non-BMP) and combining marks are untouched.
    pytest.param("STRING", "Émilie 東京 😀 e\u0301", {}, "Émilie 東京 😀 e\u0301", id="unicode"),
    # Right-to-left text, with its digits, is untouched.
    pytest.param("STRING", "مرحبا ٣ שלום", {}, "مرحبا ٣ שלום", id="rtl"),
    # A very long value passes through whole.
    pytest.param("STRING", "z" * LONG, {}, "z" * LONG, id="long"),
    # Integers keep their value.
    pytest.param("INT", 42, {}, 42, id="int"),
    # Doubles keep their value.
    pytest.param("DOUBLE", -0.5, {}, -0.5, id="double"),
    # Decimals keep their exact value and scale.
    pytest.param("DECIMAL(12, 2)", Decimal("16234.56"), {}, Decimal("16234.56"), id="decimal"),
    # Dates pass through.
    pytest.param("DATE", dt.date(1987, 4, 12), {}, dt.date(1987, 4, 12), id="date"),
    # Timestamps pass through.
    pytest.param(
        "TIMESTAMP(3)",
        pd.Timestamp("2021-03-14 09:26:53.589"),
        {},
        pd.Timestamp("2021-03-14 09:26:53.589"),
        id="timestamp",
    ),
    # False is a value, not a null.
    pytest.param("BOOLEAN", False, {}, False, id="boolean-false"),
]


@pytest.mark.parametrize(("input_type", "value", "params", "expected"), CASES)
def test_keep(input_type: str, value: Any, params: dict[str, Any], expected: Any) -> None:
    result = run_one("keep", value, params, input_type)
    assert result == expected
    assert type(result) is type(expected)


INVALID_PARAMS = [
    # keep takes no parameters; anything given is an error, not ignored.
    pytest.param({"value": "x"}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_keep_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("keep", params)


@pytest.mark.parametrize(
    "input_type",
    ["STRING", "BOOLEAN", "INT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP(3)", "DECIMAL(38, 10)"],
)
def test_keep_accepts_any_type_and_keeps_it(input_type: str) -> None:
    assert type_fix("keep", input_type) is None
    assert output_type("keep", input_type).sql == input_type
