"""A hostile input corpus: valid events holding known (synthetic) sensitive values, mixed with
records built to break parsers — and every one of them carrying sensitive values too."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from maskstream.generate import generate_events

SENSITIVE_FIELDS = ("ssn", "card_number", "email", "phone", "full_name", "street_address")
ATTACKS = (
    "'; DROP TABLE customers; --",
    "%s%s%s%n%x",
    "{0}{1}${jndi:ldap://127.0.0.1/a}",
    "<script>alert(1)</script>",
    "\u202eevil\u202c",
    "שלום עולם مرحبا",
    "🙂🔥👩‍💻" * 3,
)


@dataclass(frozen=True)
class Corpus:
    lines: list[bytes]
    sensitive: set[str]  # every raw value that must never appear downstream
    expected_valid: int


def _line(event: dict) -> bytes:
    return json.dumps(event, ensure_ascii=False).encode("utf-8")


def make_hostile_corpus(size: int = 1200, seed: int = 5) -> Corpus:
    rng = random.Random(seed)
    events = list(generate_events(size, seed=seed, customers=size))
    lines: list[bytes] = []
    sensitive: set[str] = set()
    valid = 0
    for i, event in enumerate(events):
        sensitive.update(str(event[f]) for f in SENSITIVE_FIELDS if event.get(f))
        kind = i % 12
        if kind == 0:  # truncated JSON, cut inside the sensitive part
            text = _line(event)
            lines.append(text[: rng.randint(len(text) // 3, len(text) - 2)])
        elif kind == 1:  # wrong types
            event["loyalty_points"] = str(event["loyalty_points"])
            lines.append(_line(event))
        elif kind == 2:  # a huge string
            event["notes"] = f"SSN {event['ssn']} " + "x" * 200_000
            lines.append(_line(event))
        elif kind == 3:  # invalid UTF-8 around sensitive bytes
            lines.append(b"\xff\xfe" + event["ssn"].encode() + b"\xc3\x28" + _line(event))
        elif kind == 4:  # deep nesting
            nested: object = event["card_number"]
            for _ in range(200):
                nested = {"n": nested}
            event["notes"] = nested
            lines.append(_line(event))
        elif kind == 5:  # JSON that is not an object
            lines.append(json.dumps([event["email"], event["ssn"]]).encode())
        elif kind == 6:  # missing required field
            del event["event_id"]
            lines.append(_line(event))
        elif kind == 7:  # out of range, bad dates
            event["signup_date"] = f"{event['ssn']}"
            lines.append(_line(event))
        else:  # valid: nulls, emoji, right-to-left text, SQL and format-string payloads
            event["notes"] = f"{rng.choice(ATTACKS)} card {event['card_number']}"
            event["city"] = rng.choice(ATTACKS)
            if kind == 8:
                event["phone"] = None
                event["ip_address"] = None
            lines.append(_line(event))
            valid += 1
    return Corpus(lines, {s for s in sensitive if len(s) >= 6}, valid)
