"""Phone numbers in national and international formats, validated by phonenumbers, with a cheap
gate from its own metadata before each parse (a parse costs ~20 µs a region)."""

from __future__ import annotations

import functools
import re

import phonenumbers
from phonenumbers import PhoneMetadata

from udfs.detection.budget import PARSE, Budget
from udfs.detection.context_words import PHONE_CONTEXT, has_context


def is_phone(
    candidate: str,
    digits: str,
    text: str,
    start: int,
    regions: tuple[str, ...],
    *,
    budget: Budget,
) -> bool:
    if not 8 <= len(digits) <= 15:
        return False
    if has_context(text, start, PHONE_CONTEXT):
        # After "Tel." a number is a phone number, valid or not: numbers people type (and
        # Faker writes) are often not valid for phonenumbers, and a typo does not make one safe.
        return True
    if candidate.startswith(("+", "00")):
        budget.spend(PARSE)
        number = "+" + candidate[2:] if candidate.startswith("00") else candidate
        try:
            return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
        except phonenumbers.NumberParseException:
            return False
    # A trunk prefix or an area code in brackets says "phone"; other digit groups (an order
    # number, an amount) are a phone number only when the words before say so (above).
    if not candidate.startswith(("(", "0")):
        return False
    for region in regions:
        if not may_be_valid(digits, region):
            continue
        budget.spend(PARSE)
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(candidate, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


@functools.cache
def _region_gate(
    region: str,
) -> tuple[re.Pattern[str], tuple[str, ...] | None, str, tuple[re.Pattern[str], ...]]:
    """What a national number read in `region` may become, from phonenumbers' own metadata:
    its international dialling prefix, the national prefixes parse() strips (None: a rule too
    rich to restate, so always parse), the country code, and the general pattern of every
    region of that country code (a valid number matches one: is_valid_number checks it first)."""
    metadata = PhoneMetadata.metadata_for_region(region)
    prefix = metadata.national_prefix_for_parsing
    if prefix is None:
        strips: tuple[str, ...] | None = ()
    elif re.fullmatch(r"\d+(?:\|\d+)*", prefix) and metadata.national_prefix_transform_rule is None:
        strips = tuple(prefix.split("|"))
    else:
        strips = None
    patterns = []
    for other in phonenumbers.region_codes_for_country_code(metadata.country_code):
        general = PhoneMetadata.metadata_for_region(other).general_desc
        if general is not None and general.national_number_pattern:
            patterns.append(re.compile(general.national_number_pattern))
    idd = re.compile(metadata.international_prefix or "(?!)")
    return idd, strips, str(metadata.country_code), tuple(patterns)


def may_be_valid(digits: str, region: str) -> bool:
    """False when parsing `digits` in `region` cannot give a valid number: neither the digits,
    nor the digits without a national prefix or the country code (or both), match the general
    pattern of the country (a cheap regex where a parse is ~20 µs)."""
    idd, strips, code, patterns = _region_gate(region)
    if strips is None or idd.match(digits):
        return True
    # parse() may strip the country code and then a national prefix, or the other way round.
    options = {digits}
    for _ in range(2):
        options |= {o[len(s) :] for o in options for s in (*strips, code) if o.startswith(s)}
    return any(p.fullmatch(o) for p in patterns for o in options)


def national_number(digits: str) -> str | None:
    """The national significant number of an international number's digits ("4930123456" ->
    "30123456"), or None when phonenumbers cannot read it."""
    try:
        number = phonenumbers.parse("+" + digits.removeprefix("00"), None)
        return phonenumbers.national_significant_number(number)
    except phonenumbers.NumberParseException:
        return None
