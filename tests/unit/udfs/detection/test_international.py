"""Detectors beyond US formats, one case per region and form: phone numbers validated by
phonenumbers, national ids by python-stdnum checksums, IBANs in any case, dates of birth after a
context word. All numbers are synthetic (generated to pass their checksums)."""

from __future__ import annotations

import pytest

from udfs.detection.detectors import DEFAULT_ENTITIES, detect

FOUND = [
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
    text = "tél. 06.12.34.56.78"
    assert detect(text, regions=("US",)) == []
    assert [e for e, _, _ in detect(text, regions=("FR",))] == ["PHONE"]


def test_uuids_hold_no_entity() -> None:
    # Event ids are kept columns the leak scan reads: digit groups inside a UUID are no phone
    # number, card or id.
    import random
    import uuid

    from udfs.detection.detectors import detect_column

    rng = random.Random(5)
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(5000)]
    assert sum(len(found) for found in detect_column(ids)) == 0
