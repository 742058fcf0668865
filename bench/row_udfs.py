"""Benchmark variant (d): the operators of conf/policies/customers.yaml as general (row-at-a-time,
non-pandas) PyFlink scalar functions, one per operator kind, used by
sql/bench/customers_row_mask.sql. Each call masks one value in plain Python with the project's
per-value helpers (key ring, tokenizer, translation tables, date shifts, detectors), so the
results equal the vectorized operators' where the semantics are meant to be identical
(bench/test_bench_sql.py).

Parameters are SQL literals in the order the policy (and Hive, for the character masks) names
them, e.g. `row_mask_show_last(ssn, 4, 'X', 'x', '*')`. Keys are read in `open()` on the worker,
from its environment, as the mask job's UDF does; they are never pickled into a function.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from pyflink.table import DataTypes
from pyflink.table.udf import FunctionContext, ScalarFunction, UserDefinedFunctionWrapper, udf

from udfs.columns import as_text
from udfs.crypto.keys import KeyRing, load_keyring
from udfs.detection.detectors import detect
from udfs.operators import ColumnContext
from udfs.operators.character_mask import MaskParams
from udfs.operators.date_shift import shift_days
from udfs.operators.email_mask import EmailParams, _protector
from udfs.operators.generalize import _bucket_fn
from udfs.operators.hashing import tokenizer
from udfs.operators.scrub import MIN_RECORD_VALUE, _replace
from udfs.sql_types import STRING, SqlType

# The only DECIMAL the customers policy generalizes: account_balance DECIMAL(12, 2).
BUCKET_TYPE = SqlType("DECIMAL", 12, 2)


# --- Operators without a key: plain functions of one value (None stays None).


def redact(value: Any, constant: str = "[REDACTED]") -> str | None:
    return None if value is None else constant


def nullify(_value: Any) -> None:
    return None


def truncate(value: str | None, length: int) -> str | None:
    return None if value is None else value[:length]


@lru_cache(maxsize=64)
def _translation(upper: str, lower: str, digit: str, other: str) -> Any:
    return MaskParams(upper=upper, lower=lower, digit=digit, other=other).translation()


def mask_show_last(  # noqa: PLR0917 - SQL passes Hive's arguments by position
    value: str | None,
    n: int = 4,
    upper: str = "X",
    lower: str = "x",
    digit: str = "n",
    other: str = "keep",
) -> str | None:
    """Hive mask_show_last_n: keep the last n characters, mask the others by class."""
    if value is None:
        return None
    cut = max(len(value) - n, 0)
    # mask(), not str.translate: it classes non-ASCII characters and combining marks.
    return _translation(upper, lower, digit, other).mask(value[:cut]) + value[cut:]


def hash_value(value: Any, algorithm: str = "sha256", salt: str = "") -> str | None:
    if value is None:
        return None
    return hashlib.new(algorithm, (salt + as_text(value)).encode("utf-8")).hexdigest()


def generalize_prefix(value: str | None, n: int) -> str | None:
    return None if value is None else value[:n]


def generalize_year(value: dt.date | None) -> str | None:
    return None if value is None else f"{value.year:04d}"


@lru_cache(maxsize=16)
def _bucket(size: int) -> Callable[[Any], Decimal | None]:
    fn: Callable[[Any], Decimal | None] = _bucket_fn(BUCKET_TYPE, Decimal(size))
    return fn


def generalize_bucket(value: Decimal | None, size: int) -> Decimal | None:
    return None if value is None else _bucket(size)(value)


def scrub(text: str | None, fields: str, *record_values: str | None) -> str | None:
    """Entities found by the detectors as <ENTITY>, then the record's own values (the fields
    named in `fields`, comma-separated, in the order of `record_values`) as <FIELD>."""
    if text is None:
        return None
    text = _replace(text, detect(text), None)
    for name, known in zip(fields.split(","), record_values, strict=True):
        if known is not None and len(known) >= MIN_RECORD_VALUE and known in text:
            text = text.replace(known, f"<{name.upper()}>")
    return text


# --- Keyed operators: the key ring is read in open(), on the worker.


class _Keyed(ScalarFunction):
    def __init__(self) -> None:
        self._keys: KeyRing | None = None

    def open(self, function_context: FunctionContext | None) -> None:
        self._keys = load_keyring()

    @property
    def keys(self) -> KeyRing:
        assert self._keys is not None, "open() reads the key ring"
        return self._keys


class Tokenize(_Keyed):
    def __init__(self) -> None:
        super().__init__()
        self._one: dict[tuple[int, str, bool], Callable[[object], str]] = {}

    def eval(
        self, value: Any, length: int = 16, domain: str = "", lowercase: bool = False
    ) -> str | None:
        if value is None:
            return None
        params = (length, domain, lowercase)
        one = self._one.get(params)
        if one is None:
            one = self._one[params] = tokenizer(
                self.keys, length=length, domain=domain, lowercase=lowercase
            )
        return one(value)


class Email(_Keyed):
    def __init__(self) -> None:
        super().__init__()
        self._protect: dict[str, Callable[[str, str], str]] = {}

    def eval(self, value: str | None, mode: str = "tokenize") -> str | None:
        if value is None:
            return None
        protect = self._protect.get(mode)
        if protect is None:
            ctx = ColumnContext("email", STRING, self.keys)
            protect = self._protect[mode] = _protector(EmailParams(mode=mode), ctx)
        local, at, domain = value.rpartition("@")
        if not at or not local or not domain:
            return protect(value, value)
        return protect(value, local) + "@" + domain.lower()


class DateShift(_Keyed):
    """date_shift(value, subject, max_days); shifts are remembered per subject, as the
    operator remembers them per batch."""

    def __init__(self) -> None:
        super().__init__()
        self._days: dict[tuple[str, int], int] = {}

    def eval(self, value: dt.date | None, subject: Any, max_days: int) -> dt.date | None:
        if value is None or subject is None:
            return None
        text = as_text(subject)
        days = self._days.get((text, max_days))
        if days is None:
            if len(self._days) > 100_000:
                self._days.clear()
            days = self._days[(text, max_days)] = shift_days(self.keys.active_key, text, max_days)
        try:
            return value + dt.timedelta(days=days)
        except (OverflowError, ValueError):
            return None


def functions() -> dict[str, UserDefinedFunctionWrapper]:
    """The functions by the name sql/bench/customers_row_mask.sql calls them."""
    string = DataTypes.STRING()

    def scalar(fn: Any, result_type: Any = string) -> UserDefinedFunctionWrapper:
        return udf(fn, result_type=result_type, deterministic=True)

    return {
        "row_tokenize": scalar(Tokenize()),
        "row_redact": scalar(redact),
        "row_nullify": scalar(nullify),
        "row_email": scalar(Email()),
        "row_mask_show_last": scalar(mask_show_last),
        "row_hash": scalar(hash_value),
        "row_generalize_prefix": scalar(generalize_prefix),
        "row_generalize_year": scalar(generalize_year),
        "row_generalize_bucket": scalar(
            generalize_bucket, DataTypes.DECIMAL(BUCKET_TYPE.precision, BUCKET_TYPE.scale)
        ),
        "row_date_shift": scalar(DateShift(), DataTypes.DATE()),
        "row_truncate": scalar(truncate),
        "row_scrub": scalar(scrub),
    }
