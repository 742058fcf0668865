"""What the quarantine table keeps of a rejected record: a keyed digest (to match it against the
source later) and a fully masked rendering of its shape. Never the payload."""

from __future__ import annotations

import hmac

from udfs.crypto.keys import KeyRing
from udfs.operators.character_mask import MaskParams

RENDERED_CHARS = 160
_SHAPE = MaskParams(other="keep").translation()


def payload_digest(keys: KeyRing, payload: bytes | None) -> str:
    """HMAC-SHA256 of the raw bytes under the active key: `maskstream quarantine locate`
    recomputes it over a source file to find the line, and nobody without the key can test
    guesses against it."""
    return hmac.digest(keys.active_key, b"quarantine\x00" + bytes(payload or b""), "sha256").hex()


def render_shape(payload: bytes | None) -> str:
    """Letters of any script become X/x, digits of any script n (the classes of the character
    masks), any other non-ASCII character *; punctuation and spaces stay, so a reader sees where
    the JSON broke, but no value. At most RENDERED_CHARS characters."""
    if payload is None:
        return ""
    text = bytes(payload).decode("utf-8", errors="replace")
    head = _SHAPE.mask(text[:RENDERED_CHARS])
    head = "".join(c if c.isascii() and (c.isprintable() or c == " ") else "*" for c in head)
    more = len(text) - RENDERED_CHARS
    return head + (f"... (+{more} chars)" if more > 0 else "")
