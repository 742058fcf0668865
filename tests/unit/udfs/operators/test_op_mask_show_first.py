"""`mask_show_first`: Hive mask_show_first_n(): keep the first n characters, mask the rest.

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
    # Hive docs: mask_show_first_n("1234-5678-8765-4321", 4) = "1234-nnnn-nnnn-nnnn".
    pytest.param("1234-5678-8765-4321", {"n": 4}, "1234-nnnn-nnnn-nnnn", id="hive-example"),
    # n defaults to 4, as in Hive.
    pytest.param("abcdefg", {}, "abcdxxx", id="default-n"),
    # n=0 shows nothing: everything is masked.
    pytest.param("Jane Roe", {"n": 0}, "Xxxx Xxx", id="n-zero"),
    # n equal to the length shows everything.
    pytest.param("Jane", {"n": 4}, "Jane", id="n-equals-length"),
    # n larger than the length shows everything, without error.
    pytest.param("Jane", {"n": 10}, "Jane", id="n-beyond-length"),
    # Custom replacement characters for each class.
    pytest.param(
        "x-ABcd12",
        {"n": 2, "upper": "U", "lower": "l", "digit": "#"},
        "x-UUll##",
        id="custom-chars",
    ),
    # `other` replaces punctuation after the first n only.
    pytest.param("a-b-c", {"n": 2, "other": "*"}, "a-x*x", id="other-star"),
    # "keep" leaves upper-case letters unmasked.
    pytest.param("Jane Roe", {"n": 1, "upper": "keep"}, "Jxxx Rxx", id="keep-upper"),
    # -1 leaves digits unmasked.
    pytest.param("ab12cd", {"n": 1, "digit": -1}, "ax12xx", id="minus-one-digit"),
    # Accented letters follow their case.
    pytest.param("AlÉé", {"n": 2}, "AlXx", id="accented"),
    # Arabic-Indic digits are decimal digits.
    pytest.param("٣٤٥٦", {"n": 2}, "٣٤nn", id="arabic-indic-digits"),
    # CJK ideographs count as one position each; those shown stay, the rest mask.
    pytest.param("東京Tower", {"n": 3}, "東京Txxxx", id="cjk-shown"),
    # CJK ideographs after the first n are letters: lower-case replacement, whatever `other`.
    pytest.param("ab東京", {"n": 2, "other": "*"}, "abxx", id="cjk-other-star"),
    # A card in circled digits shows only its first n.
    pytest.param("④①①①①①①①", {"n": 2}, "④①nnnnnn", id="circled-digits"),
    # n counts code points: a non-BMP letter is shown or masked whole.
    pytest.param("𝐀𝐁cd", {"n": 1}, "𝐀Xxx", id="non-bmp-one-position"),
    # An emoji counts as one character and becomes one replacement.
    pytest.param("a😀😀", {"n": 2, "other": "*"}, "a😀*", id="emoji"),
    # A ZWJ emoji sequence is three code points; positions count code points, not graphemes.
    pytest.param("👩\u200d💻x", {"n": 1, "other": "*"}, "👩**x", id="zwj-sequence"),
    # Right-to-left text: the first n code points in logical (storage) order are shown.
    pytest.param("שלום 12", {"n": 4}, "שלום nn", id="rtl-hebrew"),
    # A very long value: everything after the first n characters is masked.
    pytest.param("a" * LONG, {}, "aaaa" + "x" * (LONG - 4), id="long"),
    # A very long value shown whole when n covers it.
    pytest.param("a" * LONG, {"n": LONG}, "a" * LONG, id="long-all-shown"),
]


@pytest.mark.parametrize(("value", "params", "expected"), CASES)
def test_mask_show_first(value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("mask_show_first", value, params) == expected


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
    pytest.param({"digit": "##"}, id="two-char-replacement"),
    # The empty string is not a replacement.
    pytest.param({"upper": ""}, id="empty-replacement"),
    # Unknown parameters are errors.
    pytest.param({"show": 4}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_mask_show_first_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("mask_show_first", params)


@pytest.mark.parametrize("input_type", ["INT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP(3)"])
def test_mask_show_first_rejects_non_text_types(input_type: str) -> None:
    fix = type_fix("mask_show_first", input_type, {"n": 2})
    assert fix is not None and "STRING" in fix


def test_mask_show_first_accepts_string_and_keeps_its_type() -> None:
    assert type_fix("mask_show_first", "STRING") is None
    assert output_type("mask_show_first", "STRING").sql == "STRING"


@pytest.mark.parametrize("value", [v for _, v in SMUGGLED_TEXT], ids=[i for i, _ in SMUGGLED_TEXT])
def test_mask_show_first_leaves_no_letter_or_number_of_any_script(value: str) -> None:
    # Digits and letters of other forms and scripts: none left after the first n.
    out = run_one("mask_show_first", value, {"n": 2})
    same_length, left = len(out) == len(value), spelled(out[2:])
    assert same_length and left == 0  # a count: never print what was planted
