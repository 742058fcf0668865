"""Unkeyed hashes and keyed deterministic tokens (HMAC-SHA256 with the key id in the token).

An unkeyed hash of a low-entropy value (an SSN, a phone number, a birth date, an IPv4 address) is
reversible: anyone can hash all candidate values and look the digest up. A salt written in the
policy does not change that, since the policy is not secret. Use `tokenize` for anything a person
could guess; use `hash` only for high-entropy values or where a public, reproducible digest is
the point.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Literal

import pandas as pd
from pydantic import Field

from udfs.columns import as_text, map_values
from udfs.crypto.keys import KeyRing, hmac_sha256
from udfs.operators import NOTHING_CLEAR, ColumnContext, Params, leaves, register
from udfs.sql_types import STRING, SqlType

TOKEN_PREFIX = "tok"


def _text_or_integer(input_type: SqlType, _params: object) -> str | None:
    if input_type.kind in ("STRING", "INT", "BIGINT"):
        return None
    return "this operator takes STRING, INT or BIGINT fields; generalize other types instead"


class HashParams(Params):
    algorithm: Literal["sha256", "sha512"] = "sha256"
    salt: str = Field(default="", description="a public prefix; it does not make the hash secret")


@register(
    "hash",
    summary="Unkeyed hex digest (sha256 or sha512, optional salt), like Hive mask_hash().",
    strength=4,
    leaves_clear=leaves(NOTHING_CLEAR),
    copies_input=False,
    params=HashParams,
    check_type=_text_or_integer,
    output_type=lambda _t, _p: STRING,
)
def hash_values(column: pd.Series, params: HashParams, ctx: ColumnContext) -> pd.Series:
    new = getattr(hashlib, params.algorithm)
    salt = params.salt.encode("utf-8")
    return map_values(
        column, lambda v: new(salt + as_text(v).encode("utf-8")).hexdigest(), ctx.memo
    )


class TokenizeParams(Params):
    length: int = Field(default=16, ge=8, le=32, description="bytes of the HMAC kept (hex x2)")
    domain: str = Field(
        default="",
        description="separates token spaces: the same value gives different tokens in "
        "different domains; leave empty to join across fields and datasets",
    )
    lowercase: bool = Field(default=False, description="lower-case the value before tokenizing")


def tokenizer(
    keys: KeyRing, *, length: int = 16, domain: str = "", lowercase: bool = False
) -> Callable[[object], str]:
    """A function value -> tok_<key id>_<hex HMAC-SHA256 of the value under the active key>."""
    digest = hmac_sha256(keys.active_key)
    prefix = f"{TOKEN_PREFIX}_{keys.active_id}_"
    # Length-prefixed, so no (domain, value) pair can collide with another one.
    encoded_domain = domain.encode("utf-8")
    domain_bytes = f"{len(encoded_domain)}:".encode() + encoded_domain

    def one(value: object) -> str:
        text = value if type(value) is str else as_text(value)
        if lowercase:
            text = text.lower()
        return prefix + digest(domain_bytes + text.encode("utf-8"))[:length].hex()

    return one


@register(
    "tokenize",
    summary="Keyed deterministic token (HMAC-SHA256); joinable, key id embedded.",
    strength=5,
    leaves_clear=leaves(NOTHING_CLEAR),
    copies_input=False,
    params=TokenizeParams,
    check_type=_text_or_integer,
    output_type=lambda _t, _p: STRING,
    keyed=True,
)
def tokenize(column: pd.Series, params: TokenizeParams, ctx: ColumnContext) -> pd.Series:
    assert ctx.keys is not None  # the policy compiler refuses keyed operators without keys
    one = tokenizer(
        ctx.keys, length=params.length, domain=params.domain, lowercase=params.lowercase
    )
    return map_values(column, one, ctx.memo)
