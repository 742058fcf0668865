"""Masking operators: the shape every operator has, and the registry that finds them.

Each module in this folder defines one operator (or one family, like the Hive character
masks) with `@register`; `all_operators()` imports every module here, so adding an operator
is adding a module (plus its `tests/unit/udfs/operators/test_op_<name>.py` and README row).
An operator describes itself: its parameters, the types it takes and gives, its strength
and how two parameter sets compare across policy versions, what it can leave of a value in
clear (`leaves_clear`, which the policy checks on sensitive fields and the evolution check
compares), and which entity types the audit's leak scan should expect in its output.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from udfs.crypto.keys import KeyRing
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
    # The forms in which each field's values are written (udfs.detection.record_values), for
    # operators that look for the record's own values; None: every field is plain text.
    record_forms: Any = None


ApplyFn = Callable[[pd.Series, Any, ColumnContext], pd.Series]
OutputTypeFn = Callable[[SqlType, Any], SqlType]
TypeCheckFn = Callable[[SqlType, Any], str | None]
# +1 when the second parameter set protects more than the first, -1 less, 0 equal or unknown.
CompareFn = Callable[[Any, Any], int]
# What a rule (this operator, these parameters, on this input type) can leave in clear.
LeavesClearFn = Callable[[SqlType, Any], "Clear"]


@dataclass(frozen=True)
class Clear:
    """An operator's own answer to "what can this rule leave readable of a value?".

    `chars`: the most characters of the value that can appear unchanged in the output; None
    when there is no bound (the whole value can, however long). `what` says which, in words, for
    messages ("the last 4 characters", "every digit"). `classes`: the character classes (upper,
    lower, digit, other) left in clear wherever they stand. Kept punctuation and separators
    (`other`) give a value its format and are not counted in `chars`; a kept upper, lower or
    digit class is, since a value may consist of nothing else (an SSN is all digits).
    What an operator keeps by design beside the value's own characters (an email's domain, a
    date's year, the text around what scrub finds) is named in `what`, not counted.
    """

    chars: int | None
    what: str
    classes: frozenset[str] = frozenset()

    @property
    def whole(self) -> bool:
        return self.chars is None

    def compare(self, new: Clear) -> int:
        """+1 when `new` leaves less in clear than this, -1 when it leaves more in any way (more
        characters, or a class this one masks), 0 when equal."""
        inf = float("inf")
        a = inf if self.chars is None else self.chars
        b = inf if new.chars is None else new.chars
        if b > a or new.classes - self.classes:
            return -1
        if b < a or self.classes - new.classes:
            return 1
        return 0


NOTHING_CLEAR = Clear(0, "nothing")
WHOLE_CLEAR = Clear(None, "the whole value", frozenset({"upper", "lower", "digit", "other"}))
CHARACTER_CLASSES = ("upper", "lower", "digit", "other")
# A replacement of "keep" leaves a class unmasked (udfs.operators.character_mask.KEEP).
_KEEP_CLASS = "keep"


def class_mask_clear(mode: str) -> LeavesClearFn:
    """The answer of a character-class mask: `mode` is how udfs.operators.character_mask counts
    its `n` (all, first, last, show_first, show_last). The characters it shows are in clear; in
    the part it masks, so is every character of a class whose replacement is `keep`."""

    def leaves_clear(_input_type: SqlType, params: Any) -> Clear:
        kept = frozenset(c for c in CHARACTER_CLASSES if getattr(params, c) == _KEEP_CLASS)
        content = sorted(kept - {"other"})
        n = getattr(params, "n", 0)
        if content:
            names = ", ".join(f"{c}: keep" for c in content)
            return Clear(None, f"every character of the kept classes ({names})", kept)
        if mode == "all":
            return Clear(0, "nothing but class `other` (punctuation, spaces, symbols)", kept)
        if mode in ("first", "last"):
            if n == 0:
                return Clear(None, "the whole value (n: 0 masks nothing)", kept)
            return Clear(None, f"all but the {mode} {n} characters", kept)
        side = "first" if mode == "show_first" else "last"
        return Clear(n, f"the {side} {n} characters (the whole value when shorter)", kept)

    return leaves_clear


def shows_prefix(param: str) -> LeavesClearFn:
    """The answer of an operator that keeps the first `param` characters of a text."""

    def leaves_clear(_input_type: SqlType, params: Any) -> Clear:
        n = getattr(params, param)
        return Clear(n, f"the first {n} characters (the whole value when shorter)")

    return leaves_clear


def leaves(answer: Clear) -> LeavesClearFn:
    """The answer of an operator whose parameters do not change what it leaves in clear."""
    return lambda _input_type, _params: answer


# How much of a value an operator lets through, from "all of it" (keep) to "nothing" (nullify).
# Partial reveals (show the last 4, keep the domain, a coarser date) sit in the middle.
STRENGTH_KEEP, STRENGTH_PARTIAL, STRENGTH_NOTHING = 0, 3, 7


def same_strength(_old: Any, _new: Any) -> int:
    """For operators whose parameters do not change how much they reveal."""
    return 0


def compare_by(name: str, *, stronger_when: str) -> CompareFn:
    """Compare two parameter sets by one numeric parameter: `stronger_when` is "larger" (mask
    more characters) or "smaller" (show fewer)."""
    sign = 1 if stronger_when == "larger" else -1

    def compare(old: Any, new: Any) -> int:
        a, b = getattr(old, name), getattr(new, name)
        return sign * ((b > a) - (b < a))

    return compare


@dataclass(frozen=True)
class Operator:
    """A masking operator: parameters, accepted input types, output type, the column function,
    and what it reveals.

    `check_type` returns None when the input type is acceptable, else the fix to print.
    `strength` ranks operators (0 keep .. 7 nullify) when a field changes operator between
    policy versions; `compare` ranks two parameter sets of this operator. `leaves_clear` says
    what a rule can leave readable (Clear): the policy refuses rules on pii/phi/pci fields that
    leave too much, and a new policy version that leaves more is a weakening. `expected_entities`
    are the entity types the leak scan expects in its output by design (an `email` rule keeps
    an address's shape). `copies_input` is False for operators whose output is a constant or
    a digest (nothing of the input's characters can be in it); `free_text` marks the operator
    that keeps a text but what it finds in it (scrub).
    """

    name: str
    summary: str
    params: type[Params]
    apply: ApplyFn
    check_type: TypeCheckFn
    output_type: OutputTypeFn
    strength: int
    leaves_clear: LeavesClearFn
    compare: CompareFn = same_strength
    expected_entities: frozenset[str] = frozenset()
    copies_input: bool = True
    free_text: bool = False
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
    strength: int,
    leaves_clear: LeavesClearFn,
    params: type[Params] = NoParams,
    check_type: TypeCheckFn = any_type,
    output_type: OutputTypeFn = same_type,
    compare: CompareFn = same_strength,
    expected_entities: frozenset[str] = frozenset(),
    copies_input: bool = True,
    free_text: bool = False,
    keyed: bool | Callable[[Any], bool] = False,
) -> Callable[[ApplyFn], ApplyFn]:
    """Decorator registering a column function as the operator `name`. `strength` and
    `leaves_clear` have no defaults: a new operator must say what it reveals."""

    def wrap(fn: ApplyFn) -> ApplyFn:
        if name in OPERATORS:
            raise ValueError(f"operator {name!r} is registered twice")
        if not STRENGTH_KEEP <= strength <= STRENGTH_NOTHING:
            raise ValueError(f"operator {name!r}: strength {strength} is outside 0..7")
        OPERATORS[name] = Operator(
            name=name,
            summary=summary,
            params=params,
            apply=fn,
            check_type=check_type,
            output_type=output_type,
            strength=strength,
            leaves_clear=leaves_clear,
            compare=compare,
            expected_entities=expected_entities,
            copies_input=copies_input,
            free_text=free_text,
            keyed=keyed,
        )
        return fn

    return wrap


def get_operator(name: str) -> Operator:
    _load_operator_modules()
    try:
        return OPERATORS[name]
    except KeyError:
        known = ", ".join(sorted(OPERATORS))
        raise KeyError(f"unknown operator {name!r}; known operators: {known}") from None


def all_operators() -> dict[str, Operator]:
    _load_operator_modules()
    return dict(OPERATORS)


def operator_modules() -> list[str]:
    """The modules of this folder, each defining one operator or one family."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


_LOADED: list[bool] = []


def _load_operator_modules() -> None:
    # Importing a module registers its operators; done on first use to avoid import cycles.
    if _LOADED:
        return
    for module in operator_modules():
        importlib.import_module(f"{__name__}.{module}")
    _LOADED.append(True)
