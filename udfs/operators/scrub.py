"""Free-text scrubbing: replace every detected entity with a typed placeholder (<CREDIT_CARD>)
or a typed keyed token (<CREDIT_CARD:tok_k1_...>), leaving the rest of the text readable.

Pattern detectors cannot find names or street addresses. `record_fields` closes most of that
gap for notes written about the record's own subject: the raw values of those fields of the same
record (a name, an address) are replaced wherever they occur in the text, as <FIELD_NAME>.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import pandas as pd
from pydantic import Field, field_validator

from udfs.detection.batch_match import candidates, haystacks
from udfs.detection.budget import OVER_BUDGET
from udfs.detection.detectors import DEFAULT_ENTITIES, ENTITY_TYPES, Detection, detect_column
from udfs.detection.international import DEFAULT_REGIONS
from udfs.detection.normalize import digit_views, fold
from udfs.detection.record_values import RecordForms, TextView, replace_forms
from udfs.operators import STRENGTH_PARTIAL, Clear, ColumnContext, Params, register, text_only
from udfs.operators.hashing import tokenizer


class ScrubParams(Params):
    replace_with: Literal["placeholder", "token"] = Field(
        default="placeholder",
        description="placeholder: <ENTITY_TYPE>; token: keyed token of the entity (joinable)",
    )
    entities: tuple[str, ...] = Field(
        default=DEFAULT_ENTITIES,
        description="entity types to scrub (DATE, every date, is an option)",
    )
    regions: tuple[str, ...] = Field(
        default=DEFAULT_REGIONS,
        description="regions (ISO 3166 alpha-2) whose national phone formats are recognized",
    )
    record_fields: tuple[str, ...] = Field(
        default=(),
        description="fields of the same record whose values are replaced in the text too",
    )

    @field_validator("entities")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(ENTITY_TYPES))
        if unknown:
            raise ValueError(f"unknown entity type(s) {unknown}; known: {list(ENTITY_TYPES)}")
        return value

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        import phonenumbers

        unknown = sorted(set(value) - phonenumbers.SUPPORTED_REGIONS)
        if unknown:
            raise ValueError(f"unknown region(s) {unknown}; use ISO 3166 codes such as DE, FR")
        return value


def _leaves_clear(_input_type: object, params: ScrubParams) -> Clear:
    # The text itself is kept by design; what it protects are the entities and record values.
    if not params.entities and not params.record_fields:
        return Clear(None, "the whole text (no entities and no record_fields to replace)")
    return Clear(0, "the text around the entities and record values it replaces")


def _compare(old: ScrubParams, new: ScrubParams) -> int:
    """Looking for fewer entity types, record fields or phone regions is weaker; for more,
    stronger; a mix of both, or other changes, unknown."""
    moves = set()
    for name in ("entities", "record_fields", "regions"):
        a, b = set(getattr(old, name)), set(getattr(new, name))
        if a != b:
            moves.add(1 if b > a else -1 if b < a else 0)
    return moves.pop() if len(moves) == 1 else 0


@register(
    "scrub",
    strength=STRENGTH_PARTIAL,
    leaves_clear=_leaves_clear,
    compare=_compare,
    free_text=True,
    summary="Replace emails, phones, SSNs, cards, IBANs, IPs, national ids and dates of birth "
    "inside free text, and the record's own values in any form.",
    params=ScrubParams,
    check_type=text_only,
    keyed=lambda params: params.replace_with == "token",
)
def scrub(column: pd.Series, params: ScrubParams, ctx: ColumnContext) -> pd.Series:
    wanted = frozenset(params.entities)
    one_token = None
    if params.replace_with == "token":
        assert ctx.keys is not None
        one_token = tokenizer(ctx.keys, domain="scrub")

    nulls = column.isna().to_numpy()
    texts = [v for v, null in zip(column.to_numpy(dtype=object), nulls, strict=True) if not null]
    # A text that needs more work than its budget (udfs.detection.budget) is replaced whole.
    over: set[int] = set()
    found = detect_column(texts, wanted, params.regions, over_budget=over)
    scrubbed = iter(
        OVER_BUDGET if i in over else _replace(text, hits, one_token)
        for i, (text, hits) in enumerate(zip(texts, found, strict=True))
    )
    out: list[object] = [None if null else next(scrubbed) for null in nulls]
    if params.record_fields:
        # After the detectors, so entities keep their types (<US_SSN>); what they cannot see,
        # such as names and addresses, goes next.
        out = _replace_record_values(out, params.record_fields, ctx)
    return pd.Series(out, index=column.index, dtype=object)


# Shorter values (initials, a two-letter state) would replace ordinary words.
MIN_RECORD_VALUE = 4


def _replace_record_values(
    texts: list[object], fields: tuple[str, ...], ctx: ColumnContext
) -> list[object]:
    """Each row's own values of `fields`, in every form a person writes them (see
    udfs.detection.record_values), replaced by <FIELD> in its text."""
    forms = ctx.record_forms or RecordForms(dict.fromkeys(fields, "text"))
    columns = [forms.column(name, ctx.batch[name]) for name in fields]
    out = list(texts)
    rows = [i for i, text in enumerate(out) if type(text) is str and text != OVER_BUDGET]
    folded = [fold(out[i]) for i in rows]  # type: ignore[arg-type]
    # The digit views of all texts in one RE2 call, then one Aho-Corasick pass over the batch
    # for the texts that may hold a value of their own row (udfs.detection.batch_match).
    views = [TextView(f, d) for f, d in zip(folded, digit_views(folded), strict=True)]
    own = [c.rows(rows) for c in columns]
    forms.needles.start_batch()
    for k, field_indexes in candidates(forms.needles, haystacks(views), own).items():
        i = rows[k]
        row_forms = [(fields[j], f) for j in field_indexes if (f := own[j].row(k)) is not None]
        replaced = replace_forms(out[i], row_forms, "<{FIELD}>", views[k])  # type: ignore[arg-type]
        if replaced is not None:
            out[i] = replaced
    return out


def _replace(text: str, found: list[Detection], one_token: Callable[[str], str] | None) -> str:
    if not found:
        return text
    parts: list[str] = []
    last = 0
    for entity, start, end in found:
        parts.append(text[last:start])
        token = "" if one_token is None else ":" + one_token(text[start:end])
        parts.append(f"<{entity}{token}>")
        last = end
    parts.append(text[last:])
    return "".join(parts)
