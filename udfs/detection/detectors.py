"""Detect personal data inside free text: one compiled scan per text, candidates confirmed by
checksums and structural rules (Luhn for cards, mod-97 for IBANs, SSA rules for SSNs).

Entity types: EMAIL, PHONE, US_SSN, CREDIT_CARD, IBAN, IP_ADDRESS. Context words lift an
ambiguous candidate: nine bare digits are an SSN, ten a phone number, only right after words such
as "SSN" or "call" (ten digits shaped like a North American number count without them).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from udfs.detection import international
from udfs.detection.budget import CLASSIFY, NO_LIMIT, Budget, OverBudgetError
from udfs.detection.checksums import card_valid, ssn_valid
from udfs.detection.international import DEFAULT_REGIONS
from udfs.detection.normalize import normalize_for_detection

ENTITY_TYPES = (
    "EMAIL", "PHONE", "US_SSN", "CREDIT_CARD", "IBAN", "IP_ADDRESS", "NATIONAL_ID",
    "DATE_OF_BIRTH", "DATE",
)  # fmt: skip
# What scrub replaces and the leak scan looks for unless told otherwise: every date is an
# option (`entities: [..., DATE]`), since most dates in a note are not personal data.
DEFAULT_ENTITIES = tuple(e for e in ENTITY_TYPES if e != "DATE")
LEAK_SCAN_TYPES = DEFAULT_ENTITIES
ENTITY_LABELS = {
    "EMAIL": "emails", "PHONE": "phone numbers", "US_SSN": "SSNs", "CREDIT_CARD": "card numbers",
    "IBAN": "IBANs", "IP_ADDRESS": "IP addresses", "NATIONAL_ID": "national ids",
    "DATE_OF_BIRTH": "dates of birth", "DATE": "dates",
}  # fmt: skip


class Detection(NamedTuple):
    """One entity found in a text: its type and [start, end) span (never the value itself)."""

    entity: str
    start: int
    end: int


# IBAN length per country (ISO 13616 registry), for the countries most often seen.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# Candidates, found by RE2 (through Arrow) in linear time over whole columns: leftmost-first,
# ASCII word boundaries, no look-around. Each candidate is then confirmed by `classify`.
_CANDIDATES = "|".join(
    (
        r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
        r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b",
        rf"(?:[0-9A-Fa-f]{{0,4}}:){{2,6}}{_OCTET}(?:\.{_OCTET}){{3}}\b",
        r"(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}",
        rf"\b{_OCTET}(?:\.{_OCTET}){{3}}\b",
        r"\b\d(?:[ -]?\d){11,18}\b",
        r"\b\d{3}[- ]\d{2}[- ]\d{4}\b",
        r"\b\d{9}\b",
        r"\b\d{10}\b",
        r"(?:\+\d{1,3}[ .-]?|\b00\d{1,3}[ .-]?|\b1[ .-])?(?:\(\d{2,4}\) ?|\b\d{2,4}[ .-])"
        r"\d{3,4}[ .-]?\d{3,4}(?: ?(?:x|ext\.? ?)\d{1,5})?\b",
    )
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", re.ASCII)
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9 ]+", re.ASCII)
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}", re.ASCII)
_SSN = re.compile(r"\d{3}([- ])\d{2}\1\d{4}|\d{9}", re.ASCII)
_CARD = re.compile(r"\d(?:[ -]?\d){11,18}", re.ASCII)
_PHONE = re.compile(
    r"(?:\+\d{1,3}[ .-]?|00\d{1,3}[ .-]?|1[ .-])?(?:\(\d{2,4}\) ?|\d{2,4}[ .-])\d{3,4}[ .-]?"
    r"\d{3,4}(?: ?(?:x|ext\.? ?)\d{1,5})?",
    re.ASCII,
)
_GROUPS = re.compile(r"[^ -]+")
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_DIGITS = re.compile(r"\D")
SSN_CONTEXT = ("ssn", "social security", "social-security", "tax id", "taxpayer")
PHONE_CONTEXT = ("phone", "call", "tel", "mobile", "cell", "reachable", "text", "fax", "contact")

_IBAN_LETTERS = {ord(c): str(10 + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def iban_valid(text: str) -> bool:
    compact = text.replace(" ", "")
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = (compact[4:] + compact[:4]).translate(_IBAN_LETTERS)
    return int(rearranged) % 97 == 1


def ipv6_valid(text: str) -> bool:
    if text.count(":") < 2:
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


_LEAD_FILLER = re.compile(r"(?:[\s:#.=-]|\b(?:number|num|no|is|was|of)\b)+$")


def _has_context(text: str, start: int, words: Iterable[str], window: int = 40) -> bool:
    """True when the words right before `start` are one of `words` ("SSN: ", "social security
    number is "); a context word further back, before other text, does not count."""
    before = _LEAD_FILLER.sub("", text[max(0, start - window) : start].lower())
    return any(before.endswith(w) for w in words)


def _phone_ok(value: str) -> bool:
    digits = _DIGITS.sub("", value.split("x", maxsplit=1)[0].split("ext", maxsplit=1)[0])
    return 10 <= len(digits) <= 15


def classify(candidate: str, text: str, start: int, end: int) -> str | None:
    """The entity type of the candidate text[start:end], or None if no check confirms it."""
    if "@" in candidate:
        return "EMAIL" if _EMAIL.fullmatch(candidate) else None
    if ":" in candidate:
        return _ipv6(candidate, text, start, end)
    if candidate[:2].isalpha():
        return "IBAN" if _IBAN.fullmatch(candidate) and iban_valid(candidate) else None
    before = text[start - 2 : start] if start >= 2 else text[:start]
    after = text[end : end + 2]
    if before[-1:] == "-" and not _phone_prefix(text, start):
        return None  # part of a longer dashed token (a ticket or part number)
    if after[:1] == "-" or _dotted(before) or _dotted(after[::-1]):
        return None  # part of a longer dashed or dotted token (a version number)
    if _IPV4.fullmatch(candidate):
        return "IP_ADDRESS"
    if _SSN.fullmatch(candidate):
        if not ssn_valid(candidate):
            return None
        if candidate.isdigit() and not _has_context(text, start, SSN_CONTEXT):
            return None  # nine bare digits are an SSN only when the words before say so
        return "US_SSN"
    if len(candidate) == 10 and candidate.isdigit():
        # Ten bare digits shaped like a North American number (area code and exchange start
        # with 2-9): in free text, treating them as a phone costs less than a leak.
        nanp = candidate[0] in "23456789" and candidate[3] in "23456789"
        return "PHONE" if nanp or _has_context(text, start, PHONE_CONTEXT) else None
    if _CARD.fullmatch(candidate) and card_valid(candidate):
        return "CREDIT_CARD"
    if _PHONE.fullmatch(candidate) and _phone_ok(candidate):
        return "PHONE"
    return None


def _phone_prefix(text: str, start: int) -> bool:
    # "1-800-..." : a trunk prefix before a dash is part of the number, not another token.
    return text[max(0, start - 2) : start] == "1-" and (start < 3 or text[start - 3] not in _WORD)


def _ipv6(candidate: str, text: str, start: int, end: int) -> str | None:
    # Word characters around it mean code ("std::basic_string"), not an address.
    if (start and text[start - 1] in _WORD) or (end < len(text) and text[end] in _WORD):
        return None
    return "IP_ADDRESS" if ipv6_valid(candidate) else None


def _dotted(pair: str) -> bool:
    # "7." before a candidate or ".7" after it (reversed here): a longer dotted number.
    return len(pair) == 2 and pair[1] == "." and pair[0].isdigit()


_CARD_GROUPS = re.compile(r"\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,4})?|\d{4}[ -]\d{6}[ -]\d{4,5}")


def _confirm(candidate: str, text: str, start: int, budget: Budget) -> list[Detection]:
    """Detections in one candidate. A candidate that fails as a whole because it swallowed a
    neighbouring word or number ("123-45-6789 1234", an IBAN followed by "EUR") is tried again
    without its first or last space-separated parts, so the entity inside is not lost. A number
    grouped like a card that fails the card checks stays rejected."""
    end = start + len(candidate)
    budget.spend(CLASSIFY)
    entity = classify(candidate, text, start, end)
    if entity is not None:
        return [Detection(entity, start, end)]
    if " " not in candidate or "@" in candidate or ":" in candidate:
        return []
    if _CARD_GROUPS.fullmatch(candidate):
        return []
    cuts = [i for i, ch in enumerate(candidate) if ch == " "]
    # Shorter and shorter: drop trailing parts first, then leading ones.
    for cut in reversed(cuts):
        head = candidate[:cut]
        budget.spend(CLASSIFY)
        entity = classify(head, text, start, start + cut)
        if entity is not None:
            return [
                Detection(entity, start, start + cut),
                *_confirm_tail(candidate, text, start, cut, budget),
            ]
    for cut in cuts:
        tail_start = start + cut + 1
        budget.spend(CLASSIFY)
        entity = classify(candidate[cut + 1 :], text, tail_start, end)
        if entity is not None:
            return [Detection(entity, tail_start, end)]
    return []


def _confirm_tail(
    candidate: str, text: str, start: int, cut: int, budget: Budget
) -> list[Detection]:
    rest = candidate[cut + 1 :]
    return _confirm(rest, text, start + cut + 1, budget) if rest else []


_OPEN, _CLOSE = "\x01", "\x02"
_SAFE = str.maketrans({_OPEN: "\x00", _CLOSE: "\x00"})


def detect(
    text: str, entities: frozenset[str] | None = None, regions: tuple[str, ...] = DEFAULT_REGIONS
) -> list[Detection]:
    """All entities in `text`, left to right, spans not overlapping."""
    return detect_column([text], entities, regions)[0]


def _mark(texts: list[str], pattern: str) -> list[str]:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.replace_substring_regex(
        pa.array(texts, type=pa.string()), pattern, _OPEN + "\\0" + _CLOSE
    ).to_numpy(zero_copy_only=False)


def detect_column(
    texts: list[str],
    entities: frozenset[str] | None = None,
    regions: tuple[str, ...] = DEFAULT_REGIONS,
    over_budget: set[int] | None = None,
) -> list[list[Detection]]:
    """Entities in many texts (DEFAULT_ENTITIES when `entities` is None): RE2 marks the
    candidates of the whole Arrow column in one call per detector family (C++, linear time),
    and only the candidates are looked at in Python. Texts are read normalized (full-width
    digits, other spaces, invisible characters: see normalize_for_detection); spans are of the
    original text. With `over_budget`, each text has a work budget (udfs.detection.budget):
    the index of a text that exceeds it is added there, and its detections are left empty."""
    wanted = frozenset(DEFAULT_ENTITIES) if entities is None else entities
    # The marker characters must not occur in the text; replacing them keeps every offset.
    safe = [t.translate(_SAFE) if (_OPEN in t or _CLOSE in t) else t for t in texts]
    maps = [normalize_for_detection(t) for t in safe]
    work = [m[0] if m is not None else t for t, m in zip(safe, maps, strict=True)]
    marked = _mark(work, _CANDIDATES)
    marked_intl = _mark(work, international.CANDIDATES)
    results: list[list[Detection]] = []
    for i, (text, mark, intl, mapping) in enumerate(
        zip(work, marked, marked_intl, maps, strict=True)
    ):
        budget = NO_LIMIT if over_budget is None else Budget(len(text))
        try:
            found = _from_marked(text, mark, wanted, budget) if _OPEN in mark else []
            if _OPEN in intl:
                found = _merge(
                    found, _from_intl(text, intl, wanted, regions, budget=budget, known=found)
                )
        except OverBudgetError:
            over_budget.add(i)  # type: ignore[union-attr]
            results.append([])
            continue
        if mapping is not None and found:
            _, starts, ends = mapping
            found = [Detection(e, starts[s], ends[t - 1]) for e, s, t in found]
        results.append(found)
    return results


def _from_intl(
    text: str,
    mark: str,
    entities: frozenset[str],
    regions: tuple[str, ...],
    *,
    budget: Budget,
    known: list[Detection],
) -> list[Detection]:
    """The international detections of a text. A candidate the US detectors confirmed whole
    (`known`) is not classified again, but for what outranks a phone number (_merge)."""
    found: list[Detection] = []
    k = 0  # known and the candidates both run left to right: one walk over each
    for candidate, pos in _marked(mark):
        end_at = pos + len(candidate)
        while k < len(known) and known[k].end < end_at:
            k += 1
        covering = known[k].entity if k < len(known) and known[k].start <= pos else None
        if covering is not None and covering != "PHONE":
            continue
        for entity, start, end in international.classify(
            candidate, text, pos, regions, budget, phone_known=covering == "PHONE"
        ):
            if entity in entities:
                found.append(Detection(entity, start, end))
    return found


def _marked(mark: str) -> Iterator[tuple[str, int]]:
    """The candidates _mark put between _OPEN and _CLOSE in a text, each with its position."""
    pieces = mark.split(_OPEN)
    pos = len(pieces[0])
    for piece in pieces[1:]:
        candidate, _, rest = piece.partition(_CLOSE)
        yield candidate, pos
        pos += len(candidate) + len(rest)


# A checksum-validated identifier or a date of birth says more than "digits shaped like a phone
# number": where the US detectors read a phone, these win.
_OUTRANK_PHONE = frozenset({"NATIONAL_ID", "DATE_OF_BIRTH"})


def _merge(first: list[Detection], second: list[Detection]) -> list[Detection]:
    """`first` and `second` without overlaps, left to right: `first` wins, except that an
    identifier or date of birth of `second` replaces a phone number of `first`, and so do two
    or more detections of `second` that one phone number of `first` overlaps (the US detectors
    read part of a list of national numbers as one). Each list runs left to right without
    overlaps of its own: one walk over each."""
    if not second:
        return first
    winners = [d for d in second if d.entity in _OUTRANK_PHONE]
    beaten = _overlapping(first, winners) | _overlapping(first, second, at_least=2)
    first = [f for i, f in enumerate(first) if not (f.entity == "PHONE" and i in beaten)]
    hidden = _overlapping(second, first)
    kept = [d for i, d in enumerate(second) if i not in hidden]
    return sorted([*first, *kept], key=lambda d: d.start)


def _overlapping(items: list[Detection], others: list[Detection], *, at_least: int = 1) -> set[int]:
    """The indexes of `items` that overlap at least `at_least` of `others` (both left to
    right, no overlaps within either)."""
    found: set[int] = set()
    j = 0
    for i, item in enumerate(items):
        while j < len(others) and others[j].end <= item.start:
            j += 1
        k = j
        while k < len(others) and others[k].start < item.end:
            k += 1
        if k - j >= at_least:
            found.add(i)
    return found


def _from_marked(
    text: str, mark: str, entities: frozenset[str] | None, budget: Budget
) -> list[Detection]:
    found: list[Detection] = []
    for candidate, pos in _marked(mark):
        for detection in _confirm(candidate, text, pos, budget):
            if entities is None or detection.entity in entities:
                found.append(detection)
    return found
