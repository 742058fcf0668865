"""Customer events of ten locales whose notes repeat the record's own values in other forms, with
the planted mentions recorded: the corpus the record-value search and the residual check are
measured on (tests and `bench/leak_corpus.py`).

Each event is a customer of the shared policy (conf/policies/customers.yaml), written with Faker
in the locale: the `ssn` field holds the locale's national identifier, `phone` a national
number. Its note, in the locale's language, repeats some of the record's values the way a
person would retype them: a name as "LAST, First" or in capitals, a phone without separators or
with the country code, a date of birth written out with the local month name or in the local
numeric order, an identifier with other grouping, an email in capitals, an address in lower
case, a balance with the local grouping. The generator is ours: figures measured on it say how
the search does on these forms, not on every form people use.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from faker import Faker

from maskstream.identifiers import COUNTRY_CODES, LOCALES, national_id, phone_number
from udfs.detection.value_forms import MONTH_NAMES
from udfs.sql_types import millis_text

LANGUAGE = {"US": "en", "GB": "en", "IN": "en", "DE": "de", "FR": "fr", "ES": "es", "IT": "it",
            "NL": "nl", "BR": "pt", "JP": "ja"}  # fmt: skip
# "{value}" is where a mention goes; one sentence per mention.
SENTENCES = {
    "en": ("Spoke with {value} today.", "Customer confirmed {value}.", "Please check {value}."),
    "de": ("Kunde bestätigt {value}.", "Rückfrage zu {value}.", "Bitte {value} prüfen."),
    "fr": ("Le client confirme {value}.", "Rappel concernant {value}.", "Vérifier {value}."),
    "es": ("El cliente confirma {value}.", "Llamada sobre {value}.", "Revisar {value}."),
    "it": ("Il cliente conferma {value}.", "Richiamata per {value}.", "Verificare {value}."),
    "nl": ("Klant bevestigt {value}.", "Teruggebeld over {value}.", "Controleer {value}."),
    "pt": ("O cliente confirma {value}.", "Retorno sobre {value}.", "Verificar {value}."),
    "ja": ("お客様は{value}を確認しました。", "{value}について折り返し。", "{value}を確認して。"),
}  # fmt: skip
DOB_WORDS = {
    "en": "born", "de": "geboren am", "fr": "né le", "es": "nacido el", "it": "nato il",
    "nl": "geboren op", "pt": "nascido em", "ja": "生年月日",
}  # fmt: skip


@dataclass(frozen=True)
class Mention:
    field: str
    variant: str
    text: str


@dataclass(frozen=True)
class LocaleEvent:
    region: str
    record: dict[str, Any]
    mentions: tuple[Mention, ...]

    def line(self) -> bytes:
        return json.dumps(self.record, ensure_ascii=False).encode("utf-8")


def _name_forms(record: dict[str, Any], rng: random.Random) -> list[tuple[str, str]]:
    parts = record["full_name"].split()
    first, last = parts[0], parts[-1]
    return [
        ("last_first", f"{last.upper()}, {first}"),
        ("upper", record["full_name"].upper()),
        ("honorific_last", f"{rng.choice(('Mr.', 'Ms.', 'Dr.', 'Herr', 'Mme', 'Sr.'))} {last}"),
        ("initial_last", f"{first[0]}. {last}"),
    ]


def _phone_forms(record: dict[str, Any], region: str) -> list[tuple[str, str]]:
    digits = "".join(c for c in record["phone"] if c.isdigit())
    national = digits[1:] if digits.startswith("0") else digits
    if digits.startswith(COUNTRY_CODES[region]) and record["phone"].startswith("+"):
        national = digits[len(COUNTRY_CODES[region]) :]
    return [
        ("digits", digits),
        ("international", f"+{COUNTRY_CODES[region]}{national}"),
        (
            "fullwidth",
            record["phone"].translate({ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}),
        ),
    ]


def _dob_forms(record: dict[str, Any], region: str) -> list[tuple[str, str]]:
    day = dt.date.fromisoformat(record["birth_date"])
    lang = LANGUAGE[region]
    words = DOB_WORDS[lang]
    if lang == "ja":
        return [("written", f"{words} {day.year}年{day.month}月{day.day}日"),
                ("numeric", f"{words} {day.year}/{day.month:02d}/{day.day:02d}")]  # fmt: skip
    month = MONTH_NAMES["en" if lang == "en" else lang][day.month - 1]
    numeric = day.strftime("%m/%d/%Y") if region == "US" else day.strftime("%d.%m.%Y")
    return [
        ("written", f"{words} {day.day} {month} {day.year}"),
        ("numeric", f"{words} {numeric}"),
        ("short_year", f"{words} {day.strftime('%d/%m/%y')}"),
    ]


def _other_forms(record: dict[str, Any], region: str) -> list[tuple[str, str, str]]:
    balance = f"{record['account_balance']:,.2f}"
    if region not in ("US", "GB", "IN", "JP"):
        balance = balance.replace(",", " ").replace(".", ",").replace(" ", ".")
    compact_id = "".join(c for c in record["ssn"] if c.isalnum())
    return [
        ("ssn", "regrouped", " ".join(compact_id[i : i + 3] for i in range(0, len(compact_id), 3))),
        ("ssn", "compact", compact_id.lower()),
        ("email", "upper", record["email"].upper()),
        ("street_address", "lower", record["street_address"].lower()),
        ("account_balance", "local_grouping", balance),
        ("customer_id", "lower", record["customer_id"].lower()),
        ("username", "as_is", record["username"]),
        ("postal_code", "as_is", record["postal_code"]),
    ]


def _record(region: str, fake: Faker, rng: random.Random, number: int) -> dict[str, Any]:
    first, last = fake.first_name(), fake.last_name()
    return {
        "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "event_time": millis_text(dt.datetime(2026, 1, 1, 8) + dt.timedelta(seconds=number)),
        "event_type": "customer.updated",
        "customer_id": f"C{number:08d}",
        "full_name": f"{first} {last}",
        "email": f"{fake.user_name()}{rng.randint(1, 99)}@{fake.free_email_domain()}",
        "phone": phone_number(region, rng),
        "ssn": national_id(region, fake, rng),
        "card_number": fake.credit_card_number(),
        "username": fake.user_name() + str(rng.randint(10, 9999)),
        "street_address": fake.street_address().replace("\n", ", "),
        "city": fake.city(),
        "postal_code": fake.postcode(),
        "country_code": region,
        "birth_date": fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat(),
        "signup_date": fake.date_between(start_date="-6y", end_date="-1d").isoformat(),
        "ip_address": fake.ipv4_public(),
        "account_balance": round(rng.randrange(1000, 50_000) + rng.randrange(1, 100) / 100, 2),
        "loyalty_points": rng.randrange(0, 100_000),
        "user_agent": fake.user_agent(),
        "marketing_opt_in": rng.random() < 0.4,
        "notes": None,
    }


def _mentions(record: dict[str, Any], region: str, rng: random.Random) -> list[Mention]:
    pools: list[tuple[str, Callable[[], list[tuple[str, str]]]]] = [
        ("full_name", lambda: _name_forms(record, rng)),
        ("phone", lambda: _phone_forms(record, region)),
        ("birth_date", lambda: _dob_forms(record, region)),
    ]
    candidates = [Mention(f, v, t) for f, make in pools for v, t in make()]
    candidates += [Mention(f, v, t) for f, v, t in _other_forms(record, region)]
    return rng.sample(candidates, k=rng.randint(2, 4))


def generate(events: int, seed: int = 15) -> Iterator[LocaleEvent]:
    """`events` customer events spread evenly over the ten locales."""
    rng = random.Random(seed)
    fakers = {region: Faker(locale) for region, locale in LOCALES.items()}
    for i, fake in enumerate(fakers.values()):
        fake.seed_instance(seed + i)
    regions = list(LOCALES)
    for number in range(events):
        region = regions[number % len(regions)]
        record = _record(region, fakers[region], rng, number + 1)
        mentions = _mentions(record, region, rng)
        templates = SENTENCES[LANGUAGE[region]]
        record["notes"] = " ".join(rng.choice(templates).format(value=m.text) for m in mentions)
        yield LocaleEvent(region, record, tuple(mentions))
