"""Parse raw record payloads (bytes) against a policy's schema, inside the job.

Flink's own JSON format copies a malformed record, personal data and all, into its exception and
log. Here the source hands over bytes, and every failure becomes a quarantine verdict that names
the error class and field: never the payload, never a value.

Where JSON readers differ, the record is refused rather than read one way: a policy field whose
key is written twice (`duplicate_key`: last-wins would let a decoy stand in for the value that
scrub's record_fields looks for), and dates, timestamps and decimals written with digits other
than ASCII ones (`non_ascii_digits`: pandas and Decimal read "２０２６" as 2026, Arrow does not).
A UTF-8 byte order mark before a record (at the start of a file, or of a line) is dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pandas as pd

from udfs.policy.model import Policy, event_time_name
from udfs.sql_types import SqlType

MAX_RECORD_BYTES = 256 * 1024
MAX_TEXT_CHARS = 16 * 1024
MAX_DEPTH = 32
_INT_LIMITS = {"INT": 2**31, "BIGINT": 2**63}
# ASCII digits only, spelled out: Python's \d takes the digits of every script (RE2's, which the
# fast path runs these through, does not).
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?Z?"
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A decimal given as a string: ASCII digits, a point, an exponent (Decimal alone also takes
# "1_000", " 12", "Infinity" and full-width digits).
_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
BOM = b"\xef\xbb\xbf"


def without_bom(payload: bytes) -> bytes:
    """The payload without the UTF-8 byte order mark an editor may put before it."""
    return payload[len(BOM) :] if payload.startswith(BOM) else payload


class _RepeatedKeys(dict[str, Any]):
    """A JSON object in which some key is written more than once: `repeated` holds those keys."""

    repeated: frozenset[str] = frozenset()


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    repeated = _RepeatedKeys(obj)
    repeated.repeated = frozenset(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
    return repeated


def _non_ascii_digits(value: str) -> bool:
    return not value.isascii() and any(not c.isascii() and c.isdigit() for c in value)


class Reject(Exception):  # noqa: N818 - a verdict, not an error of the program
    """A record that goes to quarantine: its error class and, where known, the field."""

    def __init__(self, error_class: str, field_name: str | None = None):
        super().__init__(error_class)
        self.error_class = error_class
        self.field_name = field_name
        # The record's event time, when it was read although another field was at fault.
        self.event_time: Any = None


@dataclass
class ParsedBatch:
    """Typed columns (None where a row was rejected) and the verdict of every row."""

    columns: dict[str, Sequence[Any]]  # lists, or numpy object arrays from the fast path
    errors: list[Reject | None] = field(default_factory=list)
    # STRING columns as the pyarrow arrays Arrow's reader produced, where they hold exactly the
    # column's values (a batch whose every row it vouched for): operators that work on Arrow's
    # buffers take them as they are instead of converting the Python strings back.
    arrow: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> list[bool]:
        return [e is None for e in self.errors]


def _depth(value: Any, limit: int) -> int:
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _convert(value: Any, sql_type: SqlType, name: str) -> Any:
    kind = sql_type.kind
    if kind == "STRING":
        if not isinstance(value, str):
            raise Reject("wrong_type", name)
        if len(value) > MAX_TEXT_CHARS:
            raise Reject("value_too_long", name)
        if not value.isascii():
            try:  # a lone surrogate ("\ud800" in the JSON) is no text any sink can store
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise Reject("invalid_utf8", name) from None
        return value
    if kind in _INT_LIMITS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Reject("wrong_type", name)
        if not -_INT_LIMITS[kind] <= value < _INT_LIMITS[kind]:
            raise Reject("out_of_range", name)
        return value
    if kind == "DOUBLE":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Reject("wrong_type", name)
        return float(value)
    if kind == "DECIMAL":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise Reject("wrong_type", name)
        if isinstance(value, str) and not _DECIMAL_TEXT.fullmatch(value):
            raise Reject("non_ascii_digits" if _non_ascii_digits(value) else "wrong_type", name)
        try:
            d = Decimal(str(value)).quantize(
                Decimal(1).scaleb(-sql_type.scale), rounding=ROUND_HALF_UP
            )
        except (InvalidOperation, ValueError):
            raise Reject("wrong_type", name) from None
        if not d.is_finite() or len(d.as_tuple().digits) > sql_type.precision:
            raise Reject("out_of_range", name)
        return d
    if kind == "BOOLEAN":
        if not isinstance(value, bool):
            raise Reject("wrong_type", name)
        return value
    if not isinstance(value, str):
        raise Reject("wrong_type", name)
    if _non_ascii_digits(value):
        raise Reject("non_ascii_digits", name)
    try:
        if kind == "DATE":
            if not _DATE.fullmatch(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        if not _TIMESTAMP.fullmatch(value):
            raise ValueError
        return pd.Timestamp(value.rstrip("Z").replace("T", " ")).floor("ms")
    except ValueError:
        raise Reject("wrong_type", name) from None


def parse_one(payload: bytes | None, policy: Policy) -> dict[str, Any]:
    """One payload to typed values; raises Reject."""
    if payload is None:
        raise Reject("empty_record")
    if len(payload) > MAX_RECORD_BYTES:
        raise Reject("record_too_large")
    try:
        text = without_bom(bytes(payload)).decode("utf-8")
    except UnicodeDecodeError:
        raise Reject("invalid_utf8") from None
    if not text.strip():
        raise Reject("empty_record")
    try:
        doc = json.loads(text, object_pairs_hook=_json_object)
    except RecursionError:
        raise Reject("too_deep") from None
    except ValueError:
        raise Reject("malformed_json") from None
    if not isinstance(doc, dict):
        raise Reject("not_an_object")
    nested = [v for v in doc.values() if isinstance(v, dict | list)]
    if nested and 1 + max(_depth(v, MAX_DEPTH) for v in nested) > MAX_DEPTH:
        raise Reject("too_deep")
    if type(doc) is _RepeatedKeys:
        # Only the policy's fields: any other key is dropped unread, once or twice. The field
        # named is the policy's own name, never a key of the record.
        for rule in policy.fields:
            if rule.name in doc.repeated:
                raise Reject("duplicate_key", rule.name)
    out: dict[str, Any] = {}
    try:
        for rule in policy.fields:
            value = doc.get(rule.name)
            if value is None:
                if rule.required:
                    raise Reject("missing_field", rule.name)
                out[rule.name] = None
            else:
                out[rule.name] = _convert(value, rule.input_type, rule.name)
    except Reject as reject:
        reject.event_time = _event_time_of(doc, policy)
        raise
    return out


def _event_time_of(doc: dict[str, Any], policy: Policy) -> Any:
    """The record's event time if it reads as one, else None: the audit counts a rejected
    record in its event-time window when it can."""
    name = event_time_name(policy)
    if name is None or doc.get(name) is None:
        return None
    try:
        return _convert(doc[name], SqlType("TIMESTAMP(3)"), name)
    except Reject:
        return None


def parse_payloads(payloads: Sequence[bytes | None], policy: Policy) -> ParsedBatch:
    """Parse a batch; a rejected row gets None in every column and its Reject verdict."""
    names = [f.name for f in policy.fields]
    columns: dict[str, list[Any]] = {name: [] for name in names}
    errors: list[Reject | None] = []
    for payload in payloads:
        try:
            values = parse_one(payload, policy)
            errors.append(None)
        except Reject as reject:
            values = dict.fromkeys(names)
            errors.append(reject)
        except Exception as e:  # never let a record's content reach an exception message
            values = dict.fromkeys(names)
            errors.append(Reject(f"internal_{type(e).__name__}"))
        for name in names:
            columns[name].append(values[name])
    return ParsedBatch(columns, errors)


# --- the vectorized path -------------------------------------------------------------------
