"""The registry of masking operators by name, and the shape every operator has."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from udfs.keys import KeyRing
from udfs.sql_types import SqlType


class Params(BaseModel):
    """Base for operator parameters: unknown parameters are an error, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    """An operator without parameters."""


@dataclass(frozen=True)
class ColumnContext:
    """What an operator may read besides its own column: the key ring and the whole batch."""

    field: str
    input_type: SqlType
    keys: KeyRing | None
    batch: dict[str, pd.Series] = field(default_factory=dict)
    # Results of pure per-value functions, kept across the batches of one field's rule under one
    # key ring (map_values(..., memo=ctx.memo)); None: no memo.
    memo: dict[str, Any] | None = None
    # The column as a pyarrow StringArray holding the same values, when the parser has one (see
    # ParsedBatch.arrow); None: operators that want Arrow convert the column themselves.
    arrow: Any = None


ApplyFn = Callable[[pd.Series, Any, ColumnContext], pd.Series]
OutputTypeFn = Callable[[SqlType, Any], SqlType]
TypeCheckFn = Callable[[SqlType, Any], str | None]


@dataclass(frozen=True)
class Operator:
    """A masking operator: parameters, accepted input types, output type and the column function.

    `check_type` returns None when the input type is acceptable, else the fix to print.
    """

    name: str
    summary: str
    params: type[Params]
    apply: ApplyFn
    check_type: TypeCheckFn
    output_type: OutputTypeFn
    keyed: bool | Callable[[Any], bool] = False

    def needs_key(self, params: Any) -> bool:
        return self.keyed(params) if callable(self.keyed) else self.keyed


OPERATORS: dict[str, Operator] = {}


def same_type(input_type: SqlType, _params: Any) -> SqlType:
    return input_type


def any_type(_input_type: SqlType, _params: Any) -> str | None:
    return None


def text_only(input_type: SqlType, _params: Any) -> str | None:
    if input_type.is_text:
        return None
    return "this operator takes STRING fields; declare the field as STRING or pick another operator"


def register(
    name: str,
    *,
    summary: str,
    params: type[Params] = NoParams,
    check_type: TypeCheckFn = any_type,
    output_type: OutputTypeFn = same_type,
    keyed: bool | Callable[[Any], bool] = False,
) -> Callable[[ApplyFn], ApplyFn]:
    """Decorator registering a column function as the operator `name`."""

    def wrap(fn: ApplyFn) -> ApplyFn:
        if name in OPERATORS:
            raise ValueError(f"operator {name!r} is registered twice")
        OPERATORS[name] = Operator(
            name=name,
            summary=summary,
            params=params,
            apply=fn,
            check_type=check_type,
            output_type=output_type,
            keyed=keyed,
        )
        return fn

    return wrap


def get_operator(name: str) -> Operator:
    _load_builtin_operators()
    try:
        return OPERATORS[name]
    except KeyError:
        known = ", ".join(sorted(OPERATORS))
        raise KeyError(f"unknown operator {name!r}; known operators: {known}") from None


def all_operators() -> dict[str, Operator]:
    _load_builtin_operators()
    return dict(OPERATORS)


def _load_builtin_operators() -> None:
    # Importing the operator modules registers them; done lazily to avoid import cycles.
    from udfs import (  # noqa: F401
        basic,
        character_mask,
        date_shift,
        email_mask,
        generalize,
        hashing,
        scrub,
    )
