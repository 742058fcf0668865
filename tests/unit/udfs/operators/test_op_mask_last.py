"""`mask_last`: Hive mask_last_n(): mask the last n characters (code points), keep the rest.

Classes and replacements are those of `mask` (X, x, n, others kept); n defaults to 4.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.udfs.operators.op_cases import (
    LONG,
    SMUGGLED_TEXT,
    output_type,
    params_of,
    run_one,
    spelled,
    type_fix,
)

CASES = [
    # A SQL NULL stays null.
    pytest.param(None, {}, None, id="null-none"),
    # A float NaN (how pandas may hand a null) stays null.
    pytest.param(float("nan"), {"n": 2}, None, id="null-nan"),
    # The empty string stays empty.
    pytest.param("", {}, "", id="empty"),
    # Hive docs: mask_last_n("1234-5678-8765-4321", 4) = "1234-5678-8765-nnnn".
    pytest.param("1234-5678-8765-4321", {"n": 4}, "1234-5678-8765-nnnn", id="hive-example"),
    # n defaults to 4, as in Hive.
    pytest.param("abcdefg", {}, "abcxxxx", id="default-n"),
    # n=0 masks nothing.
    pytest.param("Jane Roe", {"n": 0}, "Jane Roe", id="n-zero"),
    # n equal to the length masks everything.
    pytest.param("Jane", {"n": 4}, "Xxxx", id="n-equals-length"),
    # n larger than the length masks everything, without error.
    pytest.param("Jane", {"n": 10}, "Xxxx", id="n-beyond-length"),
    # Custom replacement characters for each class.
    pytest.param(
        "x-ABcd12",
        {"n": 6, "upper": "U", "lower": "l", "digit": "#"},
        "x-UUll##",
        id="custom-chars",
    ),
    # `other` replaces punctuation inside the last n only.
    pytest.param("a-b-c", {"n": 3, "other": "*"}, "a-x*x", id="other-star"),
    # "keep" leaves upper-case letters unmasked.
    pytest.param("AbCdEf", {"upper": "keep"}, "AbCxEx", id="keep-upper"),
    # -1 leaves digits unmasked.
    pytest.param("ab12", {"n": 3, "digit": -1}, "ax12", id="minus-one-digit"),
    # Accented letters follow their case.
    pytest.param("Aléé", {"n": 2}, "Alxx", id="accented"),
    # Arabic-Indic digits are decimal digits.
    pytest.param("٣٤٥٦", {"n": 2}, "٣٤nn", id="arabic-indic-digits"),
    # CJK ideographs are letters without case: masked as lower-case, one per ideograph.
    pytest.param("Tower東京", {"n": 3}, "Towexxx", id="cjk-masked"),
    # `other` does not apply to them.
    pytest.param("Tower東京", {"n": 2, "other": "*"}, "Towerxx", id="cjk-other-star"),
    # Circled and superscript digits are digits.
    pytest.param("12①②³⁴", {"n": 4}, "12nnnn", id="circled-and-superscript"),
    # n counts code points: a non-BMP letter is one position, masked whole.
    pytest.param("cd𝐀𝐁", {"n": 1}, "cd𝐀X", id="non-bmp-one-position"),
    # An emoji counts as one character and becomes one replacement.
    pytest.param("ab😀😀", {"n": 1, "other": "*"}, "ab😀*", id="emoji"),
    # A ZWJ emoji sequence is three code points; positions count code points, not graphemes.
    pytest.param("x👩\u200d💻", {"n": 2, "other": "*"}, "x👩**", id="zwj-sequence"),
    # Right-to-left text: the last n code points in logical (storage) order.
    pytest.param("12 שלום", {"n": 5, "other": "*"}, "12*xxxx", id="rtl-hebrew"),
    # A very long value: only the last n characters change.
    pytest.param("a" * LONG, {}, "a" * (LONG - 4) + "xxxx", id="long"),
    # A very long value with n covering all of it.
    pytest.param("a" * LONG, {"n": LONG + 1}, "x" * LONG, id="long-all"),
]


@pytest.mark.parametrize(("value", "params", "expected"), CASES)
def test_mask_last(value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("mask_last", value, params) == expected


INVALID_PARAMS = [
    # A negative n is an error (Hive would silently treat it as 0).
    pytest.param({"n": -1}, id="negative-n"),
    # n is a whole number.
    pytest.param({"n": 2.5}, id="fractional-n"),
    # n is a number.
    pytest.param({"n": "four"}, id="text-n"),
    # n cannot be null.
    pytest.param({"n": None}, id="null-n"),
    # A replacement must be exactly one character.
    pytest.param({"lower": "ab"}, id="two-char-replacement"),
    # The empty string is not a replacement.
    pytest.param({"other": ""}, id="empty-replacement"),
    # Unknown parameters are errors.
    pytest.param({"count": 4}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_mask_last_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("mask_last", params)


@pytest.mark.parametrize("input_type", ["INT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP(3)"])
def test_mask_last_rejects_non_text_types(input_type: str) -> None:
    fix = type_fix("mask_last", input_type, {"n": 2})
    assert fix is not None and "STRING" in fix


def test_mask_last_accepts_string_and_keeps_its_type() -> None:
    assert type_fix("mask_last", "STRING") is None
    assert output_type("mask_last", "STRING").sql == "STRING"


@pytest.mark.parametrize("value", [v for _, v in SMUGGLED_TEXT], ids=[i for i, _ in SMUGGLED_TEXT])
def test_mask_last_leaves_no_letter_or_number_of_any_script(value: str) -> None:
    # Digits and letters of other forms and scripts: the last n characters leave none of them.
    out = run_one("mask_last", value, {"n": len(value) - 2})
    same_length, left = len(out) == len(value), spelled(out[2:])
    assert same_length and left == 0  # a count: never print what was planted
