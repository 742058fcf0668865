"""The residual check: a raw value of a record's protected field left in any text column of its
masked row is never written; the column is replaced whole and the row says which field's value
was found where (never the value)."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest

from udfs.crypto.keys import KeyRing
from udfs.policy.model import compile_policy
from udfs.records.masking import RecordMasker
from udfs.records.residual import RESIDUAL

KEYS = KeyRing("k1", {"k1": b"0" * 32})
POLICY: dict[str, Any] = {
    "dataset": "t",
    "version": 1,
    "fields": [
        {"name": "id", "type": "STRING", "mask": "keep"},
        {"name": "label", "type": "STRING", "mask": "keep"},  # a careless keep
        {"name": "ssn", "type": "STRING", "tags": ["pii.ssn"],
         "mask": {"op": "mask_show_last", "n": 4}},
        {"name": "full_name", "type": "STRING", "tags": ["pii.name"], "mask": "redact"},
        {"name": "birth_date", "type": "DATE", "tags": ["pii.birth_date"],
         "mask": {"op": "generalize", "to": "year"}},
        {"name": "note", "type": "STRING", "tags": ["pii.free_text"], "mask": {"op": "scrub"}},
        {"name": "agent", "type": "STRING", "tags": ["device.user_agent"],
         "mask": {"op": "truncate", "length": 11}},
    ],
}  # fmt: skip


def _mask(rows: list[dict[str, Any]], policy: dict[str, Any] = POLICY) -> pd.DataFrame:
    masker = RecordMasker(compile_policy(policy, "test.yaml"), KEYS)
    batch = {f["name"]: pd.Series([r.get(f["name"]) for r in rows], dtype=object)
             for f in policy["fields"]}  # fmt: skip
    return masker.mask_batch(batch, pd.Series(["file:x"] * len(rows), dtype=object))


def _row(**values: Any) -> dict[str, Any]:
    import datetime as dt

    base = {
        "id": "e1", "label": "signup", "ssn": "850-54-5019", "full_name": "Samantha Sellers",
        "birth_date": dt.date(1949, 2, 17), "note": "all good", "agent": "Mozilla/5.0 (X11)",
    }  # fmt: skip
    return {**base, **values}


CASES = [
    # An SSN in a kept column, with other separators: the column goes, the row says so.
    pytest.param({"label": "ref 850 54 5019"}, "label", "ssn@label", id="ssn-in-kept-column"),
    # The full name, upper case, in a kept column.
    pytest.param({"label": "SAMANTHA SELLERS"}, "label", "full_name@label", id="name-in-kept"),
    # A date of birth written out, without a context word the detectors know, in a note the
    # scrub has no record_fields for.
    pytest.param({"note": "seen 17 February 1949"}, "note", "birth_date@note", id="dob-in-note"),
    # A name part in free text: weak forms count there.
    pytest.param({"note": "Sellers called"}, "note", "full_name@note", id="name-part-in-note"),
    # truncate kept the whole (short) value: that is a raw value left in clear.
    pytest.param({"agent": "curl/8.0"}, "agent", "agent@agent", id="truncate-kept-all"),
]


@pytest.mark.parametrize(("values", "column", "found"), CASES)
def test_a_planted_value_is_replaced_whole_and_counted(
    values: dict[str, Any], column: str, found: str
) -> None:
    out = _mask([_row(**values), _row()])
    assert out[column][0] == RESIDUAL
    assert out["residual_fields"][0] == found
    assert out["residual_fields"][1] is None  # the clean row is untouched
    assert out[column][1] != RESIDUAL


def test_what_an_operator_leaves_by_design_is_not_a_residual() -> None:
    out = _mask([_row()])
    assert out["ssn"][0] == "nnn-nn-5019"  # the last four digits
    assert out["birth_date"][0] == "1949"  # the year
    assert out["agent"][0] == "Mozilla/5.0"
    assert out["residual_fields"][0] is None


def test_a_field_scrubbed_as_a_record_field_is_replaced_by_scrub_not_the_check() -> None:
    policy = copy.deepcopy(POLICY)
    policy["fields"][5]["mask"] = {"op": "scrub", "record_fields": ["full_name", "birth_date"]}
    out = _mask([_row(note="Sellers, born 17 February 1949")], policy)
    # The detectors see the date of birth first (its type wins); the name is the record's own.
    assert out["note"][0] == "<FULL_NAME>, born <DATE_OF_BIRTH>"
    assert out["residual_fields"][0] is None


def test_the_row_digest_covers_the_replacement() -> None:
    leaking, clean = _mask([_row(label="ref 850 54 5019")]), _mask([_row(label="ref")])
    assert leaking["row_digest"][0] != clean["row_digest"][0]
    assert len(leaking["row_digest"][0]) == 64


def test_the_audit_window_counts_residual_replacements_per_field() -> None:
    from udfs.flink.audit_functions import _residual_counts

    values = pd.Series(["ssn@label,full_name@label", None, "ssn@notes"], dtype=object)
    assert _residual_counts(values) == {"ssn": 2, "full_name": 1}


def test_seals_of_rows_written_before_residual_counts_still_verify() -> None:
    from udfs.crypto.seal import seal_hash

    window = {"dataset": "t", "policy_version": 1, "prev_seal": None}
    old = seal_hash(window)  # an audit row without residual_values
    assert seal_hash({**window, "residual_values": None}) == old
    assert seal_hash({**window, "residual_values": "{}"}) != old  # and it is sealed when there


def test_a_date_inside_a_uuid_is_a_coincidence_not_a_residual() -> None:
    # A kept UUID whose digits happen to hold the birth date's digits (19490217): structured
    # columns need a whole number, so the id is not replaced.
    out = _mask([_row(id="a3f0c2d1-9b7e-4c1a-8d2f-319490217a4b")])
    assert out["id"][0] == "a3f0c2d1-9b7e-4c1a-8d2f-319490217a4b"
    assert out["residual_fields"][0] is None


# A value of nobody's protected field planted in a column that is no free text: the entity
# detectors find it (what the audit's leak scan reads), the column is replaced whole.
FOREIGN = [
    ("label", "078-05-1120", "(US_SSN)@label"),  # a kept column holding an SSN
    ("label", "jane.roe@example.com", "(EMAIL)@label"),
    ("label", "4111 1111 1111 1111", "(CREDIT_CARD)@label"),
    ("label", "DE89 3704 0044 0532 0130 00", "(IBAN)@label"),
    ("label", "from 203.0.113.7", "(IP_ADDRESS)@label"),
    ("id", "SSN 078051120", "(US_SSN)@id"),
    ("label", "tel +44 20 7946 0958", "(PHONE)@label"),
]


@pytest.mark.parametrize(("column", "planted", "expected"), FOREIGN)
def test_an_entity_planted_in_a_kept_column_is_replaced_whole(
    column: str, planted: str, expected: str
) -> None:
    out = _mask([_row(**{column: planted})])
    assert out[column].iat[0] == RESIDUAL
    assert out["residual_fields"].iat[0] == expected


def test_ordinary_kept_values_and_partial_masks_are_not_entities() -> None:
    """No false positive on what kept columns usually hold (ids, labels, versions, UUIDs), and
    a partial mask (at most 4 characters in clear) is not read again."""
    ordinary = [
        "e1",
        "833d3df1-5e11-4680-9501-6ada189ac35d",
        "customer.updated",
        "v2.3.1",
        "order 1234",
        "Mozilla/5.0 (X11; Linux x86_64)",
        "2026-01-01T08:00:00Z",
    ]
    out = _mask([_row(label=v) for v in ordinary])
    assert out["label"].tolist() == ordinary
    assert out["residual_fields"].isna().all()
