"""`scrub`: every entity `udfs.detection.detectors` finds inside free text (EMAIL, PHONE, US_SSN,
CREDIT_CARD, IBAN, IP_ADDRESS) is replaced, and only that span: by a typed placeholder
(`<CREDIT_CARD>`, the default) or by a keyed token of the entity (`replace_with: token`, needs a
key). `entities` limits the types scrubbed. Nulls stay null; STRING fields only.

Every value here is a public test number or an obviously fake one.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.udfs.operators.op_cases import (
    LONG,
    OTHER_KEYS,
    output_type,
    params_of,
    run_one,
    run_op,
    type_fix,
)
from udfs.operators import get_operator

CARD = "4111 1111 1111 1111"
ALL_SIX = (
    "Jane (jane.doe@example.com, +1 555-123-4567) paid with 4111 1111 1111 1111; SSN "
    "123-45-6789, refund to GB82 WEST 1234 5698 7654 32, login from 10.0.0.1 and 2001:db8::1."
)
NO_PII = "Order #123456789 at 10:30:00 on 2024-01-15, app v1.2.3, ZIP 90210, $1,234.56."
TOKEN = r"tok_k1_[0-9a-f]{32}"

CASES = [
    # A SQL NULL stays null.
    pytest.param(None, {}, None, id="null-none"),
    # A float NaN stays null.
    pytest.param(float("nan"), {}, None, id="null-nan"),
    # The empty string stays empty.
    pytest.param("", {}, "", id="empty"),
    # A text without personal data (order number, time, date, version, ZIP, amount) is unchanged.
    pytest.param(NO_PII, {}, NO_PII, id="no-pii"),
    # A card, grouped with spaces, becomes <CREDIT_CARD>; the expiry stays.
    pytest.param(f"card {CARD} exp 12/25", {}, "card <CREDIT_CARD> exp 12/25", id="credit-card"),
    # A card in parentheses: the parentheses stay.
    pytest.param("(4111111111111111)", {}, "(<CREDIT_CARD>)", id="card-parens"),
    # An SSN; the final dot stays.
    pytest.param("SSN 123-45-6789.", {}, "SSN <US_SSN>.", id="ssn"),
    # An email with a plus tag and subdomains; the comma stays.
    pytest.param(
        "reply to jane.doe+tag@mail.example.co.uk, thanks",
        {},
        "reply to <EMAIL>, thanks",
        id="email",
    ),
    # The sentence's final dot is not part of the email.
    pytest.param("write to jane@example.com.", {}, "write to <EMAIL>.", id="email-final-dot"),
    # A phone number with the area code in parentheses.
    pytest.param("call (555) 123-4567 today", {}, "call <PHONE> today", id="phone"),
    # An international phone number.
    pytest.param("call +44 20 7946 0958.", {}, "call <PHONE>.", id="phone-uk"),
    # A spaced IBAN.
    pytest.param("wire to GB82 WEST 1234 5698 7654 32.", {}, "wire to <IBAN>.", id="iban"),
    # An IPv4 address at a sentence end.
    pytest.param("login from 10.0.0.1.", {}, "login from <IP_ADDRESS>.", id="ipv4"),
    # A compressed IPv6 address.
    pytest.param("client 2001:db8::1 seen", {}, "client <IP_ADDRESS> seen", id="ipv6"),
    # All six types in one text, each replaced in place.
    pytest.param(
        ALL_SIX,
        {},
        "Jane (<EMAIL>, <PHONE>) paid with <CREDIT_CARD>; SSN <US_SSN>, refund to <IBAN>, "
        "login from <IP_ADDRESS> and <IP_ADDRESS>.",
        id="all-six",
    ),
    # Two entities separated by a comma only.
    pytest.param("jane@example.com,10.0.0.1", {}, "<EMAIL>,<IP_ADDRESS>", id="adjacent"),
    # Look-alikes next to a real entity are kept.
    pytest.param(
        "ticket 170-2533 from 10.0.0.1 at 10:30:00",
        {},
        "ticket 170-2533 from <IP_ADDRESS> at 10:30:00",
        id="look-alikes-kept",
    ),
    # Emoji and right-to-left text around entities are kept.
    pytest.param(
        "😀 jane@example.com שלום 4111111111111111 مرحبا",
        {},
        "😀 <EMAIL> שלום <CREDIT_CARD> مرحبا",
        id="unicode",
    ),
    # A very long text with an entity at each end.
    pytest.param(
        "jane@example.com " + "lorem ipsum " * (LONG // 12) + CARD,
        {},
        "<EMAIL> " + "lorem ipsum " * (LONG // 12) + "<CREDIT_CARD>",
        id="long",
    ),
    # Texts holding the column scan's marker characters \x01 and \x02 are scrubbed all the same.
    pytest.param(
        "a\x01b jane@example.com \x02 10.0.0.1",
        {},
        "a\x01b <EMAIL> \x02 <IP_ADDRESS>",
        id="marker-characters",
    ),
    # entities: [EMAIL] scrubs only emails.
    pytest.param(
        ALL_SIX,
        {"entities": ["EMAIL"]},
        ALL_SIX.replace("jane.doe@example.com", "<EMAIL>"),
        id="only-email",
    ),
    # Two types chosen: the others stay.
    pytest.param(
        f"card {CARD}, SSN 123-45-6789, mail jane@example.com",
        {"entities": ["CREDIT_CARD", "US_SSN"]},
        "card <CREDIT_CARD>, SSN <US_SSN>, mail jane@example.com",
        id="card-and-ssn",
    ),
    # A chosen type absent from the text: unchanged.
    pytest.param(
        "mail jane@example.com", {"entities": ["IBAN"]}, "mail jane@example.com", id="absent"
    ),
    # Explicit placeholder mode is the default.
    pytest.param(
        "mail jane@example.com", {"replace_with": "placeholder"}, "mail <EMAIL>", id="explicit"
    ),
]


@pytest.mark.parametrize(("value", "params", "expected"), CASES)
def test_scrub(value: Any, params: dict[str, Any], expected: Any) -> None:
    assert run_one("scrub", value, params) == expected


def test_placeholders_need_no_key() -> None:
    assert run_one("scrub", "mail jane@example.com", keys=None) == "mail <EMAIL>"


def test_nulls_stay_null_between_values() -> None:
    values = [f"card {CARD}", None, "mail jane@example.com", float("nan"), "", NO_PII]
    assert run_op("scrub", values) == [
        "card <CREDIT_CARD>",
        None,
        "mail <EMAIL>",
        None,
        "",
        NO_PII,
    ]


def test_all_null_column() -> None:
    assert run_op("scrub", [None, float("nan")]) == [None, None]


def test_rows_stay_aligned_in_a_large_column() -> None:
    values: list[Any] = []
    for i in range(300):
        values += [f"row {i} mail u{i}@example.com", None, f"row {i} plain"]
    out = run_op("scrub", values)
    assert out[0::3] == [f"row {i} mail <EMAIL>" for i in range(300)]
    assert out[1::3] == [None] * 300
    assert out[2::3] == [f"row {i} plain" for i in range(300)]


def test_token_mode_replaces_entities_with_typed_keyed_tokens() -> None:
    text = f"card {CARD} exp 12/25, mail jane@example.com."
    out = run_one("scrub", text, {"replace_with": "token"})
    assert re.fullmatch(rf"card <CREDIT_CARD:{TOKEN}> exp 12/25, mail <EMAIL:{TOKEN}>\.", out)


def test_token_mode_same_value_same_token() -> None:
    values = [
        f"card {CARD}",
        f"again {CARD}, other 5555 5555 5555 4444 and {CARD}",
        "mail jane@example.com",
    ]
    out = run_op("scrub", values, {"replace_with": "token"})
    tokens = [re.findall(TOKEN, text) for text in out]
    assert [len(t) for t in tokens] == [1, 3, 1]
    assert tokens[0][0] == tokens[1][0] == tokens[1][2]
    assert len({tokens[0][0], tokens[1][1], tokens[2][0]}) == 3
    same, other = tokens[0][0], tokens[1][1]
    assert (
        out[1]
        == f"again <CREDIT_CARD:{same}>, other <CREDIT_CARD:{other}> and <CREDIT_CARD:{same}>"
    )


def test_token_mode_another_key_gives_other_tokens() -> None:
    mine = run_one("scrub", f"card {CARD}", {"replace_with": "token"})
    theirs = run_one("scrub", f"card {CARD}", {"replace_with": "token"}, keys=OTHER_KEYS)
    assert re.fullmatch(r"card <CREDIT_CARD:tok_k2_[0-9a-f]{32}>", theirs)
    assert mine != theirs.replace("tok_k2_", "tok_k1_")


def test_token_mode_keeps_nulls_and_plain_text() -> None:
    out = run_op("scrub", [None, "", NO_PII], {"replace_with": "token"})
    assert out == [None, "", NO_PII]


NEEDS_KEY = [
    # The default (placeholders) needs no key.
    pytest.param({}, False, id="default"),
    # Explicit placeholders need no key.
    pytest.param({"replace_with": "placeholder"}, False, id="placeholder"),
    # Tokens need a key.
    pytest.param({"replace_with": "token"}, True, id="token"),
    # Tokens need a key whatever the entity types.
    pytest.param({"replace_with": "token", "entities": ["EMAIL"]}, True, id="token-email"),
]


@pytest.mark.parametrize(("params", "expected"), NEEDS_KEY)
def test_needs_key_only_for_tokens(params: dict[str, Any], expected: bool) -> None:
    assert get_operator("scrub").needs_key(params_of("scrub", params)) is expected


INVALID_PARAMS = [
    # An entity type the detectors do not know.
    pytest.param({"entities": ["PASSPORT"]}, id="unknown-entity"),
    # One unknown type among known ones.
    pytest.param({"entities": ["EMAIL", "NAME"]}, id="unknown-among-known"),
    # Entity types are upper case.
    pytest.param({"entities": ["email"]}, id="lower-case-entity"),
    # entities is a list, not a single string.
    pytest.param({"entities": "EMAIL"}, id="entities-string"),
    # Only placeholder or token.
    pytest.param({"replace_with": "hash"}, id="unknown-replace-with"),
    # Keys never come from the policy.
    pytest.param({"replace_with": "token", "key": "0" * 32}, id="key-in-policy"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_scrub_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("scrub", params)


@pytest.mark.parametrize(
    "input_type", ["INT", "BIGINT", "DOUBLE", "DECIMAL(12, 2)", "DATE", "TIMESTAMP(3)", "BOOLEAN"]
)
def test_scrub_rejects_other_types(input_type: str) -> None:
    fix = type_fix("scrub", input_type)
    assert fix is not None and "STRING" in fix


def test_scrub_accepts_string_and_outputs_string() -> None:
    assert type_fix("scrub", "STRING") is None
    assert output_type("scrub", "STRING").sql == "STRING"
