"""What survives masking, in figures: the shipped customers policy through `preview` on
(1) `maskstream generate --rows 2000 --seed 11` and (2) the multi-locale corpus of
maskstream/locale_corpus.py (planted mentions of the record's own values in other forms).
Judged by maskstream/leak_measure.py; prints counts only, never values."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from maskstream.generate import generate_events
from maskstream.leak_measure import surviving_mentions, surviving_raw_values
from maskstream.locale_corpus import generate
from maskstream.preview import mask_lines
from udfs.crypto.keys import KeyRing
from udfs.policy.model import load_policy

REPO = Path(__file__).resolve().parent.parent
KEYS = KeyRing("k1", {"k1": b"b" * 32})  # a fake key: the figures do not depend on it


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000, help="multi-locale events")
    args = parser.parse_args()
    policy = load_policy(REPO / "conf" / "policies" / "customers.yaml")

    raw = list(generate_events(2000, seed=11))
    lines = [("file:bench", json.dumps(r).encode()) for r in raw]
    masked = [row for ok, row in mask_lines(policy, lines, KEYS) if ok]
    result = surviving_raw_values(policy, raw, masked)
    print(
        f"generate --rows 2000 --seed 11: {result.rows_leaking} of {result.rows} rows keep a raw "
        f"value of a protected field; {result.residual_rows} rows had residual replacements"
    )
    for name, n in sorted(result.by_field.items()):
        print(f"  {name:<20}{n:>6}")

    started = time.perf_counter()
    counts = surviving_mentions(policy, list(generate(args.events)), KEYS)
    seconds = time.perf_counter() - started
    planted, surviving = sum(counts.planted.values()), sum(counts.surviving.values())
    print(f"\n{args.events:,} events of {len(counts.planted_by_region)} locales: {surviving:,} of "
          f"{planted:,} planted mentions survive ({counts.rate:.2%}), {seconds:.1f} s")  # fmt: skip
    print("  by field:variant")
    for key in sorted(counts.planted):
        print(f"    {key:<34}{counts.surviving[key]:>6} / {counts.planted[key]:,}")
    print("  by region")
    for region in sorted(counts.planted_by_region):
        print(f"    {region:<6}{counts.surviving_by_region[region]:>6} / "
              f"{counts.planted_by_region[region]:,}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
