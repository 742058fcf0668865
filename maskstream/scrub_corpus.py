"""A generated corpus of support notes with known PII spans, for scrub tests and benchmarks.

Every note mixes zero or more entities (cards of every common brand, SSNs, emails, phone numbers
in US, international and the national formats of ten regions, IBANs, IPv4/IPv6, national ids of
ten regions, dates of birth after a context word in one of seven languages) with look-alike
noise that is not PII: order numbers, amounts, dates, times, ZIP codes, tracking ids, versions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker

from maskstream.identifiers import LOCALES, national_id, phone_number
from udfs.detection.value_forms import MONTH_NAMES

REGIONS = tuple(LOCALES)

CARD_TYPES = ("visa16", "visa13", "visa19", "mastercard", "amex", "discover", "jcb15", "jcb16",
              "diners", "maestro")  # fmt: skip
PHONE_FORMATS = ("###-###-####", "(###) ###-####", "###.###.####", "+1 ###-###-####",
                 "+44 20 #### ####", "+49 30 ########", "001-###-###-####x###")  # fmt: skip


@dataclass(frozen=True)
class Note:
    text: str
    spans: tuple[tuple[str, int, int], ...]  # (entity, start, end)


def _phone(fake: Faker, rng: random.Random) -> str:
    fmt = rng.choice(PHONE_FORMATS)
    out = []
    for i, ch in enumerate(fmt):
        # Area and exchange codes never start with 0 or 1 (NANP); other digits are free.
        out.append(str(rng.randint(2, 9)) if ch == "#" and (i == 0 or fmt[i - 1] in " (-.") else
                   str(rng.randint(0, 9)) if ch == "#" else ch)  # fmt: skip
    return "".join(out)


def _card(fake: Faker, rng: random.Random) -> str:
    number = fake.credit_card_number(card_type=rng.choice(CARD_TYPES))
    style = rng.random()
    if style < 0.3:
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    if style < 0.5:
        return "-".join(number[i : i + 4] for i in range(0, len(number), 4))
    return number


def _phone_any(fake: Faker, rng: random.Random) -> str:
    # Half US and international formats, half the national format of one of ten regions.
    return _phone(fake, rng) if rng.random() < 0.5 else phone_number(rng.choice(REGIONS), rng)


def _national_id(fake: Faker, rng: random.Random) -> str:
    region = rng.choice([r for r in REGIONS if r != "US"])
    return national_id(region, _fakers(region), rng)


def _date_of_birth(fake: Faker, rng: random.Random) -> str:
    day = fake.date_of_birth(minimum_age=18, maximum_age=90)
    style = rng.randrange(6)
    if style == 0:
        return day.isoformat()
    if style == 1:
        return day.strftime("%m/%d/%Y")
    if style == 2:
        return day.strftime("%d.%m.%Y")
    lang = rng.choice(list(MONTH_NAMES))
    month = MONTH_NAMES[lang][day.month - 1]
    if style == 3:
        return f"{day.day} {month} {day.year}"
    if style == 4:
        return f"{month.capitalize()} {day.day}, {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


_FAKERS: dict[str, Faker] = {}


def _fakers(region: str) -> Faker:
    if region not in _FAKERS:
        _FAKERS[region] = Faker(LOCALES[region])
        _FAKERS[region].seed_instance(len(_FAKERS))
    return _FAKERS[region]


def _iban(fake: Faker, rng: random.Random) -> str:
    iban = fake.iban()
    if rng.random() < 0.5:
        return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return iban


ENTITY_MAKERS = {
    "CREDIT_CARD": _card,
    "US_SSN": lambda fake, rng: fake.ssn(),
    "EMAIL": lambda fake, rng: fake.email(),
    "PHONE": _phone_any,
    "IBAN": _iban,
    "IP_ADDRESS": lambda fake, rng: fake.ipv4() if rng.random() < 0.7 else fake.ipv6(),
    "NATIONAL_ID": _national_id,
    "DATE_OF_BIRTH": _date_of_birth,
}
LEADS = {
    "CREDIT_CARD": ("card", "paid with", "charged to card", "PAN"),
    "US_SSN": ("SSN", "social security number", "verified SSN", "tax id"),
    "EMAIL": ("email", "wrote from", "reply to", "contact"),
    "PHONE": (
        "call",
        "phone",
        "reachable at",
        "mobile",
        "Telefon:",
        "tél.",
        "teléfono",
        "cellulare",
        "bellen op",
        "celular",
        "電話",
    ),
    "IBAN": ("IBAN", "refund to account", "wire to", "bank account"),
    "IP_ADDRESS": ("login from", "IP", "seen at address", "client"),
    "NATIONAL_ID": (
        "id number",
        "national id",
        "BSN",
        "CPF",
        "Steuer-ID",
        "NIR",
        "DNI",
        "codice fiscale",
        "NINO",
        "Aadhaar",
        "マイナンバー",
    ),
    "DATE_OF_BIRTH": (
        "DOB",
        "date of birth",
        "born on",
        "geboren am",
        "né le",
        "fecha de nacimiento:",
        "nato il",
        "geboortedatum",
        "data de nascimento",
        "生年月日",
    ),
}
NOISE = (
    lambda rng: f"order #{rng.randint(10**7, 10**9)}",
    lambda rng: f"amount ${rng.randint(1, 99999)}.{rng.randint(0, 99):02d}",
    lambda rng: f"on 20{rng.randint(10, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    lambda rng: f"at {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
    lambda rng: f"ZIP {rng.randint(10000, 99999)}",
    lambda rng: f"tracking 1Z{rng.randint(10**15, 10**16)}",
    lambda rng: f"app v{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}",
    lambda rng: f"ticket {rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
    lambda rng: f"qty {rng.randint(1, 500)} units",
)
FILLER = ("Customer asked about the invoice", "Escalated to tier 2", "No further action",
          "Follow-up scheduled", "Resolved on first contact", "Left a voicemail")  # fmt: skip


def make_corpus(size: int, seed: int = 7) -> list[Note]:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    _FAKERS.clear()
    notes = []
    kinds = list(ENTITY_MAKERS)
    for _ in range(size):
        parts: list[str] = [rng.choice(FILLER) + "."]
        spans: list[tuple[str, int, int]] = []
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            kind = rng.choice(kinds)
            value = ENTITY_MAKERS[kind](fake, rng)
            prefix = " " + rng.choice(LEADS[kind]) + " "
            start = sum(len(p) for p in parts) + len(prefix)
            parts.append(prefix + value)
            spans.append((kind, start, start + len(value)))
            parts.append(rng.choice((",", ";", ".", " and", "")))
        for _ in range(rng.randint(0, 2)):
            parts.append(" " + rng.choice(NOISE)(rng) + rng.choice((".", ",", "")))
        notes.append(Note("".join(parts), tuple(spans)))
    return notes
