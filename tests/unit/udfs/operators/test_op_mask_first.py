"""`mask_first`: Hive mask_first_n(): mask the first n characters (code points), keep the rest.

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
    # Hive docs: mask_first_n("1234-5678-8765-4321", 4) = "nnnn-5678-8765-4321".
    pytest.param("1234-5678-8765-4321", {"n": 4}, "nnnn-5678-8765-4321", id="hive-example"),
    # n defaults to 4, as in Hive.
    pytest.param("abcdefg", {}, "xxxxefg", id="default-n"),
    # n=0 masks nothing.
    pytest.param("Jane Roe", {"n": 0}, "Jane Roe", id="n-zero"),
    # n equal to the length masks everything.
    pytest.param("Jane", {"n": 4}, "Xxxx", id="n-equals-length"),
    # n larger than the length masks everything, without error.
    pytest.param("Jane", {"n": 10}, "Xxxx", id="n-beyond-length"),
    # Custom replacement characters for each class.
    pytest.param(
        "ABcd12-x",
        {"n": 6, "upper": "U", "lower": "l", "digit": "#"},
        "UUll##-x",
        id="custom-chars",
    ),
    # `other` replaces punctuation inside the first n only.
    pytest.param("a-b-c", {"n": 3, "other": "*"}, "x*x-c", id="other-star"),
    # "keep" leaves lower-case letters unmasked.
    pytest.param("AbCdEf", {"lower": "keep"}, "XbXdEf", id="keep-lower"),
    # -1 leaves digits unmasked.
    pytest.param("12ab", {"n": 3, "digit": -1}, "12xb", id="minus-one-digit"),
    # Accented letters follow their case.
    pytest.param("Éléa", {"n": 2}, "Xxéa", id="accented"),
    # Arabic-Indic digits are decimal digits.
    pytest.param("٣٤٥٦", {"n": 2}, "nn٥٦", id="arabic-indic-digits"),
    # CJK ideographs are letters without case: masked as lower-case, one per ideograph.
    pytest.param("東京Tower", {"n": 3}, "xxXower", id="cjk-masked"),
    # `other` does not apply to them.
    pytest.param("東京Tower", {"n": 2, "other": "*"}, "xxTower", id="cjk-other-star"),
    # Circled and superscript digits are digits.
    pytest.param("①②³⁴56", {"n": 4}, "nnnn56", id="circled-and-superscript"),
    # n counts code points: a non-BMP letter is one position, masked whole.
    pytest.param("𝐀𝐁cd", {"n": 1}, "X𝐁cd", id="non-bmp-one-position"),
    # An emoji counts as one character and becomes one replacement.
    pytest.param("😀😀ab", {"n": 1, "other": "*"}, "*😀ab", id="emoji"),
    # A ZWJ emoji sequence is three code points; positions count code points, not graphemes.
    pytest.param("👩\u200d💻x", {"n": 2, "other": "*"}, "**💻x", id="zwj-sequence"),
    # Right-to-left text: the first n code points in logical (storage) order.
    pytest.param("שלום 12", {"n": 5, "other": "*"}, "xxxx*12", id="rtl-hebrew"),
    # A very long value: only the first n characters change.
    pytest.param("a" * LONG, {}, "xxxx" + "a" * (LONG - 4), id="long"),
    # A very long value with n covering all of it.
    pytest.param("a" * LONG, {"n": LONG}, "x" * LONG, id="long-all"),
]


@pytest.mark.parametrize(("value", "params", "expected"), CASES)
def test_mask_first(value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("mask_first", value, params) == expected


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
    pytest.param({"upper": "ab"}, id="two-char-replacement"),
    # The empty string is not a replacement.
    pytest.param({"digit": ""}, id="empty-replacement"),
    # Unknown parameters are errors.
    pytest.param({"count": 4}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_mask_first_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("mask_first", params)


@pytest.mark.parametrize("input_type", ["INT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP(3)"])
def test_mask_first_rejects_non_text_types(input_type: str) -> None:
    fix = type_fix("mask_first", input_type, {"n": 2})
    assert fix is not None and "STRING" in fix


def test_mask_first_accepts_string_and_keeps_its_type() -> None:
    assert type_fix("mask_first", "STRING") is None
    assert output_type("mask_first", "STRING").sql == "STRING"


@pytest.mark.parametrize("value", [v for _, v in SMUGGLED_TEXT], ids=[i for i, _ in SMUGGLED_TEXT])
def test_mask_first_leaves_no_letter_or_number_of_any_script(value: str) -> None:
    # Digits and letters of other forms and scripts: the first n characters leave none of them.
    out = run_one("mask_first", value, {"n": len(value) - 2})
    same_length, left = len(out) == len(value), spelled(out[:-2])
    assert same_length and left == 0  # a count: never print what was planted
