"""A record's own values found in text in the forms a person writes them: table-driven, one case
per form and locale. Values are synthetic (Faker-like names, test numbers)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from udfs.detection.normalize import fold
from udfs.detection.record_values import TextView, contains_forms, replace_forms
from udfs.detection.value_forms import forms_of, kind_of
from udfs.sql_types import SqlType

FOUND = [
    # Names by their parts, in any case, "Last, First", with an honorific or an initial.
    ("name", "Samantha Sellers", "Spoke with SELLERS, SAMANTHA today", "last-first-upper"),
    ("name", "Samantha Sellers", "Ms. Sellers called back", "honorific"),
    ("name", "Samantha Sellers", "S. Sellers confirmed", "initial"),
    ("name", "Samantha Sellers", "samantha sellers", "lower"),
    ("name", "Jürgen Müller", "Herr MÜLLER rief an", "umlaut-upper"),
    ("name", "加奈 森", "森について折り返し", "cjk-one-character"),
    # Names typed without their accents, or transliterated.
    ("name", "Jürgen Müller", "spoke with Jurgen Muller", "accents-dropped"),
    ("name", "Jürgen Müller", "spoke with Juergen Mueller", "transliterated"),
    # Addresses by number and street, in lower case.
    ("address", "742 Evergreen Terrace", "moved from 742 evergreen", "number-street"),
    ("address", "Hauptstraße 5", "wohnt in der hauptstraße 5 seit", "street-number"),
    # Emails in capitals, and their local part.
    ("email", "jane.roe42@example.org", "write to JANE.ROE42@EXAMPLE.ORG", "upper"),
    ("email", "jane.roe42@example.org", "user jane.roe42 logged in", "local-part"),
    # Phones by their digits, with any separators, a country code, full-width digits.
    ("phone", "+1-555-201-1234", "call (555) 201 1234", "us-brackets"),
    ("phone", "+1-555-201-1234", "call 5552011234", "bare-digits"),
    ("phone", "06.12.34.56.78", "appeler le +33 6 12 34 56 78", "fr-international"),
    ("phone", "555-201-1234", "call ５５５-２０１-１２３４", "fullwidth"),
    ("phone", "555-201-1234", "call 555\u00a0201\u00a01234", "nbsp"),
    ("phone", "555-201-1234", "call 555\u200b201\u200b1234", "zero-width"),
    # Dates: ISO, US, day first, 2-digit years, written out in seven languages, Japanese.
    ("date", dt.date(1949, 2, 17), "DOB 1949-02-17", "iso"),
    ("date", dt.date(1949, 2, 17), "DOB 02/17/1949", "us"),
    ("date", dt.date(1949, 2, 17), "geboren am 17.02.1949", "de-numeric"),
    ("date", dt.date(1949, 2, 17), "DOB 17/02/49", "short-year"),
    ("date", dt.date(1949, 2, 17), "born February 17, 1949", "en-written"),
    ("date", dt.date(1949, 2, 17), "born 17 Feb 1949", "en-abbreviated"),
    ("date", dt.date(1949, 2, 17), "born on the 17th of February 1949", "en-ordinal"),
    ("date", dt.date(1949, 2, 17), "DOB Feb. 17 '49", "en-apostrophe-year"),
    ("date", dt.date(1949, 2, 17), "geboren am 17. Februar 1949", "de-written"),
    ("date", dt.date(1949, 2, 17), "né le 17 février 1949", "fr-written"),
    ("date", dt.date(1949, 2, 17), "nacido el 17 de febrero de 1949", "es-written"),
    ("date", dt.date(1949, 2, 17), "nato il 17 febbraio 1949", "it-written"),
    ("date", dt.date(1949, 2, 17), "geboren op 17 februari 1949", "nl-written"),
    ("date", dt.date(1949, 2, 17), "nascido em 17 de fevereiro de 1949", "pt-written"),
    ("date", dt.date(1949, 2, 17), "生年月日 1949年2月17日", "ja"),
    ("date", dt.date(1949, 2, 17), "DOB １９４９-０２-１７", "fullwidth"),
    # Numbers with any grouping.
    ("number", Decimal("16234.56"), "balance 16,234.56", "en-grouping"),
    ("number", Decimal("16234.56"), "Saldo 16.234,56 EUR", "de-grouping"),
    ("number", Decimal("16234.56"), "solde 16 234,56", "fr-grouping"),
    ("number", Decimal("28555.30"), "check 28,555.30", "trailing-zero"),
    # Identifiers: lower case, regrouped.
    ("text", "C00012345", "see c00012345", "id-lower"),
    ("text", "BBTLCU52B04B350L", "CF BBT LCU 52B 04B 350 L", "codice-fiscale-regrouped"),
    ("text", "850-54-5019", "ssn 850 54 5019", "ssn-spaces"),
    ("text", "94107", "zip 94107.", "postal-code"),
]

NOT_FOUND = [
    # A name part inside a longer word is not the name.
    ("name", "Tom Jackson", "moved to Jacksonville", "inside-word"),
    # A year alone is not a date of birth (the generalized column shows it on purpose).
    ("date", dt.date(1949, 2, 17), "born in 1949", "year-only"),
    # The last four digits are not the number (what mask_show_last leaves by design).
    ("phone", "555-201-1234", "***-***-1234", "last-four"),
    ("text", "850-54-5019", "***-**-5019", "ssn-last-four"),
    # A short form inside a longer number is a coincidence.
    ("text", "94107", "order 1941077", "postal-inside-number"),
    # A postal code's prefix (generalize) is not the code.
    ("text", "94107", "941", "prefix"),
]


@pytest.mark.parametrize(("kind", "value", "text", "case"), FOUND, ids=[c[3] for c in FOUND])
def test_a_form_is_found(kind: str, value: object, text: str, case: str) -> None:
    forms = forms_of(value, kind)
    assert contains_forms(TextView(fold(text)), forms, weak=True), case


@pytest.mark.parametrize(
    ("kind", "value", "text", "case"), NOT_FOUND, ids=[c[3] for c in NOT_FOUND]
)
def test_a_look_alike_is_not_a_form(kind: str, value: object, text: str, case: str) -> None:
    forms = forms_of(value, kind)
    assert not contains_forms(TextView(fold(text)), forms, weak=True), case


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Spoke with SELLERS, SAMANTHA today", "Spoke with <FULL_NAME> today"),
        ("call ５５５-２０１-１２３４ now", "call <PHONE> now"),
        # A span starts at the first digit: an opening bracket before it stays.
        ("Ms. Sellers (555) 201-1234", "Ms. <FULL_NAME> (<PHONE>"),
        ("nothing here", None),
    ],
    ids=["name", "fullwidth-span", "two-fields", "none"],
)
def test_replace_forms_replaces_the_original_span(text: str, expected: str | None) -> None:
    row = [
        ("full_name", forms_of("Samantha Sellers", "name")),
        ("phone", forms_of("555-201-1234", "phone")),
    ]
    assert replace_forms(text, row, "<{FIELD}>") == expected


@pytest.mark.parametrize(
    ("tags", "sql_type", "kind"),
    [
        (("pii.name",), "STRING", "name"),
        (("pii.address",), "STRING", "address"),
        (("pii.email",), "STRING", "email"),
        (("pii.phone",), "STRING", "phone"),
        (("pii.birth_date",), "STRING", "date"),
        ((), "DATE", "date"),
        ((), "DECIMAL(12, 2)", "number"),
        (("pii.ssn",), "STRING", "text"),
    ],
)
def test_the_kind_of_a_field_follows_its_tags_and_type(
    tags: tuple[str, ...], sql_type: str, kind: str
) -> None:
    from udfs.sql_types import parse_sql_type

    assert kind_of(tags, parse_sql_type(sql_type)) == kind


def test_nulls_booleans_and_tiny_values_have_no_forms() -> None:
    assert not forms_of(None, "text")
    assert not forms_of(True, "text")
    assert not forms_of("ab", "text")
    assert not forms_of(float("nan"), "number")
    assert SqlType("STRING").is_text
