"""Every operator describes itself completely, is found from its folder, and has its own
table-driven test file and README row (the registry test presidio keeps for its operators)."""

from __future__ import annotations

import importlib
import re

import pytest

from tests.paths import REPO
from udfs.detection.detectors import ENTITY_TYPES
from udfs.operators import (
    OPERATORS,
    STRENGTH_KEEP,
    STRENGTH_NOTHING,
    Clear,
    Operator,
    Params,
    all_operators,
    operator_modules,
)
from udfs.sql_types import SqlType, parse_sql_type

OPERATOR_NAMES = sorted(all_operators())
README = (REPO / "README.md").read_text(encoding="utf-8")
TESTS = REPO / "tests" / "unit" / "udfs" / "operators"


def test_the_vocabulary_users_expect_is_registered() -> None:
    expected = {
        "keep", "redact", "nullify", "truncate", "mask", "mask_first", "mask_last",
        "mask_show_first", "mask_show_last", "hash", "tokenize", "email", "generalize",
        "date_shift", "scrub",
    }  # fmt: skip
    assert set(OPERATOR_NAMES) == expected


def test_every_module_of_the_folder_registers_an_operator() -> None:
    # Discovery imports every module of udfs/operators/: a module that registers nothing is
    # dead code or a helper in the wrong place.
    registered_by = {op.apply.__module__ for op in OPERATORS.values()}
    for module in operator_modules():
        importlib.import_module(f"udfs.operators.{module}")
        assert f"udfs.operators.{module}" in registered_by, module


@pytest.mark.parametrize("name", OPERATOR_NAMES)
def test_operator_describes_itself(name: str) -> None:
    op: Operator = all_operators()[name]
    assert op.name == name and op.summary.strip()
    assert issubclass(op.params, Params)
    assert STRENGTH_KEEP <= op.strength <= STRENGTH_NOTHING
    assert (op.strength == STRENGTH_KEEP) == (name == "keep")  # only keep lets everything through
    assert op.expected_entities <= set(ENTITY_TYPES)
    # compare() answers for its own default parameters (equal: 0), when they validate alone.
    try:
        defaults = op.params()
    except ValueError:
        defaults = None  # the operator has required parameters
    if defaults is not None:
        assert op.compare(defaults, defaults) == 0
        op.check_type(SqlType("STRING"), defaults)  # answers None or a fix, never raises


@pytest.mark.parametrize("name", OPERATOR_NAMES)
def test_operator_has_a_table_driven_test_file(name: str) -> None:
    path = TESTS / f"test_op_{name}.py"
    assert path.is_file(), f"add {path.relative_to(REPO)}"
    assert "@pytest.mark.parametrize" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", OPERATOR_NAMES)
def test_operator_has_a_readme_row(name: str) -> None:
    section = README.split("## Operators", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"^\| `{name}` \|", section, re.MULTILINE), f"README ## Operators: {name}"


@pytest.mark.parametrize(
    ("name", "old", "new", "direction"),
    [
        ("mask_show_last", {"n": 4}, {"n": 2}, 1),  # showing fewer characters is stronger
        ("mask_show_first", {"n": 2}, {"n": 4}, -1),
        ("mask_first", {"n": 2}, {"n": 4}, 1),  # masking more characters is stronger
        ("mask_last", {"n": 4}, {"n": 2}, -1),
        ("truncate", {"length": 10}, {"length": 3}, 1),  # keeping less is stronger
        ("date_shift", {"max_days": 10, "subject": "s"}, {"max_days": 30, "subject": "s"}, 1),
        ("generalize", {"bucket": "100"}, {"bucket": "1000"}, 1),  # wider buckets
        ("generalize", {"prefix": 3}, {"prefix": 5}, -1),  # a longer prefix reveals more
        ("generalize", {"to": "month"}, {"to": "year"}, 1),
        ("generalize", {"to": "year"}, {"prefix": 3}, 0),  # different kinds: unknown
        ("hash", {"algorithm": "sha256"}, {"algorithm": "sha512"}, 0),
    ],
)
def test_compare_ranks_parameters_of_one_operator(
    name: str, old: dict, new: dict, direction: int
) -> None:
    op = all_operators()[name]
    assert op.compare(op.params(**old), op.params(**new)) == direction


# Parameters for operators that have required ones (the others answer for their defaults).
SAMPLE_PARAMS: dict[str, dict] = {
    "truncate": {"length": 3},
    "generalize": {"prefix": 3},
    "date_shift": {"max_days": 10, "subject": "s"},
}


@pytest.mark.parametrize("name", OPERATOR_NAMES)
def test_operator_has_its_strength_and_leaves_in_clear_answer(name: str) -> None:
    # The policy checks sensitive fields with this answer and the evolution check compares it:
    # every operator gives it (register() has no default), and it agrees with the rest.
    op = all_operators()[name]
    params = op.params(**SAMPLE_PARAMS.get(name, {}))
    clear = op.leaves_clear(SqlType("STRING"), params)
    assert isinstance(op.strength, int) and isinstance(clear, Clear) and clear.what.strip()
    assert clear.chars is None or clear.chars >= 0
    assert clear.compare(clear) == 0
    if name == "keep":
        assert clear.whole
    if not op.copies_input:  # a constant or a digest: none of the value's characters
        assert clear.chars == 0 and not clear.classes


KEPT = {"upper": "keep", "lower": "keep", "digit": "keep", "other": "keep"}


@pytest.mark.parametrize(
    ("name", "params", "sql_type", "chars"),
    [
        ("keep", {}, "STRING", None),  # the whole value
        ("redact", {}, "STRING", 0),
        ("nullify", {}, "INT", 0),
        ("hash", {}, "STRING", 0),
        ("tokenize", {}, "STRING", 0),
        ("mask", {}, "STRING", 0),  # only class other (punctuation) stays
        ("mask", KEPT, "STRING", None),  # every class kept: the identity
        ("mask", {"digit": "keep"}, "STRING", None),  # an SSN is all digits
        ("mask", {"digit": -1}, "STRING", None),  # Hive's UNMASKED_VAL
        ("mask_first", {"n": 0}, "STRING", None),  # masks nothing
        ("mask_first", {"n": 4}, "STRING", None),  # everything after the first 4
        ("mask_last", {"n": 4}, "STRING", None),
        ("mask_show_last", {"n": 4}, "STRING", 4),
        ("mask_show_last", {"n": 99}, "STRING", 99),
        ("mask_show_first", {"n": 2}, "STRING", 2),
        ("mask_show_last", {"n": 4, "upper": "keep"}, "STRING", None),
        ("truncate", {"length": 11}, "STRING", 11),  # whole when shorter: counted as 11
        ("truncate", {"length": 100000}, "STRING", 100000),
        ("email", {"mode": "tokenize"}, "STRING", 0),  # and the domain, by design
        ("email", {"mode": "mask"}, "STRING", 0),
        ("generalize", {"prefix": 3}, "STRING", 3),
        ("generalize", {"to": "year"}, "DATE", 0),
        ("generalize", {"bucket": "1000"}, "DECIMAL(12, 2)", 0),
        ("generalize", {"bucket": "0.01"}, "DECIMAL(12, 2)", None),  # a bucket per value
        ("generalize", {"bucket": "1"}, "INT", None),
        ("generalize", {"bucket": "5"}, "INT", 0),
        ("date_shift", {"max_days": 1, "subject": "s"}, "DATE", 0),
        ("scrub", {}, "STRING", 0),  # and the text around what it replaces, by design
        ("scrub", {"entities": [], "record_fields": []}, "STRING", None),  # replaces nothing
    ],
)
def test_leaves_clear_answers(name: str, params: dict, sql_type: str, chars: int | None) -> None:
    op = all_operators()[name]
    assert op.leaves_clear(parse_sql_type(sql_type), op.params(**params)).chars == chars


@pytest.mark.parametrize(
    ("old", "new", "direction"),
    [
        (Clear(4, "4"), Clear(2, "2"), 1),  # fewer characters
        (Clear(0, "0"), Clear(None, "all"), -1),
        (Clear(None, "all"), Clear(None, "all"), 0),
        (Clear(4, "4", frozenset({"other"})), Clear(4, "4"), 1),  # a class masked now
        (Clear(4, "4"), Clear(2, "2", frozenset({"digit"})), -1),  # fewer, but a class kept
    ],
)
def test_clear_compare(old: Clear, new: Clear, direction: int) -> None:
    assert old.compare(new) == direction
