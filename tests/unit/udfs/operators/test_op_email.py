"""`email`: protect the local part of an address and keep its (lower-cased) domain.

mode tokenize (default): keyed token of the whole lower-cased address, then "@domain";
mode mask: Hive mask() of the local part; mode redact: `replacement` (default "***") as the
local part. A value that is not an address (no "@", empty local part or empty domain) is
protected whole, so no raw text leaks. A domain that is no plausible host name, or that holds
more than three digits (an id planted after the "@"), becomes redacted.invalid in every mode.
Nulls stay null.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.udfs.operators.op_cases import (
    LONG,
    OTHER_KEYS,
    TEST_KEYS,
    output_type,
    params_of,
    run_one,
    run_op,
    type_fix,
)
from udfs.operators import get_operator
from udfs.operators.email_mask import REDACTED_DOMAIN

TOKENIZE: dict[str, Any] = {}
R = "@" + REDACTED_DOMAIN
MASK = {"mode": "mask"}
REDACT = {"mode": "redact"}


def tok(address: str) -> str:
    """tok_k1_<hex>: HMAC-SHA256 under the test key of the length-prefixed domain "email" and
    lower(address), 16 bytes."""
    message = ("5:email" + address.lower()).encode("utf-8")
    return "tok_k1_" + hmac.new(TEST_KEYS.active_key, message, hashlib.sha256).hexdigest()[:32]


CASES = [
    # A SQL NULL stays null, in every mode.
    pytest.param(None, TOKENIZE, None, id="null-none-tokenize"),
    # A float NaN stays null.
    pytest.param(float("nan"), MASK, None, id="null-nan-mask"),
    # A float NaN stays null when redacting too.
    pytest.param(float("nan"), REDACT, None, id="null-nan-redact"),
    # The empty string is not an address: it is tokenized whole.
    pytest.param("", TOKENIZE, tok(""), id="empty-tokenize"),
    # The empty string masks to itself (there is nothing to leak).
    pytest.param("", MASK, "", id="empty-mask"),
    # The empty string is redacted whole.
    pytest.param("", REDACT, "***", id="empty-redact"),
    # Pinned token of the whole lower-cased address, then the lower-cased domain.
    pytest.param(
        "Jane.Roe@Example.com",
        TOKENIZE,
        "tok_k1_7e4a738f2c314803389b7ee80be34c2a@example.com",
        id="tokenize-pinned",
    ),
    # Case variants of one address get the same token: "A@X.com" ...
    pytest.param("A@X.com", TOKENIZE, tok("a@x.com") + "@x.com", id="tokenize-upper"),
    # ... and "a@x.com".
    pytest.param("a@x.com", TOKENIZE, tok("a@x.com") + "@x.com", id="tokenize-lower"),
    # mask: Hive mask() of the local part; punctuation kept, domain lower-cased.
    pytest.param("Jane.Roe+news@Example.com", MASK, "Xxxx.Xxx+xxxx@example.com", id="mask-local"),
    # mask: digits become n.
    pytest.param("jdoe42@example.org", MASK, "xxxxnn@example.org", id="mask-digits"),
    # redact: the default replacement as the local part.
    pytest.param("jane@EXAMPLE.COM", REDACT, "***@example.com", id="redact-default"),
    # redact: a custom replacement.
    pytest.param(
        "jane@example.com",
        {"mode": "redact", "replacement": "[hidden]"},
        "[hidden]@example.com",
        id="redact-custom",
    ),
    # Several "@": the domain is after the last one; the local part is everything before.
    pytest.param(
        "a@b@Example.com", TOKENIZE, tok("a@b@example.com") + "@example.com", id="two-at-tokenize"
    ),
    # Several "@" masked: the inner "@" is "other" and kept.
    pytest.param("a@b@Example.com", MASK, "x*x@example.com", id="two-at-mask"),
    # No "@": the whole value is tokenized, no raw text left.
    pytest.param("not-an-address", TOKENIZE, tok("not-an-address"), id="no-at-tokenize"),
    # No "@": the whole value is masked.
    pytest.param("Jane Roe", MASK, "Xxxx*Xxx", id="no-at-mask"),
    # No "@": the whole value is redacted.
    pytest.param("Jane Roe", REDACT, "***", id="no-at-redact"),
    # Empty local part: the whole value is tokenized.
    pytest.param("@example.com", TOKENIZE, tok("@example.com"), id="empty-local-tokenize"),
    # Empty local part: the whole value is masked, the domain included.
    pytest.param("@example.com", MASK, "*xxxxxxx.xxx", id="empty-local-mask"),
    # Empty local part: the whole value is redacted.
    pytest.param("@example.com", REDACT, "***", id="empty-local-redact"),
    # Empty domain: the whole value is tokenized.
    pytest.param("jane.roe@", TOKENIZE, tok("jane.roe@"), id="empty-domain-tokenize"),
    # Empty domain: the whole value is masked.
    pytest.param("jane.roe@", MASK, "xxxx.xxx*", id="empty-domain-mask"),
    # Empty domain: the whole value is redacted.
    pytest.param("jane.roe@", REDACT, "***", id="empty-domain-redact"),
    # A lone "@" is redacted whole.
    pytest.param("@", REDACT, "***", id="lone-at-redact"),
    # Accented local part and domain: tokenized lower-cased, domain lower-cased.
    pytest.param(
        "Émilie@Exämple.COM", TOKENIZE, tok("émilie@exämple.com") + "@exämple.com", id="accented"
    ),
    # Accented letters mask by case.
    pytest.param("Émilie@exämple.com", MASK, "Xxxxxx@exämple.com", id="accented-mask"),
    # Arabic-Indic digits in the local part are digits.
    pytest.param("jane٣٤@example.com", MASK, "xxxxnn@example.com", id="arabic-digits-mask"),
    # CJK local part and internationalized domain: tokenized.
    pytest.param("用户@例え.jp", TOKENIZE, tok("用户@例え.jp") + "@例え.jp", id="cjk-tokenize"),
    # CJK local part redacted.
    pytest.param("用户@例え.jp", REDACT, "***@例え.jp", id="cjk-redact"),
    # An emoji (non-BMP) local part is tokenized.
    pytest.param("😀@example.com", TOKENIZE, tok("😀@example.com") + "@example.com", id="emoji"),
    # Right-to-left local part is tokenized.
    pytest.param("שלום@example.com", TOKENIZE, tok("שלום@example.com") + "@example.com", id="rtl"),
    # Right-to-left local part redacted.
    pytest.param("שלום@example.com", REDACT, "***@example.com", id="rtl-redact"),
    # A very long local part: tokenized to a short token.
    pytest.param(
        "z" * LONG + "@example.com",
        TOKENIZE,
        tok("z" * LONG + "@example.com") + "@example.com",
        id="long-tokenize",
    ),
    # A very long local part masked in full.
    pytest.param("z" * LONG + "@example.com", MASK, "x" * LONG + "@example.com", id="long-mask"),
    # A card number as the domain (no dot, no top-level label): the placeholder domain.
    pytest.param("x@4111111111111111", TOKENIZE, tok("x@4111111111111111") + R, id="card-domain"),
    # An SSN as a label of a real-looking domain: more than three digits.
    pytest.param("contact@123-45-6789.example.org", MASK, "xxxxxxx" + R, id="ssn-label"),
    # A phone number in the domain.
    pytest.param("jane@555-201-1234.example.com", REDACT, "***" + R, id="phone-label"),
    # Full-width digits are digits (IDNA's nameprep reads them as ASCII).
    pytest.param("jane@４１１１１１１１.com", REDACT, "***" + R, id="full-width-digits"),
    # Circled digits too.
    pytest.param("jane@①②③④⑤.com", REDACT, "***" + R, id="circled-digits"),
    # Arabic-Indic digits, which nameprep keeps as they are, are counted too.
    pytest.param("jane@٤١١١١.com", REDACT, "***" + R, id="arabic-indic-digits"),
    # Superscript digits.
    pytest.param("jane@a¹²³⁴.com", REDACT, "***" + R, id="superscript-digits"),
    # Up to three digits are a real domain's (163.com, web2.de): kept.
    pytest.param("jane@163.com", REDACT, "***@163.com", id="three-digits-kept"),
    # An IPv4 address is no host name (its top-level label is digits).
    pytest.param("jane@192.168.10.20", REDACT, "***" + R, id="ipv4"),
    # Neither is an address literal.
    pytest.param("jane@[10.0.0.1]", REDACT, "***" + R, id="address-literal"),
    # A single label (no top-level domain).
    pytest.param("jane@localhost", REDACT, "***" + R, id="single-label"),
    # A top-level label of digits.
    pytest.param("jane@example.123", REDACT, "***" + R, id="numeric-tld"),
    # An empty label (a trailing dot, two dots).
    pytest.param("jane@example.com.", REDACT, "***" + R, id="trailing-dot"),
    # Characters no host name has: an underscore, a space, a dollar.
    pytest.param("jane@exa_mple.com", REDACT, "***" + R, id="underscore"),
    # A space inside the domain.
    pytest.param("jane@exam ple.com", REDACT, "***" + R, id="inner-space"),
    # A label may not start with a hyphen.
    pytest.param("jane@-example.com", REDACT, "***" + R, id="leading-hyphen"),
    # A label of 64 characters is one too many.
    pytest.param("jane@" + "a" * 64 + ".com", REDACT, "***" + R, id="label-too-long"),
    # A domain over 253 characters.
    pytest.param("jane@" + "abc." * 64 + "com", REDACT, "***" + R, id="domain-too-long"),
    # Invisible tag characters (a hidden "41"): IDNA prohibits them.
    pytest.param("jane@ex\U000e0034\U000e0031.com", REDACT, "***" + R, id="tag-characters"),
    # A zero-width space is mapped to nothing by IDNA: the domain as a reader sees it.
    pytest.param("jane@exa\u200bmple.com", REDACT, "***@example.com", id="zero-width-space"),
    # Full-width letters: the domain in ASCII.
    pytest.param("jane@ｅｘａｍｐｌｅ.com", REDACT, "***@example.com", id="full-width-letters"),
    # Spaces around the domain carry nothing.
    pytest.param("jane@example.com ", REDACT, "***@example.com", id="trailing-space"),
    # An A-label is kept as written; Punycode's own digits are not the domain's.
    pytest.param("jane@XN--80AK6AA92E.com", REDACT, "***@xn--80ak6aa92e.com", id="a-label"),
    # An internationalized top-level domain (.рф) is letters.
    pytest.param("jane@пример.рф", REDACT, "***@пример.рф", id="idn-tld"),
    # A malformed A-label is no host name.
    pytest.param("jane@example.xn--zzzzzz", REDACT, "***" + R, id="bad-a-label"),
]


@pytest.mark.parametrize(("value", "params", "expected"), CASES)
def test_email(value: Any, params: dict[str, Any], expected: Any) -> None:
    keys = TEST_KEYS if get_operator("email").needs_key(params_of("email", params)) else None
    assert run_op("email", [value], params, keys=keys) == [expected]


def test_tokens_depend_on_the_key() -> None:
    mine = run_one("email", "jane.roe@example.com", keys=TEST_KEYS)
    theirs = run_one("email", "jane.roe@example.com", keys=OTHER_KEYS)
    assert mine.endswith("@example.com") and theirs.endswith("@example.com")
    assert theirs.startswith("tok_k2_") and mine.split("@")[0] != theirs.split("@")[0]


def test_same_address_in_one_batch_gets_one_token() -> None:
    out = run_op("email", ["A@X.com", "a@x.com", "b@x.com", None, "a@X.COM"])
    assert out[0] == out[1] == out[4] != out[2]
    assert out[3] is None


@pytest.mark.parametrize(
    "value", ["Jane Roe", "jane.roe@", "@example.com", "jane roe at example", "用户名"]
)
@pytest.mark.parametrize("params", [TOKENIZE, REDACT], ids=["tokenize", "redact"])
def test_non_addresses_leak_nothing(value: str, params: dict[str, Any]) -> None:
    out = run_one("email", value, params)
    assert out is not None
    assert not any(part and part in out for part in value.replace("@", " ").split())


@pytest.mark.parametrize(
    "value",
    ["用户@example.com", "用户名", "שלום@example.com"],
    ids=["cjk-local-part", "cjk-non-address", "rtl-local-part"],
)
def test_mask_mode_leaks_no_caseless_letters(value: str) -> None:
    out = run_one("email", value, MASK, keys=None)
    local = value.rpartition("@")[0] or value
    assert not any(ch in out for ch in local)


# Ids planted after the "@" (all synthetic), each with the digits it must not carry through.
SMUGGLED_DOMAINS = [
    pytest.param("x@4111111111111111", "4111111111111111", id="bare-card"),
    pytest.param("contact@123-45-6789.example.org", "6789", id="ssn-label"),
    pytest.param("a@4111-1111-1111-1111.example.com", "1111", id="dashed-card"),
    pytest.param("a@4111.1111.1111.1111.com", "1111", id="card-as-labels"),
    pytest.param("a@1987-04-12.dob.example.com", "1987", id="date-of-birth"),
    pytest.param("a@１２３４５６７８９.jp", "１２３４", id="full-width"),
    pytest.param("a@ssn٧٨٩٠.example.com", "٧٨٩٠", id="arabic-indic"),
    pytest.param("a@x\u200b1\u200b2\u200b3\u200b4.com", "1\u200b2", id="zero-width-digits"),
]


@pytest.mark.parametrize(("address", "planted"), SMUGGLED_DOMAINS)
@pytest.mark.parametrize("params", [TOKENIZE, MASK, REDACT], ids=["tokenize", "mask", "redact"])
def test_no_planted_id_passes_through_the_domain(
    address: str, planted: str, params: dict[str, Any]
) -> None:
    keys = TEST_KEYS if params is TOKENIZE else None
    out = run_one("email", address, params, keys=keys)
    passed_through = out.rpartition("@")[2] != REDACTED_DOMAIN or planted in out
    assert not passed_through  # a boolean: never print what was planted


def test_needs_a_key_only_when_tokenizing() -> None:
    op = get_operator("email")
    assert op.needs_key(params_of("email", TOKENIZE))
    assert not op.needs_key(params_of("email", MASK))
    assert not op.needs_key(params_of("email", REDACT))


INVALID_PARAMS = [
    # Only tokenize, mask and redact.
    pytest.param({"mode": "hash"}, id="unknown-mode"),
    # Mode names are exact.
    pytest.param({"mode": "Mask"}, id="mode-case"),
    # The replacement is text.
    pytest.param({"mode": "redact", "replacement": None}, id="null-replacement"),
    # Unknown parameters are errors.
    pytest.param({"keep_domain": False}, id="unknown-param"),
]


@pytest.mark.parametrize("params", INVALID_PARAMS)
def test_email_rejects_invalid_params(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        params_of("email", params)


@pytest.mark.parametrize("input_type", ["INT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP(3)"])
def test_email_rejects_non_text_types(input_type: str) -> None:
    fix = type_fix("email", input_type)
    assert fix is not None and "STRING" in fix


def test_email_accepts_string_and_keeps_its_type() -> None:
    assert type_fix("email", "STRING") is None
    assert output_type("email", "STRING").sql == "STRING"
