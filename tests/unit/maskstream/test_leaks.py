"""What survives masking, judged by maskstream.leak_measure (forms written apart from the masking
code): the shipped policy on generated events leaves no raw value of a protected field in any
column, and planted mentions in ten locales do not survive. Counts only, never values."""

from __future__ import annotations

import json

import pytest

from maskstream.generate import generate_events
from maskstream.leak_measure import surviving_mentions, surviving_raw_values
from maskstream.locale_corpus import generate
from maskstream.preview import mask_lines
from tests.paths import REPO
from udfs.crypto.keys import KeyRing
from udfs.policy.model import load_policy

KEYS = KeyRing("k1", {"k1": b"0" * 32})  # an obviously fake key
CUSTOMERS = load_policy(REPO / "conf" / "policies" / "customers.yaml")


@pytest.fixture(scope="module")
def generated() -> tuple[list[dict], list[dict]]:
    raw = list(generate_events(2000, seed=11))
    lines = [("file:test", json.dumps(r).encode()) for r in raw]
    masked = [row for ok, row in mask_lines(CUSTOMERS, lines, KEYS) if ok]
    return raw, masked


def test_no_raw_value_of_a_protected_field_survives_on_generated_events(generated) -> None:
    raw, masked = generated
    assert len(masked) == len(raw) == 2000
    result = surviving_raw_values(CUSTOMERS, raw, masked)
    assert result.rows == 2000
    assert result.rows_leaking == 0, dict(result.by_field)  # field names and counts only


def test_the_measure_can_fail(generated) -> None:
    # The raw records themselves, read as if they were the output: every row leaks.
    raw, _ = generated
    result = surviving_raw_values(CUSTOMERS, raw, raw)
    assert result.rows_leaking == len(raw)
    assert {"ssn", "email", "full_name", "birth_date"} <= set(result.by_field)


def test_planted_mentions_in_ten_locales_do_not_survive() -> None:
    events = list(generate(1000, seed=21))
    counts = surviving_mentions(CUSTOMERS, events, KEYS)
    assert len(counts.planted_by_region) == 10
    assert sum(counts.planted.values()) > 2000
    assert counts.rate <= 0.01, dict(counts.surviving)
