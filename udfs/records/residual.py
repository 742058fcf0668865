"""The residual check: after masking, no raw value of a record's protected fields may be left in
any text column of its masked row, in any form a person writes it.

A protected field is every field whose rule is not `keep` (a free-text field's own text is not
looked for in its own column: scrub keeps it, all but what it detects). Its raw value's forms (see
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

from udfs.detection.normalize import digit_views, fold
from udfs.detection.record_values import (
    RecordForms,
    TextView,
    column_forms,
    contains_forms,
    may_contain,
)
from udfs.detection.value_forms import Forms, tokens_of
from udfs.policy.model import FieldRule, Policy

RESIDUAL = "[REDACTED:residual]"
_SEPARATOR = "\x00"  # between columns: ends every word and digit run


@dataclass(frozen=True)
class ResidualCheck:
    """The residual check of one policy."""

    protected: tuple[FieldRule, ...]
    strict: tuple[str, ...]  # text columns checked for strong forms
    free_text: tuple[str, ...]  # text columns checked for strong and weak forms
    # Fields every free-text column's scrub already replaced in every form (its record_fields,
    # with the same forms and matcher): checking them again there would find nothing new.
    scrubbed: frozenset[str] = frozenset()

    @classmethod
    def of(cls, policy: Policy) -> ResidualCheck:
        checked = [f for f in policy.fields if f.output_type.is_text and f.operator.copies_input]
        free_text = [f for f in checked if f.operator.free_text]
        scrubbed = frozenset.intersection(
            *(frozenset(getattr(f.params, "record_fields", ())) for f in free_text)
        ) if free_text else frozenset()  # fmt: skip
        return cls(
            protected=policy.masked,
            strict=tuple(f.name for f in checked if not f.operator.free_text),
            free_text=tuple(f.name for f in free_text),
            scrubbed=scrubbed,
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
        per_field = [
            (f.name, column_forms(forms, f.name, raw[f.name].tolist())) for f in self.protected
        ]
        columns = {name: output[name].tolist() for name in (*self.strict, *self.free_text)}
        # One folded text per row and kind of check (its columns joined), and the digit views
        # of all of them in one RE2 call: a miss (the usual case) then costs one scan per form.
        kinds = [(names, weak, _views(names, columns, size)) for names, weak in
                 ((self.strict, False), (self.free_text, True)) if names]  # fmt: skip
        token_sets = {
            weak: [tokens_of(v.folded) if v is not None else frozenset() for v in views]
            for _, weak, views in kinds
        }
        changed: set[str] = set()
        found: list[str | None] = [None] * size
        for i in range(size):
            row_forms = [(name, fs[i]) for name, fs in per_field if fs[i] is not None]
            if not row_forms:
                continue
            hits: set[tuple[str, str]] = set()
            for names, weak, views in kinds:
                view = views[i]
                if view is None:
                    continue
                tokens = token_sets[weak][i]
                for field, row_field_forms in row_forms:
                    if weak and field in self.scrubbed:
                        continue
                    if field in self.free_text and names == (field,):
                        continue  # scrub keeps its own text but what it detects, by design
                    if may_contain(view, row_field_forms, weak, tokens) and contains_forms(
                        view, row_field_forms, weak=weak
                    ):
                        hits.update(
                            (field, n)
                            for n in names
                            if type(columns[n][i]) is str
                            and not (n == field and n in self.free_text)
                            and _holds(columns[n][i], row_field_forms, weak)  # type: ignore[arg-type]
                        )
            if hits:
                for _, column in hits:
                    columns[column][i] = RESIDUAL
                    changed.add(column)
                found[i] = ",".join(f"{field}@{column}" for field, column in sorted(hits))
        for name in changed:
            output[name] = pd.Series(columns[name], index=output[name].index, dtype=object)
        return found


def _views(
    names: tuple[str, ...], columns: dict[str, list[object]], size: int
) -> list[TextView | None]:
    joined = [
        _SEPARATOR.join(v for n in names if type(v := columns[n][i]) is str) for i in range(size)
    ]
    folded = [fold(text) for text in joined]
    digits = digit_views(folded)
    return [TextView(f, d) if f else None for f, d in zip(folded, digits, strict=True)]


def _holds(text: str, forms: Forms, weak: bool) -> bool:
    return contains_forms(TextView(fold(text)), forms, weak=weak)
