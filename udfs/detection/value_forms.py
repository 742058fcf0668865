"""The forms of one value: how a person writes a name, an address, an email, a phone number, a
date or a number in text, as the folded words and digit strings record_values looks for."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from udfs.detection.normalize import fold
from udfs.detection.phone_numbers import national_number
from udfs.sql_types import SqlType

MIN_WORD = 2
# What batch_match searches for of a longer form: its start.
NEEDLE_CHARS = 24
# Around a short word of ASCII letters and digits, its needle holds the word's edges: it matches
# the bounded view of a text (batch_match.haystacks) only where the word may stand whole (a form
# of a word matches whole words only, see record_values._word_at), not inside longer words.
WORD_EDGE = " "
_SHORT_WORD = 8


def _bounded(word: str, *, end: bool = True) -> str:
    """The needle of a word form; with end=False, of a word's start (a month name's first
    letters stand for every written form of the date, each with the name after a space)."""
    if len(word) <= _SHORT_WORD and word.isascii() and word.isalnum():
        return f"{WORD_EDGE}{word}{WORD_EDGE if end else ''}"
    return word


# Digit forms shorter than this must be a whole number (a postal code, a short date): inside a
# longer number they would be a coincidence.
LONG_DIGITS = 7
_HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "md",
        "phd",
        "dds",
        "esq",
        "herr",
        "frau",
        "sra",
        "srta",
        "mme",
        "mlle",
        "m",
        "dott",
        "dhr",
        "mevr",
        "sig",
    ]
)


@dataclass
class Forms:
    """The forms of one value: folded words (matched at word boundaries) and digit strings."""

    strong_words: set[str] = field(default_factory=set)
    weak_words: set[str] = field(default_factory=set)
    strong_digits: set[str] = field(default_factory=set)
    weak_digits: set[str] = field(default_factory=set)
    # A date's written forms: `date_anchors` stand for them among the needles (see needles).
    written_dates: set[str] = field(default_factory=set)
    # Identifiers of letters and digits, matched with every separator taken out of the text
    # ("BBT LCU 52B 04B 350 L" is the codice fiscale BBTLCU52B04B350L).
    compact: set[str] = field(default_factory=set)
    # Strings one of which every word form contains (a date's month names): a text holding
    # none of them holds no word form, which spares the many written forms of a date.
    word_gate: tuple[str, ...] = ()
    # A date whose written forms (hundreds: every language, every order) are made only when a
    # text is matched against them (see _words); `date_anchors`, its month names, stand for them
    # among the needles.
    pending_date: dt.date | None = None
    date_anchors: frozenset[str] = frozenset()
    # NeedleIndex ids of needles(): (index generation, ids).
    _needle_ids: Any = field(default=None, repr=False, compare=False)

    def words_may_be_in(self, folded: str) -> bool:
        return not self.word_gate or any(g in folded for g in self.word_gate)

    def __bool__(self) -> bool:
        return bool(
            self.strong_words
            or self.weak_words
            or self.strong_digits
            or self.weak_digits
            or self.compact
            or self.pending_date
        )

    def freeze(self) -> Forms:
        """Fix the digit forms as tuples for matching (a Forms is matched many times, built
        once); the word forms follow on first use."""
        self._digits = (tuple(self.strong_digits), tuple(self.strong_digits | self.weak_digits))
        # As looked for in a digit view (normalize.digit_view). Strong forms only (index 0, the
        # residual check of structured columns): each as a whole number, since ids such as UUIDs
        # hold long runs of digits that contain an 8-digit date by chance. With weak forms too
        # (index 1, free text): long forms anywhere in a number ("+1 555…" holds the national
        # number), short ones as a whole number.
        self._digit_checks = (
            tuple(f"|{d}|" for d in self._digits[0]),
            tuple(d if len(d) >= LONG_DIGITS else f"|{d}|" for d in self._digits[1]),
        )
        return self

    @cached_property
    def _words(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if self.pending_date is not None:
            _written_date_forms(self.pending_date, self)
        return (tuple(self.strong_words), tuple(self.strong_words | self.weak_words))

    def needles(self) -> tuple[str, ...]:
        """Strings one of which is in a text's folded, digit or compact view whenever a form
        is, strong or weak (batch_match searches a batch for them): each word form (a date's
        month names stand for its many written forms), digit string and compact id, cut to
        its first NEEDLE_CHARS (a whole note would grow the automaton by its length)."""
        every = (*self.strong_words, *self.weak_words)
        words = [_bounded(w) for w in every if w not in self.written_dates]
        words.extend(_bounded(a, end=False) for a in self.date_anchors)
        return tuple({n[:NEEDLE_CHARS] for n in (*words, *self._digits[1], *self.compact)})

    def words_for(self, weak: bool) -> tuple[str, ...]:
        return self._words[weak]

    def digits_for(self, weak: bool) -> tuple[str, ...]:
        return self._digits[weak]


def kind_of(tags: tuple[str, ...], sql_type: SqlType) -> str:
    """How a field's values are written in text: name, address, email, phone, date, number or
    text."""
    if sql_type.is_temporal:
        return "date"
    if sql_type.is_numeric:
        return "number"
    for tag in tags:
        for kind in ("name", "address", "email", "phone"):
            if tag.endswith(f".{kind}") or tag.endswith(f".{kind}s"):
                return kind
        if tag.endswith((".birth_date", ".date", ".dob")):
            return "date"
    return "text"


def is_cjk(ch: str) -> bool:
    """Chinese, Japanese or Korean: scripts written without spaces between words."""
    return "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af"


def forms_of(value: Any, kind: str) -> Forms:
    """Every form of `value` worth looking for (none for nulls, booleans and tiny values)."""
    return _forms_of(value, kind).freeze()


def _forms_of(value: Any, kind: str) -> Forms:
    forms = Forms()
    if value is None or isinstance(value, bool) or value != value:  # noqa: PLR0124 (NaN)
        return forms
    if kind == "date" or isinstance(value, dt.date):
        _date_forms(value, forms)
        return forms
    if kind == "number" or isinstance(value, (int, float, Decimal)):
        _number_forms(value, forms)
        return forms
    text = str(value)
    folded = " ".join(fold(text).split())
    if len(folded) >= 4:
        forms.strong_words.add(folded)
    digits = "".join(c for c in folded if c.isdigit())
    if len(digits) >= 6:
        forms.strong_digits.add(digits)
    alnum = "".join(c for c in folded if c.isalnum())
    if kind == "text" and len(alnum) >= 8 and digits and not alnum.isdigit():
        forms.compact.add(alnum)
    if kind == "name":
        # A name part of one character is a word in CJK scripts (林, 森), an initial elsewhere.
        parts = [
            p
            for p in re.split(r"[^\w]+|_", folded)
            if len(p) >= MIN_WORD or "\u3400" <= p <= "\u9fff"
        ]
        parts = [p for p in parts if p not in _HONORIFICS]
        # As typed without accents too: "Muller" or "Mueller" for Müller, "Jurgen" for Jürgen.
        spellings = {" ".join(parts), *(" ".join(s) for s in _unaccented(parts))}
        for spelling in spellings:
            words = spelling.split()
            forms.weak_words.update(words)
            if len(words) >= 2:
                forms.strong_words.add(spelling)
                forms.strong_words.add(f"{words[-1]}, {' '.join(words[:-1])}")
                forms.strong_words.add(f"{words[-1]} {' '.join(words[:-1])}")
    elif kind == "address":
        number_street = re.match(r"(\d+[a-z]?)\s+(\w{2,})", folded)
        if number_street:
            forms.weak_words.add(f"{number_street.group(1)} {number_street.group(2)}")
        street_number = re.match(r"(\w{3,}(?: \w+)*?) (\d+[a-z]?)\b", folded)  # "Hauptstraße 5"
        if street_number:
            forms.weak_words.add(f"{street_number.group(1)} {street_number.group(2)}")
    elif kind == "email":
        local = folded.split("@", 1)[0]
        if len(local) >= 4:
            forms.weak_words.add(local)
    elif kind == "phone":
        _phone_forms(digits, forms, international=folded.lstrip().startswith(("+", "00")))
    return forms


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae",
                                  "ø": "oe", "å": "aa"})  # fmt: skip


def _unaccented(parts: list[str]) -> list[list[str]]:
    """The name parts with their accents dropped, and with German-style transliteration, where
    that changes them (CJK parts stay as they are)."""

    def strip(p: str) -> str:
        decomposed = unicodedata.normalize("NFKD", p)
        return "".join(c for c in decomposed if not unicodedata.combining(c))

    out = [[strip(p) for p in parts], [strip(p.translate(_TRANSLITERATION)) for p in parts]]
    return [o for o in out if o != parts]


def _phone_forms(digits: str, forms: Forms, international: bool = False) -> None:
    # The national number without a country code or trunk prefix, as people write it at home.
    if len(digits) >= 7:
        forms.strong_digits.add(digits)
    if len(digits) == 11 and digits[0] == "1":
        forms.strong_digits.add(digits[1:])
    if len(digits) >= 10 and digits.startswith("0"):
        forms.strong_digits.add(digits.lstrip("0"))
    if international:
        # "+49 30 1234567" is written "030 1234567" at home: the national significant number,
        # and with the trunk prefix most countries use.
        national = national_number(digits)
        if national and len(national) >= 7:
            forms.strong_digits.update((national, "0" + national))


def _number_forms(value: Any, forms: Forms) -> None:
    text = format(Decimal(str(value)), "f") if isinstance(value, float) else str(value)
    whole, _, fraction = text.lstrip("-").partition(".")
    # As stored (28555.3) and as written with cents (28,555.30): both digit strings.
    for cents in {fraction.rstrip("0"), fraction.rstrip("0").ljust(2, "0") if fraction else ""}:
        digits = whole + cents
        if len(digits) >= 4:
            (forms.strong_digits if len(digits) >= 5 else forms.weak_digits).add(digits)
    if fraction.rstrip("0") and len(whole) >= 4:
        forms.weak_digits.add(whole)


MONTHS = {
    "en": "january february march april may june july august september october november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
    "dezembro",
}
MONTH_NAMES = {lang: names.split() for lang, names in MONTHS.items()}


def _ordinal(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _date_forms(value: Any, forms: Forms) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not isinstance(day, dt.date):
        try:
            day = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return
    y, m, d = f"{day.year:04d}", day.month, day.day
    yy = y[2:]
    mm, dd = f"{m:02d}", f"{d:02d}"
    # Digits of the numeric forms (ISO, US, day first; padded or not; 2-digit years): any
    # separator, or none, between the parts.
    for month in {mm, str(m)}:
        for day_ in {dd, str(d)}:
            for a, b, c in ((y, month, day_), (month, day_, y), (day_, month, y)):
                forms.strong_digits.add(a + b + c)
            for a, b, c in ((month, day_, yy), (day_, month, yy), (yy, month, day_)):
                forms.weak_digits.add(a + b + c)
    forms.strong_words.update((f"{y}年{m}月{d}日", f"{y}年{mm}月{dd}日"))
    forms.pending_date = day
    forms.date_anchors = frozenset(names[m - 1][:3] for names in MONTH_NAMES.values())
    forms.word_gate = (*forms.date_anchors, "年")


def _written_date_forms(day: dt.date, forms: Forms) -> None:
    """The written forms of a date: "19 may 1999", "may 19, 1999", "19. mai 1999", "19 de mayo
    de 1999", ... in every supported language."""
    y, m, d = f"{day.year:04d}", day.month, day.day
    yy, dd = y[2:], f"{d:02d}"
    for names in MONTH_NAMES.values():
        name = names[m - 1]
        for month_name in {name, name[:3], name[:3] + "."}:
            for text in (
                f"{d} {month_name} {y}",
                f"{d}. {month_name} {y}",
                f"{month_name} {d}, {y}",
                f"{month_name} {d} {y}",
                f"{d} de {month_name} de {y}",
                f"{dd} {month_name} {y}",
                f"{month_name} {d}th, {y}",
                f"{d}{_ordinal(d)} {month_name} {y}",
                f"{d}{_ordinal(d)} of {month_name} {y}",
                f"{month_name} {d}{_ordinal(d)}, {y}",
                f"{month_name} {d} '{yy}",
            ):
                forms.strong_words.add(text)
                forms.written_dates.add(text)
    if d == 1:
        forms.strong_words.add(f"1er {MONTH_NAMES['fr'][m - 1]} {y}")
