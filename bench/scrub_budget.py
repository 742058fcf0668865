"""Hostile free text: the time per byte `scrub` spends on 16 KiB notes written to be slow
(digit groups, phone numbers, identifiers, dates, separators and look-alikes packed end to end),
against ordinary notes, in the same run. The notes column of the shipped customers policy, with
its record_fields, on batches of generated customers: only the notes text differs.

Prints ns per byte and the ratio to the ordinary notes (the goal: <= 10x), and whether each text
was scrubbed or replaced whole over its work budget (udfs.detection.budget). Figures only."""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from maskstream.generate import generate_events
from udfs.crypto.keys import KeyRing
from udfs.detection.budget import OVER_BUDGET
from udfs.operators import ColumnContext
from udfs.policy.model import load_policy
from udfs.records.masking import RecordMasker, _udf_column
from udfs.records.parse_fast import parse_payloads_fast

REPO = Path(__file__).resolve().parent.parent
KEYS = KeyRing("k1", {"k1": b"b" * 32})  # a fake key: the figures do not depend on it
SIZE = 16_380  # the longest note the parser lets through (16 KiB)


def _fill(unit: str) -> str:
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


def hostile_notes(seed: int = 1) -> dict[str, str]:
    rnd = random.Random(seed)
    units = {
        "1 1 1 ...": "1 ",
        "1-1-1-...": "1-",
        "one long number": "1",
        "IPv4 look-alikes": "1.1.1.1 ",
        "+1 +1 ...": "+1 ",
        "email look-alikes": "a.a@b",
        "card groups": "4111 ",
        "IBAN groups": "DE89 3704 ",
        "SSN-like groups": "123-45-",
        "full-width digits": "１ ",
        "IPv6 look-alikes": "1::",
        "numeric dates": "1/1/1 ",
        "dates of birth": "born 1949-02-17 ",
        "written dates": "17 may 1949 ",
        "digits + NBSP": "1\u00a0",
        "digits + zero-width": "1\u200b",
        "CJK + full-width": "山田太郎０３",
        "US phones": "(555) 201-",
        "DE phones, context": "call 0301 234567, ",
        "FR phones": "01.23.45.67.89 ",
        "+49 phones": "+49 30 1234567 ",
        "codici fiscali": "BBTLCU52B04B350L ",
        "emails": "a.b@c.de ",
        "SSNs with context": "ssn 123456789 ",
        "comma lists": "1,2,3,",
        "mixed separators": "(0) 1-2.3/4 +5 ",
    }
    notes = {name: _fill(unit) for name, unit in units.items()}
    notes["random digits and separators"] = "".join(
        rnd.choice("0123456789  .-") for _ in range(SIZE)
    )
    notes["random printable"] = "".join(rnd.choice("0123456789 .-+()@:/abcDE") for _ in range(SIZE))
    return notes


class NotesScrub:
    """The shipped policy's scrub of `notes`, as the mask job runs it, on a batch of events."""

    def __init__(self, events: list[dict]) -> None:
        policy = load_policy(REPO / "conf" / "policies" / "customers.yaml")
        self.masker = RecordMasker(policy, KEYS)
        self.rule = next(r for r in policy.masked if r.name == "notes")
        payloads = [json.dumps(e).encode() for e in events]
        parsed = parse_payloads_fast(payloads, policy)
        self.batch = {
            f.name: _udf_column(parsed.columns[f.name], f.input_type) for f in policy.fields
        }

    def run(self, notes: list[str]) -> tuple[float, list[str]]:
        """Seconds per byte of `notes`, and the scrubbed notes."""
        batch = {**self.batch, "notes": pd.Series(notes, dtype=object)}
        ctx = ColumnContext(
            "notes", self.rule.input_type, KEYS, batch, None, None, self.masker.record_forms
        )
        apply = self.rule.operator.apply
        apply(batch["notes"], self.rule.params, ctx)  # warm-up: the record forms, the automaton
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            out = apply(batch["notes"], self.rule.params, ctx)
            best = min(best, time.perf_counter() - started)
        return best / sum(len(n.encode()) for n in notes), out.tolist()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000, help="events per batch")
    args = parser.parse_args()
    events = [e for e in generate_events(args.rows * 2, seed=5) if e.get("notes")][: args.rows]
    scrub = NotesScrub(events)
    ordinary = [e["notes"] for e in events]
    base, _ = scrub.run(ordinary)
    mean = sum(map(len, ordinary)) / len(ordinary)
    # A stricter baseline: ordinary notes joined into 16 KiB notes (no per-row cost to share).
    long_base, _ = scrub.run([" ".join(ordinary)[:SIZE]] * 20)
    print(f"ordinary notes: {len(ordinary):,} of {mean:.0f} characters, {base * 1e9:,.0f} ns/byte")
    print(f"ordinary notes joined to 16 KiB: {long_base * 1e9:,.0f} ns/byte")
    print(f"\n{'16 KiB note of':<32}{'ns/byte':>9}{'ratio':>8}{'vs 16 KiB':>11}  outcome")
    worst = worst_long = 0.0
    # Each hostile note in every row of a batch of 20 (the same customers as above).
    for name, text in hostile_notes().items():
        per_byte, out = scrub.run([text] * 20)
        ratio, ratio_long = per_byte / base, per_byte / long_base
        worst, worst_long = max(worst, ratio), max(worst_long, ratio_long)
        outcome = "replaced whole (over budget)" if out[0] == OVER_BUDGET else "scrubbed"
        print(f"{name:<32}{per_byte * 1e9:>9,.0f}{ratio:>7.1f}x{ratio_long:>10.1f}x  {outcome}")
    print(
        f"\nworst ratio {worst:.1f}x against ordinary notes, {worst_long:.1f}x against ordinary "
        "text of the same length (goal <= 10x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
