"""The vectorized character masks (Arrow kernels over printable ASCII) equal the per-value
str.translate path on random text, for every mode, n and set of replacements."""

from __future__ import annotations

import random
import string

import pandas as pd
import pyarrow as pa
import pytest

from udfs.operators.character_mask import MaskParams, _python_one, masked

# Printable ASCII plus some that are not: every class (caseless letters, numbers that are not
# decimal digits, symbols that spell letters, combining marks after any class, tag characters).
ALPHABET = string.printable[:95] + "é߀😀ǅ٣\u202e\t東ー①²Ⅻ４Ⓐ㎏🇦\u0301\u0903\U000e0031\ufdd0"
REPLACEMENTS = [
    {},  # Hive's defaults: X, x, n, others kept
    {"upper": "x", "lower": "X", "digit": "a", "other": "9"},  # each into another class
    {"upper": "keep", "digit": "*", "other": "•"},
]


def _texts(seed: int) -> list[str | None]:
    rng = random.Random(seed)
    texts: list[str | None] = []
    for _ in range(400):
        pool = string.printable[:95] if rng.random() < 0.8 else ALPHABET
        texts.append("".join(rng.choice(pool) for _ in range(rng.randrange(0, 14))))
    texts[::37] = [None] * len(texts[::37])
    return texts


@pytest.mark.parametrize("mode", ["all", "first", "last", "show_first", "show_last"])
@pytest.mark.parametrize("n", [0, 1, 4, 20])
@pytest.mark.parametrize("replacements", REPLACEMENTS)
def test_vectorized_equals_per_value(mode: str, n: int, replacements: dict) -> None:
    params = MaskParams(**replacements)
    texts = _texts(seed=n)
    got = masked(pd.Series(texts, dtype=object), params, mode, n).tolist()  # type: ignore[arg-type]
    one = _python_one(mode, n, params.translation())  # type: ignore[arg-type]
    want = [None if t is None else one(t) for t in texts]
    assert sum(g != w for g, w in zip(got, want, strict=True)) == 0
    # The same column handed over in Arrow as well (as the parser does): the same result.
    arrow = pa.array(texts, type=pa.string())
    from_arrow = masked(pd.Series(texts, dtype=object), params, mode, n, arrow)  # type: ignore[arg-type]
    assert sum(g != w for g, w in zip(from_arrow.tolist(), want, strict=True)) == 0
