"""Planted ids (tests/smuggling_corpus.py) through the job's own masking code, without Flink:
each record is masked or quarantined as expected, its operator masks the planted value itself
(the residual check finds nothing to replace), and no planted value comes out. The same corpus
goes through the real job in tests/integration/test_hostile_input.py. Assertions are on counts
and booleans: a failure never prints a planted value."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from tests.paths import REPO
from tests.smuggling_corpus import Smuggled, make_smuggling_corpus
from udfs.crypto.keys import KeyRing
from udfs.policy.model import load_policy
from udfs.records.masking import OK, RecordMasker

CUSTOMERS = load_policy(REPO / "conf" / "policies" / "customers.yaml")
KEYS = KeyRing("k1", {"k1": b"s" * 32})  # obviously fake


@pytest.fixture(scope="module")
def corpus() -> Smuggled:
    return make_smuggling_corpus()


@pytest.fixture(scope="module")
def masked(corpus: Smuggled) -> pd.DataFrame:
    return RecordMasker(CUSTOMERS, KEYS).mask_payloads(
        list(corpus.lines), pd.Series(["file:/smuggling.jsonl"] * len(corpus.lines))
    )


def test_records_are_masked_or_quarantined_with_their_reason(
    corpus: Smuggled, masked: pd.DataFrame
) -> None:
    valid, expected_valid = int((masked["_status"] == OK).sum()), corpus.expected_valid
    assert valid == expected_valid
    # Error classes and policy field names only: nothing of a record.
    verdicts = Counter(
        (c, f) for c, f in zip(masked["_error_class"], masked["_error_field"], strict=True) if c
    )
    assert verdicts == corpus.quarantined


def test_each_operator_masks_the_planted_value_itself(
    corpus: Smuggled, masked: pd.DataFrame
) -> None:
    rows = {r["event_id"]: r for r in masked[masked["_status"] == OK].to_dict("records")}
    missing = sum(event_id not in rows for event_id in corpus.checks)
    assert missing == 0
    # Not replaced by the residual check (which only knows the record's own values anyway),
    # and in the operator's own form: a placeholder domain, a placeholder at the start.
    failed = [
        event_id.rsplit("-", 1)[-1]  # the field the check is about: no value
        for event_id, check in corpus.checks.items()
        if f"@{check.column}" in (rows[event_id]["residual_fields"] or "")
        or not rows[event_id][check.column].startswith(check.starts_with)
        or not rows[event_id][check.column].endswith(check.ends_with)
    ]
    assert failed == []


def test_no_planted_value_comes_out(corpus: Smuggled, masked: pd.DataFrame) -> None:
    blob = masked.astype(str).to_csv()
    leaked = sum(value in blob for value in corpus.planted)
    assert leaked == 0
