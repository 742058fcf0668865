"""The residual check: after masking, no raw value of a record's protected fields may be left in
any text column of its masked row, in any form a person writes it.

A protected field is every field whose rule is not `keep`. Its raw value's forms (see
udfs.detection.record_values) are looked for in every text column whose operator can carry
characters of its input: kept columns, partial masks, truncation, email domains, free text.
Strong forms are looked for everywhere, weak ones (a name part, a house number and street) only
in free text (`scrub` columns), where they identify a person. A column that holds one is never
written: it is replaced whole with RESIDUAL, and the row's `residual_fields` names the field
whose value was found and the column it was found in (`field@column`), never the value.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from udfs.detection.normalize import digit_runs, fold
from udfs.detection.record_values import RecordForms, contains_forms
from udfs.detection.value_forms import Forms
from udfs.policy.model import FieldRule, Policy

RESIDUAL = "[REDACTED:residual]"
# Operators whose text output is a constant or a digest of the input: nothing of the input's
# characters can be in it.
_OPAQUE = frozenset({"redact", "nullify", "hash", "tokenize"})
_SEPARATOR = "\x00"  # between columns: ends every word and digit run


@dataclass(frozen=True)
class ResidualCheck:
    """The residual check of one policy."""

    protected: tuple[FieldRule, ...]
    strict: tuple[str, ...]  # text columns checked for strong forms
    free_text: tuple[str, ...]  # text columns checked for strong and weak forms

    @classmethod
    def of(cls, policy: Policy) -> ResidualCheck:
        checked = [
            f for f in policy.fields if f.output_type.is_text and f.operator.name not in _OPAQUE
        ]
        return cls(
            protected=policy.masked,
            strict=tuple(f.name for f in checked if f.operator.name != "scrub"),
            free_text=tuple(f.name for f in checked if f.operator.name == "scrub"),
        )

    def apply(
        self,
        raw: dict[str, pd.Series],
        output: dict[str, pd.Series],
        forms: RecordForms,
    ) -> list[str | None]:
        """Replace, in `output` (column -> values, changed in place), every text column that
        holds a form of a protected raw value of its row; returns each row's `field@column` list
        (None: nothing found)."""
        size = len(next(iter(raw.values()))) if raw else 0
        if not self.protected or not (self.strict or self.free_text):
            return [None] * size
        raw_values = {f.name: raw[f.name].tolist() for f in self.protected}
        columns = {name: output[name].tolist() for name in (*self.strict, *self.free_text)}
        changed: set[str] = set()
        found: list[str | None] = [None] * size
        for i in range(size):
            row_forms = [
                (f.name, fs)
                for f in self.protected
                if (fs := forms.of(f.name, raw_values[f.name][i]))
            ]
            if not row_forms:
                continue
            hits = self._row(i, row_forms, columns)
            if hits:
                for _, column in hits:
                    columns[column][i] = RESIDUAL
                    changed.add(column)
                found[i] = ",".join(f"{field}@{column}" for field, column in hits)
        for name in changed:
            output[name] = pd.Series(columns[name], index=output[name].index, dtype=object)
        return found

    def _row(
        self, i: int, row_forms: list[tuple[str, Forms]], columns: dict[str, list[object]]
    ) -> list[tuple[str, str]]:
        hits: list[tuple[str, str]] = []
        for names, weak in ((self.strict, False), (self.free_text, True)):
            texts = [(n, columns[n][i]) for n in names if type(columns[n][i]) is str]
            if not texts:
                continue
            # One folded text per row and kind of check: a miss (the usual case) costs one scan
            # per form, whatever the number of columns.
            joined = fold(_SEPARATOR.join(t for _, t in texts))
            runs = digit_runs(joined) if any(c.isdigit() for c in joined) else []
            for field, forms in row_forms:
                if contains_forms(joined, runs, forms, weak=weak):
                    hits.extend((field, n) for n, t in texts if _holds(t, forms, weak))
        return sorted(set(hits))


def _holds(text: str, forms: Forms, weak: bool) -> bool:
    folded = fold(text)
    runs = digit_runs(folded) if any(c.isdigit() for c in folded) else []
    return contains_forms(folded, runs, forms, weak=weak)
