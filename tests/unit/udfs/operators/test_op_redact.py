"""`redact`: every non-null value becomes a constant (default "[REDACTED]"); nulls stay null.

Works for any input type; the output is always STRING.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from tests.unit.udfs.operators.op_cases import LONG, output_type, params_of, run_one, type_fix

CASES = [
    # A SQL NULL stays null (a null reveals nothing to redact).
    pytest.param("STRING", None, {}, None, id="null-none"),
    # A float NaN stays null.
    pytest.param("DOUBLE", float("nan"), {}, None, id="null-nan"),
    # A NaT timestamp stays null.
    pytest.param("TIMESTAMP(3)", pd.NaT, {}, None, id="null-nat"),
    # The empty string is a value and is redacted.
    pytest.param("STRING", "", {}, "[REDACTED]", id="empty"),
    # The default constant.
    pytest.param("STRING", "Jane Roe", {}, "[REDACTED]", id="default"),
    # A custom constant.
    pytest.param("STRING", "Jane Roe", {"value": "***"}, "***", id="custom"),
    # An empty constant is allowed.
    pytest.param("STRING", "Jane Roe", {"value": ""}, "", id="custom-empty"),
    # A constant with CJK and a non-BMP character is returned as given.
    pytest.param(
        "STRING", "Jane Roe", {"value": "[已隐藏 🔒]"}, "[已隐藏 🔒]", id="unicode-constant"
    ),
    # Accented, CJK and emoji input is replaced whole.
    pytest.param("STRING", "Émilie 東京 😀", {}, "[REDACTED]", id="unicode-input"),
    # Right-to-left input is replaced whole.
    pytest.param("STRING", "שלום مرحبا", {}, "[REDACTED]", id="rtl-input"),
    # A very long value is replaced by the short constant.
    pytest.param("STRING", "z" * LONG, {}, "[REDACTED]", id="long"),
    # An integer becomes the (text) constant.
    pytest.param("INT", 42, {}, "[REDACTED]", id="int"),
    # Zero is a value, not a null.
    pytest.param("BIGINT", 0, {}, "[REDACTED]", id="bigint-zero"),
    # A double becomes the constant.
    pytest.param("DOUBLE", 1.5, {}, "[REDACTED]", id="double"),
    # A decimal becomes the constant.
    pytest.param("DECIMAL(12, 2)", Decimal("16234.56"), {}, "[REDACTED]", id="decimal"),
    # A date becomes the constant.
    pytest.param("DATE", dt.date(1987, 4, 12), {"value": "n/a"}, "n/a", id="date"),
    # A timestamp becomes the constant.
    pytest.param("TIMESTAMP(3)", pd.Timestamp("2021-03-14 09:26"), {}, "[REDACTED]", id="ts"),
    # False is a value, not a null.
    pytest.param("BOOLEAN", False, {}, "[REDACTED]", id="boolean-false"),
]


@pytest.mark.parametrize(("input_type", "value", "params", "expected"), CASES)
def test_redact(input_type: str, value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("redact", value, params, input_type) == expected


INVALID_PARAMS = [
    # The constant must be text, not a number.
    pytest.param({"value": 0}, id="number-value"),
    # The constant cannot be null (use nullify for that).
    pytest.param({"value": None}, id="null-value"),
    # Unknown parameters are errors.
    pytest.param({"replacement": "x"}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_redact_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("redact", params)


@pytest.mark.parametrize(
    "input_type",
    ["STRING", "BOOLEAN", "INT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP(3)", "DECIMAL(12, 2)"],
)
def test_redact_accepts_any_type_and_outputs_string(input_type: str) -> None:
    assert type_fix("redact", input_type) is None
    assert output_type("redact", input_type).sql == "STRING"
