"""The residual check: after masking, no raw value of a record's protected fields may be left in
any text column of its masked row, in any form a person writes it.

A protected field is every field whose rule is not `keep` (a free-text field's own text is not
looked for in its own column: scrub keeps it, all but what it detects). Its raw value's forms (see
udfs.detection.record_values) are looked for in every text column whose operator can carry
characters of its input: kept columns, partial masks, truncation, email domains, free text.
Strong forms are looked for everywhere, weak ones (a name part, a house number and street) only
in free text (`scrub` columns), where they identify a person. A column that holds one is never
written: it is replaced whole with RESIDUAL, and the row's `residual_fields` names the field
whose value was found and the column it was found in (`field@column`), never the value; a
free-text column scrub replaced whole, over its work budget, is listed as `(budget)@column`.

Every text column that is no free text is also read by the entity detectors (what the audit's
leak scan reads, udfs.detection.audit_scan): an entity its operator does not keep by design (an
SSN planted in a kept `city`, a card number as the country) is nobody's protected value, so the
record-value check cannot see it; the column is replaced the same way, as `(US_SSN)@city`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from udfs.detection.audit_scan import unexpected_entities
from udfs.detection.batch_match import candidates, haystacks
from udfs.detection.budget import OVER_BUDGET
from udfs.detection.normalize import digit_views, fold
from udfs.detection.record_values import RecordForms, TextView, contains_forms
from udfs.detection.value_forms import Forms
from udfs.policy.model import CLEAR_LIMIT, FieldRule, Policy

RESIDUAL = "[REDACTED:residual]"
# In `residual_fields`, for a free-text column scrub replaced whole because it needed more work
# than its budget (udfs.detection.budget): `(budget)@notes`. No field can have this name.
BUDGET_FIELD = "(budget)"
_MAY_HOLD = re.compile(r"[\d@]")
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
    # Columns that are no free text, checked for any entity besides what their operator keeps by
    # design: a value planted in a kept column (an SSN as the city) is nobody's protected field.
    entity_checked: tuple[FieldRule, ...] = ()

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
            entity_checked=tuple(
                f for f in checked if not f.operator.free_text and _may_pass_an_entity(f)
            ),
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
        hits: dict[int, set[tuple[str, str]]] = {}
        for rule in self.entity_checked:
            values = output[rule.name].tolist()
            # Every entity holds a digit or an "@": other texts cannot be one (most of a column).
            rows = [i for i, v in enumerate(values) if type(v) is str and _MAY_HOLD.search(v)]
            found_in = unexpected_entities(rule, [values[i] for i in rows])  # type: ignore[misc]
            for i, entities in zip(rows, found_in, strict=True):
                hits.setdefault(i, set()).update((f"({e})", rule.name) for e in entities)
        if not self.protected or not (self.strict or self.free_text):
            return self._replace(hits, {n: output[n].tolist() for n in self.strict}, output, size)
        per_field = [forms.column(f.name, raw[f.name]) for f in self.protected]
        names_of = [f.name for f in self.protected]
        columns = {name: output[name].tolist() for name in (*self.strict, *self.free_text)}
        forms.needles.start_batch()
        for name in self.free_text:  # texts scrub replaced whole, over their work budget
            for i, value in enumerate(columns[name]):
                if value == OVER_BUDGET and raw[name].iat[i] != OVER_BUDGET:
                    hits.setdefault(i, set()).add((BUDGET_FIELD, name))
        for names, weak in ((self.strict, False), (self.free_text, True)):
            if not names:
                continue
            # One folded text per row and kind of check (its columns joined), the digit views of
            # all of them in one RE2 call, and one Aho-Corasick pass over the batch for the
            # rows that may hold a value of their own (see udfs.detection.batch_match).
            views = _views(names, columns, size)
            for i, fields in candidates(forms.needles, haystacks(views), per_field).items():
                view = views[i]
                if view is None:
                    continue
                for j in fields:
                    field = names_of[j]
                    if weak and field in self.scrubbed:
                        continue
                    if field in self.free_text and names == (field,):
                        continue  # scrub keeps its own text but what it detects, by design
                    row_field_forms = per_field[j].row(i)
                    if row_field_forms is None or not contains_forms(
                        view, row_field_forms, weak=weak
                    ):
                        continue
                    hits.setdefault(i, set()).update(
                        (field, n)
                        for n in names
                        if type(columns[n][i]) is str
                        and not (n == field and n in self.free_text)
                        and _holds(columns[n][i], row_field_forms, weak)  # type: ignore[arg-type]
                    )
        return self._replace(hits, columns, output, size)

    @staticmethod
    def _replace(
        hits: dict[int, set[tuple[str, str]]],
        columns: dict[str, list[object]],
        output: dict[str, pd.Series],
        size: int,
    ) -> list[str | None]:
        """Replace each hit's column of its row with RESIDUAL (in `output`); the rows' lists."""
        changed: set[str] = set()
        found: list[str | None] = [None] * size
        for i, all_hits in hits.items():
            # A column holding the row's own protected value says whose: the detectors' finding
            # of the same column, "(US_SSN)@label", would only repeat it.
            named = {column for field, column in all_hits if not field.startswith("(")}
            row_hits = {(f, c) for f, c in all_hits if not (f.startswith("(") and c in named)}
            if row_hits:
                for field, column in row_hits:
                    if field != BUDGET_FIELD:  # that one is replaced already
                        columns[column][i] = RESIDUAL
                        changed.add(column)
                found[i] = ",".join(f"{field}@{column}" for field, column in sorted(row_hits))
        for name in changed:
            output[name] = pd.Series(columns[name], index=output[name].index, dtype=object)
        return found


def _may_pass_an_entity(rule: FieldRule) -> bool:
    """Whether the rule can leave enough of a value in clear to hold an entity: the shortest
    (an address "a@b.co", an IP "1.1.1.1") has more characters than a sensitive field's rule may
    show (CLEAR_LIMIT), so partial masks are not read again."""
    clear = rule.operator.leaves_clear(rule.input_type, rule.params)
    return clear.chars is None or clear.chars > CLEAR_LIMIT


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
