"""Detectors beyond US formats, one case per region and form: phone numbers validated by
phonenumbers, national ids by python-stdnum checksums, IBANs in any case, dates of birth after a
context word. All numbers are synthetic (generated to pass their checksums)."""

from __future__ import annotations

import random
import re

import phonenumbers
import pytest

from maskstream.identifiers import phone_number
from udfs.detection.detectors import DEFAULT_ENTITIES, detect
from udfs.detection.international import DEFAULT_REGIONS
from udfs.detection.phone_numbers import may_be_valid

FOUND = [
    # Dates of birth written with dashes, and after an abbreviated context word.
    ("DOB 17-Feb-1949", "DATE_OF_BIRTH", "17-Feb-1949", "dob-dashed-month"),
    ("geb. am 17.02.1949", "DATE_OF_BIRTH", "17.02.1949", "dob-geb-am"),
    # Phones in national formats, after a context word or with a trunk prefix / area code.
    ("Rufen Sie mich unter 030 1234567 an", "PHONE", "030 1234567", "de"),
    ("tél. 06.12.34.56.78", "PHONE", "06.12.34.56.78", "fr-dots"),
    ("teléfono 612 34 56 78", "PHONE", "612 34 56 78", "es"),
    ("call 07911 123456", "PHONE", "07911 123456", "gb"),
    ("mobile 98765 43210", "PHONE", "98765 43210", "in"),
    ("電話 03-1234-5678", "PHONE", "03-1234-5678", "jp"),
    ("電話０３−１２３４−５６７８", "PHONE", "０３−１２３４−５６７８", "jp-fullwidth"),
    ("celular (11) 91234-5678", "PHONE", "(11) 91234-5678", "br"),
    ("+33612345678 please", "PHONE", "+33612345678", "country-code-glued"),
    ("+91 98765 43210", "PHONE", "+91 98765 43210", "in-international"),
    # National identifiers, validated by their checksums.
    ("BSN 214035797", "NATIONAL_ID", "214035797", "nl-bsn"),
    ("CPF 187.244.670-14", "NATIONAL_ID", "187.244.670-14", "br-cpf"),
    ("codice fiscale BCCFRC15M25E852P", "NATIONAL_ID", "BCCFRC15M25E852P", "it-cf"),
    ("NIR 172023201312126", "NATIONAL_ID", "172023201312126", "fr-nir"),
    ("DNI 18034063Q", "NATIONAL_ID", "18034063Q", "es-dni"),
    ("NINO GZ 14 17 77 D", "NATIONAL_ID", "GZ 14 17 77 D", "gb-nino"),
    ("Steuer-ID 38 096 421 740", "NATIONAL_ID", "38 096 421 740", "de-idnr"),
    ("Aadhaar 5921 2690 1843", "NATIONAL_ID", "5921 2690 1843", "in-aadhaar"),
    ("マイナンバー 3087 9439 5556", "NATIONAL_ID", "3087 9439 5556", "jp-my-number"),
    # IBANs of any registry country, in lower case too.
    ("iban de89 3704 0044 0532 0130 00", "IBAN", "de89 3704 0044 0532 0130 00", "lower-iban"),
    # Dates of birth after a context word, in seven languages.
    ("DOB 1949-02-17 10:00", "DATE_OF_BIRTH", "1949-02-17", "iso-then-time"),
    ("born May 19, 1999", "DATE_OF_BIRTH", "May 19, 1999", "en"),
    ("né le 17 février 1949", "DATE_OF_BIRTH", "17 février 1949", "fr"),
    ("geboren am 17.02.1949", "DATE_OF_BIRTH", "17.02.1949", "de"),
    ("生年月日 1949年2月17日", "DATE_OF_BIRTH", "1949年2月17日", "ja"),
    # Cards and SSNs with other separators and look-alike characters.
    ("card 4111.1111.1111.1111", "CREDIT_CARD", "4111.1111.1111.1111", "card-dots"),
    ("card 4111\u200b1111\u200b1111\u200b1111", "CREDIT_CARD", "4111\u200b1111\u200b1111\u200b1111",
     "card-zero-width"),
    ("ssn 123.45.6789", "US_SSN", "123.45.6789", "ssn-dots"),
    ("SSN ５５５-１２-３４５６ ok", "US_SSN", "５５５-１２-３４５６", "ssn-fullwidth"),
]  # fmt: skip

NOT_FOUND = [
    ("BSN-like 214035797 without a word for it", "bare-digits"),
    ("invoice 2024/00123 due", "invoice"),
    ("amount 1.234.567,89 EUR", "amount"),
    ("meeting on 2024-01-15", "date-without-context"),  # DATE is an option, off by default
    ("ref 123-45 6789", "ssn-mixed-separators"),
    ("ticket A-123-45-6789", "ssn-inside-token"),
]


@pytest.mark.parametrize(("text", "entity", "span", "case"), FOUND, ids=[c[3] for c in FOUND])
def test_detected(text: str, entity: str, span: str, case: str) -> None:
    found = [(e, text[s:t]) for e, s, t in detect(text)]
    assert (entity, span) in found, case


@pytest.mark.parametrize(("text", "case"), NOT_FOUND, ids=[c[1] for c in NOT_FOUND])
def test_not_detected(text: str, case: str) -> None:
    assert detect(text) == [], case


def test_every_date_is_an_option() -> None:
    text = "meeting on 2024-01-15"
    assert "DATE" not in DEFAULT_ENTITIES
    assert [e for e, _, _ in detect(text, frozenset({"DATE"}))] == ["DATE"]


def test_regions_decide_which_national_formats_count() -> None:
    # Without a context word, a number with a trunk prefix is a phone number where it is valid.
    text = "rappel 06.12.34.56.78"
    assert detect(text, regions=("US",)) == []
    assert [e for e, _, _ in detect(text, regions=("FR",))] == ["PHONE"]


@pytest.mark.parametrize(
    "text",
    [
        "tel 0063-60 83 77",  # sv_SE as Faker writes it: not valid for phonenumbers
        "Telefon 02124/15868344",  # de_AT, an extension too long to be valid
        "call +61765088995",  # a digit short
        "tél. 06.12.34.56.78",  # valid in FR, and the policy's regions do not name FR
    ],
)
def test_after_a_phone_context_word_any_number_is_a_phone_number(text: str) -> None:
    # A typo or an unlisted region does not make a number safe to keep.
    assert [e for e, _, _ in detect(text, regions=("US",))] == ["PHONE"]


def test_uuids_hold_no_entity() -> None:
    # Event ids are kept columns the leak scan reads: digit groups inside a UUID are no phone
    # number, card or id.
    import random
    import uuid

    from udfs.detection.detectors import detect_column

    rng = random.Random(5)
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(5000)]
    assert sum(len(found) for found in detect_column(ids)) == 0


def _parses_valid(candidate: str, region: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(candidate, region))
    except phonenumbers.NumberParseException:
        return False


@pytest.mark.parametrize(
    "candidate",
    [
        "114 158 480516",  # US: the country code and then the national prefix stripped
        "490 405 295861171",  # DE: the country code, then the trunk 0
        "011 49 30 1234567",  # US: an international dialling prefix, then a German number
        "030 1234567",
        "06 12 34 56 78",
        "(11) 94125-2427",
        "090-1234-5678",
        "98765 43210",
        "020 7946 0958",
        "1800201234",
    ],
)
def test_the_region_gate_never_skips_a_parse_that_would_succeed(candidate: str) -> None:
    digits = re.sub(r"\D", "", candidate)
    for region in DEFAULT_REGIONS:
        if _parses_valid(candidate, region):
            assert may_be_valid(digits, region), region


def test_the_region_gate_agrees_with_parsing_on_generated_numbers() -> None:
    # Numbers of every region in its national formats, and random digit strings: wherever a parse
    # in a region gives a valid number, the gate lets that region be parsed.
    rng = random.Random(5)
    # (Numbers written with "+" or "00" are parsed once without a region, not gated.)
    written = [phone_number(r, rng) for r in DEFAULT_REGIONS for _ in range(150)]
    candidates = [c for c in written if not c.startswith(("+", "00"))]
    candidates += ["0" + "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 14)))
                   for _ in range(1500)]  # fmt: skip
    skipped = 0
    for candidate in candidates:
        digits = re.sub(r"\D", "", candidate)
        for region in DEFAULT_REGIONS:
            gate = may_be_valid(digits, region)
            skipped += not gate
            if not gate:
                assert not _parses_valid(candidate, region), (candidate, region)
    assert skipped > len(candidates)  # the gate does skip parses: more than one a number


LISTS = [
    # Numbers written one after the other: each one is found, none is left between them.
    ("call 0301 234567 0301 234567 0301 234567", ["0301 234567"] * 3, "de-three-phones"),
    ("Tel 030 1234567 030 1234568", ["030 1234567", "030 1234568"], "de-two-phones"),
    ("phones 06 12 34 56 78 06 12 34 56 79", ["06 12 34 56 78", "06 12 34 56 79"], "fr-two"),
    ("tel. 07911 123456 07911 123457", ["07911 123456", "07911 123457"], "gb-two"),
    ("DOB 17.02.1949 17.02.1949", ["17.02.1949", "17.02.1949"], "two-dates-of-birth"),
    # Without a trunk prefix, the context word says the list is of phone numbers.
    ("tel 612 34 56 78 612 34 56 79", ["612 34 56 78", "612 34 56 79"], "es-two"),
    ("cellulare 312 345 6789 312 345 6790", ["312 345 6789", "312 345 6790"], "it-two"),
]


@pytest.mark.parametrize(("text", "spans", "case"), LISTS, ids=[c for *_, c in LISTS])
def test_a_list_of_numbers_is_found_one_by_one(text: str, spans: list[str], case: str) -> None:
    assert [text[d.start : d.end] for d in detect(text)] == spans


NOT_IN_LISTS = [
    # A card number with a bad checksum holds no phone number, however it is cut.
    ("card 5105 1051 0510 5101", [], "card-luhn-bad"),
    ("card 4111 1111 1111 1112", [], "card-luhn-bad-2"),
    # Digits after a phone number are not part of it.
    ("call 555-123-4567 24/7", ["555-123-4567"], "after-a-phone"),
]


@pytest.mark.parametrize(("text", "spans", "case"), NOT_IN_LISTS, ids=[c for *_, c in NOT_IN_LISTS])
def test_cutting_a_run_of_digits_finds_no_more(text: str, spans: list[str], case: str) -> None:
    assert [text[d.start : d.end] for d in detect(text)] == spans
