"""`truncate`: keep the first `length` characters, counted in code points (never bytes or
UTF-16 units, so no character is cut in half)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.udfs.operators.op_cases import LONG, output_type, params_of, run_one, type_fix

CASES = [
    # A SQL NULL stays null.
    pytest.param(None, {"length": 3}, None, id="null-none"),
    # A float NaN stays null.
    pytest.param(float("nan"), {"length": 3}, None, id="null-nan"),
    # The empty string stays empty.
    pytest.param("", {"length": 3}, "", id="empty"),
    # The operator's own example.
    pytest.param("Mozilla/5.0 (X11; Linux)", {"length": 11}, "Mozilla/5.0", id="example"),
    # length 0 gives the empty string, not null.
    pytest.param("Jane Roe", {"length": 0}, "", id="length-zero"),
    # A value shorter than length is unchanged.
    pytest.param("Jane", {"length": 10}, "Jane", id="shorter-than-length"),
    # A value exactly length long is unchanged.
    pytest.param("Jane", {"length": 4}, "Jane", id="exact-length"),
    # Accented letters are one character each (é is 2 bytes in UTF-8).
    pytest.param("éééé", {"length": 2}, "éé", id="accented"),
    # CJK ideographs are one character each (3 bytes in UTF-8).
    pytest.param("東京都港区", {"length": 2}, "東京", id="cjk"),
    # An emoji outside the BMP is one character (2 UTF-16 units, 4 bytes): never split.
    pytest.param("😀😀😀", {"length": 1}, "😀", id="emoji-non-bmp"),
    # Mixed BMP and non-BMP characters count one each.
    pytest.param("a😀b𝐀c", {"length": 4}, "a😀b𝐀", id="mixed-non-bmp"),
    # A decomposed é is two code points: length counts code points, not graphemes.
    pytest.param("e\u0301x", {"length": 1}, "e", id="combining-mark-code-points"),
    # Right-to-left text keeps its first characters in logical (storage) order.
    pytest.param("שלום עולם", {"length": 4}, "שלום", id="rtl"),
    # A very long value is cut to length.
    pytest.param("z" * LONG, {"length": 5}, "zzzzz", id="long"),
    # A very long value of non-BMP characters is cut in code points.
    pytest.param("😀" * LONG, {"length": LONG - 1}, "😀" * (LONG - 1), id="long-non-bmp"),
]


@pytest.mark.parametrize(("value", "params", "expected"), CASES)
def test_truncate(value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("truncate", value, params) == expected


INVALID_PARAMS = [
    # length is required: there is no sensible default.
    pytest.param({}, id="missing-length"),
    # A negative length is an error.
    pytest.param({"length": -1}, id="negative-length"),
    # length is a whole number.
    pytest.param({"length": 2.5}, id="fractional-length"),
    # length is a number.
    pytest.param({"length": "ten"}, id="text-length"),
    # Unknown parameters are errors.
    pytest.param({"length": 3, "n": 3}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_truncate_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("truncate", params)


@pytest.mark.parametrize("input_type", ["INT", "BIGINT", "DOUBLE", "DATE", "DECIMAL(12, 2)"])
def test_truncate_rejects_non_text_types(input_type: str) -> None:
    fix = type_fix("truncate", input_type, {"length": 3})
    assert fix is not None and "STRING" in fix


def test_truncate_accepts_string_and_keeps_its_type() -> None:
    assert type_fix("truncate", "STRING", {"length": 3}) is None
    assert output_type("truncate", "STRING", {"length": 3}).sql == "STRING"
