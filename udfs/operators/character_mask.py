"""Character-class masking with the semantics of Hive's mask, mask_first_n, mask_last_n,
mask_show_first_n and mask_show_last_n (the functions Apache Ranger's masking policies use).

Upper-case letters become `upper` (default X), lower-case letters `lower` (x), decimal digits
`digit` (n) and every other character `other` (kept by default). A replacement of "keep" (or -1,
Hive's UNMASKED_VAL) keeps the original character. Classes follow Unicode general categories
(Lu, Ll, Nd) like Java's Character.getType. Unlike Hive, positions count code points, not UTF-16
units, so a character outside the BMP is never split in two.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any, Literal

import pandas as pd
from pydantic import Field, field_validator

from udfs.columns import map_values, rows_with, string_bytes
from udfs.operators import (
    STRENGTH_PARTIAL,
    ColumnContext,
    Params,
    compare_by,
    register,
    text_only,
)

KEEP = "keep"


class _ClassTranslation(dict[int, int]):
    """A str.translate table that maps each code point by its Unicode class, filled lazily."""

    def __init__(self, upper: str | None, lower: str | None, digit: str | None, other: str | None):
        super().__init__()
        self._by_class = {"Lu": upper, "Ll": lower, "Nd": digit}
        self._other = other

    def __missing__(self, code_point: int) -> int:
        replacement = self._by_class.get(unicodedata.category(chr(code_point)), self._other)
        mapped = code_point if replacement is None else ord(replacement)
        self[code_point] = mapped
        return mapped


Replacement = str | Literal[-1]


def _replacement(value: Replacement) -> Replacement:
    if value in (-1, KEEP):
        return KEEP
    if not isinstance(value, str) or len(value) != 1:
        raise ValueError('use exactly one character, or "keep" to leave this class unmasked')
    return value


class MaskParams(Params):
    upper: Replacement = Field(default="X", description="replacement for upper-case letters")
    lower: Replacement = Field(default="x", description="replacement for lower-case letters")
    digit: Replacement = Field(default="n", description="replacement for decimal digits")
    other: Replacement = Field(default=KEEP, description="replacement for all other characters")

    @field_validator("upper", "lower", "digit", "other", mode="before")
    @classmethod
    def _one_character_or_keep(cls, value: Replacement) -> Replacement:
        return _replacement(value)

    def translation(self) -> _ClassTranslation:
        chars = [None if c == KEEP else c for c in (self.upper, self.lower, self.digit, self.other)]
        return _ClassTranslation(*chars)


class MaskNParams(MaskParams):
    n: int = Field(default=4, ge=0, description="how many characters the rule counts")


# --- the vectorized path ----------------------------------------------------------------------
# Values of printable ASCII (ids, cards, phones, SSNs) are masked a column at a time: one
# bytes.translate over Arrow's string buffer (the parser's own, when it hands the column over
# in Arrow), with a byte mask for the positions the mode covers. Any other value (and any
# non-ASCII replacement) takes str.translate with the Unicode classes above.
# tests/unit/test_character_mask_paths.py holds both paths equal.
Mode = Literal["all", "first", "last", "show_first", "show_last"]


def _byte_table(params: MaskParams) -> bytes | None:
    """256-entry byte map (for bytes.translate) over printable ASCII, or None if a replacement
    is not ASCII."""
    table = bytearray(range(256))
    classes = (
        (params.upper, range(ord("A"), ord("Z") + 1)),
        (params.lower, range(ord("a"), ord("z") + 1)),
        (params.digit, range(ord("0"), ord("9") + 1)),
    )
    alnum = {b for _, r in classes for b in r}
    other = [b for b in range(0x20, 0x7F) if b not in alnum]
    for replacement, codes in (*classes, (params.other, other)):
        if replacement == KEEP:
            continue
        if not (0x20 <= ord(replacement) < 0x7F):
            return None
        for code in codes:
            table[code] = ord(replacement)
    return bytes(table)


def _python_one(mode: Mode, n: int, table: _ClassTranslation) -> Callable[[str], str]:
    def one(v: str) -> str:
        if mode == "all":
            return v.translate(table)
        if mode == "first":
            return v[:n].translate(table) + v[n:]
        if mode == "show_first":
            return v[:n] + v[n:].translate(table)
        cut = max(len(v) - n, 0)
        if mode == "last":
            return v[:cut] + v[cut:].translate(table)
        return v[:cut].translate(table) + v[cut:]  # show_last

    return one


def _covered(lengths: Any, mode: Mode, n: int) -> Any:
    """Which bytes of the buffer (values of `lengths` bytes, back to back) a mode masks, or None
    for all of them. Each value splits in two at its edge (n bytes from its start or its end),
    so the flags are two runs per value: one np.repeat."""
    import numpy as np

    if mode == "all":
        return None
    edge = np.minimum(lengths, n)
    if mode in ("last", "show_last"):
        edge = lengths - edge
    counts = np.empty(2 * len(lengths), dtype=lengths.dtype)
    counts[0::2] = edge
    counts[1::2] = lengths - edge
    head_masked = mode in ("first", "show_last")
    return np.repeat(np.tile(np.array([head_masked, not head_masked]), len(lengths)), counts)


def masked(
    column: pd.Series, params: MaskParams, mode: Mode, n: int = 0, arrow: Any = None
) -> pd.Series:
    """Mask a column by character class: all of each value, or its first or last n characters
    (first, last), or all but them (show_first, show_last). `arrow`: the column as a pyarrow
    StringArray, if the caller has one (ColumnContext.arrow)."""
    import numpy as np
    import pyarrow as pa

    one = _python_one(mode, n, params.translation())
    table = _byte_table(params)
    if table is None or len(column) == 0:
        return map_values(column, one)
    values = (
        arrow
        if arrow is not None and arrow.offset == 0 and len(arrow) == len(column)
        else pa.array(column.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    )
    data, offsets = string_bytes(values)
    masked_bytes = np.frombuffer(bytearray(data).translate(table), dtype=np.uint8)
    covered = _covered(np.diff(offsets), mode, n)
    out = masked_bytes if covered is None else np.where(covered, masked_bytes, data)
    # Rows holding any byte outside printable ASCII are done one by one, below.
    other_rows = rows_with((data - np.uint8(0x20)) > np.uint8(0x5E), offsets)
    result = pa.StringArray.from_buffers(
        len(values), pa.py_buffer(offsets), pa.py_buffer(out), values.buffers()[0]
    )
    out_values = np.asarray(result.to_pandas(), dtype=object)
    if other_rows.any():  # (a null has no bytes, so it is never among them)
        out_values[other_rows] = map_values(column[other_rows], one).to_numpy(dtype=object)
    return pd.Series(out_values, index=column.index, dtype=object)


# Masking more characters is stronger; showing fewer is stronger.
MASK_MORE = compare_by("n", stronger_when="larger")
SHOW_FEWER = compare_by("n", stronger_when="smaller")


@register(
    "mask",
    summary="Hive mask(): mask every character by class (X, x, n; others kept).",
    strength=5,
    params=MaskParams,
    check_type=text_only,
)
def mask(column: pd.Series, params: MaskParams, ctx: ColumnContext) -> pd.Series:
    return masked(column, params, "all", arrow=ctx.arrow)


@register(
    "mask_first",
    summary="Hive mask_first_n(): mask the first n characters, keep the rest.",
    strength=2,
    compare=MASK_MORE,
    params=MaskNParams,
    check_type=text_only,
)
def mask_first(column: pd.Series, params: MaskNParams, ctx: ColumnContext) -> pd.Series:
    return masked(column, params, "first", params.n, ctx.arrow)


@register(
    "mask_last",
    summary="Hive mask_last_n(): mask the last n characters, keep the rest.",
    strength=2,
    compare=MASK_MORE,
    params=MaskNParams,
    check_type=text_only,
)
def mask_last(column: pd.Series, params: MaskNParams, ctx: ColumnContext) -> pd.Series:
    return masked(column, params, "last", params.n, ctx.arrow)


@register(
    "mask_show_first",
    summary="Hive mask_show_first_n(): keep the first n characters, mask the rest.",
    strength=STRENGTH_PARTIAL,
    compare=SHOW_FEWER,
    params=MaskNParams,
    check_type=text_only,
)
def mask_show_first(column: pd.Series, params: MaskNParams, ctx: ColumnContext) -> pd.Series:
    return masked(column, params, "show_first", params.n, ctx.arrow)


@register(
    "mask_show_last",
    summary="Hive mask_show_last_n(): keep the last n characters, mask the rest.",
    strength=STRENGTH_PARTIAL,
    compare=SHOW_FEWER,
    params=MaskNParams,
    check_type=text_only,
)
def mask_show_last(column: pd.Series, params: MaskNParams, ctx: ColumnContext) -> pd.Series:
    return masked(column, params, "show_last", params.n, ctx.arrow)
