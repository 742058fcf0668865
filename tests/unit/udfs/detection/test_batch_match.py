"""udfs.detection.batch_match: one Aho-Corasick pass over a batch says which rows may hold
which of their own values. It must never miss one (the exact check only confirms what it
passes on), and a value of another row is no candidate."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from udfs.detection import batch_match
from udfs.detection.batch_match import candidates, haystacks
from udfs.detection.normalize import digit_views, fold
from udfs.detection.record_values import RecordForms, TextView

KINDS = {"full_name": "name", "phone": "phone", "birth_date": "date", "note": "text"}


def _candidates(
    forms: RecordForms, rows: list[dict[str, object]], texts: list[str]
) -> dict[int, list[str]]:
    fields = list(KINDS)
    columns = [forms.column(f, pd.Series([r.get(f) for r in rows], dtype=object)) for f in fields]
    folded = [fold(t) for t in texts]
    views = [TextView(f, d) for f, d in zip(folded, digit_views(folded), strict=True)]
    forms.needles.start_batch()
    found = candidates(forms.needles, haystacks(views), columns)
    return {row: [fields[j] for j in js] for row, js in found.items()}


ANNA = {"full_name": "Anna Müller", "phone": "+49 30 1234567", "birth_date": dt.date(1949, 2, 17)}
BOB = {"full_name": "Bob Stone", "phone": "(555) 201-1234", "birth_date": dt.date(1980, 11, 3)}

CASES = [
    # A name part, in another case and without its accent.
    pytest.param(ANNA, "Frau MULLER rief an", ["full_name"], id="name-part-unaccented"),
    # The phone by its digits, other separators, the national number only.
    pytest.param(ANNA, "Tel. 030/123 45 67", ["phone"], id="phone-national"),
    # A date of birth written out in German: its month name is the needle.
    pytest.param(ANNA, "geboren am 17. Februar 1949", ["birth_date"], id="date-written"),
    # The date in day-first digits.
    pytest.param(ANNA, "DOB 17.02.1949", ["birth_date"], id="date-digits"),
    # Full-width digits are folded first.
    pytest.param(BOB, "call ５５５２０１１２３４", ["phone"], id="phone-fullwidth"),
    # Several fields of one row at once.
    pytest.param(BOB, "Stone, 555 201 1234", ["full_name", "phone"], id="two-fields"),
    # Nothing of the row's own.
    pytest.param(BOB, "all good, thanks", [], id="nothing"),
    # A short name part inside a longer word is not the name (its needle holds the word edges).
    pytest.param(BOB, "Bobsleigh at Stonehenge", [], id="inside-longer-words"),
    # ... but next to punctuation, digits' separators or CJK text it stands whole.
    pytest.param(BOB, "(bob)/stone", ["full_name"], id="name-between-punctuation"),
    pytest.param(BOB, "担当ボブBob様", ["full_name"], id="name-next-to-cjk"),
    # A month name's start stands for the written date, after a space or punctuation only.
    pytest.param(BOB, "born on 3.nov. 1980", ["birth_date"], id="month-after-dot"),
    pytest.param(BOB, "a novel from 1980", ["birth_date"], id="year-digits-still-a-needle"),
]


@pytest.mark.parametrize(("row", "text", "fields"), CASES)
def test_a_rows_own_value_is_a_candidate(
    row: dict[str, object], text: str, fields: list[str]
) -> None:
    found = _candidates(RecordForms(KINDS), [row], [text])
    assert found.get(0, []) == fields


def test_another_rows_value_is_no_candidate() -> None:
    # Anna's note names Bob and Bob's phone: not Anna's values, so not Anna's candidates.
    found = _candidates(RecordForms(KINDS), [ANNA, BOB], ["Bob Stone, 555 201 1234", "hello"])
    assert found == {}


def test_the_automaton_grows_with_new_values_and_keeps_the_old() -> None:
    forms = RecordForms(KINDS)
    assert _candidates(forms, [ANNA], ["Müller"]) == {0: ["full_name"]}
    size = len(forms.needles)
    assert _candidates(forms, [BOB, ANNA], ["Stone", "Anna"]) == {
        0: ["full_name"],
        1: ["full_name"],
    }
    assert len(forms.needles) > size  # Bob's needles were added
    grown = len(forms.needles)
    assert _candidates(forms, [ANNA, BOB], ["x", "5552011234"]) == {1: ["phone"]}
    assert len(forms.needles) == grown  # nothing new: nothing added


def test_a_full_index_starts_afresh_and_still_finds_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(batch_match, "NEEDLE_LIMIT", 5)
    forms = RecordForms(KINDS)
    for _ in range(3):
        assert _candidates(forms, [ANNA, BOB], ["Müller", "Stone"]) == {
            0: ["full_name"], 1: ["full_name"]}  # fmt: skip
    assert forms.needles.generation >= 1


def test_a_long_value_is_looked_for_by_its_start() -> None:
    note = "Customer asked about the invoice sent last week and the refund 88412"
    forms = RecordForms(KINDS)
    found = _candidates(forms, [{"note": note}], [f"copied: {note.upper()}"])
    assert found == {0: ["note"]}
    assert max(len(n) for n in forms.needles._ids) <= 24
