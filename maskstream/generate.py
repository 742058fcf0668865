"""Synthetic events (Faker): customer profile events and the payments of the same customers;
realistic, clearly fake, reproducible from a seed."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from faker import Faker

from maskstream.provenance import is_generated, write_manifest
from udfs.sql_types import millis_text

EVENT_TYPES = ("customer.created", "customer.updated", "customer.contacted", "customer.login")
NOTE_TEMPLATES = (
    "Customer {name} called about card {card}; identity checked against SSN {ssn}.",
    "Sent statement to {email}, follow up on {phone}.",
    "Address change requested: {address}.",
    "Chargeback dispute on card ending {card_last4}, customer reachable at {phone}.",
    "Spoke with {name}, no issues.",
    "Verified SSN {ssn} and DOB {birth_date} before unlocking the account.",
)
START = dt.datetime(2026, 1, 1, 8, 0, 0)


def _customer(fake: Faker, rng: random.Random, number: int) -> dict[str, Any]:
    first, last = fake.first_name(), fake.last_name()
    return {
        "customer_id": f"C{number:08d}",
        "full_name": f"{first} {last}",
        "email": f"{first}.{last}{rng.randint(1, 999)}@{fake.free_email_domain()}".lower(),
        "phone": fake.phone_number(),
        "ssn": fake.ssn(),
        "card_number": fake.credit_card_number(),
        "username": fake.user_name() + str(rng.randint(10, 9999)),
        "street_address": fake.street_address(),
        "city": fake.city(),
        "postal_code": fake.postcode(),
        "country_code": "US",
        "birth_date": fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat(),
        "signup_date": fake.date_between(start_date="-6y", end_date="-1d").isoformat(),
        "user_agent": fake.user_agent(),
    }


def _note(rng: random.Random, c: dict[str, Any]) -> str:
    template = rng.choice(NOTE_TEMPLATES)
    return template.format(
        name=c["full_name"],
        card=c["card_number"],
        card_last4=c["card_number"][-4:],
        ssn=c["ssn"],
        email=c["email"],
        phone=c["phone"],
        address=c["street_address"],
        birth_date=c["birth_date"],
    )


def generate_events(rows: int, seed: int = 42, customers: int | None = None) -> Iterator[dict]:
    """Yield `rows` events over a pool of customers; the same seed gives the same events."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    pool_size = customers or max(1, min(rows, 5000))
    pool = [_customer(fake, rng, i + 1) for i in range(pool_size)]
    ips = [fake.ipv4_public() for _ in range(min(pool_size, 2000))]
    for i in range(rows):
        c = pool[rng.randrange(pool_size)]
        when = START + dt.timedelta(milliseconds=i * 250 + rng.randrange(250))
        # Cents 1..99 keep balances off bucket boundaries, so a bucket never equals its input.
        balance = rng.randrange(0, 50_000) + rng.randrange(1, 100) / 100
        event = {
            "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "event_time": millis_text(when),
            "event_type": rng.choice(EVENT_TYPES),
            **{k: c[k] for k in c if k != "user_agent"},
            "ip_address": rng.choice(ips) if rng.random() > 0.1 else None,
            "account_balance": round(balance, 2),
            "loyalty_points": rng.randrange(0, 100_000),
            "user_agent": c["user_agent"],
            "marketing_opt_in": rng.random() < 0.4,
            "notes": _note(rng, c) if rng.random() < 0.7 else None,
        }
        if rng.random() < 0.05:
            event["phone"] = None
        yield event


CURRENCIES = ("USD", "USD", "USD", "EUR", "GBP")
PAYMENT_STATUSES = ("captured", "captured", "captured", "authorized", "refunded", "declined")
MEMO_TEMPLATES = (
    "Invoice {invoice}",
    "Paid by {name} with card {card}",
    "Refund to IBAN {iban} please",
    "Receipt to {email}",
    "Monthly subscription",
)


def _iban(rng: random.Random) -> str:
    """A valid-checksum German IBAN (synthetic: random bank and account numbers)."""
    bban = "".join(str(rng.randrange(10)) for _ in range(18))
    digits = "".join(str(int(c, 36)) for c in bban + "DE00")
    return f"DE{98 - int(digits) % 97:02d}{bban}"


def generate_payments(
    rows: int, seed: int = 42, customers: int | None = None
) -> Iterator[dict[str, Any]]:
    """Yield `rows` payments by the customers of `generate_events` with the same seed and pool
    size (same customer ids, names and cards), spread over seven days."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    pool_size = customers or max(1, min(rows, 5000))
    pool = [_customer(fake, rng, i + 1) for i in range(pool_size)]
    merchants = [fake.company() for _ in range(200)]
    pay_rng = random.Random(seed + 1)
    step_ms = max(1, 7 * 86_400_000 // max(rows, 1))
    for i in range(rows):
        c = pool[pay_rng.randrange(pool_size)]
        when = START + dt.timedelta(milliseconds=i * step_ms + pay_rng.randrange(step_ms))
        memo = pay_rng.choice(MEMO_TEMPLATES).format(
            invoice=pay_rng.randrange(10_000, 99_999),
            name=c["full_name"],
            card=c["card_number"],
            iban=_iban(pay_rng),
            email=c["email"],
        )
        yield {
            "payment_id": str(uuid.UUID(int=pay_rng.getrandbits(128), version=4)),
            "event_time": millis_text(when),
            "customer_id": c["customer_id"],
            "amount": round(pay_rng.randrange(100, 500_000) / 100, 2),
            "currency": pay_rng.choice(CURRENCIES),
            "status": pay_rng.choice(PAYMENT_STATUSES),
            "merchant": pay_rng.choice(merchants),
            "card_number": c["card_number"],
            "cardholder_name": c["full_name"],
            "billing_iban": _iban(pay_rng),
            "memo": memo if pay_rng.random() < 0.6 else None,
        }


GENERATORS = {"customers": generate_events, "payments": generate_payments}


def write_events(
    rows: int,
    out_dir: Path,
    *,
    seed: int = 42,
    rows_per_file: int = 50_000,
    dataset: str = "customers",
    customers: int | None = None,
) -> int:
    """Write `dataset` events as JSON lines files events-00000.jsonl, ... into `out_dir`;
    return the number of files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    handle = None
    try:
        for i, event in enumerate(GENERATORS[dataset](rows, seed, customers)):
            if i % rows_per_file == 0:
                if handle:
                    handle.close()
                written.append(out_dir / f"events-{len(written):05d}.jsonl")
                handle = written[-1].open("w", encoding="utf-8")
            handle.write(json.dumps(event, ensure_ascii=False) + "\n")
    finally:
        if handle:
            handle.close()
    # Files generated earlier into the same folder stay listed (the manifest is rewritten whole).
    listed = sorted({*written, *(p for p in out_dir.glob("events-*.jsonl") if is_generated(p))})
    write_manifest(out_dir, listed, dataset=dataset, seed=seed)
    return len(written)
