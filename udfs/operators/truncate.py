"""truncate: keep the first `length` characters of a text, with what the free-text detectors
find in the whole text replaced first.

A prefix is the user's to write: "123-45-6789 rest" or "jane@example.com ..." would keep an SSN or
an address. So the whole value is scrubbed first, as `scrub` does with its default entities
(<US_SSN>, <EMAIL>, ...; a text over its work budget becomes OVER_BUDGET), and then cut: an
entity that straddles the cut leaves part of its placeholder, never part of itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field

from udfs.columns import MEMO_LIMIT
from udfs.detection.budget import OVER_BUDGET
from udfs.detection.detectors import Detection, detect_column
from udfs.operators import (
    ColumnContext,
    Params,
    compare_by,
    register,
    shows_prefix,
    text_only,
)


class TruncateParams(Params):
    length: int = Field(
        ge=0,
        description="how many leading characters (code points) to keep, of the text with "
        "the entities scrub finds replaced (<US_SSN>, <EMAIL>, ...)",
    )


@register(
    "truncate",
    summary="Keep the first `length` characters, after replacing the entities scrub finds.",
    strength=1,
    leaves_clear=shows_prefix("length"),
    params=TruncateParams,
    check_type=text_only,
    compare=compare_by("length", stronger_when="smaller"),
)
def truncate(column: pd.Series, params: TruncateParams, ctx: ColumnContext) -> pd.Series:
    # The memo (ColumnContext.memo) holds each text's result across batches: the detectors run
    # once per distinct text, over all the new ones of a batch at once.
    memo = ctx.memo if ctx.memo is not None else {}
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    new = [v for v in uniques.tolist() if v not in memo]
    if new:
        memo.update(zip(new, scrubbed_prefixes(new, params.length), strict=True))
    mapped = np.fromiter((memo[v] for v in uniques.tolist()), dtype=object, count=len(uniques))
    out = np.full(len(column), None, dtype=object)
    present = codes >= 0
    out[present] = mapped[codes[present]]
    return pd.Series(out, index=column.index, dtype=object)


def scrubbed_prefixes(texts: list[str], length: int) -> list[str]:
    """The first `length` characters of each text, its entities replaced first."""
    if length == 0:
        return [""] * len(texts)
    over: set[int] = set()
    found = detect_column(texts, over_budget=over)
    return [
        (OVER_BUDGET if i in over else _placeholders(text, hits))[:length]
        for i, (text, hits) in enumerate(zip(texts, found, strict=True))
    ]


def _placeholders(text: str, found: list[Detection]) -> str:
    """The text with each detection replaced by <ENTITY>, as scrub writes it."""
    if not found:
        return text
    parts: list[str] = []
    last = 0
    for entity, start, end in found:
        parts += (text[last:start], f"<{entity}>")
        last = end
    parts.append(text[last:])
    return "".join(parts)
