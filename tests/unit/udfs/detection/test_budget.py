"""The work budget of a text (udfs.detection.budget): a text that needs more Python work than
BASE + PER_CHAR units per character is replaced whole by `scrub` and counted by the mask job as
`(budget)@column`; an ordinary text, however dense with entities, is scrubbed as usual. Every
value here is fake."""

from __future__ import annotations

import pytest

from tests.unit.udfs.operators.op_cases import run_op
from tests.unit.udfs.test_residual import _mask, _row
from udfs.detection.budget import BASE, OVER_BUDGET, PARSE, Budget, OverBudgetError
from udfs.detection.detectors import detect_column
from udfs.flink.audit_functions import _residual_counts

NOTE = 16_380  # characters: the longest note the parser lets through is 16 KiB


def _fill(unit: str, size: int = NOTE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


OVER = [
    # Digits and single spaces: every group a candidate, cut and tried again.
    pytest.param(_fill("1 "), id="ones-and-spaces"),
    # The same in full-width digits: every character mapped by the normalization first.
    pytest.param(_fill("\uff11 "), id="full-width-digits"),
    # Digits and no-break spaces: a separator the candidate scan reads as a space.
    pytest.param(_fill("1\u00a0"), id="digits-and-nbsp"),
]

UNDER = [
    # A short note spends at most BASE, which no short note reaches.
    pytest.param("call +49 30 1234567 or 0301 234567, SSN 123-45-6789", id="short"),
    # A long note with a handful of entities.
    pytest.param("Call +49 30 1234567 today. " + _fill("lorem ipsum ", 16_000), id="long-prose"),
    # Twenty phone numbers in 2 KiB.
    pytest.param(_fill("ring +49 30 1234567 then wait a while ", 2_000), id="dense-but-fair"),
]


@pytest.mark.parametrize("text", OVER)
def test_a_text_over_its_budget_is_replaced_whole(text: str) -> None:
    assert run_op("scrub", [text, "SSN 123-45-6789"]) == [OVER_BUDGET, "SSN <US_SSN>"]


@pytest.mark.parametrize("text", UNDER)
def test_a_text_within_its_budget_is_scrubbed(text: str) -> None:
    over: set[int] = set()
    found = detect_column([text], over_budget=over)
    assert over == set()
    assert found[0], "the entities in it are found"
    out = run_op("scrub", [text])[0]
    assert out != OVER_BUDGET
    assert "1234567" not in out


def test_the_budget_is_counted_work_so_every_run_answers_the_same() -> None:
    texts = [p.values[0] for p in OVER + UNDER]
    first: set[int] = set()
    second: set[int] = set()
    detect_column(texts, over_budget=first)
    detect_column(texts, over_budget=second)
    assert first == second == set(range(len(OVER)))


def test_a_budget_grows_with_the_text_and_stops_when_spent() -> None:
    budget = Budget(0)
    for _ in range(BASE // PARSE):
        budget.spend(PARSE)
    with pytest.raises(OverBudgetError):
        budget.spend(PARSE)
    assert Budget(1000).left > Budget(10).left


def test_the_mask_job_counts_a_text_replaced_over_budget() -> None:
    out = _mask([_row(note=_fill("1 ")), _row()])
    assert out["note"][0] == OVER_BUDGET
    assert out["residual_fields"][0] == "(budget)@note"
    assert out["residual_fields"][1] is None
    assert _residual_counts(out["residual_fields"]) == {"(budget)": 1}


def test_without_a_budget_every_text_is_read_whole() -> None:
    # The audit's leak scan reads masked text without a budget: it must see every entity.
    found = detect_column([_fill("+49 30 1234567 ", 3_000)])
    assert len(found[0]) == 200
