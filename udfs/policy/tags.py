"""The tag vocabulary of policies: which tags exist, which mark personal data, and what a tag
written any other way should have been.

A tag is `family.name`, lower case, written exactly so. The families pii, phi and pci are
sensitive and closed: only the names below exist, so `pii.snn` is a typo, not a new kind of
data that escapes the sensitive-field rules. The other families are open (any lower-case
snake_case name), but a name that says it is personal data (`finance.pan`, `id.customer`)
is refused there, and a tag in an unknown family is refused with the known ones. Tags are
never normalized: `PII.ssn` or `pii-ssn` is an error that names the canonical spelling,
since a policy that silently means something other than what it says cannot be reviewed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

SENSITIVE_FAMILIES = ("pii", "phi", "pci")

# Sensitive families: closed. A new name is added here, reviewed, with its README row.
SENSITIVE_TAGS: dict[str, tuple[str, ...]] = {
    # Personal data (GDPR): who a person is, how to reach them, what identifies them.
    "pii": (
        "id", "name", "email", "phone", "ssn", "national_id", "passport", "driver_license",
        "tax_id", "username", "address", "postal_code", "birth_date", "date", "ip", "iban",
        "location", "device_id", "free_text",
    ),
    # Protected health information (HIPAA).
    "phi": (
        "mrn", "health_plan_id", "diagnosis", "procedure", "medication", "date", "free_text",
    ),
    # Payment card data (PCI DSS): account data and sensitive authentication data.
    "pci": ("pan", "cardholder_name", "expiry", "service_code", "cvv", "pin", "track"),
}  # fmt: skip

# Non-sensitive families: open; the names the shipped policies and tests use are listed.
OPEN_FAMILIES: dict[str, tuple[str, ...]] = {
    "id": ("event",),  # ids of events, orders, shipments: never of a person (that is pii.id)
    "time": ("event",),  # time.event: the event time the audit job windows by
    "geo": ("city", "region", "country"),  # coarse places; a precise one is pii.location
    "device": ("user_agent", "type", "os"),
    "finance": ("amount", "balance", "currency"),
}

# Other names for sensitive tags: what a misspelt or misplaced tag most likely meant.
ALIASES: dict[str, str] = {
    "social_security_number": "pii.ssn", "social_security": "pii.ssn", "sin": "pii.ssn",
    "first_name": "pii.name", "last_name": "pii.name", "full_name": "pii.name",
    "surname": "pii.name", "email_address": "pii.email", "mail": "pii.email",
    "phone_number": "pii.phone", "mobile": "pii.phone", "telephone": "pii.phone",
    "dob": "pii.birth_date", "date_of_birth": "pii.birth_date", "birthday": "pii.birth_date",
    "zip": "pii.postal_code", "zip_code": "pii.postal_code", "postcode": "pii.postal_code",
    "street_address": "pii.address", "ip_address": "pii.ip", "login": "pii.username",
    "card": "pci.pan", "card_number": "pci.pan", "credit_card": "pci.pan",
    "account_number": "pii.iban", "bank_account": "pii.iban", "cvc": "pci.cvv",
    "notes": "pii.free_text", "medical_record_number": "phi.mrn",
}  # fmt: skip

# Words that make an id the id of a person, whatever family it is written in.
PERSON_WORDS = (
    "customer", "user", "person", "patient", "member", "employee", "client", "cardholder",
    "subscriber", "citizen",
)  # fmt: skip

FAMILIES = (*SENSITIVE_FAMILIES, *OPEN_FAMILIES)
_CANONICAL = re.compile(r"[a-z][a-z0-9]*\.[a-z][a-z0-9_]*")
_SEPARATORS = re.compile(r"[\s._:/\\\-]+")


def is_sensitive(tag: str) -> bool:
    """Whether a (canonical) tag marks personal, health or card data."""
    return tag.split(".", 1)[0] in SENSITIVE_FAMILIES


def meant(tag: str) -> str | None:
    """The tag of the vocabulary `tag` stands for: itself when it is one, else the spelling its
    fix names (`PII.ssn` -> pii.ssn), else None. For policies that ran before the guards."""
    if tag_problem(tag) is None:
        return tag
    if _CANONICAL.fullmatch(tag):
        family, name = tag.split(".", 1)
        if family in SENSITIVE_TAGS:
            return _resolve(family, name)
        if family in OPEN_FAMILIES:
            return _sensitive_name(name, family)
    return _guess(tag)


def known_tags() -> list[str]:
    return [f"{f}.{n}" for f, names in {**SENSITIVE_TAGS, **OPEN_FAMILIES}.items() for n in names]


def tag_problem(tag: str) -> str | None:
    """None when `tag` is a tag of the vocabulary written as it must be; else what is wrong and
    the fix, in one sentence (the caller names the file and the field)."""
    if _CANONICAL.fullmatch(tag):
        family, name = tag.split(".", 1)
        if family in SENSITIVE_TAGS:
            if name in SENSITIVE_TAGS[family]:
                return None
            return f"unknown {family} tag `{tag}`. Fix: {_fix(_resolve(family, name), family)}"
        if family in OPEN_FAMILIES:
            meant = _sensitive_name(name, family)
            if meant is None:
                return None
            return (
                f"`{tag}` names {meant.split('.')[0]} data in the non-sensitive family "
                f"{family}. Fix: write {meant}, or name what the field is if it is not"
            )
        return f"unknown tag family `{family}` in `{tag}`. Fix: {_fix(_guess(tag), None)}"
    # repr: the spaces, zero-width or look-alike characters around it must be visible.
    return (
        f"{tag!r} is not a tag as written (tags are lower-case `family.name`, nothing around "
        f"them). Fix: {_fix(_guess(tag), None)}"
    )


def _fix(meant: str | None, family: str | None) -> str:
    if meant is not None:
        return f"write {meant}"
    if family is not None:
        names = ", ".join(f"{family}.{n}" for n in SENSITIVE_TAGS[family])
        return f"use one of {names} (or add the name to udfs/policy/tags.py, reviewed)"
    sensitive = ", ".join(SENSITIVE_FAMILIES)
    other = ", ".join(OPEN_FAMILIES)
    return (
        f"write family.name, e.g. pii.ssn, with a family of {sensitive} (sensitive) or {other}; "
        "a field that holds no personal data and fits none may go untagged"
    )


def _resolve(family: str, name: str) -> str | None:
    """The known tag `family` + `name` most likely means, if any."""
    if family in SENSITIVE_TAGS:
        if name in SENSITIVE_TAGS[family]:
            return f"{family}.{name}"
        alias = ALIASES.get(name)
        if alias is not None:
            return alias
        close = difflib.get_close_matches(name, [*SENSITIVE_TAGS[family], *ALIASES], 1, 0.6)
        return None if not close else _resolve(family, close[0])
    return _sensitive_name(name, family) or f"{family}.{name}"


def _sensitive_name(name: str, family: str) -> str | None:
    """The sensitive tag an open-family name stands for, if it stands for one: a sensitive
    name or alias, or an id of a person."""
    if name in OPEN_FAMILIES.get(family, ()):
        return None
    for sensitive, names in SENSITIVE_TAGS.items():
        if name in names:
            return f"{sensitive}.{name}"
    if name in ALIASES:
        return ALIASES[name]
    words = set(name.split("_"))
    if family == "id" and words & set(PERSON_WORDS):
        return "pii.id"
    return None


def _guess(tag: str) -> str | None:
    """The canonical tag a non-canonical spelling means: `PII.SSN`, ` pii.ssn`, `pii-ssn`,
    `pii_ssn`, `ssn`, `pi.ssn` ... (only a hint for the fix: it is an error anyway)."""
    words = [w for w in _SEPARATORS.split(unicodedata.normalize("NFKC", tag).lower()) if w]
    if len(words) == 1:  # a family glued on with the names' own `_`, or a bare name
        for family in FAMILIES:
            if words[0].startswith(family + "_"):
                words = [family, words[0].removeprefix(family + "_")]
                break
    if not words or words == [w for w in words if w in FAMILIES]:
        return None  # a family alone: the generic fix lists them
    if len(words) == 1:
        return _any_sensitive(words[0])
    head, rest = words[0], "_".join(words[1:])
    close = difflib.get_close_matches(head, FAMILIES, 1, 0.6)
    family = head if head in FAMILIES else close[0] if close else None
    return _any_sensitive(rest) if family is None else _resolve(family, rest)


def _any_sensitive(name: str) -> str | None:
    for family, names in SENSITIVE_TAGS.items():
        if name in names:
            return f"{family}.{name}"
    if name in ALIASES:
        return ALIASES[name]
    for family in SENSITIVE_TAGS:
        meant = _resolve(family, name)
        if meant is not None:
            return meant
    return None
