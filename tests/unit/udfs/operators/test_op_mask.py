"""`mask`: Hive mask() semantics, character by character over Unicode code points.

Upper-case letters (Lu, Lt) become X, lower-case and caseless letters (Ll, Lo, Lm) x, digits and
numbers of any script (Nd, No, Nl) n, combining marks what their base becomes, and every other
character is kept unless `other` says otherwise; "keep" or -1 leaves a class unmasked.
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
    # CJK ideographs have no case: letters all the same, masked as lower-case (Hive keeps them).
    pytest.param("東京 Tower", {}, "xx Xxxxx", id="cjk-masked"),
    # `other` does not touch them (only the space), one replacement per ideograph.
    pytest.param("東京 Tower", {"other": "*"}, "xx*Xxxxx", id="cjk-other-star"),
    # Kana, and the prolonged sound mark (Lm), are letters too.
    pytest.param("カーター", {}, "xxxx", id="kana-and-modifier-letter"),
    # lower: keep keeps the caseless letters as well.
    pytest.param("東京 Tower", {"lower": "keep"}, "東京 Xower", id="cjk-lower-keep"),
    # Title-case letters (Lt) are upper-case.
    pytest.param("ǅemal", {}, "Xxxxx", id="title-case"),
    # An emoji (So, outside the BMP) is "other" and kept whole.
    pytest.param("😀ab", {}, "😀xx", id="emoji-kept"),
    # A non-BMP character becomes exactly one replacement, never two halves.
    pytest.param("😀ab", {"other": "*"}, "*xx", id="emoji-one-star"),
    # Mathematical bold letters and digits (outside the BMP) are Lu, Ll and Nd.
    pytest.param("𝐀𝐛𝟘", {}, "Xxn", id="non-bmp-classes"),
    # Superscripts, fractions and circled digits (No) are digits (Java keeps them).
    pytest.param("x²½①", {}, "xnnn", id="other-numbers"),
    # A card in circled digits masks like one in ASCII digits.
    pytest.param("④①①①-①①①①", {}, "nnnn-nnnn", id="circled-card"),
    # Full-width digits (Nd) and Roman numerals (Nl).
    pytest.param("４１１１ Ⅻ", {}, "nnnn n", id="full-width-and-roman"),
    # Letters written as symbols (So): circled, parenthesized, squared; their class is the
    # letter their compatibility form spells.
    pytest.param("Ⓙⓐⓝⓔ ⒭🄾🄴", {}, "Xxxx xXX", id="enclosed-letters"),
    # Symbols that spell letters or digits: ㎏ (kg), ℡ (TEL), ㉑ (21).
    pytest.param("㎏℡㉑", {}, "xXn", id="spelled-symbols"),
    # Regional indicators are the letters A-Z: a flag masks as two capitals.
    pytest.param("🇺🇸", {}, "XX", id="regional-indicators"),
    # Invisible tag characters mirror ASCII: tag digits and letters mask by their class.
    pytest.param("a\U000e0034\U000e0031\U000e0041", {}, "xnnX", id="tag-characters"),
    # Right-to-left letters (Hebrew, Arabic) have no case: masked as lower-case.
    pytest.param("שלום 123", {}, "xxxx nnn", id="rtl-hebrew"),
    # Right-to-left text with `other` set: only the space is "other".
    pytest.param("مرحبا ٣", {"other": "*"}, "xxxxx*n", id="rtl-arabic-other"),
    # A decomposed é: the combining accent (Mn) takes the replacement of its base letter.
    pytest.param("e\u0301", {}, "xx", id="combining-mark"),
    # An Indic vowel sign (Mc) goes with its consonant: nothing of the name is left.
    pytest.param("राम", {}, "xxx", id="spacing-mark"),
    # A mark on a kept class is kept with its base.
    pytest.param("e\u0301X", {"lower": "keep"}, "e\u0301X", id="combining-mark-kept"),
    # A mark with no base (the first character) is "other": kept by default ...
    pytest.param("\u0301ab", {}, "\u0301xx", id="mark-without-base"),
    # ... and replaced when `other` is set.
    pytest.param("\u0301ab", {"other": "*"}, "*xx", id="mark-without-base-other"),
    # Format characters (ZWJ, RTL override) are "other", kept by default.
    pytest.param("a\u200db\u202e", {}, "x\u200dx\u202e", id="format-characters"),
    # The noncharacter the fast path marks combining marks with masks like any "other".
    pytest.param("a\ufdd0b", {"other": "*"}, "x*x", id="mark-sentinel-in-text"),
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


@pytest.mark.parametrize("value", [v for _, v in SMUGGLED_TEXT], ids=[i for i, _ in SMUGGLED_TEXT])
def test_mask_leaves_no_letter_or_number_of_any_script(value: str) -> None:
    # Digits and letters of other forms and scripts: every character leave none of them.
    out = run_one("mask", value, {})
    same_length, left = len(out) == len(value), spelled(out)
    assert same_length and left == 0  # a count: never print what was planted
