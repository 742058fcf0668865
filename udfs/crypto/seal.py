"""Tamper-evident seals: an order-independent hash of a window's row digests (a multiset hash),
and a hash chain over the sealed windows.

The multiset hash is MuHash over the 3072-bit prime field used by Bitcoin Core's MuHash3072:
each row digest is expanded with SHAKE-256 to a field element and the elements are multiplied.
The product does not depend on row order, changes when any row is added, removed or altered,
and cannot be steered by choosing rows (unlike a sum or an XOR of digests).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from udfs.sql_types import millis_text

MODULUS = 2**3072 - 1103717
EMPTY = 1  # the hash of no rows
_BYTES = 384


def element(row_digest: str) -> int:
    """The field element of one row digest."""
    expanded = hashlib.shake_256(row_digest.encode("ascii")).digest(_BYTES)
    return int.from_bytes(expanded, "big") % MODULUS or 1


def combine(acc: int, row_digest: str) -> int:
    return acc * element(row_digest) % MODULUS


def row_set_hash(row_digests: Iterable[str]) -> str:
    """The multiset hash of a window's row digests, as a SHA-256 hex of the field element."""
    acc = EMPTY
    for digest in row_digests:
        acc = combine(acc, digest)
    return finish(acc)


def finish(acc: int) -> str:
    return hashlib.sha256(acc.to_bytes(_BYTES, "big")).hexdigest()


SEALED_FIELDS = (
    "dataset",
    "policy_version",
    "window_start",
    "window_end",
    "rows_masked",
    "rows_quarantined",
    "masked_values",
    "detections",
    "leak_hits",
    "tokens_by_key",
    "row_set_hash",
    "prev_seal",
    "residual_values",
    # The snapshot of the masked Iceberg table the audit read (None when it read a topic): the
    # seal names the table state it covers, so the chain and the table history check each other.
    "masked_snapshot",
    # Quarantined records per error class ({"malformed_json": 2}, None when the audit could not
    # count them), and the quarantine table's snapshot the audit counted up to.
    "quarantined_by_class",
    "quarantine_snapshot",
)
# Sealed fields that audit rows written before them do not have: a missing one is left out of
# the seal, so those rows still verify.
LATER_FIELDS = frozenset(
    {"residual_values", "masked_snapshot", "quarantined_by_class", "quarantine_snapshot"}
)


def canonical_window(row: dict[str, Any]) -> dict[str, Any]:
    """Window fields as the seal hashes them; the verifier renders rows read back the same way
    (timestamps to milliseconds, counts as integers)."""
    out = dict(row)
    for name in ("window_start", "window_end"):
        out[name] = millis_text(out[name])
    for name in ("policy_version", "rows_masked", "rows_quarantined", "leak_hits"):
        # rows_quarantined is None where the audit could not count quarantine.
        out[name] = None if out.get(name) is None else int(out[name])
    return out


def seal_hash(window: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of a window's sealed fields, including the previous seal,
    so that seals form a chain."""
    values = [
        window.get(name)
        for name in SEALED_FIELDS
        if name not in LATER_FIELDS or window.get(name) is not None
    ]
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
