"""Keep token key material out of the environment of the JVM and its Python workers: a key given
as a value (MASKSTREAM_TOKEN_KEY) moves into a private file, and only the file's path goes on.

Why: Flink starts each Python worker with a copy of its JVM's whole environment, and Beam logs
that environment, value by value, when the worker closes ("Closing environment ... payload", at
INFO, in DefaultJobBundleFactory). The JVM of the embedded MiniCluster is a child of this process
and copies its environment when PyFlink starts it, so the value must be gone from os.environ by
then; a key path in that log line is harmless.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

from udfs.crypto.keys import ENV_KEY, ENV_KEY_FILE, ENV_KEY_ID, ENV_KEYSET_FILE, load_keyring

# Memory-backed where there is one, so the copy of the key never reaches a disk.
_RAM_FOLDER = Path("/dev/shm")


def _private_folder() -> Path:
    parent = _RAM_FOLDER if _RAM_FOLDER.is_dir() and os.access(_RAM_FOLDER, os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="maskstream-key-", dir=parent))  # mode 0700
    # Workers read the key in open(), also after a restart, so the file lives as long as this
    # process (the MiniCluster's JVM and workers are its children).
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def move_key_value_to_file(
    environ: MutableMapping[str, str] | None = None, folder: Path | None = None
) -> Path | None:
    """Replace MASKSTREAM_TOKEN_KEY in `environ` (default: os.environ) with
    MASKSTREAM_TOKEN_KEY_FILE naming a file only this user can read; returns that file, or None
    when there was no value to move.

    A keyset or key file, when also set, is what load_keyring reads: the value is then unused and
    only dropped. The value is written as given; load_keyring strips a file's key the same way as
    a value's, so the tokens do not change. A short or badly named key fails here, before
    anything moves, naming the variable the user set rather than the file.
    """
    env = os.environ if environ is None else environ
    value = env.get(ENV_KEY)
    if not value:
        return None
    if env.get(ENV_KEYSET_FILE) or env.get(ENV_KEY_FILE):
        del env[ENV_KEY]
        return None
    load_keyring({name: env[name] for name in (ENV_KEY, ENV_KEY_ID) if name in env})
    path = (folder or _private_folder()) / "token.key"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(value.encode("utf-8"))
    env[ENV_KEY_FILE] = str(path)
    del env[ENV_KEY]
    return path
