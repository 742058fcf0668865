"""Free-text scrubbing: replace every detected entity with a typed placeholder (<CREDIT_CARD>)
or a keyed token of the entity, leaving the rest of the text readable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import pandas as pd
from pydantic import Field, field_validator

from udfs.detectors import ENTITY_TYPES, Detection, detect_column
from udfs.hashing import tokenizer
from udfs.registry import ColumnContext, Params, register, text_only


class ScrubParams(Params):
    replace_with: Literal["placeholder", "token"] = Field(
        default="placeholder",
        description="placeholder: <ENTITY_TYPE>; token: keyed token of the entity (joinable)",
    )
    entities: tuple[str, ...] = Field(default=ENTITY_TYPES, description="entity types to scrub")

    @field_validator("entities")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(ENTITY_TYPES))
        if unknown:
            raise ValueError(f"unknown entity type(s) {unknown}; known: {list(ENTITY_TYPES)}")
        return value


@register(
    "scrub",
    summary="Replace emails, phones, SSNs, cards, IBANs and IPs inside free text.",
    params=ScrubParams,
    check_type=text_only,
    keyed=lambda params: params.replace_with == "token",
    example=("call 555-010-1234 re card 4111 1111 1111 1111", "call <PHONE> re card <CREDIT_CARD>"),
)
def scrub(column: pd.Series, params: ScrubParams, ctx: ColumnContext) -> pd.Series:
    wanted = frozenset(params.entities)
    one_token = None
    if params.replace_with == "token":
        assert ctx.keys is not None
        one_token = tokenizer(ctx.keys, domain="scrub")

    nulls = column.isna().to_numpy()
    texts = [v for v, null in zip(column.to_numpy(dtype=object), nulls, strict=True) if not null]
    scrubbed = iter(
        _replace(text, found, one_token)
        for text, found in zip(texts, detect_column(texts, wanted), strict=True)
    )
    out = [None if null else next(scrubbed) for null in nulls]
    return pd.Series(out, index=column.index, dtype=object)


def _replace(text: str, found: list[Detection], one_token: Callable[[str], str] | None) -> str:
    if not found:
        return text
    parts: list[str] = []
    last = 0
    for entity, start, end in found:
        parts.append(text[last:start])
        parts.append(f"<{entity}>" if one_token is None else one_token(text[start:end]))
        last = end
    parts.append(text[last:])
    return "".join(parts)
