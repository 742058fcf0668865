"""Records that plant an id where an operator or the parser used to let it through (issue #16),
for the customers policy: after an email's "@", at the start of a truncated text, in digits and
letters the Hive character classes kept, behind a duplicate key, a byte order mark or
full-width digits. Every planted value is synthetic, and none is a value of the record's own
protected fields, so the residual check (which looks for those) cannot be what removes it."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from maskstream.generate import generate_events
from udfs.operators.email_mask import REDACTED_DOMAIN

BOM = b"\xef\xbb\xbf"
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_CIRCLED = str.maketrans("0123456789", "⓪①②③④⑤⑥⑦⑧⑨")


@dataclass(frozen=True)
class Check:
    """What the masked row of one planted record must show: `column` masked by its operator
    itself (not replaced by the residual check), and its value starting with `starts_with` or
    ending with `ends_with` when given."""

    column: str
    starts_with: str = ""
    ends_with: str = ""


@dataclass(frozen=True)
class Smuggled:
    lines: list[bytes]  # the file, the first line after a BOM
    planted: set[str]  # every planted value, in each form written: never downstream
    expected_valid: int
    quarantined: Counter[tuple[str, str | None]]  # (error class, field) of the others
    checks: dict[str, Check]  # event_id -> what its masked row shows


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _line(event: dict[str, Any]) -> bytes:
    return json.dumps(event, ensure_ascii=False).encode("utf-8")


def make_smuggling_corpus(seed: int = 16) -> Smuggled:
    # Hosts of the planted records, and donors of the values planted in them: other people's.
    hosts = list(generate_events(20, seed=seed, customers=20))
    donors = [e for e in generate_events(400, seed=seed + 1) if len(e["card_number"]) == 16]
    card, ssn, phone = donors[0]["card_number"], donors[1]["ssn"], donors[2]["phone"]
    ip = donors[3]["ip_address"]
    grouped_card = " ".join(card[i : i + 4] for i in range(0, 16, 4))
    address = f"smuggle.{_digits(ssn)}@example.net"
    circled_phone, superscript_ssn = phone.translate(_CIRCLED), ssn.translate(_SUPERSCRIPT)
    circled_card, cjk_name = card.translate(_CIRCLED), "山田太郎花子"
    redacted = "@" + REDACTED_DOMAIN

    planted_fields: list[tuple[str, str, Check, set[str]]] = [
        # (field, value, check, what must not come out)
        ("email", f"x@{card}", Check("email", ends_with=redacted), {card}),
        ("email", f"contact@{ssn}.example.org", Check("email", ends_with=redacted), {ssn}),
        ("email", f"jane@{card.translate(_FULL_WIDTH)}.com", Check("email", ends_with=redacted),
         {card, card.translate(_FULL_WIDTH)}),
        ("email", f"ops@{ip}", Check("email", ends_with=redacted), {ip}),
        ("user_agent", f"{ssn} Mozilla/5.0", Check("user_agent", starts_with="<US_SSN>"), {ssn}),
        ("user_agent", f"{address} Mozilla/5.0", Check("user_agent", starts_with="<EMAIL>"),
         {address[:11]}),
        ("user_agent", f"{grouped_card} Mozilla", Check("user_agent", starts_with="<CREDIT"),
         {grouped_card[:11]}),
        # The character masks: what they show is the last n; what they used to keep is before.
        ("phone", circled_phone, Check("phone"), {circled_phone[:-2]}),
        ("phone", cjk_name, Check("phone"), {cjk_name[:-2]}),
        ("ssn", superscript_ssn, Check("ssn"), {superscript_ssn[:-4]}),
        ("card_number", circled_card, Check("card_number"), {circled_card[:-4]}),
    ]  # fmt: skip
    lines: list[bytes] = []
    planted: set[str] = set()
    checks: dict[str, Check] = {}
    quarantined: Counter[tuple[str, str | None]] = Counter()
    hosts_left = iter(hosts)
    for i, (name, value, check, never) in enumerate(planted_fields):
        event = dict(next(hosts_left), event_id=f"smuggle-{i:02d}-{name}")
        event[name] = value
        checks[event["event_id"]] = check
        planted |= never
        lines.append(_line(event))
    valid = len(lines)

    # Valid records after a byte order mark: at the start of the file and of a line.
    for where in ("file", "line"):
        event = dict(next(hosts_left), event_id=f"smuggle-bom-{where}")
        planted |= {event["ssn"], event["card_number"], event["email"]}
        bom_line = BOM + _line(event)
        lines.insert(0 if where == "file" else len(lines), bom_line)
        valid += 1

    # A decoy name before the real one: quarantined, neither name anywhere.
    event = dict(next(hosts_left), event_id="smuggle-duplicate-key")
    planted |= {event["full_name"], "Decoy Smuggler", event["ssn"]}
    lines.append(b'{"full_name": "Decoy Smuggler", ' + _line(event)[1:])
    quarantined[("duplicate_key", "full_name")] += 1

    # Digits of other scripts where a timestamp or a decimal is read.
    for name, value in (
        ("event_time", "２０２６-01-01T00:00:00Z"),
        ("account_balance", "１２３４.５６"),
    ):
        event = dict(next(hosts_left), event_id=f"smuggle-digits-{name}")
        event[name] = value
        planted |= {event["ssn"], event["card_number"]}
        lines.append(_line(event))
        quarantined[("non_ascii_digits", name)] += 1
    return Smuggled(lines, planted, valid, quarantined, checks)
