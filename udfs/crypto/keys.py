"""Token keys: read from environment variables or files at start-up, never from policy or SQL."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MIN_KEY_BYTES = 32
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9]{1,16}$")

ENV_KEY = "MASKSTREAM_TOKEN_KEY"
ENV_KEY_ID = "MASKSTREAM_TOKEN_KEY_ID"
ENV_KEY_FILE = "MASKSTREAM_TOKEN_KEY_FILE"
ENV_KEYSET_FILE = "MASKSTREAM_KEYSET_FILE"
DEFAULT_KEY_ID = "k1"


def hmac_sha256(key: bytes) -> Callable[[bytes], bytes]:
    """HMAC-SHA256 under one key (RFC 2104), for many messages: the key's inner and outer pad
    blocks are hashed once, and each message costs two copies of those states. Equal to
    hmac.digest(key, message, "sha256"), about 3x faster a value, since hmac.digest sets the
    key up again on every call."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(message: bytes) -> bytes:
        h = inner.copy()
        h.update(message)
        o = outer.copy()
        o.update(h.digest())
        return o.digest()

    return digest


class KeyConfigError(Exception):
    """A key is missing or unusable. The message never contains key material."""


@dataclass(frozen=True)
class KeyRing:
    """The active key used for new tokens, and older keys kept for reference by id."""

    active_id: str
    keys: dict[str, bytes]

    @property
    def active_key(self) -> bytes:
        return self.keys[self.active_id]

    def __repr__(self) -> str:  # never print key material
        return f"KeyRing(active_id={self.active_id!r}, ids={sorted(self.keys)})"


def _check_key(key_id: str, material: bytes, origin: str) -> None:
    if not KEY_ID_PATTERN.match(key_id):
        raise KeyConfigError(
            f"{origin}: key id {key_id!r} is not valid; use 1-16 letters or digits, e.g. k1"
        )
    if len(material) < MIN_KEY_BYTES:
        raise KeyConfigError(
            f"{origin}: key {key_id!r} is {len(material)} bytes, shorter than the "
            f"{MIN_KEY_BYTES} required; generate one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`"
        )


def key_material(raw: bytes) -> bytes:
    """The key in a file, a variable or a keyset entry, without the whitespace around it (the
    newline `echo` or an editor adds): one rule for every source, so the same key gives the same
    tokens however it is passed."""
    return raw.strip()


def _keyset_from_file(path: Path) -> KeyRing:
    origin = f"{ENV_KEYSET_FILE}={path}"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeyConfigError(f"{origin}: file not found; point it at a keyset JSON file") from None
    except json.JSONDecodeError:
        raise KeyConfigError(
            f"{origin}: not valid JSON; expected "
            '{"active": "k2", "keys": {"k1": "...", "k2": "..."}}'
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("keys"), dict) or "active" not in doc:
        raise KeyConfigError(
            f'{origin}: expected {{"active": "<id>", "keys": {{"<id>": "<key>"}}}}'
        )
    keys = {str(k): key_material(str(v).encode("utf-8")) for k, v in doc["keys"].items()}
    active = str(doc["active"])
    if active not in keys:
        raise KeyConfigError(
            f"{origin}: active key id {active!r} is not among the keys {sorted(keys)}"
        )
    for key_id, material in keys.items():
        _check_key(key_id, material, origin)
    return KeyRing(active, keys)


def load_keyring(environ: dict[str, str] | None = None) -> KeyRing:
    """Read the key ring from the environment: a keyset file, a key file, or a key value."""
    env = os.environ if environ is None else environ
    key_id = env.get(ENV_KEY_ID, DEFAULT_KEY_ID)
    if env.get(ENV_KEYSET_FILE):
        return _keyset_from_file(Path(env[ENV_KEYSET_FILE]))
    if env.get(ENV_KEY_FILE):
        path = Path(env[ENV_KEY_FILE])
        origin = f"{ENV_KEY_FILE}={path}"
        try:
            material = key_material(path.read_bytes())
        except FileNotFoundError:
            raise KeyConfigError(
                f"{origin}: file not found; create it or unset the variable"
            ) from None
        _check_key(key_id, material, origin)
        return KeyRing(key_id, {key_id: material})
    if env.get(ENV_KEY):
        material = key_material(env[ENV_KEY].encode("utf-8"))
        _check_key(key_id, material, ENV_KEY)
        return KeyRing(key_id, {key_id: material})
    raise KeyConfigError(
        "no token key: keyed operators (tokenize, date_shift, email tokenize) and quarantine "
        "digests need one; "
        f"set {ENV_KEY_FILE} to a file holding a key of at least {MIN_KEY_BYTES} bytes "
        f"(or {ENV_KEY}, or {ENV_KEYSET_FILE} for a keyset with rotation)"
    )
