"""`truncate`: keep the first `length` characters, counted in code points (never bytes or
UTF-16 units, so no character is cut in half), of the text with what the free-text detectors
find in the whole of it replaced by placeholders (<US_SSN>, <EMAIL>, ...) first."""

from __future__ import annotations

from typing import Any

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
    # A leading SSN is replaced before the cut (all values below are synthetic).
    pytest.param("123-45-6789 rest", {"length": 11}, "<US_SSN> re", id="leading-ssn"),
    # A leading email address.
    pytest.param(
        "jane.roe@example.com and more", {"length": 11}, "<EMAIL> and", id="leading-email"
    ),
    # An entity across the cut leaves part of its placeholder, none of its digits.
    pytest.param("Mozilla 4111111111111111", {"length": 11}, "Mozilla <CR", id="card-at-the-cut"),
    # A grouped card at the start, the cut inside it.
    pytest.param("4111 1111 1111 1111 x", {"length": 6}, "<CREDI", id="grouped-card"),
    # Full-width digits are read as digits by the detectors.
    pytest.param("１２３-４５-６７８９ rest", {"length": 11}, "<US_SSN> re", id="full-width-ssn"),
    # A phone number after its context word.
    pytest.param("call 555-201-1234", {"length": 20}, "call <PHONE>", id="phone"),
    # An IP address.
    pytest.param("10.20.30.40 GET /", {"length": 14}, "<IP_ADDRESS> G", id="ip-address"),
    # Entities beyond the cut do not change what is kept.
    pytest.param("Mozilla/5.0 123-45-6789", {"length": 11}, "Mozilla/5.0", id="entity-after-cut"),
    # length 0 keeps nothing, entity or not.
    pytest.param("123-45-6789", {"length": 0}, "", id="length-zero-entity"),
]


@pytest.mark.parametrize(("value", "params", "expected"), CASES)
def test_truncate(value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("truncate", value, params) == expected


# Values whose only digits (or "@") are those of a planted entity (all synthetic).
SMUGGLED = [
    pytest.param("123-45-6789 rest of the agent", id="ssn"),
    pytest.param("4111 1111 1111 1111 Mozilla", id="card"),
    pytest.param("Mozilla x 4111-1111-1111-1111", id="card-later"),
    pytest.param("jane.roe@example.com Mozilla", id="email"),
    pytest.param("SSN １２３-４５-６７８９ tail", id="full-width-ssn"),
    pytest.param("DE89 3704 0044 0532 0130 00 Mozilla", id="iban"),
    pytest.param("tel +44 20 7946 0958 Mozilla", id="phone"),
]


@pytest.mark.parametrize("value", SMUGGLED)
def test_no_cut_keeps_any_part_of_a_planted_entity(value: str) -> None:
    # Every cut, from nothing to the whole text: no digit and no "@" of the entity survives.
    cuts = [run_one("truncate", value, {"length": n}) for n in range(len(value) + 1)]
    left = sum(ch.isdigit() or ch == "@" for out in cuts for ch in out)
    assert left == 0  # a count: never print what was planted


def test_same_text_in_one_batch_is_scrubbed_once_and_alike() -> None:
    out = run_op("truncate", ["123-45-6789 a", None, "123-45-6789 a", "plain"], {"length": 9})
    assert out == ["<US_SSN> ", None, "<US_SSN> ", "plain"]


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
