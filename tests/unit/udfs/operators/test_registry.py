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
    Operator,
    Params,
    all_operators,
    operator_modules,
)
from udfs.sql_types import SqlType

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
