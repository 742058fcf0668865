"""A key given as a value leaves the environment the JVM inherits and reaches it as a private
file with the same tokens; a keyset or key file beside it wins, and the value is only dropped."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from jobs.key_handoff import move_key_value_to_file
from udfs.crypto.keys import KeyConfigError, load_keyring

VALUE = "v" * 32 + "\n"  # obviously fake, with the newline `echo` adds


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_value_moves_into_a_file_only_the_user_reads() -> None:
    env = {"MASKSTREAM_TOKEN_KEY": VALUE, "MASKSTREAM_TOKEN_KEY_ID": "k3", "PATH": "/bin"}
    path = move_key_value_to_file(env)
    try:
        assert path is not None and env["MASKSTREAM_TOKEN_KEY_FILE"] == str(path)
        assert "MASKSTREAM_TOKEN_KEY" not in env and env["PATH"] == "/bin"
        assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
        moved = load_keyring(env)
        assert moved == load_keyring(
            {"MASKSTREAM_TOKEN_KEY": VALUE, "MASKSTREAM_TOKEN_KEY_ID": "k3"}
        )
    finally:
        if path is not None:
            shutil.rmtree(path.parent)


@pytest.mark.parametrize("beside", ["MASKSTREAM_KEYSET_FILE", "MASKSTREAM_TOKEN_KEY_FILE"])
def test_value_beside_a_file_is_dropped_unused(tmp_path: Path, beside: str) -> None:
    env = {"MASKSTREAM_TOKEN_KEY": VALUE, beside: "/run/secrets/k"}
    assert move_key_value_to_file(env, folder=tmp_path) is None
    assert env == {beside: "/run/secrets/k"} and not list(tmp_path.iterdir())


def test_no_value_changes_nothing(tmp_path: Path) -> None:
    env = {"MASKSTREAM_TOKEN_KEY_FILE": "/run/secrets/k"}
    assert move_key_value_to_file(env, folder=tmp_path) is None
    assert env == {"MASKSTREAM_TOKEN_KEY_FILE": "/run/secrets/k"}


def test_short_value_fails_naming_the_variable_and_moves_nothing(tmp_path: Path) -> None:
    env = {"MASKSTREAM_TOKEN_KEY": "too-short-key"}
    with pytest.raises(KeyConfigError, match=r"^MASKSTREAM_TOKEN_KEY: ") as err:
        move_key_value_to_file(env, folder=tmp_path)
    assert "too-short-key" not in str(err.value)
    assert env == {"MASKSTREAM_TOKEN_KEY": "too-short-key"} and not list(tmp_path.iterdir())
