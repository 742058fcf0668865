"""Synthetic national identifiers that pass their checksums, and phone numbers in each region's
own format, for the locales the detectors support (test corpora only: never real people)."""

from __future__ import annotations

import random
from collections.abc import Callable

from faker import Faker
from stdnum import iso7064, verhoeff
from stdnum.jp import in_ as my_number

LOCALES = {
    # region: Faker locale
    "US": "en_US", "GB": "en_GB", "DE": "de_DE", "FR": "fr_FR", "ES": "es_ES", "IT": "it_IT",
    "NL": "nl_NL", "BR": "pt_BR", "JP": "ja_JP", "IN": "en_IN",
}  # fmt: skip


def _digits(rng: random.Random, n: int, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def _idnr(rng: random.Random) -> str:
    from stdnum.de import idnr

    while True:
        body = _digits(rng, 10)
        number = body + iso7064.mod_11_10.calc_check_digit(body)
        if idnr.is_valid(number):
            return f"{number[:2]} {number[2:5]} {number[5:8]} {number[8:]}"


def _aadhaar(rng: random.Random) -> str:
    body = _digits(rng, 11, "23456789")
    number = body + verhoeff.calc_check_digit(body)
    return f"{number[:4]} {number[4:8]} {number[8:]}"


def _my_number(rng: random.Random) -> str:
    body = _digits(rng, 11)
    number = body + my_number.calc_check_digit(body)
    return f"{number[:4]} {number[4:8]} {number[8:]}"


def _nino(rng: random.Random) -> str:
    first, second = rng.choice("ABCEGHJKLMNPRSTWXYZ"), rng.choice("ABCEGHJKLMNPRSTWXYZ")
    digits = _digits(rng, 6, "0123456789")
    return f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {rng.choice('ABCD')}"


def national_id(region: str, fake: Faker, rng: random.Random) -> str:
    """A valid national identifier of `region`, as people write it there."""
    # Faker's own generators where they give valid numbers (checked by the tests), ours else.
    faker_methods = {"US": "ssn", "FR": "ssn", "ES": "nif", "IT": "ssn", "NL": "ssn", "BR": "cpf"}
    ours: dict[str, Callable[[random.Random], str]] = {
        "GB": _nino, "DE": _idnr, "JP": _my_number, "IN": _aadhaar,
    }  # fmt: skip
    if region in faker_methods:
        return str(getattr(fake, faker_methods[region])())
    return ours[region](rng)


# A national format per region (# a digit): what a number looks like written at home.
PHONE_FORMATS = {
    "US": ("(###) ###-####", "###-###-####"),
    "GB": ("07### ######", "020 #### ####"),
    "DE": ("030 #######", "0151 ########"),
    "FR": ("06.##.##.##.##", "01 ## ## ## ##"),
    "ES": ("6## ## ## ##", "91 ### ## ##"),
    "IT": ("3## ### ####", "06 #### ####"),
    "NL": ("06-########", "020 ### ####"),
    "BR": ("(11) 9####-####", "(21) ####-####"),
    "JP": ("090-####-####", "03-####-####"),
    "IN": ("9#### #####", "+91 98### #####"),
}
COUNTRY_CODES = {"US": "1", "GB": "44", "DE": "49", "FR": "33", "ES": "34", "IT": "39",
                 "NL": "31", "BR": "55", "JP": "81", "IN": "91"}  # fmt: skip


def phone_number(region: str, rng: random.Random) -> str:
    """A phone number valid in `region` (checked with phonenumbers), in a national format."""
    import phonenumbers

    while True:
        fmt = rng.choice(PHONE_FORMATS[region])
        text = "".join(rng.choice("0123456789") if c == "#" else c for c in fmt)
        if region == "US":
            text = text.replace("(0", "(2").replace("(1", "(3")
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(text, region)):
                return text
        except phonenumbers.NumberParseException:
            continue
