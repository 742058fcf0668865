"""Every way a policy can be wrong fails at start-up naming the file, the field and the fix."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.paths import REPO
from udfs.policy.model import PolicyError, compile_policy, load_policy

SHIPPED = REPO / "conf" / "policies" / "customers.yaml"
SOURCE = "conf/policies/test.yaml"


def base() -> dict[str, Any]:
    return {
        "dataset": "orders",
        "version": 3,
        "fields": [
            {"name": "order_id", "type": "STRING", "mask": "keep"},
            {"name": "ssn", "type": "STRING", "tags": ["pii.ssn"], "mask": {"op": "mask"}},
            {"name": "placed_on", "type": "DATE", "mask": {"op": "generalize", "to": "year"}},
        ],
    }


def with_field(index: int, **changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(base())
    doc["fields"][index].update(changes)
    return doc


def without_mask(index: int) -> dict[str, Any]:
    doc = copy.deepcopy(base())
    del doc["fields"][index]["mask"]
    return doc


CASES = [
    # A field without a rule: fail closed, and say how to keep it explicitly.
    pytest.param(without_mask(1), ["'ssn'", "no masking rule", "mask: keep"], id="missing-rule"),
    # YAML null reads as "no rule"; the message points at nullify.
    pytest.param(with_field(1, mask=None), ["'ssn'", "nullify"], id="yaml-null-rule"),
    # An operator that does not exist lists the known ones.
    pytest.param(
        with_field(1, mask={"op": "maskk"}),
        ["'ssn'", "unknown operator 'maskk'", "mask_show_last"],
        id="unknown-operator",
    ),
    # A parameter out of range names the parameter.
    pytest.param(
        with_field(1, mask={"op": "mask_show_last", "n": -1}),
        ["'ssn'", "mask.n", "greater than or equal to 0"],
        id="bad-parameter",
    ),
    # A misspelt parameter lists the operator's real parameters.
    pytest.param(
        with_field(1, mask={"op": "mask_show_last", "count": 4}),
        ["'ssn'", "mask.count", "unknown parameter", "n"],
        id="unknown-parameter",
    ),
    # An operator that cannot take the field's type says what to do instead.
    pytest.param(
        with_field(2, mask={"op": "mask_show_last"}),
        ["'placed_on'", "cannot take type DATE", "Fix:"],
        id="type-operator-cannot-take",
    ),
    # A field tagged as personal data may not be kept unmasked.
    pytest.param(
        with_field(1, mask="keep"),
        ["'ssn'", "pii.ssn", "keep can leave the whole value in clear", "Fix:"],
        id="sensitive-field-kept",
    ),
    # An unsupported SQL type names the accepted ones.
    pytest.param(
        with_field(0, type="VARBINARY"),
        ["'order_id'", "unsupported type", "DECIMAL(p, s)"],
        id="unsupported-type",
    ),
    # Metadata column names are reserved.
    pytest.param(
        with_field(0, name="row_digest"), ["'row_digest'", "reserved", "rename"], id="reserved"
    ),
    # date_shift keyed by a field that does not exist.
    pytest.param(
        with_field(2, mask={"op": "date_shift", "max_days": 5, "subject": "nobody"}),
        ["'placed_on'", "mask.subject", "'nobody'"],
        id="unknown-subject",
    ),
    # generalize needs exactly one mode.
    pytest.param(
        with_field(2, mask={"op": "generalize"}),
        ["'placed_on'", "exactly one of"],
        id="generalize-without-mode",
    ),
    # Versions are positive integers.
    pytest.param({**base(), "version": 0}, ["version", "greater than or equal to 1"], id="version"),
    # Unknown top-level keys are typos, not silently ignored.
    pytest.param({**base(), "feilds": []}, ["feilds", "Extra inputs"], id="unknown-key"),
    # Names must be SQL-safe identifiers.
    pytest.param(with_field(0, name="Order Id"), ["fields[0].name", "pattern"], id="bad-name"),
    # A document that is not a mapping.
    pytest.param(["not", "a", "policy"], ["must be a mapping"], id="not-a-mapping"),
]


@pytest.mark.parametrize(("doc", "expected"), CASES)
def test_policy_error_names_file_field_and_fix(doc: Any, expected: list[str]) -> None:
    with pytest.raises(PolicyError) as err:
        compile_policy(doc, SOURCE)
    message = str(err.value)
    assert SOURCE in message
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_duplicate_field_is_an_error() -> None:
    doc = base()
    doc["fields"].append(dict(doc["fields"][0]))
    with pytest.raises(PolicyError, match="'order_id': declared twice"):
        compile_policy(doc, SOURCE)


def test_all_problems_are_reported_at_once() -> None:
    doc = without_mask(1)
    doc["fields"][2]["mask"] = {"op": "nope"}
    with pytest.raises(PolicyError) as err:
        compile_policy(doc, SOURCE)
    assert len(err.value.problems) == 2


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("dataset: x\nfields:\n  - name: a\n   type: STRING\n")
    with pytest.raises(PolicyError, match=r"(?s)bad\.yaml.*not valid YAML at line 4"):
        load_policy(bad)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="file not found"):
        load_policy(tmp_path / "nope.yaml")


def test_shipped_policy_is_valid_and_covers_every_field() -> None:
    policy = load_policy(SHIPPED)
    raw = yaml.safe_load(SHIPPED.read_text())
    assert [f.name for f in policy.fields] == [f["name"] for f in raw["fields"]]
    assert policy.needs_key
    sensitive = [f for f in policy.fields if any(t.startswith("pii.") for t in f.tags)]
    assert sensitive and all(not f.is_keep for f in sensitive)
