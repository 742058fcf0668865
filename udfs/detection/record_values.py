"""A record's own values, found in text in the forms a person writes them.

A value of a protected field becomes a set of *forms*: folded text (Unicode NFKC, case folded,
zero-width characters dropped, every space a plain space) matched as whole words, and digit
strings matched inside runs of digits and separators (so `555-201-1234`, `(555) 201 1234` and
`５５５２０１１２３４` are one form). Names give their parts, addresses their number and street,
dates their numeric and written forms in the supported languages, numbers their digits with any
grouping.

Forms are *strong* (the whole value, an email, a phone's or card's digits, a full date) or
*weak* (a name part, an email's local part, a house number and street): `scrub` replaces both in
free text; the mask job's residual check (udfs/records/residual.py) looks for strong forms in
every text column and for weak ones in free text too.
"""

from __future__ import annotations

import contextlib
from typing import Any

from udfs.detection.batch_match import ColumnForms, NeedleIndex
from udfs.detection.normalize import digit_runs, digit_view, fold, fold_with_map
from udfs.detection.value_forms import LONG_DIGITS, Forms, forms_of, is_cjk


def _word_at(folded: str, start: int, end: int) -> bool:
    """Whether folded[start:end] is whole words: no letter or digit runs on at either end
    (except where the text is CJK, which writes words without spaces)."""
    before = folded[start - 1] if start > 0 else " "
    after = folded[end] if end < len(folded) else " "
    joined_before = before.isalnum() and folded[start].isalnum()
    joined_after = after.isalnum() and folded[end - 1].isalnum()
    if joined_before and (is_cjk(before) or is_cjk(folded[start])):
        joined_before = False
    if joined_after and (is_cjk(after) or is_cjk(folded[end - 1])):
        joined_after = False
    return not (joined_before or joined_after)


_SEPARATORS = " .-/_,:"
_DROP_SEPARATORS = str.maketrans("", "", _SEPARATORS)


class TextView:
    """A folded text as the matchers read it; its digit view (normalize.digit_view) and its
    separator-free form are computed on first use, or given, and then shared by every field's
    forms."""

    __slots__ = ("_compact", "_digits", "folded")

    def __init__(self, folded: str, digits: str | None = None):
        self.folded = folded
        self._digits = digits
        self._compact: str | None = None

    @property
    def digits(self) -> str:
        if self._digits is None:
            self._digits = digit_view(self.folded)
        return self._digits

    @property
    def compact(self) -> str:
        if self._compact is None:
            self._compact = self.folded.translate(_DROP_SEPARATORS)
        return self._compact


def contains_forms(view: TextView, forms: Forms, *, weak: bool) -> bool:
    """Whether the text holds any form (the residual check's question; no spans needed)."""
    folded = view.folded
    if forms.words_may_be_in(folded):
        for word in forms._words[weak]:
            start = folded.find(word)
            while start >= 0:
                if _word_at(folded, start, start + len(word)):
                    return True
                start = folded.find(word, start + 1)
    return _digits_or_compact(view, forms, weak)


def _digits_or_compact(view: TextView, forms: Forms, weak: bool) -> bool:
    """Whether a digit form is in the text's digit view, or a compact id in its compact form."""
    checks = forms._digit_checks[weak]
    if checks:
        digits = view.digits
        if any(check in digits for check in checks):
            return True
    if forms.compact:
        compact = view.compact
        return any(needle in compact for needle in forms.compact)
    return False


def compact_with_map(folded: str) -> tuple[str, list[int]]:
    """The folded text without separators, and the position of each of its characters."""
    positions = [i for i, c in enumerate(folded) if c not in _SEPARATORS]
    return "".join(folded[i] for i in positions), positions


def find_forms(
    folded: str, forms: Forms, *, weak: bool, runs: list[tuple[str, list[int]]] | None = None
) -> list[tuple[int, int]]:
    """[start, end) spans of `folded` (a fold() or fold_with_map() text) holding any form."""
    spans: list[tuple[int, int]] = []
    for word in forms.words_for(weak) if forms.words_may_be_in(folded) else ():
        start = folded.find(word)
        while start >= 0:
            end = start + len(word)
            if _word_at(folded, start, end):
                spans.append((start, end))
            start = folded.find(word, start + 1)
    digits = forms.digits_for(weak)
    if digits:
        for run, positions in runs if runs is not None else digit_runs(folded):
            for needle in digits:
                if len(needle) < LONG_DIGITS:
                    if run == needle:
                        spans.append((positions[0], positions[-1] + 1))
                    continue
                at = run.find(needle)
                while at >= 0:
                    spans.append((positions[at], positions[at + len(needle) - 1] + 1))
                    at = run.find(needle, at + 1)
    if forms.compact:
        compact, positions = compact_with_map(folded)
        for needle in forms.compact:
            at = compact.find(needle)
            while at >= 0:
                spans.append((positions[at], positions[at + len(needle) - 1] + 1))
                at = compact.find(needle, at + 1)
    return spans


# Distinct values a RecordForms keeps the forms of, per field, before it starts afresh.
FORMS_MEMO_LIMIT = 65_536


class RecordForms:
    """The forms of each field's values, computed once per distinct value: a stream's customers
    come back batch after batch. `kinds` says how each field's values are written
    (see kind_of). `needles` finds a batch's rows that may hold their own values."""

    def __init__(self, kinds: dict[str, str]):
        self.kinds = kinds
        self.needles = NeedleIndex()
        self._memo: dict[str, dict[Any, Forms | None]] = {name: {} for name in kinds}
        self._columns: dict[str, tuple[Any, ColumnForms]] = {}

    def column(self, name: str, values: Any) -> ColumnForms:
        """The forms of a column's values (a pandas Series), by distinct value; the last
        column asked for is kept, as scrub and the residual check both read a batch's."""
        import pandas as pd

        kept = self._columns.get(name)
        if kept is not None and kept[0] is values:
            return kept[1]
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        per_value = [self.of(name, v) for v in uniques.tolist()]
        per_value.append(None)  # code -1: a null
        column = ColumnForms(codes, per_value)
        self._columns[name] = (values, column)
        return column

    def of(self, name: str, value: Any) -> Forms | None:
        """The forms of one value; None when there is nothing to look for."""
        memo = self._memo[name]
        key = (type(value), value)
        try:
            return memo[key]
        except (KeyError, TypeError):
            pass
        if len(memo) > FORMS_MEMO_LIMIT:
            memo.clear()
        forms = forms_of(value, self.kinds[name]) or None
        with contextlib.suppress(TypeError):  # an unhashable value is not kept
            memo[key] = forms
        return forms


def replace_forms(
    text: str,
    row_forms: list[tuple[str, Forms]],
    placeholder: str,
    view: TextView | None = None,
) -> str | None:
    """`text` with every form of `row_forms` (field name, forms) replaced by
    placeholder.format(FIELD=<the field's name, upper case>); None when nothing was found.
    Overlapping matches keep the longest. `view`: the text's TextView, when the caller has it."""
    view = view or TextView(fold(text))
    row_forms = [(n, f) for n, f in row_forms if contains_forms(view, f, weak=True)]
    if not row_forms:
        return None
    folded = view.folded
    ascii_text = text.isascii()
    if ascii_text:
        starts = ends = None
    else:
        folded, starts, ends = fold_with_map(text)
    runs = digit_runs(folded) if any(c.isdigit() for c in folded) else []
    found: list[tuple[int, int, str]] = []
    for name, forms in row_forms:
        found.extend((s, e, name) for s, e in find_forms(folded, forms, weak=True, runs=runs))
    if not found:
        return None
    # Overlapping matches become one replacement (named for the longest), so no part of either
    # stays in clear.
    found.sort()
    merged: list[list[Any]] = []
    for s, e, name in found:
        if merged and s < merged[-1][1]:
            last_span = merged[-1]
            if e - s > last_span[3]:
                last_span[2], last_span[3] = name, e - s
            last_span[1] = max(last_span[1], e)
        else:
            merged.append([s, e, name, e - s])
    parts: list[str] = []
    last = 0
    for s, e, name, _ in merged:
        start, end = (s, e) if ascii_text else (starts[s], ends[e - 1])  # type: ignore[index]
        parts.append(text[last:start])
        parts.append(placeholder.format(FIELD=name.upper()))
        last = end
    parts.append(text[last:])
    return "".join(parts)
