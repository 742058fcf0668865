"""`nullify`: every value becomes NULL, whatever its type; the column and its type remain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from tests.unit.udfs.operators.op_cases import (
    LONG,
    output_type,
    params_of,
    run_one,
    run_op,
    type_fix,
)

CASES = [
    # A SQL NULL stays null.
    pytest.param("STRING", None, {}, None, id="null-none"),
    # A float NaN stays null.
    pytest.param("DOUBLE", float("nan"), {}, None, id="null-nan"),
    # The empty string becomes null too.
    pytest.param("STRING", "", {}, None, id="empty"),
    # Text becomes null.
    pytest.param("STRING", "203.0.113.7", {}, None, id="text"),
    # Accented, CJK and emoji text becomes null.
    pytest.param("STRING", "Émilie 東京 😀", {}, None, id="unicode"),
    # Right-to-left text becomes null.
    pytest.param("STRING", "שלום مرحبا", {}, None, id="rtl"),
    # A very long value becomes null.
    pytest.param("STRING", "z" * LONG, {}, None, id="long"),
    # Numbers, zero included, become null.
    pytest.param("INT", 0, {}, None, id="int-zero"),
    # Doubles become null.
    pytest.param("DOUBLE", 1.5, {}, None, id="double"),
    # Decimals become null.
    pytest.param("DECIMAL(12, 2)", Decimal("16234.56"), {}, None, id="decimal"),
    # Dates become null.
    pytest.param("DATE", dt.date(1987, 4, 12), {}, None, id="date"),
    # Timestamps become null.
    pytest.param("TIMESTAMP(3)", pd.Timestamp("2021-03-14 09:26"), {}, None, id="timestamp"),
    # Booleans become null.
    pytest.param("BOOLEAN", True, {}, None, id="boolean"),
]


@pytest.mark.parametrize(("input_type", "value", "params", "expected"), CASES)
def test_nullify(input_type: str, value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("nullify", value, params, input_type) == expected


def test_nullify_keeps_the_row_count() -> None:
    assert run_op("nullify", ["a", None, "", "b"]) == [None, None, None, None]
    assert run_op("nullify", []) == []


INVALID_PARAMS = [
    # nullify takes no parameters; anything given is an error, not ignored.
    pytest.param({"value": None}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_nullify_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("nullify", params)


@pytest.mark.parametrize(
    "input_type",
    ["STRING", "BOOLEAN", "INT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP(3)", "DECIMAL(12, 2)"],
)
def test_nullify_accepts_any_type_and_keeps_it(input_type: str) -> None:
    assert type_fix("nullify", input_type) is None
    assert output_type("nullify", input_type).sql == input_type
