"""Which rows of a batch may hold which of their own fields' forms, in one Aho-Corasick pass.

Looking for each row's own values in its own text one row at a time costs a Python call per row
and field (~5 µs each, two dozen fields). Instead every *needle* of the batch's values (see
Forms.needles: a superset filter) goes into one automaton (pyahocorasick), which reads the texts
of the whole batch in one C call. A match counts for a row only when the needle is one of that row's
own; those (row, field) pairs are the candidates an exact check (contains_forms) confirms. No
form is missed: the automaton reports every occurrence of every needle, overlapping or not.

The automaton keeps the needles of the values it has seen (a stream's customers come back batch
after batch) and is extended only when a batch brings new ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Protocol

import ahocorasick
import numpy as np

from udfs.detection.value_forms import WORD_EDGE, Forms

# Needles the automaton keeps before it starts afresh (~100 bytes each).
NEEDLE_LIMIT = 500_000
_ROW_SEPARATOR = "\x00"
_NONE = np.zeros(0, dtype=np.int64)
# The bounded view of a folded text: every character but an ASCII letter or digit a space, and a
# space at each end, so that a short word's needle (" tom ") matches only where the word may
# stand whole, not inside "customer" (see Forms.needles).
_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")


class View(Protocol):
    folded: str

    @property
    def digits(self) -> str: ...

    @property
    def compact(self) -> str: ...


def haystacks(views: Sequence[View | None]) -> list[list[str]]:
    """The views of the texts that candidates() searches: folded, digit view, compact, and
    bounded (a null view is an empty text)."""
    folded = [v.folded if v else "" for v in views]
    return [
        folded,
        [v.digits if v else "" for v in views],
        [v.compact if v else "" for v in views],
        [f"{WORD_EDGE}{_NOT_ASCII_ALNUM.sub(WORD_EDGE, f)}{WORD_EDGE}" for f in folded],
    ]


@dataclass(frozen=True)
class ColumnForms:
    """A column's forms as codes into its distinct values: codes[i] is row i's value in
    per_value (its last entry is None, the code of a null)."""

    codes: np.ndarray
    per_value: list[Forms | None]
    # (index generation, needle ids of all values end to end, where each value's start, how
    # many), in a list so that rows() shares it.
    _ids: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=list, repr=False, compare=False
    )

    def row(self, i: int) -> Forms | None:
        return self.per_value[self.codes[i]]

    def rows(self, rows: list[int]) -> ColumnForms:
        """The same column for some of its rows only (its needle ids stay shared)."""
        return ColumnForms(self.codes[rows], self.per_value, self._ids)

    def owned(self, index: NeedleIndex) -> tuple[np.ndarray, np.ndarray]:
        """(row, needle id) of every needle of every row's value."""
        cached = self._ids[0] if self._ids else None
        if cached is None or cached[0] != index.generation:
            per_value = [index.ids_of(f) if f else _NONE for f in self.per_value]
            lengths = np.fromiter(map(len, per_value), dtype=np.int64, count=len(per_value))
            flat = np.concatenate(per_value)
            cached = (index.generation, flat, np.cumsum(lengths) - lengths, lengths)
            self._ids[:] = [cached]
        _, flat, value_starts, lengths = cached
        row_lengths = lengths[self.codes]
        total = int(row_lengths.sum())
        if not total:
            return _NONE, _NONE
        rows = np.repeat(np.arange(len(self.codes), dtype=np.int64), row_lengths)
        within = np.arange(total) - np.repeat(np.cumsum(row_lengths) - row_lengths, row_lengths)
        return rows, flat[np.repeat(value_starts[self.codes], row_lengths) + within]


class NeedleIndex:
    """The needles of every value seen, each with an id, in one automaton."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._pending = False
        self.generation = 0

    def __len__(self) -> int:
        return len(self._ids)

    def ids_of(self, forms: Forms) -> np.ndarray:
        """The ids of a value's needles (kept on its Forms until the index starts afresh)."""
        cached = forms._needle_ids
        if cached is not None and cached[0] == self.generation:
            return cached[1]
        ids = np.fromiter(map(self._id, forms.needles()), dtype=np.int64)
        forms._needle_ids = (self.generation, ids)
        return ids

    def _id(self, needle: str) -> int:
        found = self._ids.get(needle)
        if found is None:
            found = self._ids[needle] = len(self._ids)
            self._automaton.add_word(needle, found)
            self._pending = True
        return found

    def start_batch(self) -> None:
        """Start afresh when the index is full (before any ids of the batch are taken)."""
        if len(self._ids) > NEEDLE_LIMIT:
            self._ids.clear()
            self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
            self.generation += 1

    def matches(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Every occurrence of every needle in `texts`: (row, needle id) arrays."""
        if self._pending:
            self._automaton.make_automaton()
            self._pending = False
        if not self._ids:
            return _NONE, _NONE
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        pairs = chain.from_iterable(self._automaton.iter(_ROW_SEPARATOR.join(texts)))
        found = np.fromiter(pairs, dtype=np.int64).reshape(-1, 2)  # (end, id) of each match
        if not len(found):
            return _NONE, _NONE
        rows = np.searchsorted(starts, found[:, 0], side="right") - 1
        return rows, found[:, 1]


def candidates(
    index: NeedleIndex,
    haystacks: list[list[str]],
    fields: list[ColumnForms],
) -> dict[int, list[int]]:
    """Row -> the indexes into `fields` whose forms (strong or weak) may be in that row's
    text. `haystacks`: the views of the rows' texts to search (folded, digit view, compact),
    each a list with one string per row."""
    owned_rows: list[np.ndarray] = []
    owned_ids: list[np.ndarray] = []
    owned_fields: list[np.ndarray] = []
    for j, column in enumerate(fields):
        rows, ids = column.owned(index)
        if len(rows):
            owned_rows.append(rows)
            owned_ids.append(ids)
            owned_fields.append(np.full(len(rows), j, dtype=np.int64))
    if not owned_rows:
        return {}
    width = len(index) + 1
    found = [index.matches(texts) for texts in haystacks]
    match_keys = np.unique(np.concatenate([rows * width + ids for rows, ids in found]))
    rows = np.concatenate(owned_rows)
    hit = np.isin(rows * width + np.concatenate(owned_ids), match_keys)
    pairs = np.unique(rows[hit] * len(fields) + np.concatenate(owned_fields)[hit])
    out: dict[int, list[int]] = {}
    for row, j in zip(*np.divmod(pairs, len(fields)), strict=True):
        out.setdefault(int(row), []).append(int(j))
    return out
