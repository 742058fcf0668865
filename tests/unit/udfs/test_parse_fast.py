"""The vectorized parser (Arrow's JSON reader) gives exactly parse_payloads' columns and
verdicts: on generated events of both datasets, on the hostile corpus, and on edge cases mixed
into otherwise clean batches."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from maskstream.generate import generate_events, generate_payments
from tests.hostile_corpus import make_hostile_corpus
from tests.paths import REPO
from udfs.policy.model import Policy, load_policy
from udfs.records.parse import BOM, ParsedBatch, parse_payloads
from udfs.records.parse_fast import parse_payloads_fast

CUSTOMERS = load_policy(REPO / "conf" / "policies" / "customers.yaml")
PAYMENTS = load_policy(REPO / "conf" / "policies" / "payments.yaml")


def _comparable(batch: ParsedBatch) -> tuple[list[Any], dict[str, list[Any]]]:
    verdicts = [None if e is None else (e.error_class, e.field_name) for e in batch.errors]
    # repr tells 1 from 1.0 and Decimal('1.0') from Decimal('1.00'); NaN compares by repr.
    columns = {name: [repr(v) for v in values] for name, values in batch.columns.items()}
    return verdicts, columns


def _assert_same(payloads: list[bytes | None], policy: Policy) -> None:
    slow, fast = parse_payloads(payloads, policy), parse_payloads_fast(payloads, policy)
    slow_verdicts, slow_columns = _comparable(slow)
    fast_verdicts, fast_columns = _comparable(fast)
    assert fast_verdicts == slow_verdicts
    for name in slow_columns:  # compare by column; never print values of a whole batch
        differing = sum(a != b for a, b in zip(slow_columns[name], fast_columns[name], strict=True))
        assert differing == 0, f"{name}: {differing} row(s) differ"
    for name, strings in fast.arrow.items():  # what operators may take instead of the column
        assert strings.type == "string" and len(strings) == len(payloads)
        differing = sum(
            a != b for a, b in zip(strings.to_pylist(), fast.columns[name], strict=True)
        )
        assert differing == 0, f"{name}: {differing} Arrow value(s) differ from the column"


def test_same_on_generated_customers() -> None:
    events = [json.dumps(e).encode() for e in generate_events(20_000, seed=11)]
    _assert_same(events, CUSTOMERS)


def test_same_on_generated_payments() -> None:
    events = [json.dumps(e).encode() for e in generate_payments(10_000, seed=11)]
    _assert_same(events, PAYMENTS)


def test_same_on_the_hostile_corpus() -> None:
    _assert_same(list(make_hostile_corpus(1200, seed=3).lines), CUSTOMERS)


def _base() -> dict[str, Any]:
    return next(iter(generate_events(1, seed=2)))


EDGES: list[tuple[str, Any]] = [
    # (field, value) set on one record of an otherwise clean batch; each comment says why.
    ("event_time", "2026-01-01T08:00:00.123456789Z"),  # T, nanoseconds and Z
    ("event_time", "2026-02-30 08:00:00"),  # not a date
    ("event_time", "0001-01-01 00:00:00"),  # outside pandas' range
    ("event_time", "2026-01-01 08:00:00+02:00"),  # zone offsets are not accepted
    ("event_time", None),  # required
    ("event_time", "9999-12-31 23:59:59"),  # beyond nanoseconds: Arrow would wrap around
    ("event_time", "1677-09-21 00:12:44"),  # the first nanosecond year, at its edge
    ("event_time", "2262-04-11 23:47:16.854"),  # the last one
    ("event_time", "2026-01-01 23:59:60"),  # no leap seconds
    ("event_time", "1969-12-31 23:59:59.9999"),  # floors to the millisecond before 1970
    ("event_time", "2026-01-01 08:00:00ZZ"),  # one Z at most
    ("signup_date", "2026-13-01"),
    ("signup_date", "1500-06-01"),  # valid date outside pandas' range
    ("signup_date", "0000-01-01"),  # Arrow has a year 0, Python does not
    ("signup_date", "2024-02-29"),  # a leap day
    ("signup_date", "2026-02-29"),  # not one
    ("account_balance", 12.345),  # rounds half up to the scale
    ("account_balance", 12.005),
    ("account_balance", 1e20),  # beyond DECIMAL(12, 2)
    ("account_balance", 9007199254740993),  # an integer a double cannot hold
    ("account_balance", "12.5"),  # a string is a decimal too
    ("account_balance", float("nan")),
    ("account_balance", -0.0),  # keeps its sign, as Decimal does
    ("account_balance", 0.1),  # repr "0.1", written out as 0.10
    ("account_balance", 9999999999.99),  # the largest DECIMAL(12, 2)
    ("account_balance", 10000000000.0),  # one digit too many
    ("account_balance", -1234.5),
    ("account_balance", 1e-7),  # rounds to 0.00
    ("account_balance", 7),  # a JSON integer
    ("loyalty_points", 2**31),  # beyond INT
    ("loyalty_points", 1.0),
    ("loyalty_points", True),
    ("marketing_opt_in", 1),
    ("full_name", 42),
    ("notes", "x" * 20_000),  # beyond the text limit
    ("notes", "{braces} and [brackets] in text"),
    ("notes", "line\nbreak"),
    ("notes", "é😀\u202e"),
    ("city", {"nested": {"deeper": 1}}),
    ("city", "x\ud800y"),  # a lone surrogate: not text any sink can store
    ("event_time", "２０２６-01-01T00:00:00Z"),  # full-width digits: pandas would read them
    ("event_time", "2026-01-01 08:00:0٣"),  # an Arabic-Indic digit
    ("event_time", "2026-01-01 08:00:00Ｚ"),  # a full-width Z: no digit, still not ours
    ("signup_date", "２０２６-01-01"),
    ("signup_date", "2026-0①-01"),  # a circled digit (No)
    ("account_balance", "１２.５"),  # Decimal would read it
    ("account_balance", "1_000"),  # ... and this
    ("account_balance", " 12.5"),  # ... and this
    ("account_balance", "Infinity"),
    ("account_balance", "-12.5e1"),  # a JSON number's syntax is fine
]


@pytest.mark.parametrize(
    ("field", "value"), EDGES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(EDGES)]
)
def test_same_on_edge_cases(field: str, value: Any) -> None:
    rng = random.Random(7)
    records = [dict(_base(), event_id=f"e{i}") for i in range(50)]
    records[rng.randrange(50)][field] = value
    # Raw UTF-8 where it can be; a lone surrogate can only travel as a JSON escape.
    payloads = [json.dumps(r, ensure_ascii=not _encodable(r)).encode() for r in records]
    _assert_same(payloads, CUSTOMERS)


def _encodable(record: dict[str, Any]) -> bool:
    try:
        json.dumps(record, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize(
    "payload",
    [None, b"", b"   ", b"[1,2]", b'"text"', b'{"event_id":"a"} {"event_id":"b"}',
     b'{"event_id":"a","event_id":"b"}', b"\xff\xfe", b"{" * 40 + b"}" * 40, b"{bad json",
     BOM, BOM + BOM + b"{}", b" " + BOM + b"{}"],
)  # fmt: skip
def test_same_on_broken_payloads_in_clean_batches(payload: bytes | None) -> None:
    clean = [json.dumps(e).encode() for e in generate_events(30, seed=4)]
    _assert_same([*clean[:15], payload, *clean[15:]], CUSTOMERS)


def test_clean_batches_take_the_vectorized_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import udfs.records.parse

    slow_rows: list[int] = []
    original = udfs.records.parse.parse_payloads

    def counting(payloads, policy):  # type: ignore[no-untyped-def]
        slow_rows.append(len(payloads))
        return original(payloads, policy)

    monkeypatch.setattr(udfs.records.parse, "parse_payloads", counting)
    events = [json.dumps(e).encode() for e in generate_events(5_000, seed=12)]
    batch = parse_payloads_fast(events, CUSTOMERS)
    assert all(e is None for e in batch.errors)
    assert sum(slow_rows) == 0
    strings = {f.name for f in CUSTOMERS.fields if f.input_type.kind == "STRING"}
    assert set(batch.arrow) == strings
    # One broken record costs one row on the slow path, not the batch.
    parse_payloads_fast_mixed = parse_payloads_fast([*events[:10], b"{bad"], CUSTOMERS)
    assert parse_payloads_fast_mixed.errors[-1].error_class == "malformed_json"
    assert slow_rows == [1]
    assert parse_payloads_fast_mixed.arrow == {}  # a re-checked row: the columns alone count


def test_a_lone_surrogate_is_quarantined_not_a_crash() -> None:
    record = dict(_base(), city="x\ud800y")
    batch = parse_payloads_fast([json.dumps(record).encode()], CUSTOMERS)
    (error,) = batch.errors
    assert error is not None and (error.error_class, error.field_name) == ("invalid_utf8", "city")


def _record(**changes: Any) -> bytes:
    return json.dumps(dict(_base(), **changes), ensure_ascii=False).encode()


def _with_key_first(payload: bytes, key: bytes, value: bytes) -> bytes:
    """The payload with `key` written once more, before all the others."""
    return b"{" + key + b": " + value + b", " + payload[1:]


VERDICTS = [
    # (payload, expected (error class, field) or None for valid); each one in a clean batch.
    # A decoy name before the real one: last-wins would mask the one and scrub the other.
    pytest.param(
        _with_key_first(_record(), b'"full_name"', b'"Decoy Name"'),
        ("duplicate_key", "full_name"),
        id="duplicate-policy-field",
    ),
    # The same key written with an escape is the same key.
    pytest.param(
        _with_key_first(_record(), b'"full\\u005fname"', b'"Decoy Name"'),
        ("duplicate_key", "full_name"),
        id="duplicate-escaped-key",
    ),
    # Twice the same value is still two keys.
    pytest.param(
        _with_key_first(_record(event_type="x"), b'"event_type"', b'"x"'),
        ("duplicate_key", "event_type"),
        id="duplicate-same-value",
    ),
    # A key no policy field has is dropped unread, however often it is written.
    pytest.param(
        _with_key_first(_with_key_first(_record(), b'"extra"', b"1"), b'"extra"', b"2"),
        None,
        id="duplicate-unknown-key",
    ),
    # A byte order mark before a record (the start of a file or a line) is dropped.
    pytest.param(BOM + _record(), None, id="bom"),
    # ... spaces after it too.
    pytest.param(BOM + b"  " + _record() + b"\r", None, id="bom-spaces"),
    # A mark anywhere else is no JSON.
    pytest.param(b" " + BOM + _record(), ("malformed_json", None), id="bom-after-space"),
    # Two marks.
    pytest.param(BOM + BOM + _record(), ("malformed_json", None), id="two-boms"),
    # Full-width digits in the event time.
    pytest.param(
        _record(event_time="２０２６-01-01T00:00:00Z"),
        ("non_ascii_digits", "event_time"),
        id="full-width-timestamp",
    ),
    # Arabic-Indic digits in a date.
    pytest.param(
        _record(signup_date="٢٠٢٦-01-01"), ("non_ascii_digits", "signup_date"), id="arabic-date"
    ),
    # Full-width digits in a decimal written as a string.
    pytest.param(
        _record(account_balance="１２.５"),
        ("non_ascii_digits", "account_balance"),
        id="full-width-decimal",
    ),
    # A Python-only spelling of a number.
    pytest.param(
        _record(account_balance="1_000"), ("wrong_type", "account_balance"), id="underscores"
    ),
]


@pytest.mark.parametrize(("payload", "expected"), VERDICTS)
def test_verdicts_on_both_paths(payload: bytes, expected: tuple[str, str | None] | None) -> None:
    clean = [json.dumps(e).encode() for e in generate_events(30, seed=4)]
    payloads = [*clean[:15], payload, *clean[15:]]
    _assert_same(payloads, CUSTOMERS)
    error = parse_payloads_fast(payloads, CUSTOMERS).errors[15]
    assert (None if error is None else (error.error_class, error.field_name)) == expected


def test_records_with_a_bom_take_the_vectorized_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import udfs.records.parse

    slow_rows: list[int] = []
    original = udfs.records.parse.parse_payloads

    def counting(payloads, policy):  # type: ignore[no-untyped-def]
        slow_rows.append(len(payloads))
        return original(payloads, policy)

    monkeypatch.setattr(udfs.records.parse, "parse_payloads", counting)
    events = [json.dumps(e).encode() for e in generate_events(100, seed=12)]
    batch = parse_payloads_fast(
        [BOM + events[0], *events[1:50], BOM + events[50], *events[51:]], CUSTOMERS
    )
    assert all(e is None for e in batch.errors) and sum(slow_rows) == 0
