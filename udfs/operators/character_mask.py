"""Character-class masking with the semantics of Hive's mask, mask_first_n, mask_last_n,
mask_show_first_n and mask_show_last_n (the functions Apache Ranger's masking policies use).

Upper-case letters become `upper` (default X), lower-case letters `lower` (x), digits `digit`
(n) and every other character `other` (kept by default). A replacement of "keep" (or -1, Hive's
UNMASKED_VAL) keeps the original character. Unlike Hive, positions count code points, not UTF-16
units, so a character outside the BMP is never split in two.

Classes follow Unicode general categories, wider than Hive's (Java's Lu, Ll, Nd, all else kept):
Hive keeps a card written in circled or superscript digits and a name in CJK or Hebrew, here
every letter and number is masked, whatever its script or form (see char_class):
- upper: Lu and Lt (title-case: ǅ); lower: Ll, and letters without case, Lo and Lm (CJK, kana,
  Hebrew, Arabic), which take the lower-case replacement rather than a class of their own, so a
  policy's `lower` decides for every caseless script alike;
- digit: Nd, No and Nl (٣, ３, ①, ², ½, Ⅻ);
- a symbol that spells letters or digits (Ⓐ, ⒜, 🄰, ㎏, ℡: its NFKC form), a regional indicator
  (🇦) and an invisible tag character (U+E0041) take the class of the letter or digit they stand
  for;
- combining marks (Mn, Mc, Me: accents, Indic vowel signs) take the replacement of the character
  they combine with, or are kept with it, so "é" written decomposed masks to two replacements;
- other: everything else (punctuation, spaces, symbols, emoji, format characters).
"""

from __future__ import annotations

import functools
import re
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
    class_mask_clear,
    compare_by,
    register,
    text_only,
)

KEEP = "keep"


UPPER, LOWER, DIGIT, OTHER, MARK = "upper", "lower", "digit", "other", "mark"
_CLASS_OF_CATEGORY = {
    "Lu": UPPER, "Lt": UPPER,
    "Ll": LOWER, "Lo": LOWER, "Lm": LOWER,
    "Nd": DIGIT, "No": DIGIT, "Nl": DIGIT,
    "Mn": MARK, "Mc": MARK, "Me": MARK,
}  # fmt: skip
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)  # 🇦..🇿, the letters A-Z (two make a flag)
_TAGS = range(0xE0020, 0xE007F)  # invisible twins of printable ASCII (U+E0031 is a "1")
_SPELLED = (UPPER, LOWER, DIGIT)


@functools.lru_cache(maxsize=65_536)
def char_class(code_point: int) -> str:
    """The class a code point masks as: UPPER, LOWER, DIGIT, MARK (a combining mark, which
    follows the character it combines with) or OTHER."""
    ch = chr(code_point)
    found = _CLASS_OF_CATEGORY.get(unicodedata.category(ch))
    if found is not None:
        return found
    if code_point in _REGIONAL_INDICATORS:
        return UPPER
    if code_point in _TAGS:
        return char_class(code_point - 0xE0000)
    # A symbol that is letters or digits in another form (Ⓐ, ⒜, 🄰, ㎏, ℡) masks as them.
    for c in unicodedata.normalize("NFKC", ch):
        spelled = _CLASS_OF_CATEGORY.get(unicodedata.category(c)) if c != ch else None
        if spelled in _SPELLED:
            return spelled
    return OTHER


# What the table gives a combining mark: a noncharacter, which mask() then resolves against the
# mark's base. A text holding this character itself only takes the exact path, to the same result.
_MARK = "\ufdd0"
_MARK_RUN = re.compile(_MARK + "+")


class _ClassTranslation(dict[int, int]):
    """A str.translate table that maps each code point by its class (char_class), filled
    lazily. Use mask(): translate alone leaves combining marks as _MARK. `kept`: characters
    kept whatever their class (the separators of an email address)."""

    def __init__(
        self,
        upper: str | None,
        lower: str | None,
        digit: str | None,
        other: str | None,
        kept: str = "",
    ):
        super().__init__()
        self._by_class = {UPPER: upper, LOWER: lower, DIGIT: digit, OTHER: other}
        self._kept = frozenset(kept)

    def _replacement(self, ch: str) -> str | None:
        """What a character that is no combining mark becomes; None: it is kept."""
        return None if ch in self._kept else self._by_class[char_class(ord(ch))]

    def __missing__(self, code_point: int) -> int:
        ch = chr(code_point)
        if char_class(code_point) == MARK and ch not in self._kept:
            mapped = ord(_MARK)
        else:
            replacement = self._replacement(ch)
            mapped = code_point if replacement is None else ord(replacement)
        self[code_point] = mapped
        return mapped

    def mask(self, text: str, start: int = 0, stop: int | None = None) -> str:
        """text[start:stop] masked by class; a combining mark takes the replacement of the
        character it combines with (even one before `start`), or is kept when that one is."""
        part = text[start:stop]
        out = part.translate(self)
        if _MARK not in out:  # the usual text: one translate, no loop
            return out
        if _MARK in part:  # the noncharacter itself: character by character
            base = self._base_replacement(text, start)
            chars = []
            for ch in part:
                if char_class(ord(ch)) != MARK:
                    base = self._replacement(ch)
                chars.append(ch if base is None else base)
            return "".join(chars)
        # Each run of marks becomes what the character before it became, or stays if it stayed.
        pieces = []
        done = 0
        for run in _MARK_RUN.finditer(out):
            i, j = run.span()
            base = self._replacement(part[i - 1]) if i else self._base_replacement(text, start)
            pieces += (out[done:i], part[i:j] if base is None else base * (j - i))
            done = j
        pieces.append(out[done:])
        return "".join(pieces)

    def _base_replacement(self, text: str, start: int) -> str | None:
        """The replacement of the last character before `start` that is no combining mark (a
        mark that starts the text has none: it is `other`)."""
        i = start - 1
        while i >= 0 and char_class(ord(text[i])) == MARK:
            i -= 1
        return self._replacement(text[i]) if i >= 0 else self._by_class[OTHER]


Replacement = str | Literal[-1]


def _replacement(value: Replacement) -> Replacement:
    if value in (-1, KEEP):
        return KEEP
    if not isinstance(value, str) or len(value) != 1:
        raise ValueError('use exactly one character, or "keep" to leave this class unmasked')
    return value


class MaskParams(Params):
    upper: Replacement = Field(
        default="X", description="replacement for upper-case and title-case letters"
    )
    lower: Replacement = Field(
        default="x",
        description="replacement for lower-case letters and letters without case (CJK, kana, "
        "Hebrew, Arabic, ...)",
    )
    digit: Replacement = Field(
        default="n", description="replacement for digits and numbers of any script (٣, ３, ①, ²)"
    )
    other: Replacement = Field(
        default=KEEP, description="replacement for all other characters (punctuation, symbols)"
    )

    @field_validator("upper", "lower", "digit", "other", mode="before")
    @classmethod
    def _one_character_or_keep(cls, value: Replacement) -> Replacement:
        return _replacement(value)

    def translation(self, kept: str = "") -> _ClassTranslation:
        """The table of these replacements; `kept`: characters kept whatever their class."""
        chars = [None if c == KEEP else c for c in (self.upper, self.lower, self.digit, self.other)]
        return _ClassTranslation(*chars, kept=kept)


class MaskNParams(MaskParams):
    n: int = Field(default=4, ge=0, description="how many characters the rule counts")


# --- the vectorized path ----------------------------------------------------------------------
# Values of printable ASCII (ids, cards, phones, SSNs) are masked a column at a time: one
# bytes.translate over Arrow's string buffer (the parser's own, when it hands the column over
# in Arrow), with a byte mask for the positions the mode covers. Any other value (and any
# non-ASCII replacement) takes _ClassTranslation.mask with the Unicode classes above.
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
    mask = table.mask

    def one(v: str) -> str:
        if mode == "all":
            return mask(v)
        if mode == "first":
            return mask(v, 0, n) + v[n:]
        if mode == "show_first":
            return v[:n] + mask(v, n)
        cut = max(len(v) - n, 0)
        if mode == "last":
            return v[:cut] + mask(v, cut)
        return mask(v, 0, cut) + v[cut:]  # show_last

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
    leaves_clear=class_mask_clear("all"),
    params=MaskParams,
    check_type=text_only,
)
def mask(column: pd.Series, params: MaskParams, ctx: ColumnContext) -> pd.Series:
    return masked(column, params, "all", arrow=ctx.arrow)


@register(
    "mask_first",
    summary="Hive mask_first_n(): mask the first n characters, keep the rest.",
    strength=2,
    leaves_clear=class_mask_clear("first"),
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
    leaves_clear=class_mask_clear("last"),
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
    leaves_clear=class_mask_clear("show_first"),
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
    leaves_clear=class_mask_clear("show_last"),
    compare=SHOW_FEWER,
    params=MaskNParams,
    check_type=text_only,
)
def mask_show_last(column: pd.Series, params: MaskNParams, ctx: ColumnContext) -> pd.Series:
    return masked(column, params, "show_last", params.n, ctx.arrow)
