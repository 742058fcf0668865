"""Detectors beyond US formats: phone numbers of any region (validated by `phonenumbers`),
national identifiers (checksums from `python-stdnum`), IBANs of every registry country in any
case, and dates of birth (a date with a context word in one of the supported languages) or, as
an option, any date.

Candidates come from one RE2 scan of the whole column (linear time, through Arrow); Python
looks only at candidates, within each text's work budget (udfs.detection.budget).
Texts arrive normalized (udfs.detection.normalize.normalize_for_detection): ASCII digits, plain
spaces, no invisible characters.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable

from stdnum import iban as std_iban
from stdnum.br import cpf
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.gb import nhs
from stdnum.in_ import aadhaar, pan
from stdnum.it import codicefiscale
from stdnum.jp import in_ as my_number
from stdnum.nl import bsn

from udfs.detection.budget import CLASSIFY, NO_LIMIT, Budget
from udfs.detection.checksums import NON_DIGIT, card_valid, ssn_valid
from udfs.detection.context_words import DOB_CONTEXT, ID_CONTEXT, PHONE_CONTEXT, has_context
from udfs.detection.phone_numbers import is_phone
from udfs.detection.value_forms import MONTH_NAMES

# The locales the detectors are tuned and tested for; a policy may name others (`regions`).
DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "BR", "JP", "IN")

_MONTHS = sorted({n for names in MONTH_NAMES.values() for n in names}, key=len, reverse=True)
_MONTH = "(?:" + "|".join([*_MONTHS, *sorted({m[:3] for m in _MONTHS})]) + r")\.?"
# Two digit groups holding at least 8 digits between them, the first of each length.
_TWO_GROUPS_OF_8 = "|".join(
    [*(rf"\d{{{n}}}[ ./-]\d{{{8 - n},}}" for n in range(1, 8)), r"\d{8,}[ ./-]\d+"]
)
CANDIDATES = "|".join(
    (
        # identifiers with letters: IT codice fiscale, ES DNI and NIE, GB NINO, IN PAN
        r"(?i:\b[a-z]{6}\d{2}[a-z]\d{2}[a-z]\d{3}[a-z]\b)",
        r"(?i:\b[xyz]?\d{7,8}[- ]?[a-z]\b)",
        r"(?i:\b[a-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[a-d]\b)",
        r"(?i:\b[a-z]{5}\d{4}[a-z]\b)",
        # IBANs of any country, any case, spaces or dashes between groups
        r"(?i:\b[a-z]{2}\d{2}(?:[ -]?[a-z0-9]{4}){2,7}(?:[ -]?[a-z0-9]{1,3})?\b)",
        # dates written with a month name, and Japanese ones
        rf"(?i:\b\d{{1,2}}(?:\.|er|st|nd|rd|th)?[ -](?:de )?{_MONTH},?[ -](?:de )?\d{{4}}\b)",
        rf"(?i:\b{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b)",
        r"\d{4}年\d{1,2}月\d{1,2}日",
        # phone numbers, cards, SSNs and digit identifiers, numeric dates: an international
        # prefix, an area code in brackets, or digit groups with any separator (classify splits
        # a leading date off). A lone group of fewer than 8 digits is none of these: RE2 skips
        # it rather than Python (an amount, a ZIP code, a quantity), and so are two groups of
        # fewer than 8 digits together (a price, a ticket number): a date has three groups, the
        # rest at least 8 digits.
        r"(?:\+|\b00)\d(?:[ ./-]?\(?\d+\)?){2,8}\b",
        r"\(\d{1,5}\) ?\d+(?:[ ./-]\d+){0,6}\b",
        r"\b(?:\d+(?:[ ./-]\d+){2,11}|" + _TWO_GROUPS_OF_8 + r"|\d{8,})\b",
    )
)

_NINO = re.compile(r"(?i)[a-ceghj-prstw-z][a-ceghj-npr-tw-z] ?\d{2} ?\d{2} ?\d{2} ?[a-d]")
_NUMERIC_DATE = re.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{2,4})")
_WRITTEN_DATE = re.compile(
    rf"(?i)(\d{{1,2}})\D*?\b({_MONTH})\W*(\d{{4}})|({_MONTH})\W*(\d{{1,2}})\D*(\d{{4}})"
)
_LETTER = re.compile(r"[^\W\d_]")  # a written date has a month name; most candidates have none
_JA_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_MONTH_NUMBER = {
    name[:n]: i + 1 for names in MONTH_NAMES.values() for i, name in enumerate(names)
    for n in (3, len(name))
}  # fmt: skip


def _valid_date(y: int, m: int, d: int) -> bool:
    if y < 100:
        y += 1900 if y > 30 else 2000
    try:
        day = dt.date(y, m, d)
    except ValueError:
        return False
    return 1900 <= day.year <= 2100


def _is_date(candidate: str) -> bool:
    match = _NUMERIC_DATE.fullmatch(candidate)
    if match:
        a, b, c = (int(g) for g in match.groups())
        if len(match.group(1)) == 4:
            return _valid_date(a, b, c)
        if len(match.group(3)) not in (2, 4):
            return False
        return _valid_date(c, b, a) or _valid_date(c, a, b)
    ja = _JA_DATE.fullmatch(candidate)
    if ja:
        return _valid_date(*(int(g) for g in ja.groups()))
    written = _LETTER.search(candidate) and _WRITTEN_DATE.search(candidate)
    if written:
        day, month, year = written.group(1, 2, 3) if written.group(1) else written.group(5, 4, 6)
        number = _MONTH_NUMBER.get(month.lower().rstrip("."))
        return number is not None and _valid_date(int(year), number, int(day))
    return False


def _letter_id(candidate: str) -> bool:
    compact = candidate.replace(" ", "").replace("-", "").upper()
    if len(compact) == 16:
        return codicefiscale.is_valid(compact)
    if len(compact) == 9 and compact[0] in "XYZ" and nie.is_valid(compact):
        return True
    if len(compact) == 9 and compact[:8].isdigit():
        return dni.is_valid(compact)
    if len(compact) == 9 and _NINO.fullmatch(compact):
        return True  # a NINO has no check digit: its letters and shape are the whole rule
    if len(compact) == 10:
        return pan.is_valid(compact)
    return False


# Digit identifiers by length: (validator, shape that needs no context word).
_DIGIT_IDS: dict[int, list[tuple[Callable[[str], bool], re.Pattern[str] | None]]] = {
    9: [(bsn.is_valid, re.compile(r"\d{4}\.\d{2}\.\d{3}"))],
    10: [(nhs.is_valid, None)],  # shaped like a phone number: only after a context word
    11: [
        (cpf.is_valid, re.compile(r"\d{3}\.\d{3}\.\d{3}-\d{2}")),
        (idnr.is_valid, re.compile(r"\d{2} \d{3} \d{3} \d{3}")),
    ],
    12: [
        (aadhaar.is_valid, re.compile(r"\d{4}[ -]\d{4}[ -]\d{4}")),
        (my_number.is_valid, re.compile(r"\d{4}[ -]\d{4}[ -]\d{4}")),
    ],
    15: [(nir.is_valid, re.compile(r".*"))],  # sex, year, month, place, order, key: no context
}


def _digit_id(candidate: str, digits: str, text: str, start: int, *, shaped: bool = True) -> bool:
    """A checksum-valid national id of this length after a context word, or (`shaped`) in
    the id's own grouping."""
    for valid, shape in _DIGIT_IDS.get(len(digits), ()):
        if (
            (shaped and shape is not None and shape.fullmatch(candidate))
            or has_context(text, start, ID_CONTEXT)
        ) and valid(digits):
            return True
    return False


_SSN_SHAPE = re.compile(r"\d{3}([ ./-])\d{2}\1\d{4}")
_DATE_PREFIX = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}(?= )")


def _one(
    candidate: str,
    text: str,
    start: int,
    regions: tuple[str, ...],
    *,
    budget: Budget,
    phone_known: bool,
    context_at: int | None = None,
    in_list: bool = False,
) -> str | None:
    """The entity type of the candidate text[start:start + len(candidate)], or None. Context
    words are looked for before `context_at` (default `start`): a number in a list after
    "Tel." has the list's context. A piece of a longer run of digits (`in_list`) is held to
    more: no card number (a checksum one in ten windows pass), an id only after a context
    word (see also _in_list for phone numbers)."""
    budget.spend(CLASSIFY)
    at = start if context_at is None else context_at
    if _is_date(candidate):
        return "DATE_OF_BIRTH" if has_context(text, at, DOB_CONTEXT) else "DATE"
    if candidate[:2].isalpha():
        compact = re.sub(r"[ -]", "", candidate).upper()
        # An IBAN is a country code, two check digits and the account: stdnum decides.
        if len(compact) >= 15 and compact[2:4].isdigit() and std_iban.is_valid(compact):
            return "IBAN"
        return "NATIONAL_ID" if _letter_id(candidate) else None
    if candidate[-1:].isalpha():
        return "NATIONAL_ID" if _letter_id(candidate) else None
    end = start + len(candidate)
    if start >= 2 and text[start - 1] in "-./_:" and text[start - 2].isalnum():
        return None  # the tail of a longer token (a ticket "A-123-45-6789", a version, a UUID)
    if end + 1 < len(text) and text[end] in "-./_:" and text[end + 1].isalnum():
        return None  # the head of a longer token
    digits = NON_DIGIT.sub("", candidate)
    if _SSN_SHAPE.fullmatch(candidate) and ssn_valid(digits):
        return "US_SSN"
    if not in_list and 12 <= len(digits) <= 19 and card_valid(digits):
        return "CREDIT_CARD"
    if _digit_id(candidate, digits, text, at, shaped=not in_list):
        return "NATIONAL_ID"
    if phone_known:
        return None
    return "PHONE" if is_phone(candidate, digits, text, at, regions, budget=budget) else None


def classify(
    candidate: str,
    text: str,
    start: int,
    regions: tuple[str, ...],
    budget: Budget = NO_LIMIT,
    *,
    phone_known: bool = False,
    context_at: int | None = None,
) -> list[tuple[str, int, int]]:
    """The entities in the candidate text[start:start + len(candidate)]: (type, start, end)
    in the text. A numeric date followed by more digits ("1949-02-17 10") is a date and
    whatever follows it; a candidate that is no entity as a whole may be several written one
    after the other (_in_list). `phone_known`: the US detectors read it as a phone number
    already, so only what outranks one is looked for. Context words count before `context_at`
    (default `start`)."""
    at = start if context_at is None else context_at
    one = functools.partial(_one, budget=budget, phone_known=phone_known, context_at=at)
    head = _DATE_PREFIX.match(candidate)
    if head and _is_date(head.group()):
        date = one(head.group(), text, start, regions)
        rest_at = head.end() + 1
        rest = classify(
            candidate[rest_at:], text, start + rest_at, regions, budget,
            phone_known=phone_known, context_at=at,
        )  # fmt: skip
        return [(date, start, start + head.end()), *rest] if date else rest
    entity = one(candidate, text, start, regions)
    if entity is not None:
        return [(entity, start, start + len(candidate))]
    if candidate[:1].isalpha() or candidate[-1:].isalpha():
        return []
    return _in_list(candidate, text, start, regions, one, context_at=at, phone_known=phone_known)


# The digit groups of a candidate, and how many of them one entity may span (a French phone
# number has five, a Brazilian CPF four).
_GROUP = re.compile(r"[^ ./-]+")
_MAX_GROUPS = 6


def _may_hold_one(digits: int, groups: int) -> bool:
    """Whether so many digits in so many groups can be one entity: a numeric date (three
    groups, 4 to 8 digits), or a phone number, SSN, card or id (8 to 19 digits)."""
    return 8 <= digits <= 19 or (groups == 3 and 4 <= digits <= 8)


def _in_list(
    candidate: str,
    text: str,
    start: int,
    regions: tuple[str, ...],
    one: Callable[..., str | None],
    *,
    context_at: int,
    phone_known: bool,
) -> list[tuple[str, int, int]]:
    """The entities of a candidate that is none as a whole: numbers written one after the
    other ("Tel. 07911 123456 07911 123457", two dates, a phone and an order number), each with
    the candidate's context (`one`: _one with the candidate's budget and context). Of the ways
    to cut it into entities, the one that covers the most of it (a German number may end after
    two groups or three: "0301 234567 0301 234567")."""
    groups = [m.span() for m in _GROUP.finditer(candidate)]
    n = len(groups)
    # A list of phone numbers starts with one, or follows a word such as "Tel.": not so a card
    # number with a bad checksum.
    listed = candidate.startswith(("(", "0", "+")) or has_context(text, context_at, PHONE_CONTEXT)
    phones = {} if listed else {"phone_known": True}
    # Where no piece can be a phone number and no word before says "id", a piece can only be a
    # numeric date or an SSN: three groups (in a list, cards are not read and ids need context).
    only_three = (phone_known or not listed) and not has_context(text, context_at, ID_CONTEXT)
    # best[i]: the most characters of groups i.. that entities cover, and the first of them.
    best: list[tuple[int, tuple[int, str] | None]] = [(0, None)] * (n + 1)
    digits_before = [0]
    for a, b in groups:
        digits_before.append(digits_before[-1] + sum(c.isdigit() for c in candidate[a:b]))
    for i in range(n - 1, -1, -1):
        best[i] = (best[i + 1][0], None)
        for j in range(i, min(n, i + _MAX_GROUPS)):
            a, b = groups[i][0], groups[j][1]
            digits = digits_before[j + 1] - digits_before[i]
            if (i == 0 and j == n - 1) or not _may_hold_one(digits, j - i + 1):
                continue  # the whole candidate was tried
            if only_three and j - i != 2:
                continue
            entity = one(candidate[a:b], text, start + a, regions, in_list=True, **phones)
            if entity is not None and b - a + best[j + 1][0] > best[i][0]:
                best[i] = (b - a + best[j + 1][0], (j, entity))
    found: list[tuple[str, int, int]] = []
    i = 0
    while i < n:
        choice = best[i][1]
        if choice is None:
            i += 1
            continue
        j, entity = choice
        found.append((entity, start + groups[i][0], start + groups[j][1]))
        i = j + 1
    return found
