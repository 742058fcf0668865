"""Email addresses: protect the local part, keep the (lower-cased) domain for analytics.

Only a domain that is a plausible host name is kept: the part after the last "@" is the user's
to write, and "x@4111111111111111" or "a@123-45-6789.example.org" would carry a card or an SSN
through. A domain that is no host name (see public_domain) becomes REDACTED_DOMAIN, in every
mode: the local part is protected as always, so the output keeps its shape (token@domain) and
the count of odd domains stays visible to analysts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Literal

import pandas as pd
from pydantic import Field

from udfs.columns import map_values
from udfs.operators import STRENGTH_PARTIAL, Clear, ColumnContext, Params, register, text_only
from udfs.operators.character_mask import MaskParams
from udfs.operators.hashing import tokenizer

TOKEN_DOMAIN = "email"
# RFC 2606 reserves .invalid for names that cannot exist: no real domain is mistaken for it.
REDACTED_DOMAIN = "redacted.invalid"
# A domain holding more digits than this (of any script, all labels together) may hold an id:
# an SSN, a card, a phone number, a date of birth. Every entity the free-text detectors find
# that can be written as host-name labels holds at least four digits (so running them on the
# domain would find nothing more); real domains seldom do (163.com and web2.de keep theirs).
DOMAIN_MAX_DIGITS = 3
MAX_DOMAIN_CHARS = 253  # RFC 1035, in the ASCII form
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)
_TLD = re.compile(r"[a-z]{2,63}", re.ASCII)


class EmailParams(Params):
    mode: Literal["tokenize", "mask", "redact"] = Field(
        default="tokenize",
        description="tokenize: keyed token of the whole lower-cased address, then @domain; "
        "mask: letters to X/x, digits to n, every other character but . _ - + to *; "
        "redact: `replacement` as the local part. In every mode a domain that is no plausible "
        "host name (or holds more than 3 digits) becomes redacted.invalid",
    )
    replacement: str = "***"


def _protector(params: EmailParams, ctx: ColumnContext) -> Callable[[str, str], str]:
    """A function (whole address, local part) -> protected local part."""
    if params.mode == "tokenize":
        keys = ctx.keys
        assert keys is not None  # the policy compiler refuses keyed operators without keys
        one = tokenizer(keys, domain=TOKEN_DOMAIN, lowercase=True)
        return lambda address, _local: one(address)
    if params.mode == "mask":
        # Hive's mask() keeps characters without case (CJK, Hebrew, emoji): here they are
        # masked too; only the separators that give an address its shape are kept.
        table = MaskParams(other="*").translation(kept="._-+")
        return lambda _address, local: table.mask(local)
    replacement = params.replacement
    return lambda _address, _local: replacement


@register(
    "email",
    summary="Tokenize, mask or redact the local part; keep the domain if it is a host name.",
    strength=STRENGTH_PARTIAL,
    # The domain is kept by design; of the local part, which names the person, nothing but the
    # separators of mode: mask (a value that is no address is protected whole).
    leaves_clear=lambda _type, p: Clear(
        0, "the domain" + (" and the local part's . _ - +" if p.mode == "mask" else "")
    ),
    # The output keeps an address's shape (token@domain) by design.
    expected_entities=frozenset({"EMAIL"}),
    params=EmailParams,
    check_type=text_only,
    keyed=lambda params: params.mode == "tokenize",
)
def email(column: pd.Series, params: EmailParams, ctx: ColumnContext) -> pd.Series:
    protect = _protector(params, ctx)

    def one(value: str) -> str:
        local, at, domain = value.rpartition("@")
        if not at or not local or not domain:
            # Not an address: protect the whole value the same way, so nothing leaks.
            return protect(value, value)
        return protect(value, local) + "@" + public_domain(domain)

    return map_values(column, one, ctx.memo)


def public_domain(domain: str) -> str:
    """The domain as the output keeps it (lower-cased; an internationalized one in its IDNA
    form, without the invisible characters IDNA maps to nothing), or REDACTED_DOMAIN when it is
    no plausible host name: at least two labels of letters, digits and hyphens (none first or
    last), each 1 to 63 characters in the ASCII (IDNA) form and MAX_DOMAIN_CHARS in all; a
    top-level label of letters (of any script); at most DOMAIN_MAX_DIGITS digits."""
    domain = domain.strip()  # spaces around it carry nothing
    if len(domain) > MAX_DOMAIN_CHARS:  # longer in any form (and not worth a cache entry)
        return REDACTED_DOMAIN
    return _checked_domain(domain)


@functools.lru_cache(maxsize=16_384)  # a stream's domains repeat: gmail.com, ...
def _checked_domain(domain: str) -> str:
    try:
        # IDNA 2003 (the standard library's codec): nameprep (NFKC, case folding, prohibited
        # characters such as invisible tags refused) and Punycode, label by label; and back,
        # for the labels as a reader sees them (an A-label "xn--..." written as such too).
        ascii_form = domain.encode("idna").decode("ascii").lower()
        readable = ascii_form.encode("ascii").decode("idna")
    except UnicodeError:
        return REDACTED_DOMAIN
    labels = ascii_form.split(".")
    if len(labels) < 2 or len(ascii_form) > MAX_DOMAIN_CHARS:
        return REDACTED_DOMAIN
    if not all(_LABEL.fullmatch(label) for label in labels):
        return REDACTED_DOMAIN
    top = readable.rpartition(".")[2]
    if not (_TLD.fullmatch(top) or (labels[-1].startswith("xn--") and top.isalpha())):
        return REDACTED_DOMAIN
    # Digits of any script: nameprep made full-width, circled and superscript ones ASCII, but
    # keeps others (Arabic-Indic) as they are; Punycode's own digits are not counted.
    if sum(ch.isdigit() for ch in readable) > DOMAIN_MAX_DIGITS:
        return REDACTED_DOMAIN
    return ascii_form if domain.isascii() else readable
