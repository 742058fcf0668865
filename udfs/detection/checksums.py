"""Checks a candidate number must pass: Luhn and brand prefixes for cards, SSA rules for SSNs."""

from __future__ import annotations

import re

NON_DIGIT = re.compile(r"\D")

_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_valid(digits: str) -> bool:
    backwards = digits[::-1]
    total = sum(map(int, backwards[0::2])) + sum(_LUHN_DOUBLED[int(d)] for d in backwards[1::2])
    return total % 10 == 0


def _card_brand_ok(digits: str) -> bool:
    """Prefixes and lengths of Visa, Mastercard, Amex, Discover, JCB, Diners and Maestro."""
    n = len(digits)
    p2, p3, p4 = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":
        return n in (13, 16, 19)
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:
        return n == 16
    if p2 in (34, 37):
        return n == 15
    if digits.startswith("6011") or p2 == 65 or 644 <= p3 <= 649:
        return n in (16, 19)
    if p2 == 35 or digits.startswith(("1800", "2131")):  # JCB, including the old 15-digit
        return 15 <= n <= 19
    if 300 <= p3 <= 305 or p2 in (36, 38, 39):
        return 14 <= n <= 19
    maestro = ("5018", "5020", "5038", "5893", "6304", "6759", "6761", "6762", "6763", "0604")
    if digits.startswith(maestro) or digits.startswith(("56", "57", "58", "6390")):
        return 12 <= n <= 19
    return False


def card_valid(text: str) -> bool:
    digits = NON_DIGIT.sub("", text)
    return 12 <= len(digits) <= 19 and _card_brand_ok(digits) and luhn_valid(digits)


def ssn_valid(text: str) -> bool:
    """SSA rules: area not 000, 666 or 900-999; group not 00; serial not 0000."""
    digits = NON_DIGIT.sub("", text)
    if len(digits) != 9:
        return False
    area, group, serial = int(digits[:3]), int(digits[3:5]), int(digits[5:])
    return area not in (0, 666) and area < 900 and group != 0 and serial != 0
