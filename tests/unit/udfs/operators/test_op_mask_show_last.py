"""`mask_show_last`: Hive mask_show_last_n(): keep the last n characters, mask the rest.

Classes and replacements are those of `mask` (X, x, n, others kept); n defaults to 4 and
counts code points.
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
    # Hive docs: mask_show_last_n("1234-5678-8765-4321", 4) = "nnnn-nnnn-nnnn-4321".
    pytest.param("1234-5678-8765-4321", {"n": 4}, "nnnn-nnnn-nnnn-4321", id="hive-example"),
    # n defaults to 4: the documented example number shows its last four digits.
    pytest.param("123-45-6789", {}, "nnn-nn-6789", id="default-n"),
    # n=0 shows nothing: everything is masked.
    pytest.param("Jane Roe", {"n": 0}, "Xxxx Xxx", id="n-zero"),
    # n equal to the length shows everything.
    pytest.param("Jane", {"n": 4}, "Jane", id="n-equals-length"),
    # n larger than the length shows everything, without error.
    pytest.param("Jane", {"n": 10}, "Jane", id="n-beyond-length"),
    # Custom replacement characters for each class.
    pytest.param(
        "ABcd12-x",
        {"n": 2, "upper": "U", "lower": "l", "digit": "#"},
        "UUll##-x",
        id="custom-chars",
    ),
    # `other` replaces punctuation before the last n only.
    pytest.param("a-b-c", {"n": 2, "other": "*"}, "x*x-c", id="other-star"),
    # "keep" leaves lower-case letters unmasked.
    pytest.param("Jane Roe", {"n": 1, "lower": "keep"}, "Xane Xoe", id="keep-lower"),
    # -1 leaves digits unmasked.
    pytest.param("ab12cd", {"n": 1, "digit": -1}, "xx12xd", id="minus-one-digit"),
    # Accented letters follow their case.
    pytest.param("Éé-ab", {"n": 2}, "Xx-ab", id="accented"),
    # Arabic-Indic digits are decimal digits.
    pytest.param("٣٤٥٦", {"n": 2}, "nn٥٦", id="arabic-indic-digits"),
    # CJK ideographs count as one position each; those shown stay, the rest mask.
    pytest.param("Tower東京", {"n": 3}, "Xxxxr東京", id="cjk-shown"),
    # CJK ideographs before the last n are letters: lower-case replacement, whatever `other`.
    pytest.param("東京ab", {"n": 2, "other": "*"}, "xxab", id="cjk-other-star"),
    # An SSN in superscript digits shows only its last n.
    pytest.param("¹²³-⁴⁵-⁶⁷⁸⁹", {"n": 4}, "nnn-nn-⁶⁷⁸⁹", id="superscript-ssn"),
    # n counts code points: a non-BMP letter is shown or masked whole.
    pytest.param("𝐀𝐁c", {"n": 1}, "XXc", id="non-bmp-one-position"),
    # An emoji counts as one character and becomes one replacement.
    pytest.param("😀😀a", {"n": 2, "other": "*"}, "*😀a", id="emoji"),
    # A ZWJ emoji sequence is three code points; positions count code points, not graphemes.
    pytest.param("x👩\u200d💻", {"n": 1, "other": "*"}, "x**💻", id="zwj-sequence"),
    # Right-to-left text: the last n code points in logical (storage) order are shown.
    pytest.param("12 שלום", {"n": 4}, "nn שלום", id="rtl-hebrew"),
    # A very long value: everything before the last n characters is masked.
    pytest.param("a" * LONG, {}, "x" * (LONG - 4) + "aaaa", id="long"),
    # A very long value shown whole when n covers it.
    pytest.param("a" * LONG, {"n": LONG}, "a" * LONG, id="long-all-shown"),
]


@pytest.mark.parametrize(("value", "params", "expected"), CASES)
def test_mask_show_last(value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("mask_show_last", value, params) == expected


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
    pytest.param({"upper": "XX"}, id="two-char-replacement"),
    # The empty string is not a replacement.
    pytest.param({"lower": ""}, id="empty-replacement"),
    # Unknown parameters are errors.
    pytest.param({"show": 4}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_mask_show_last_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("mask_show_last", params)


@pytest.mark.parametrize("input_type", ["INT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP(3)"])
def test_mask_show_last_rejects_non_text_types(input_type: str) -> None:
    fix = type_fix("mask_show_last", input_type, {"n": 2})
    assert fix is not None and "STRING" in fix


def test_mask_show_last_accepts_string_and_keeps_its_type() -> None:
    assert type_fix("mask_show_last", "STRING") is None
    assert output_type("mask_show_last", "STRING").sql == "STRING"


@pytest.mark.parametrize("value", [v for _, v in SMUGGLED_TEXT], ids=[i for i, _ in SMUGGLED_TEXT])
def test_mask_show_last_leaves_no_letter_or_number_of_any_script(value: str) -> None:
    # Digits and letters of other forms and scripts: none left before the last n.
    out = run_one("mask_show_last", value, {"n": 2})
    same_length, left = len(out) == len(value), spelled(out[:-2])
    assert same_length and left == 0  # a count: never print what was planted
