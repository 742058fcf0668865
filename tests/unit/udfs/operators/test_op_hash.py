"""`hash`: unkeyed hex digest like Hive mask_hash(): sha256 (default) or sha512 of the UTF-8 text,
with an optional public salt prepended. Nulls stay null. STRING, INT and BIGINT only.
"""

from __future__ import annotations

import hashlib
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


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha512(text: str) -> str:
    return hashlib.sha512(text.encode("utf-8")).hexdigest()


# Published test vectors (FIPS 180-2), so the expectation does not only mirror hashlib.
SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
SHA512_ABC = (
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
)

CASES = [
    # A SQL NULL stays null (it is not the hash of "None").
    pytest.param("STRING", None, {}, None, id="null-none"),
    # A float NaN stays null (it is not the hash of "nan").
    pytest.param("STRING", float("nan"), {}, None, id="null-nan"),
    # A NaN in a nullable INT column (pandas float64) stays null.
    pytest.param("INT", float("nan"), {}, None, id="null-nan-int"),
    # The empty string is hashed (the published sha256 of no bytes).
    pytest.param("STRING", "", {}, SHA256_EMPTY, id="empty"),
    # sha256 by default: the published test vector for "abc".
    pytest.param("STRING", "abc", {}, SHA256_ABC, id="sha256-vector"),
    # Default sha256 equals hashlib's lower-case hex digest (Hive mask_hash).
    pytest.param("STRING", "jdoe42", {}, sha256("jdoe42"), id="sha256-hashlib"),
    # sha512 option: the published test vector for "abc".
    pytest.param("STRING", "abc", {"algorithm": "sha512"}, SHA512_ABC, id="sha512-vector"),
    # The salt is prepended to the value before hashing.
    pytest.param("STRING", "abc", {"salt": "pepper:"}, sha256("pepper:abc"), id="salt"),
    # Salt and sha512 together.
    pytest.param(
        "STRING",
        "abc",
        {"algorithm": "sha512", "salt": "s"},
        sha512("sabc"),
        id="salt-sha512",
    ),
    # An INT given as text "42" hashes like the text "42".
    pytest.param("INT", "42", {}, sha256("42"), id="int-as-text"),
    # An INT given as a number hashes like its decimal text.
    pytest.param("INT", 42, {}, sha256("42"), id="int-as-int"),
    # An INT in a nullable column (pandas float64, 42.0) hashes like "42", not "42.0".
    pytest.param("INT", 42.0, {}, sha256("42"), id="int-as-float"),
    # A negative BIGINT beyond 2**53 keeps every digit.
    pytest.param("BIGINT", -9007199254740993, {}, sha256("-9007199254740993"), id="bigint-large"),
    # Accented text is hashed as UTF-8.
    pytest.param("STRING", "Émilie", {}, sha256("Émilie"), id="accented"),
    # No Unicode normalization: the decomposed form hashes as its own code points.
    pytest.param("STRING", "E\u0301milie", {}, sha256("E\u0301milie"), id="decomposed"),
    # CJK and a non-BMP emoji are hashed as UTF-8 (4 bytes for the emoji, not surrogates).
    pytest.param("STRING", "東京😀", {}, sha256("東京😀"), id="cjk-emoji"),
    # Right-to-left text is hashed in logical order.
    pytest.param("STRING", "שלום ٣", {}, sha256("שלום ٣"), id="rtl"),
    # A non-ASCII salt is encoded as UTF-8 too.
    pytest.param("STRING", "abc", {"salt": "sél"}, sha256("sélabc"), id="unicode-salt"),
    # A very long value hashes to a 64-digit digest.
    pytest.param("STRING", "z" * LONG, {}, sha256("z" * LONG), id="long"),
]


@pytest.mark.parametrize(("input_type", "value", "params", "expected"), CASES)
def test_hash(input_type: str, value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("hash", value, params, input_type) == expected


def test_hash_is_deterministic_and_distinguishes_values() -> None:
    out = run_op("hash", ["a", "b", "a", "A"])
    assert out[0] == out[2]
    assert len({out[0], out[1], out[3]}) == 3
    assert all(len(h) == 64 and h == h.lower() for h in out)


INVALID_PARAMS = [
    # Only sha256 and sha512: md5 (older Hive mask_hash) is refused.
    pytest.param({"algorithm": "md5"}, id="md5"),
    # sha1 is refused.
    pytest.param({"algorithm": "sha1"}, id="sha1"),
    # Algorithm names are exact (lower case).
    pytest.param({"algorithm": "SHA256"}, id="upper-case-name"),
    # The salt is text.
    pytest.param({"salt": 123}, id="number-salt"),
    # Unknown parameters (e.g. a key: hash is unkeyed) are errors.
    pytest.param({"key": "secret"}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_hash_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("hash", params)


@pytest.mark.parametrize(
    "input_type", ["DATE", "TIMESTAMP(3)", "DOUBLE", "DECIMAL(12, 2)", "BOOLEAN"]
)
def test_hash_rejects_other_types(input_type: str) -> None:
    fix = type_fix("hash", input_type)
    assert fix is not None and "STRING, INT or BIGINT" in fix


@pytest.mark.parametrize("input_type", ["STRING", "INT", "BIGINT"])
def test_hash_accepts_text_and_integers_and_outputs_string(input_type: str) -> None:
    assert type_fix("hash", input_type) is None
    assert output_type("hash", input_type).sql == "STRING"
