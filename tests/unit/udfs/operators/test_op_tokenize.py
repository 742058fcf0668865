"""`tokenize`: keyed deterministic tokens `tok_<key id>_<hex>`, the hex being the first `length`
bytes of HMAC-SHA256(key, [domain NUL] value). Same key and value give the same token (joinable);
another key gives another token; nulls stay null. STRING, INT and BIGINT only.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.udfs.operators.op_cases import (
    LONG,
    OTHER_KEYS,
    TEST_KEYS,
    output_type,
    params_of,
    run_one,
    run_op,
    type_fix,
)
from udfs.crypto.keys import KeyRing
from udfs.operators import get_operator


def token(text: str, *, length: int = 16, domain: str = "", key_id: str = "k1") -> str:
    """The token the spec describes, computed independently with the stdlib."""
    # The domain is length-prefixed (in UTF-8 bytes), also when empty.
    message = f"{len(domain.encode())}:{domain}{text}"
    mac = hmac.new(TEST_KEYS.keys[key_id], message.encode("utf-8"), hashlib.sha256).digest()
    return f"tok_{key_id}_{mac[:length].hex()}"


# Pinned so a change in the derivation (which would break joins on stored tokens) is noticed.
PINNED = "tok_k1_404e205b39f2ccb70e8221e36eb5a6b0"

CASES = [
    # A SQL NULL stays null (it is not the token of "None").
    pytest.param("STRING", None, {}, None, id="null-none"),
    # A float NaN stays null.
    pytest.param("STRING", float("nan"), {}, None, id="null-nan"),
    # A NaN in a nullable BIGINT column stays null.
    pytest.param("BIGINT", float("nan"), {}, None, id="null-nan-bigint"),
    # The empty string is a value and gets a token.
    pytest.param("STRING", "", {}, token(""), id="empty"),
    # The default: 16 bytes, 32 hex digits, key id k1 visible.
    pytest.param("STRING", "C00012345", {}, PINNED, id="default"),
    # The shortest allowed token: 8 bytes, 16 hex digits.
    pytest.param("STRING", "C00012345", {"length": 8}, token("C00012345", length=8), id="len-8"),
    # The longest allowed token: the whole 32-byte HMAC, 64 hex digits.
    pytest.param("STRING", "C00012345", {"length": 32}, token("C00012345", length=32), id="len-32"),
    # A domain is mixed into the MAC, giving a separate token space.
    pytest.param(
        "STRING",
        "C00012345",
        {"domain": "customers"},
        token("C00012345", domain="customers"),
        id="domain",
    ),
    # lowercase normalizes the value before tokenizing.
    pytest.param(
        "STRING",
        "Jane.Roe@Example.COM",
        {"lowercase": True},
        token("jane.roe@example.com"),
        id="lowercase",
    ),
    # Without lowercase the case is significant.
    pytest.param("STRING", "ABC", {}, token("ABC"), id="case-kept"),
    # lowercase also folds accented capitals.
    pytest.param("STRING", "ÉMILIE", {"lowercase": True}, token("émilie"), id="lowercase-accent"),
    # An INT given as text tokenizes like that text.
    pytest.param("INT", "42", {}, token("42"), id="int-as-text"),
    # An INT given as a number tokenizes like its decimal text (joins with the STRING "42").
    pytest.param("INT", 42, {}, token("42"), id="int-as-int"),
    # An INT from a nullable column (pandas float64, 42.0) tokenizes like "42".
    pytest.param("BIGINT", 42.0, {}, token("42"), id="bigint-as-float"),
    # Accented letters are tokenized as UTF-8.
    pytest.param("STRING", "Émilie", {}, token("Émilie"), id="accented"),
    # CJK and a non-BMP emoji are tokenized as UTF-8.
    pytest.param("STRING", "東京😀", {}, token("東京😀"), id="cjk-emoji"),
    # Right-to-left text is tokenized in logical order.
    pytest.param("STRING", "שלום ٣", {}, token("שלום ٣"), id="rtl"),
    # A very long value gives a token of the usual length.
    pytest.param("STRING", "z" * LONG, {}, token("z" * LONG), id="long"),
]


@pytest.mark.parametrize(("input_type", "value", "params", "expected"), CASES)
def test_tokenize(input_type: str, value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("tokenize", value, params, input_type) == expected


def test_same_key_and_value_give_the_same_token() -> None:
    first = run_op("tokenize", ["C001", "C002", "C001"])
    again = run_op("tokenize", ["C001"])
    assert first[0] == first[2] == again[0]
    assert first[0] != first[1]


def test_different_keys_give_different_tokens() -> None:
    values = [f"C{i:05d}" for i in range(200)]
    mine = run_op("tokenize", values, keys=TEST_KEYS)
    theirs = run_op("tokenize", values, keys=OTHER_KEYS)
    assert all(a != b for a, b in zip(mine, theirs, strict=True))
    assert all(t.startswith("tok_k2_") for t in theirs)


@pytest.mark.parametrize("length", [8, 16, 32])
def test_token_format_shows_the_active_key_id(length: int) -> None:
    ring = KeyRing("k7", {"k1": b"0" * 32, "k7": b"7" * 32})
    (tok,) = run_op("tokenize", ["C00012345"], {"length": length}, keys=ring)
    assert re.fullmatch(rf"tok_k7_[0-9a-f]{{{2 * length}}}", tok)
    assert tok != run_one("tokenize", "C00012345", {"length": length})  # k1 differs


def test_domains_separate_token_spaces() -> None:
    tokens = {run_one("tokenize", "C001", {"domain": d}) for d in ("", "orders", "customers")}
    assert len(tokens) == 3


def test_lowercase_joins_case_variants() -> None:
    folded = run_op("tokenize", ["ABC", "abc", "aBc"], {"lowercase": True})
    assert len(set(folded)) == 1
    assert len(set(run_op("tokenize", ["ABC", "abc", "aBc"]))) == 3


def test_nulls_stay_null_between_values() -> None:
    out = run_op("tokenize", ["a", None, float("nan"), "a"])
    assert out[1] is None and out[2] is None and out[0] == out[3] is not None


def test_domain_framing_is_unambiguous() -> None:
    assert run_one("tokenize", "a\x00b") != run_one("tokenize", "b", {"domain": "a"})


def test_tokenize_needs_a_key() -> None:
    op = get_operator("tokenize")
    assert op.needs_key(params_of("tokenize"))


INVALID_PARAMS = [
    # Shorter than 8 bytes is refused (too easy to collide).
    pytest.param({"length": 7}, id="length-7"),
    # Longer than the 32-byte HMAC is impossible.
    pytest.param({"length": 33}, id="length-33"),
    # Zero is refused.
    pytest.param({"length": 0}, id="length-0"),
    # length is a whole number.
    pytest.param({"length": 12.5}, id="fractional-length"),
    # domain is text.
    pytest.param({"domain": None}, id="null-domain"),
    # lowercase is a boolean.
    pytest.param({"lowercase": "maybe"}, id="non-bool-lowercase"),
    # Keys never come from the policy: a `key` parameter is refused.
    pytest.param({"key": "0" * 32}, id="key-in-policy"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_tokenize_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("tokenize", params)


@pytest.mark.parametrize(
    "input_type", ["DATE", "TIMESTAMP(3)", "DOUBLE", "DECIMAL(12, 2)", "BOOLEAN"]
)
def test_tokenize_rejects_other_types(input_type: str) -> None:
    fix = type_fix("tokenize", input_type)
    assert fix is not None and "STRING, INT or BIGINT" in fix


@pytest.mark.parametrize("input_type", ["STRING", "INT", "BIGINT"])
def test_tokenize_accepts_text_and_integers_and_outputs_string(input_type: str) -> None:
    assert type_fix("tokenize", input_type) is None
    assert output_type("tokenize", input_type).sql == "STRING"
