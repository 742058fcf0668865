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
from typing import Literal

import pandas as pd
from pydantic import Field, field_validator

from udfs.columns import map_values
from udfs.registry import ColumnContext, Params, register, text_only

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


def mask_values(column: pd.Series, table: _ClassTranslation) -> pd.Series:
    return map_values(column, lambda v: v.translate(table))


@register(
    "mask",
    summary="Hive mask(): mask every character by class (X, x, n; others kept).",
    params=MaskParams,
    check_type=text_only,
)
def mask(column: pd.Series, params: MaskParams, _ctx: ColumnContext) -> pd.Series:
    return mask_values(column, params.translation())


@register(
    "mask_first",
    summary="Hive mask_first_n(): mask the first n characters, keep the rest.",
    params=MaskNParams,
    check_type=text_only,
)
def mask_first(column: pd.Series, params: MaskNParams, _ctx: ColumnContext) -> pd.Series:
    table, n = params.translation(), params.n
    return map_values(column, lambda v: v[:n].translate(table) + v[n:])


@register(
    "mask_last",
    summary="Hive mask_last_n(): mask the last n characters, keep the rest.",
    params=MaskNParams,
    check_type=text_only,
)
def mask_last(column: pd.Series, params: MaskNParams, _ctx: ColumnContext) -> pd.Series:
    table, n = params.translation(), params.n

    def one(v: str) -> str:
        cut = max(len(v) - n, 0)
        return v[:cut] + v[cut:].translate(table)

    return map_values(column, one)


@register(
    "mask_show_first",
    summary="Hive mask_show_first_n(): keep the first n characters, mask the rest.",
    params=MaskNParams,
    check_type=text_only,
)
def mask_show_first(column: pd.Series, params: MaskNParams, _ctx: ColumnContext) -> pd.Series:
    table, n = params.translation(), params.n
    return map_values(column, lambda v: v[:n] + v[n:].translate(table))


@register(
    "mask_show_last",
    summary="Hive mask_show_last_n(): keep the last n characters, mask the rest.",
    params=MaskNParams,
    check_type=text_only,
)
def mask_show_last(column: pd.Series, params: MaskNParams, _ctx: ColumnContext) -> pd.Series:
    table, n = params.translation(), params.n

    def one(v: str) -> str:
        cut = max(len(v) - n, 0)
        return v[:cut].translate(table) + v[cut:]

    return map_values(column, one)
