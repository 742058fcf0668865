"""Token keys come from the environment or files; missing or weak keys fail with a clear fix; the
same key gives the same tokens however it is passed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from udfs.crypto.keys import KeyConfigError, KeyRing, load_keyring

GOOD = "a" * 32


def test_key_from_environment_value() -> None:
    ring = load_keyring({"MASKSTREAM_TOKEN_KEY": GOOD, "MASKSTREAM_TOKEN_KEY_ID": "k7"})
    assert ring.active_id == "k7"
    assert ring.active_key == GOOD.encode()


def test_key_from_file(tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text(GOOD + "\n")
    ring = load_keyring({"MASKSTREAM_TOKEN_KEY_FILE": str(path)})
    assert ring.active_id == "k1" and ring.active_key == GOOD.encode()


def test_keyset_file_selects_active_key(tmp_path: Path) -> None:
    path = tmp_path / "keyset.json"
    path.write_text(json.dumps({"active": "k2", "keys": {"k1": "b" * 32, "k2": "c" * 32}}))
    ring = load_keyring({"MASKSTREAM_KEYSET_FILE": str(path)})
    assert (
        ring.active_id == "k2" and ring.active_key == b"c" * 32 and set(ring.keys) == {"k1", "k2"}
    )


def test_missing_key_says_which_variable_to_set() -> None:
    with pytest.raises(KeyConfigError, match="MASKSTREAM_TOKEN_KEY_FILE"):
        load_keyring({})


def test_short_key_fails_without_echoing_it() -> None:
    secret = "short-secret-value"
    with pytest.raises(KeyConfigError) as err:
        load_keyring({"MASKSTREAM_TOKEN_KEY": secret})
    assert "shorter than the 32 required" in str(err.value)
    assert secret not in str(err.value)


def test_bad_key_id_is_rejected() -> None:
    with pytest.raises(KeyConfigError, match="key id 'k_1' is not valid"):
        load_keyring({"MASKSTREAM_TOKEN_KEY": GOOD, "MASKSTREAM_TOKEN_KEY_ID": "k_1"})


def test_keyring_repr_never_shows_material() -> None:
    ring = load_keyring({"MASKSTREAM_TOKEN_KEY": GOOD})
    assert GOOD not in repr(ring)


@pytest.mark.parametrize("key_bytes", [0, 1, 32, 63, 64, 65, 200])
@pytest.mark.parametrize("message_bytes", [0, 1, 55, 56, 64, 1000])
def test_hmac_sha256_equals_the_standard_library(key_bytes: int, message_bytes: int) -> None:
    import hmac

    from udfs.crypto.keys import hmac_sha256

    key = bytes((7 * i + 3) % 256 for i in range(key_bytes))
    message = bytes((11 * i + 5) % 256 for i in range(message_bytes))
    digest = hmac_sha256(key)
    assert digest(message) == hmac.digest(key, message, "sha256")
    assert digest(message + b"!") == hmac.digest(key, message + b"!", "sha256")  # reusable


def _tokens(ring: KeyRing) -> list[str]:
    from tests.unit.udfs.operators.op_cases import run_op

    return run_op("tokenize", ["cust-0001", "cust-0002"], keys=ring)


@pytest.mark.parametrize(
    "written",
    [
        pytest.param(GOOD, id="as is"),
        pytest.param(f"{GOOD}\n", id="newline of echo"),
        pytest.param(f"  {GOOD} \r\n", id="spaces and CRLF of an editor"),
        pytest.param(f"\t{GOOD}\t", id="tabs"),
    ],
)
def test_same_key_gives_same_tokens_from_a_file_a_value_and_a_keyset(
    tmp_path: Path, written: str
) -> None:
    key_file = tmp_path / "token.key"
    key_file.write_text(written)
    keyset = tmp_path / "keyset.json"
    keyset.write_text(json.dumps({"active": "k1", "keys": {"k1": written}}))
    rings = [
        load_keyring({"MASKSTREAM_TOKEN_KEY_FILE": str(key_file)}),
        load_keyring({"MASKSTREAM_TOKEN_KEY": written}),
        load_keyring({"MASKSTREAM_KEYSET_FILE": str(keyset)}),
    ]
    assert all(ring.active_key == GOOD.encode() for ring in rings)
    file_tokens, value_tokens, keyset_tokens = (_tokens(ring) for ring in rings)
    assert file_tokens == value_tokens == keyset_tokens
    assert all(t.startswith("tok_k1_") for t in file_tokens)


def test_keyset_key_short_once_stripped_is_refused(tmp_path: Path) -> None:
    # Spaces no longer count towards the 32 bytes a key needs.
    keyset = tmp_path / "keyset.json"
    keyset.write_text(json.dumps({"active": "k1", "keys": {"k1": "b" * 20 + " " * 12}}))
    with pytest.raises(KeyConfigError, match="20 bytes, shorter than the 32 required"):
        load_keyring({"MASKSTREAM_KEYSET_FILE": str(keyset)})
