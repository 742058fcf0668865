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

import phonenumbers
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

from udfs.detection.budget import CLASSIFY, PARSE, Budget
from udfs.detection.checksums import NON_DIGIT, card_valid, ssn_valid
from udfs.detection.value_forms import MONTH_NAMES

# The locales the detectors are tuned and tested for; a policy may name others (`regions`).
DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "BR", "JP", "IN")

_MONTHS = sorted({n for names in MONTH_NAMES.values() for n in names}, key=len, reverse=True)
_MONTH = "(?:" + "|".join([*_MONTHS, *sorted({m[:3] for m in _MONTHS})]) + r")\.?"
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
        rf"(?i:\b\d{{1,2}}(?:\.|er|st|nd|rd|th)? (?:de )?{_MONTH},? (?:de )?\d{{4}}\b)",
        rf"(?i:\b{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b)",
        r"\d{4}年\d{1,2}月\d{1,2}日",
        # phone numbers, cards, SSNs and digit identifiers, numeric dates: an international
        # prefix, an area code in brackets, or digit groups with any separator (classify splits
        # a leading date off). A lone group of fewer than 8 digits is none of these: RE2 skips
        # it rather than Python (an amount, a ZIP code, a quantity).
        r"(?:\+|\b00)\d(?:[ ./-]?\(?\d+\)?){2,8}\b",
        r"\(\d{1,5}\) ?\d+(?:[ ./-]\d+){0,6}\b",
        r"\b(?:\d{8,}|\d+(?:[ ./-]\d+){1,6})\b",
    )
)

DOB_CONTEXT = (
    "dob", "d.o.b", "date of birth", "birth date", "birthdate", "birthday", "born",
    "geboren", "geburtsdatum", "geb.", "né le", "née le", "né", "née", "date de naissance",
    "fecha de nacimiento", "nacido", "nacida", "f. nac", "nato il", "nata il", "nato", "nata",
    "data di nascita", "geboortedatum", "geboren op", "data de nascimento", "nascido",
    "nascida", "生年月日", "生まれ", "誕生日", "जन्म",
)  # fmt: skip
PHONE_CONTEXT = (
    "phone", "call", "tel", "mobile", "cell", "fax", "contact", "reachable", "whatsapp",
    "telefon", "handy", "anrufen", "rückruf", "téléphone", "tél", "portable", "appeler",
    "teléfono", "tlf", "tfno",
    "móvil", "llamar", "telefono", "cellulare", "chiamare", "telefoon", "mobiel", "bellen",
    "telefone", "celular", "ligar", "電話", "携帯", "फ़ोन",
)  # fmt: skip
ID_CONTEXT = (
    "bsn", "burgerservicenummer", "sofinummer", "cpf", "steuer", "idnr", "identifikations",
    "aadhaar", "aadhar", "マイナンバー", "個人番号", "my number", "nir", "sécurité sociale",
    "securite sociale", "insee", "nhs", "national insurance", "id number", "national id",
    "tax id", "personal id", "codice fiscale", "dni", "nie", "pan", "nino", "-id", " id",
    "steuer-id", "steuernummer", "rg", "cpf/cnpj", "身分証", "番号",
)  # fmt: skip
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


# What may stand between a context word and its value: punctuation and the small words of the
# supported languages ("DOB: ", "born on ", "geboren am ", "né le ", "nacido el "). Matched on
# the reversed text, from its start: one linear pass, where "(...)+$" tries every position.
_FILLER_WORDS = (
    "number|num|no|nr|n°|is|was|of|on|at|the|am|le|la|el|il|em|op|est|ist|es|è|é|de|du|do|da|"
    "van|der"
)
_LEAD_FILLER_REVERSED = re.compile(
    r"(?:[\s:#.=,()/-]|\b(?:" + "|".join(w[::-1] for w in _FILLER_WORDS.split("|")) + r")\b)+"
)


@functools.lru_cache(maxsize=256)
def _words_before(text: str, start: int, window: int) -> tuple[str, str]:
    """The text right before `start`, lower case, without trailing punctuation; and the same
    without the filler words and punctuation it ends with."""
    raw = text[max(0, start - window) : start].lower().rstrip(" :#.=,()/-")
    filler = _LEAD_FILLER_REVERSED.match(raw[::-1])
    return raw, raw[: len(raw) - filler.end()] if filler else raw


def _context(text: str, start: int, words: tuple[str, ...], window: int = 48) -> bool:
    """True when the words right before `start` end with one of `words`; a context word further
    back, before other text, does not count."""
    raw, before = _words_before(text, start, window)
    return raw.endswith(words) or before.endswith(words)


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


def _digit_id(candidate: str, digits: str, text: str, start: int) -> bool:
    for valid, shape in _DIGIT_IDS.get(len(digits), ()):
        if (
            (shape is not None and shape.fullmatch(candidate)) or _context(text, start, ID_CONTEXT)
        ) and valid(digits):
            return True
    return False


def _phone(
    candidate: str,
    digits: str,
    text: str,
    start: int,
    regions: tuple[str, ...],
    *,
    budget: Budget | None,
) -> bool:
    if not 8 <= len(digits) <= 15:
        return False
    if candidate.startswith(("+", "00")):
        if budget is not None:
            budget.spend(PARSE)
        number = "+" + candidate[2:] if candidate.startswith("00") else candidate
        try:
            return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
        except phonenumbers.NumberParseException:
            return False
    # A trunk prefix or an area code in brackets says "phone"; other digit groups (an order
    # number, an amount) are a phone number only when the words before say so.
    if not (candidate.startswith(("(", "0")) or _context(text, start, PHONE_CONTEXT)):
        return False
    for region in regions:
        if budget is not None:
            budget.spend(PARSE)
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(candidate, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


_SSN_SHAPE = re.compile(r"\d{3}([ ./-])\d{2}\1\d{4}")
_DATE_PREFIX = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}(?= )")


def _one(
    candidate: str,
    text: str,
    start: int,
    regions: tuple[str, ...],
    *,
    budget: Budget | None,
    phone_known: bool,
) -> str | None:
    if budget is not None:
        budget.spend(CLASSIFY)
    if _is_date(candidate):
        return "DATE_OF_BIRTH" if _context(text, start, DOB_CONTEXT) else "DATE"
    if candidate[:2].isalpha():
        compact = re.sub(r"[ -]", "", candidate).upper()
        if len(compact) >= 15 and std_iban.is_valid(compact):
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
    if 12 <= len(digits) <= 19 and card_valid(digits):
        return "CREDIT_CARD"
    if _digit_id(candidate, digits, text, start):
        return "NATIONAL_ID"
    if not phone_known and _phone(candidate, digits, text, start, regions, budget=budget):
        return "PHONE"
    return None


def classify(
    candidate: str,
    text: str,
    start: int,
    regions: tuple[str, ...],
    budget: Budget | None = None,
    *,
    phone_known: bool = False,
) -> list[tuple[str, int, int]]:
    """The entities in the candidate text[start:start + len(candidate)]: (type, start, end)
    in the text. A numeric date followed by more digits ("1949-02-17 10") is a date and
    whatever follows it. `phone_known`: the US detectors read it as a phone number already, so
    only what outranks one is looked for."""
    head = _DATE_PREFIX.match(candidate)
    if head and _is_date(head.group()):
        date = _one(head.group(), text, start, regions, budget=budget, phone_known=phone_known)
        rest_at = head.end() + 1
        rest = classify(
            candidate[rest_at:], text, start + rest_at, regions, budget, phone_known=phone_known
        )
        return [(date, start, start + head.end()), *rest] if date else rest
    entity = _one(candidate, text, start, regions, budget=budget, phone_known=phone_known)
    return [] if entity is None else [(entity, start, start + len(candidate))]
