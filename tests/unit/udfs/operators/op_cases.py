"""Shared helpers for the table-driven operator tests (`test_op_<operator>.py`).

`run_op` goes through the same steps as the policy compiler and `RecordMasker`: validate the
parameters with the operator's pydantic model, check the input type, and apply the operator to
an object column like the ones a PyFlink pandas UDF receives.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from udfs.crypto.keys import KeyRing
from udfs.operators import ColumnContext, Params, get_operator
from udfs.sql_types import SqlType, parse_sql_type

# Obviously fake 32-byte keys; never use real key material in tests.
TEST_KEYS = KeyRing("k1", {"k1": b"0" * 32})
OTHER_KEYS = KeyRing("k2", {"k2": b"1" * 32})

LONG = 100_000  # characters in the "very long value" cases


def params_of(name: str, params: dict[str, Any] | None = None) -> Params:
    """Validate `params` through the operator's model (raises pydantic.ValidationError)."""
    return get_operator(name).params.model_validate(params or {})


def type_fix(name: str, input_type: str, params: dict[str, Any] | None = None) -> str | None:
    """What `check_type` says about `input_type`: None when accepted, else the fix to print."""
    return get_operator(name).check_type(parse_sql_type(input_type), params_of(name, params))


def output_type(name: str, input_type: str, params: dict[str, Any] | None = None) -> SqlType:
    return get_operator(name).output_type(parse_sql_type(input_type), params_of(name, params))


def _null_to_none(value: Any) -> Any:
    # NaN, NaT and None all come back as None; nothing else compares unequal to itself.
    return None if value is None or value != value else value  # noqa: PLR0124


def run_op(
    name: str,
    values: list[Any],
    params: dict[str, Any] | None = None,
    input_type: str = "STRING",
    *,
    keys: KeyRing | None = TEST_KEYS,
    batch: dict[str, list[Any]] | None = None,
) -> list[Any]:
    """Apply operator `name` to `values` as an object column; nulls come back as None.

    `batch` holds the other columns of the batch (e.g. a date_shift subject) by field name.
    The type must be one the operator accepts (the policy compiler refuses the others), so a
    case that forgot to declare its type fails loudly instead of testing an impossible input.
    """
    op = get_operator(name)
    validated = op.params.model_validate(params or {})
    sql_type = parse_sql_type(input_type)
    fix = op.check_type(sql_type, validated)
    assert fix is None, f"{name} refuses {input_type}: {fix}"
    columns = {k: pd.Series(v, dtype=object) for k, v in (batch or {}).items()}
    ctx = ColumnContext(field="f", input_type=sql_type, keys=keys, batch=columns)
    out = op.apply(pd.Series(values, dtype=object), validated, ctx)
    assert len(out) == len(values)
    return [_null_to_none(v) for v in out.tolist()]


def run_one(
    name: str,
    value: Any,
    params: dict[str, Any] | None = None,
    input_type: str = "STRING",
    *,
    keys: KeyRing | None = TEST_KEYS,
) -> Any:
    """`run_op` on a one-row column."""
    return run_op(name, [value], params, input_type, keys=keys)[0]


# Personal data spelled in characters Hive's classes (Lu, Ll, Nd) do not mask: the character
# masks must leave none of their letters or numbers in the part they mask (test_op_mask*.py).
SMUGGLED_TEXT: list[tuple[str, str]] = [
    # (id, value); all synthetic.
    ("circled-card", "④①①①①①①①①①①①①①①①"),
    ("superscript-ssn", "¹²³-⁴⁵-⁶⁷⁸⁹"),
    ("full-width-phone", "５５５-２０１-１２３４"),
    ("arabic-indic-digits", "٤١١١١١١١١١١١١١١١"),
    ("roman-numerals-and-fractions", "ⅫⅣ½¾"),
    ("cjk-name", "山田太郎"),
    ("kana-name", "ヤマダ・タロウ"),
    ("hebrew-name", "ישראל ישראלי"),
    ("devanagari-name", "राम कुमार"),
    ("decomposed-accents", "Jose\u0301 Mu\u0303oz"),
    ("enclosed-letters", "ⒿⒶⓃⒺ ⓓⓞⓔ"),
    ("squared-letters", "🄹🄰🄽🄴"),
    ("invisible-tag-digits", "x\U000e0034\U000e0031\U000e0031\U000e0031\U000e0031"),
    ("regional-indicators", "🇯🇦🇳🇪"),
]
MASK_REPLACEMENTS = "Xxn"  # Hive's defaults: what a masked letter or digit becomes


def spelled(text: str, allowed: str = MASK_REPLACEMENTS) -> int:
    """How many characters of `text` (other than `allowed`) are a letter, a number or a mark,
    or stand for one (NFKC, tag characters, regional indicators): a count, never the text."""
    import unicodedata

    def spells(ch: str) -> bool:
        cp = ord(ch)
        if unicodedata.category(ch)[0] in "LNM" or 0x1F1E6 <= cp < 0x1F200:
            return True
        if 0xE0020 <= cp < 0xE007F:
            return chr(cp - 0xE0000).isalnum()
        return any(c.isalnum() for c in unicodedata.normalize("NFKC", ch) if c != ch)

    return sum(1 for ch in text if ch not in allowed and spells(ch))
