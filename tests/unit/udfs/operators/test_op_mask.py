"""`mask`: Hive mask() semantics, character by character over Unicode code points.

Upper-case letters (Lu) become X, lower-case (Ll) x, decimal digits (Nd) n, and every other
character is kept unless `other` says otherwise; "keep" or -1 leaves a class unmasked.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.udfs.operators.op_cases import LONG, output_type, params_of, run_one, type_fix

CASES = [
    # A SQL NULL stays null.
    pytest.param(None, {}, None, id="null-none"),
    # A float NaN (how pandas may hand a null) stays null.
    pytest.param(float("nan"), {}, None, id="null-nan"),
    # The empty string is a value, not a null, and masks to itself.
    pytest.param("", {}, "", id="empty"),
    # Hive docs: mask("abcd-EFGH-8765-4321") = "xxxx-XXXX-nnnn-nnnn".
    pytest.param("abcd-EFGH-8765-4321", {}, "xxxx-XXXX-nnnn-nnnn", id="hive-default"),
    # Hive docs: mask("abcd-EFGH-8765-4321", "U", "l", "#") = "llll-UUUU-####-####".
    pytest.param(
        "abcd-EFGH-8765-4321",
        {"upper": "U", "lower": "l", "digit": "#"},
        "llll-UUUU-####-####",
        id="hive-custom-chars",
    ),
    # The documented example number: punctuation is "other" and kept by default.
    pytest.param("123-45-6789", {}, "nnn-nn-nnnn", id="ssn-style"),
    # `other` replaces everything that is not a cased letter or a decimal digit.
    pytest.param("Jane Roe, #7", {"other": "*"}, "Xxxx*Xxx***n", id="other-star"),
    # "keep" leaves upper-case letters unmasked.
    pytest.param("Jane Roe 42", {"upper": "keep"}, "Jxxx Rxx nn", id="keep-upper"),
    # -1 (Hive's UNMASKED_VAL) is the same as "keep", here for digits.
    pytest.param("Unit 42B", {"digit": -1}, "Xxxx 42X", id="minus-one-digit"),
    # Every class kept: the value passes through.
    pytest.param("Jane-42", {"upper": -1, "lower": "keep", "digit": -1}, "Jane-42", id="keep-all"),
    # Accented letters follow their case: É is upper, é and ß lower.
    pytest.param("Émilie é ß", {}, "Xxxxxx x x", id="accented"),
    # Arabic-Indic digits are decimal digits (Nd).
    pytest.param("٣٤٥-12", {}, "nnn-nn", id="arabic-indic-digits"),
    # CJK ideographs have no case: "other", kept by default (as in Hive).
    pytest.param("東京 Tower", {}, "東京 Xxxxx", id="cjk-kept"),
    # ... and replaced when `other` is set, one replacement per ideograph.
    pytest.param("東京 Tower", {"other": "*"}, "***Xxxxx", id="cjk-other-star"),
    # An emoji (So, outside the BMP) is "other" and kept whole.
    pytest.param("😀ab", {}, "😀xx", id="emoji-kept"),
    # A non-BMP character becomes exactly one replacement, never two halves.
    pytest.param("😀ab", {"other": "*"}, "*xx", id="emoji-one-star"),
    # Mathematical bold letters and digits (outside the BMP) are Lu, Ll and Nd.
    pytest.param("𝐀𝐛𝟘", {}, "Xxn", id="non-bmp-classes"),
    # Superscripts and fractions are "other numbers" (No), not digits, as in Java.
    pytest.param("x²½", {}, "x²½", id="other-numbers-kept"),
    # Right-to-left letters (Hebrew, Arabic) have no case; digits still mask.
    pytest.param("שלום 123", {}, "שלום nnn", id="rtl-hebrew"),
    # Right-to-left text with `other` set: every letter and the space replaced.
    pytest.param("مرحبا ٣", {"other": "*"}, "******n", id="rtl-arabic-other"),
    # A decomposed é: the base letter masks, the combining accent (Mn) is "other".
    pytest.param("e\u0301", {}, "x\u0301", id="combining-mark"),
    # A replacement may itself be a non-BMP character.
    pytest.param("ab1", {"lower": "🔒"}, "🔒🔒n", id="emoji-replacement"),
    # A very long value masks completely.
    pytest.param("aB3-" * (LONG // 4), {}, "xXn-" * (LONG // 4), id="long"),
]


@pytest.mark.parametrize(("value", "params", "expected"), CASES)
def test_mask(value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("mask", value, params) == expected


INVALID_PARAMS = [
    # A replacement must be exactly one character, not two ...
    pytest.param({"upper": "ab"}, id="two-chars"),
    # ... and not none.
    pytest.param({"lower": ""}, id="empty-replacement"),
    # "-1" as text is two characters; only the integer -1 means keep.
    pytest.param({"digit": "-1"}, id="minus-one-as-text"),
    # Integers other than -1 are not characters.
    pytest.param({"digit": 7}, id="integer-replacement"),
    # null is not a replacement.
    pytest.param({"other": None}, id="null-replacement"),
    # Two code points (emoji plus variation selector) are not one character.
    pytest.param({"other": "❤️"}, id="emoji-with-selector"),
    # mask has no `n`; an unknown parameter is an error, not ignored.
    pytest.param({"n": 4}, id="unknown-n"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_mask_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("mask", params)


@pytest.mark.parametrize("input_type", ["INT", "BIGINT", "DOUBLE", "DATE", "DECIMAL(10, 2)"])
def test_mask_rejects_non_text_types(input_type: str) -> None:
    fix = type_fix("mask", input_type)
    assert fix is not None and "STRING" in fix


def test_mask_accepts_string_and_keeps_its_type() -> None:
    assert type_fix("mask", "STRING") is None
    assert output_type("mask", "STRING").sql == "STRING"
