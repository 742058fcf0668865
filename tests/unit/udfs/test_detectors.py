"""`udfs.detection.detectors.detect`: personal data found inside free text, one `Detection(entity,
start, end)` per entity, left to right, with exact [start, end) spans in code points. Candidates
are confirmed by checksums and structure (Luhn and brand prefixes for cards, mod-97 and country
length for IBANs, SSA rules for SSNs), so look-alikes (order numbers, times, versions, amounts)
are not flagged. `detect_column` gives the same results over a whole column.

Every value here is a public test number or an obviously fake one.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence

import pytest

from maskstream.scrub_corpus import Note, make_corpus
from udfs.detection.detectors import (
    DEFAULT_ENTITIES,
    ENTITY_TYPES,
    Detection,
    detect,
    detect_column,
)

Expected = Sequence[tuple[str, str]]  # (entity, value) pairs, left to right


def locate(text: str, expected: Expected) -> list[Detection]:
    """The detections `expected` describes: each value found in `text` after the previous one."""
    out: list[Detection] = []
    pos = 0
    for entity, value in expected:
        start = text.index(value, pos)
        out.append(Detection(entity, start, start + len(value)))
        pos = start + len(value)
    return out


def _luhn_ok(digits: str) -> bool:
    """Luhn, written independently of the module under test."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _grouped(pan: str, groups: Sequence[int], sep: str) -> str:
    parts, pos = [], 0
    for size in groups:
        parts.append(pan[pos : pos + size])
        pos += size
    return sep.join(parts)


# (brand, public test PAN, usual print grouping)
TEST_PANS = [
    ("visa", "4111111111111111", (4, 4, 4, 4)),
    ("visa-2", "4012888888881881", (4, 4, 4, 4)),
    ("visa-13", "4222222222222", (4, 4, 5)),
    ("mastercard", "5555555555554444", (4, 4, 4, 4)),
    ("mastercard-2", "5105105105105100", (4, 4, 4, 4)),
    ("mastercard-2series", "2223003122003222", (4, 4, 4, 4)),
    ("amex", "378282246310005", (4, 6, 5)),
    ("amex-2", "371449635398431", (4, 6, 5)),
    ("discover", "6011111111111117", (4, 4, 4, 4)),
    ("discover-2", "6011000990139424", (4, 4, 4, 4)),
    ("jcb", "3530111333300000", (4, 4, 4, 4)),
    ("jcb-2", "3566002020360505", (4, 4, 4, 4)),
    ("diners", "30569309025904", (4, 4, 4, 2)),
    ("diners-38", "38520000023237", (4, 6, 4)),
    ("maestro", "6759649826438453", (4, 4, 4, 4)),
    ("maestro-6304", "6304000000000000", (4, 4, 4, 4)),
    ("maestro-5018", "5018000000000009", (4, 4, 4, 4)),
]

CARD_CASES = [
    # Every brand's test PAN is found whole: grouped with spaces, with dashes, or as one run.
    *(
        pytest.param(
            f"paid with {_grouped(pan, groups, sep)} today",
            [("CREDIT_CARD", _grouped(pan, groups, sep))],
            id=f"{brand}-{style}",
        )
        for brand, pan, groups in TEST_PANS
        for style, sep in (("spaces", " "), ("dashes", "-"))
    ),
    *(
        pytest.param(f"card {pan}", [("CREDIT_CARD", pan)], id=f"{brand}-compact")
        for brand, pan, _ in TEST_PANS
    ),
    # Changing the last digit breaks Luhn: not a card, grouped or not.
    *(
        pytest.param(f"card {pan[:-1]}{(int(pan[-1]) + 1) % 10}", [], id=f"{brand}-luhn-bad")
        for brand, pan, _ in TEST_PANS
    ),
    *(
        pytest.param(
            f"card {_grouped(pan[:-1] + str((int(pan[-1]) + 1) % 10), groups, ' ')}",
            [],
            id=f"{brand}-luhn-bad-spaces",
        )
        for brand, pan, groups in TEST_PANS
    ),
    # A Luhn-valid run of 16 digits whose prefix is no card brand is not a card.
    pytest.param("ref 1234 5678 9012 3452", [], id="luhn-ok-no-brand-1234"),
    # The same with a 9 prefix, as one run.
    pytest.param("ref 9999999999999995", [], id="luhn-ok-no-brand-9999"),
    # A Visa prefix with a length no Visa has (14 digits, Luhn-valid) is not a card.
    pytest.param("ref 41111111111114", [], id="visa-wrong-length"),
    # A card inside a longer digit run (22 digits) is not a card.
    pytest.param("order 4111111111111111111111", [], id="inside-longer-run"),
    # Glued to letters (a tracking id) it is not a card.
    pytest.param("tracking 1Z4111111111111111", [], id="glued-to-letters"),
    # Followed by a dotted decimal (an amount), it is not a card.
    pytest.param("total 4111111111111111.00 due", [], id="amount-decimal"),
    # An expiry date after the card does not hide it.
    pytest.param(
        "card 4111111111111111 exp 12/25",
        [("CREDIT_CARD", "4111111111111111")],
        id="with-expiry",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CARD_CASES)
def test_credit_cards(text: str, expected: Expected) -> None:
    assert detect(text) == locate(text, expected)


def test_card_premises() -> None:
    # The test PANs and the "no brand" runs are Luhn-valid, so only the brand rule rejects those.
    assert all(_luhn_ok(pan) for _, pan, _ in TEST_PANS)
    assert all(_luhn_ok(run) for run in ("1234567890123452", "9999999999999995", "41111111111114"))


SSN_CASES = [
    # The usual dashed form.
    pytest.param("SSN 123-45-6789 on file", [("US_SSN", "123-45-6789")], id="dashes"),
    # Spaces instead of dashes.
    pytest.param("SSN 123 45 6789 on file", [("US_SSN", "123 45 6789")], id="spaces"),
    # The dashed form needs no context word.
    pytest.param("see 078-05-1120.", [("US_SSN", "078-05-1120")], id="dashes-no-context"),
    # Area 000 is never issued.
    pytest.param("SSN 000-12-3456", [], id="area-000"),
    # Area 666 is never issued.
    pytest.param("SSN 666-12-3456", [], id="area-666"),
    # Areas 900-999 are never issued (lower end).
    pytest.param("SSN 900-12-3456", [], id="area-900"),
    # Areas 900-999 are never issued (upper end).
    pytest.param("SSN 999-12-3456", [], id="area-999"),
    # Group 00 is never issued.
    pytest.param("SSN 123-00-4567", [], id="group-00"),
    # Serial 0000 is never issued.
    pytest.param("SSN 123-45-0000", [], id="serial-0000"),
    # Forbidden areas also hold for the bare nine digits with a context word.
    pytest.param("SSN 666123456", [], id="bare-area-666"),
    # Nine bare digits right after "SSN" are an SSN.
    pytest.param("SSN 123456789", [("US_SSN", "123456789")], id="bare-ssn-context"),
    # ... also after "SSN:".
    pytest.param("SSN: 123456789.", [("US_SSN", "123456789")], id="bare-ssn-colon"),
    # ... after "tax id".
    pytest.param("tax id 123456789", [("US_SSN", "123456789")], id="bare-tax-id"),
    # ... after "social security".
    pytest.param("social security 123456789", [("US_SSN", "123456789")], id="bare-social"),
    # The most natural wording: "social security number" is longer than the 20-character
    # context window, so the context word is missed.
    pytest.param(
        "social security number 123456789",
        [("US_SSN", "123456789")],
        id="bare-social-security-number",
    ),
    # Nine bare digits after another word are an order number, not an SSN.
    pytest.param("order 123456789", [], id="bare-order"),
    # Nine bare digits alone are not an SSN.
    pytest.param("123456789", [], id="bare-alone"),
    # Mixed separators are not the SSN format.
    pytest.param("ref 123-45 6789", [], id="mixed-separators"),
    # Part of a longer dashed token (a ticket id) is not an SSN.
    pytest.param("ticket A-123-45-6789", [], id="inside-dashed-token"),
    # Digits after a dashed SSN do not hide it.
    pytest.param(
        "SSN 123-45-6789 1234",
        [("US_SSN", "123-45-6789")],
        id="followed-by-digits",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SSN_CASES)
def test_ssns(text: str, expected: Expected) -> None:
    assert detect(text) == locate(text, expected)


IBAN_CASES = [
    # The UK example, printed in groups of four.
    pytest.param(
        "IBAN GB82 WEST 1234 5698 7654 32.",
        [("IBAN", "GB82 WEST 1234 5698 7654 32")],
        id="gb-spaced",
    ),
    # The same IBAN in its compact electronic form.
    pytest.param("IBAN GB82WEST12345698765432", [("IBAN", "GB82WEST12345698765432")], id="gb"),
    # The German example, compact.
    pytest.param("wire DE89370400440532013000", [("IBAN", "DE89370400440532013000")], id="de"),
    # The German example, spaced.
    pytest.param(
        "wire DE89 3704 0044 0532 0130 00",
        [("IBAN", "DE89 3704 0044 0532 0130 00")],
        id="de-spaced",
    ),
    # The French example: letters inside the BBAN, 27 characters.
    pytest.param(
        "to FR14 2004 1010 0505 0001 3M02 606",
        [("IBAN", "FR14 2004 1010 0505 0001 3M02 606")],
        id="fr-spaced",
    ),
    # The Dutch example: letters in the bank code.
    pytest.param("to NL91ABNA0417164300", [("IBAN", "NL91ABNA0417164300")], id="nl"),
    # The Belgian example: 16 characters, four full groups.
    pytest.param("to BE68 5390 0754 7034", [("IBAN", "BE68 5390 0754 7034")], id="be-spaced"),
    # The Swiss example: 21 characters.
    pytest.param("to CH9300762011623852957", [("IBAN", "CH9300762011623852957")], id="ch"),
    # Wrong check digits (82 -> 83) fail mod-97.
    pytest.param("IBAN GB83 WEST 1234 5698 7654 32", [], id="gb-bad-check"),
    # Wrong check digits (89 -> 88) fail mod-97.
    pytest.param("IBAN DE88370400440532013000", [], id="de-bad-check"),
    # A changed BBAN digit fails mod-97.
    pytest.param("IBAN DE89370400440532013001", [], id="de-bad-bban"),
    # One character short for Germany (22).
    pytest.param("IBAN DE8937040044053201300", [], id="de-too-short"),
    # One character too long for Germany.
    pytest.param("IBAN DE893704004405320130001", [], id="de-too-long"),
    # The French IBAN cut to 26 characters.
    pytest.param("IBAN FR14 2004 1010 0505 0001 3M02 60", [], id="fr-too-short"),
    # An unknown country code is not an IBAN.
    pytest.param("IBAN XX89370400440532013000", [], id="unknown-country"),
    # A currency code after the IBAN is not part of it.
    pytest.param(
        "IBAN ES91 2100 0418 4502 0005 1332 EUR",
        [("IBAN", "ES91 2100 0418 4502 0005 1332")],
        id="es-followed-by-currency",
    ),
]


@pytest.mark.parametrize(("text", "expected"), IBAN_CASES)
def test_ibans(text: str, expected: Expected) -> None:
    assert detect(text) == locate(text, expected)


IP_CASES = [
    # A private IPv4 address.
    pytest.param("login from 192.168.1.20 today", [("IP_ADDRESS", "192.168.1.20")], id="v4"),
    # At the end of a sentence the final dot is not part of the address.
    pytest.param("from 10.0.0.1.", [("IP_ADDRESS", "10.0.0.1")], id="v4-sentence-end"),
    # The extreme octets.
    pytest.param("ip 255.255.255.255", [("IP_ADDRESS", "255.255.255.255")], id="v4-max"),
    # A port after the address is not part of it.
    pytest.param("at 10.0.0.1:8080", [("IP_ADDRESS", "10.0.0.1")], id="v4-port"),
    # A CIDR suffix is not part of it.
    pytest.param("net 10.0.0.0/8", [("IP_ADDRESS", "10.0.0.0")], id="v4-cidr"),
    # A full IPv6 address.
    pytest.param(
        "client 2001:0db8:0000:0000:0000:ff00:0042:8329",
        [("IP_ADDRESS", "2001:0db8:0000:0000:0000:ff00:0042:8329")],
        id="v6-full",
    ),
    # A compressed IPv6 address.
    pytest.param("client 2001:db8::1 seen", [("IP_ADDRESS", "2001:db8::1")], id="v6-compressed"),
    # A compressed IPv6 address at a sentence end.
    pytest.param("from 2001:db8::1.", [("IP_ADDRESS", "2001:db8::1")], id="v6-sentence-end"),
    # A link-local address.
    pytest.param(
        "from fe80::1ff:fe23:4567:890a",
        [("IP_ADDRESS", "fe80::1ff:fe23:4567:890a")],
        id="v6-link-local",
    ),
    # The loopback.
    pytest.param("from ::1 only", [("IP_ADDRESS", "::1")], id="v6-loopback"),
    # In brackets with a port, as in a URL.
    pytest.param("http://[2001:db8::1]:443/", [("IP_ADDRESS", "2001:db8::1")], id="v6-url"),
    # An octet above 255 is not an address.
    pytest.param("from 256.1.1.1", [], id="v4-octet-256"),
    # ... nor in the last position.
    pytest.param("from 192.168.1.256", [], id="v4-last-octet-256"),
    # Three octets are not an address.
    pytest.param("from 10.0.1", [], id="v4-three-octets"),
    # A five-part version string is not an address.
    pytest.param("app v1.2.3.4.5", [], id="version-5-parts"),
    # A version glued to its "v" is not an address.
    pytest.param("app v1.2.3.4 installed", [], id="version-v-prefix"),
    # A dotted number longer than an address (build id) is not one.
    pytest.param("build 10.0.0.1.5", [], id="dotted-build-id"),
    # A time is not an IPv6 address.
    pytest.param("at 10:30:00 today", [], id="time"),
    # A short time is not an address.
    pytest.param("at 10:30", [], id="time-short"),
    # A MAC address is not an IPv6 address.
    pytest.param("mac 00:1A:2B:3C:4D:5E", [], id="mac"),
    # A C++ scope operator is not an IPv6 address.
    pytest.param(
        "use std::basic_string here",
        [],
        id="cpp-scope",
    ),
    # An IPv4-mapped IPv6 address is found whole.
    pytest.param(
        "from ::ffff:192.168.1.1 ok",
        [("IP_ADDRESS", "::ffff:192.168.1.1")],
        id="v6-ipv4-mapped",
    ),
]


@pytest.mark.parametrize(("text", "expected"), IP_CASES)
def test_ip_addresses(text: str, expected: Expected) -> None:
    assert detect(text) == locate(text, expected)


PHONE_CASES = [
    # North American, dashes.
    pytest.param("call 555-123-4567 today", [("PHONE", "555-123-4567")], id="dashes"),
    # Area code in parentheses.
    pytest.param("call (555) 123-4567 today", [("PHONE", "(555) 123-4567")], id="parens"),
    # Parentheses without the space.
    pytest.param("call (555)123-4567", [("PHONE", "(555)123-4567")], id="parens-no-space"),
    # Dots.
    pytest.param("call 555.123.4567 today", [("PHONE", "555.123.4567")], id="dots"),
    # Country code +1.
    pytest.param("call +1 555-123-4567", [("PHONE", "+1 555-123-4567")], id="plus-1"),
    # Country code with the area code in parentheses.
    pytest.param("call +1 (555) 123-4567", [("PHONE", "+1 (555) 123-4567")], id="plus-1-parens"),
    # A London number.
    pytest.param("call +44 20 7946 0958.", [("PHONE", "+44 20 7946 0958")], id="uk"),
    # A Berlin number.
    pytest.param("call +49 30 21815908", [("PHONE", "+49 30 21815908")], id="de"),
    # International 00 prefix with an extension.
    pytest.param("call 001-555-123-4567x123 now", [("PHONE", "001-555-123-4567x123")], id="00-ext"),
    # A seven-digit ticket number is not a phone number.
    pytest.param("ticket 170-2533", [], id="ticket"),
    # An amount is not a phone number.
    pytest.param("amount $1234.56", [], id="amount"),
    # An amount with thousands separators is not a phone number.
    pytest.param("amount $1,234,567.89", [], id="amount-thousands"),
    # A ZIP code is not a phone number.
    pytest.param("ZIP 90210", [], id="zip"),
    # An ISO date is not a phone number.
    pytest.param("on 2024-01-15", [], id="date"),
    # A quantity is not a phone number.
    pytest.param("qty 500 units", [], id="quantity"),
    # The very common trunk-prefix form 1-800-... is a phone number.
    pytest.param(
        "call 1-800-555-0199 now",
        [("PHONE", "1-800-555-0199")],
        id="trunk-prefix",
    ),
    # Digits after a phone number ("24/7") do not hide it.
    pytest.param(
        "call 555-123-4567 24/7",
        [("PHONE", "555-123-4567")],
        id="followed-by-digits",
    ),
]


@pytest.mark.parametrize(("text", "expected"), PHONE_CASES)
def test_phones(text: str, expected: Expected) -> None:
    assert detect(text) == locate(text, expected)


EMAIL_CASES = [
    # A plain address.
    pytest.param("email jane@example.com now", [("EMAIL", "jane@example.com")], id="plain"),
    # Plus tag, dots in the local part, subdomains and a two-part TLD.
    pytest.param(
        "from jane.doe+tag@mail.example.co.uk",
        [("EMAIL", "jane.doe+tag@mail.example.co.uk")],
        id="plus-dots-subdomains",
    ),
    # Underscore, percent and a dash in the domain.
    pytest.param("to j_d%x@ex-ample.io", [("EMAIL", "j_d%x@ex-ample.io")], id="symbols"),
    # Upper case.
    pytest.param("to JANE.DOE@EXAMPLE.COM", [("EMAIL", "JANE.DOE@EXAMPLE.COM")], id="upper"),
    # A long TLD.
    pytest.param("to jane@sub.example.museum", [("EMAIL", "jane@sub.example.museum")], id="tld"),
    # After "mailto:" the scheme is not part of the address.
    pytest.param("mailto:jane@example.com", [("EMAIL", "jane@example.com")], id="mailto"),
    # No TLD: not an address.
    pytest.param("a@b", [], id="no-tld"),
    # A host without a dot: not an address.
    pytest.param("user@localhost", [], id="localhost"),
    # A one-letter TLD: not an address.
    pytest.param("a@b.c", [], id="one-letter-tld"),
    # No local part: not an address.
    pytest.param("handle @example.com", [], id="no-local-part"),
    # Empty domain label: not an address.
    pytest.param("jane@.com", [], id="empty-domain-label"),
]


@pytest.mark.parametrize(("text", "expected"), EMAIL_CASES)
def test_emails(text: str, expected: Expected) -> None:
    assert detect(text) == locate(text, expected)


PUNCTUATION_CASES = [
    # Parentheses around a card.
    pytest.param("(4111111111111111)", [("CREDIT_CARD", "4111111111111111")], id="parens"),
    # A colon before and a comma after.
    pytest.param(
        "card:4111-1111-1111-1111,", [("CREDIT_CARD", "4111-1111-1111-1111")], id="colon-comma"
    ),
    # The sentence's final dot is not part of the email.
    pytest.param("jane@example.com.", [("EMAIL", "jane@example.com")], id="email-final-dot"),
    # Nor after a two-part TLD.
    pytest.param("jane@example.com.au.", [("EMAIL", "jane@example.com.au")], id="email-au-dot"),
    # Double quotes.
    pytest.param('"jane@example.com"', [("EMAIL", "jane@example.com")], id="double-quotes"),
    # Single quotes around a grouped card.
    pytest.param(
        "'4111 1111 1111 1111'", [("CREDIT_CARD", "4111 1111 1111 1111")], id="single-quotes"
    ),
    # Curly quotes around a phone number.
    pytest.param("“555-123-4567”", [("PHONE", "555-123-4567")], id="curly-quotes"),
    # Guillemets around an email.
    pytest.param("«jane@example.com»", [("EMAIL", "jane@example.com")], id="guillemets"),
    # Angle brackets around an email.
    pytest.param("<jane@example.com>", [("EMAIL", "jane@example.com")], id="angle-brackets"),
    # An SSN before a semicolon.
    pytest.param("ssn:123-45-6789;", [("US_SSN", "123-45-6789")], id="ssn-semicolon"),
    # An IBAN before a full stop.
    pytest.param(
        "acct DE89370400440532013000.", [("IBAN", "DE89370400440532013000")], id="iban-dot"
    ),
    # Two entities separated by a comma only.
    pytest.param(
        "jane@example.com,10.0.0.1",
        [("EMAIL", "jane@example.com"), ("IP_ADDRESS", "10.0.0.1")],
        id="comma-separated",
    ),
    # Across line breaks and tabs.
    pytest.param("\n\t10.0.0.1\r\n", [("IP_ADDRESS", "10.0.0.1")], id="whitespace"),
]


@pytest.mark.parametrize(("text", "expected"), PUNCTUATION_CASES)
def test_entities_touching_punctuation(text: str, expected: Expected) -> None:
    assert detect(text) == locate(text, expected)


MANY = (
    "Jane (jane.doe@example.com, +1 555-123-4567) paid with 4111 1111 1111 1111; SSN "
    "123-45-6789, refund to GB82 WEST 1234 5698 7654 32, login from 10.0.0.1 and 2001:db8::1."
)
MANY_EXPECTED = [
    ("EMAIL", "jane.doe@example.com"),
    ("PHONE", "+1 555-123-4567"),
    ("CREDIT_CARD", "4111 1111 1111 1111"),
    ("US_SSN", "123-45-6789"),
    ("IBAN", "GB82 WEST 1234 5698 7654 32"),
    ("IP_ADDRESS", "10.0.0.1"),
    ("IP_ADDRESS", "2001:db8::1"),
]


def test_several_entities_left_to_right() -> None:
    found = detect(MANY)
    assert found == locate(MANY, MANY_EXPECTED)
    assert [d.start for d in found] == sorted(d.start for d in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_empty_text() -> None:
    assert detect("") == []


def test_text_without_pii() -> None:
    text = "Order #123456789 at 10:30:00 on 2024-01-15, app v1.2.3, ZIP 90210, $1,234.56."
    assert detect(text) == []


UNICODE_CASES = [
    # A non-BMP emoji counts as one code point (not two UTF-16 units, not four bytes).
    pytest.param("😀😀 4111111111111111", [Detection("CREDIT_CARD", 3, 19)], id="emoji"),
    # Emoji on both sides of an email.
    pytest.param("😀 jane@example.com 😀", [Detection("EMAIL", 2, 18)], id="emoji-around"),
    # A ZWJ family emoji and a skin-tone modifier are several code points each.
    pytest.param("👩‍👩‍👧 call (555) 123-4567 👍🏽", [Detection("PHONE", 11, 25)], id="zwj-emoji"),
    # Hebrew before and Arabic after, spans in logical order.
    pytest.param(
        "שלום jane@example.com مرحبا 4111111111111111",
        [Detection("EMAIL", 5, 21), Detection("CREDIT_CARD", 28, 44)],
        id="rtl",
    ),
    # CJK glued to the email on both sides.
    pytest.param("日本語jane@example.com日本語", [Detection("EMAIL", 3, 19)], id="cjk-glued"),
    # Accented letters glued to a card (not ASCII word characters, so a word boundary).
    pytest.param("é4111111111111111é", [Detection("CREDIT_CARD", 1, 17)], id="accent-glued"),
    # Non-breaking spaces around an SSN.
    pytest.param("\u00a0123-45-6789\u00a0", [Detection("US_SSN", 1, 12)], id="nbsp"),
    # Zero-width spaces around an address.
    pytest.param("x\u200b10.0.0.1\u200b", [Detection("IP_ADDRESS", 2, 10)], id="zero-width"),
    # Arabic-Indic and mathematical digits are not ASCII digits: only the ASCII card is found.
    pytest.param("٤١١١ 𝟒𝟏𝟏𝟏 4111111111111111", [Detection("CREDIT_CARD", 10, 26)], id="digits"),
    # Fullwidth letters are read as the ASCII ones (NFKC): an email in any width is an email.
    pytest.param("ｊａｎｅ@example.com", [Detection("EMAIL", 0, 16)], id="fullwidth"),
]


@pytest.mark.parametrize(("text", "expected"), UNICODE_CASES)
def test_unicode_text_keeps_code_point_spans(text: str, expected: list[Detection]) -> None:
    assert detect(text) == expected


FILTER_CASES = [
    # Only emails.
    pytest.param(frozenset({"EMAIL"}), ["EMAIL"], id="email"),
    # Only cards.
    pytest.param(frozenset({"CREDIT_CARD"}), ["CREDIT_CARD"], id="card"),
    # Two types.
    pytest.param(frozenset({"US_SSN", "IBAN"}), ["US_SSN", "IBAN"], id="ssn-iban"),
    # Only addresses (both IPv4 and IPv6).
    pytest.param(frozenset({"IP_ADDRESS"}), ["IP_ADDRESS", "IP_ADDRESS"], id="ip"),
    # Every type: the same as no filter.
    pytest.param(frozenset(ENTITY_TYPES), [e for e, _ in MANY_EXPECTED], id="all"),
    # No type: nothing.
    pytest.param(frozenset(), [], id="none"),
]


@pytest.mark.parametrize(("entities", "kinds"), FILTER_CASES)
def test_entities_filter(entities: frozenset[str], kinds: list[str]) -> None:
    everything = locate(MANY, MANY_EXPECTED)
    found = detect(MANY, entities=entities)
    assert [d.entity for d in found] == kinds
    assert found == [d for d in everything if d.entity in entities]  # same spans as unfiltered
    assert detect_column([MANY], entities) == [found]


def test_no_filter_is_every_type() -> None:
    assert detect(MANY, entities=None) == detect(MANY, entities=frozenset(ENTITY_TYPES))


@pytest.fixture(scope="module")
def corpus() -> list[Note]:
    return make_corpus(2000)


# 100,000 characters of words with an entity at each end.
LONG_TEXT = "jane@example.com " + ("lorem ipsum " * 8_400)[:99_963] + " 4111 1111 1111 1111"
HOSTILE = [
    "",
    "😀 jane@example.com 😀",
    "שלום jane@example.com مرحبا 4111111111111111",
    "👩‍👩‍👧 call (555) 123-4567 👍🏽",
    LONG_TEXT,
    "QUJD" * 1_000 + " jane@example.com " + "z" * 4_000,
    "1" * 5_000,
    "a\x01b 4111111111111111 \x02 jane@example.com",
    "\x01",
    "\x02\x01",
    "\x0110.0.0.1\x02",
    "é4111111111111111é",
    "٤١١١ 𝟒𝟏𝟏𝟏 4111111111111111",
    "\u00a0123-45-6789\u00a0",
    "x\u200b10.0.0.1\u200b",
    "ｊａｎｅ@example.com",
    MANY,
    "use std::basic_string, call 555-123-4567 24/7",
]


def test_long_text_finds_entities_at_both_ends() -> None:
    assert len(LONG_TEXT) == 100_000
    expected = [
        Detection("EMAIL", 0, 16),
        Detection("CREDIT_CARD", len(LONG_TEXT) - 19, len(LONG_TEXT)),
    ]
    assert detect(LONG_TEXT) == expected
    assert detect_column([LONG_TEXT]) == [expected]


def test_detect_is_linear_on_long_blobs() -> None:
    blob = "QUJD" * 12_500  # 50,000 base64-like characters
    started = time.perf_counter()
    assert detect(blob) == []
    assert time.perf_counter() - started < 0.25  # a linear scan takes a few milliseconds


def test_detect_column_matches_detect(corpus: list[Note]) -> None:
    texts = [note.text for note in corpus] + HOSTILE
    column = detect_column(texts)
    mismatched = [i for i, (a, t) in enumerate(zip(column, texts, strict=True)) if a != detect(t)]
    assert not mismatched, f"detect_column differs from detect on rows {mismatched[:20]}"


def test_detect_column_with_filter_matches_detect(corpus: list[Note]) -> None:
    wanted = frozenset({"PHONE", "IBAN"})
    texts = [note.text for note in corpus[:500]] + HOSTILE
    assert detect_column(texts, wanted) == [detect(t, wanted) for t in texts]


def test_detect_column_empty() -> None:
    assert detect_column([]) == []


def test_corpus_recall_and_precision(corpus: list[Note]) -> None:
    missed: list[tuple[int, str, int, int]] = []
    stray: list[tuple[int, str, int, int]] = []
    for i, note in enumerate(corpus):
        found = {tuple(d) for d in detect(note.text)}
        missed += [(i, *span) for span in note.spans if span not in found]
        stray += [
            (i, entity, start, end)
            for entity, start, end in found
            if not any(s <= start and end <= e for _, s, e in note.spans)
        ]
    assert sum(len(note.spans) for note in corpus) > 2000  # the corpus does hold entities
    assert not missed, (
        f"{len(missed)} true spans not found (row, entity, start, end): {missed[:20]}"
    )
    assert not stray, f"{len(stray)} detections outside true spans: {stray[:20]}"


def test_corpus_covers_every_entity_type(corpus: list[Note]) -> None:
    # Every entity type but DATE, an option of scrub, which the corpus has as noise.
    assert {entity for note in corpus for entity, _, _ in note.spans} == set(DEFAULT_ENTITIES)
