"""Email addresses: protect the local part, keep the (lower-cased) domain for analytics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import pandas as pd
from pydantic import Field

from udfs.columns import map_values
from udfs.operators import STRENGTH_PARTIAL, ColumnContext, Params, register, text_only
from udfs.operators.character_mask import MaskParams
from udfs.operators.hashing import tokenizer

TOKEN_DOMAIN = "email"


class EmailParams(Params):
    mode: Literal["tokenize", "mask", "redact"] = Field(
        default="tokenize",
        description="tokenize: keyed token of the whole lower-cased address, then @domain; "
        "mask: letters to X/x, digits to n, every other character but . _ - + to *; "
        "redact: `replacement` as the local part",
    )
    replacement: str = "***"


def _protector(params: EmailParams, ctx: ColumnContext) -> Callable[[str, str], str]:
    """A function (whole address, local part) -> protected local part."""
    if params.mode == "tokenize":
        keys = ctx.keys
        assert keys is not None  # the policy compiler refuses keyed operators without keys
        one = tokenizer(keys, domain=TOKEN_DOMAIN, lowercase=True)
        return lambda address, _local: one(address)
    if params.mode == "mask":
        # Hive's mask() keeps characters without case (CJK, Hebrew, emoji): here they are
        # masked too; only the separators that give an address its shape are kept.
        table = MaskParams(other="*").translation()
        table.update({ord(c): ord(c) for c in "._-+"})
        return lambda _address, local: local.translate(table)
    replacement = params.replacement
    return lambda _address, _local: replacement


@register(
    "email",
    summary="Tokenize, mask or redact the local part of an address and keep the domain.",
    strength=STRENGTH_PARTIAL,
    # The output keeps an address's shape (token@domain) by design.
    expected_entities=frozenset({"EMAIL"}),
    params=EmailParams,
    check_type=text_only,
    keyed=lambda params: params.mode == "tokenize",
)
def email(column: pd.Series, params: EmailParams, ctx: ColumnContext) -> pd.Series:
    protect = _protector(params, ctx)

    def one(value: str) -> str:
        local, at, domain = value.rpartition("@")
        if not at or not local or not domain:
            # Not an address: protect the whole value the same way, so nothing leaks.
            return protect(value, value)
        return protect(value, local) + "@" + domain.lower()

    return map_values(column, one, ctx.memo)
