"""Where the Python worker's time goes: the mask job's UDF body (RecordMasker.mask_payloads, what
the worker runs on each Arrow batch), on generated records in batches of the configured Arrow
batch size, under cProfile. Prints µs per row and the stages by cumulative time."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import time

import pandas as pd

from jobs.config import load_config
from maskstream.generate import generate_events
from udfs.crypto.keys import load_keyring
from udfs.policy.model import load_policy
from udfs.records.masking import RecordMasker

STAGES = {
    "parse (Arrow JSON reader + checks)": "parse_fast.py:.*parse_payloads_fast",
    "operators + digest (mask_batch)": "masking.py:.*mask_batch",
    "  row digest": "digest.py:.*row_digests",
    "  scrub (free text)": "scrub.py:.*scrub",
    "  per-distinct-value functions (tokenize, hash, email, ...)": "columns.py:.*map_values",
    "  character masks": "character_mask.py:.*masked",
    "  date_shift": "date_shift.py:.*date_shift",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("MASKSTREAM_TOKEN_KEY", "benchmark-key-not-secret-0123456789")
    config = load_config("local")
    batch = int(config.flink.get("python.fn-execution.arrow.batch.size", "10000"))
    policy = load_policy(config.policy_path)
    masker = RecordMasker(policy, load_keyring())
    payloads = [json.dumps(e).encode() for e in generate_events(args.rows, seed=3)]
    batches = [payloads[i : i + batch] for i in range(0, len(payloads), batch)]
    refs = pd.Series(["file:/bench/events.jsonl"] * batch, dtype=object)
    masker.mask_payloads(batches[0], refs[: len(batches[0])])  # warm-up: imports, caches
    started = time.perf_counter()
    for b in batches:
        masker.mask_payloads(b, refs[: len(b)])
    plain = time.perf_counter() - started
    profile = cProfile.Profile()
    profile.enable()
    for b in batches:
        masker.mask_payloads(b, refs[: len(b)])
    profile.disable()
    stats = pstats.Stats(profile)
    total = max(v[3] for v in stats.stats.values())  # type: ignore[attr-defined]
    print(f"{args.rows:,} rows in Arrow batches of {batch:,}: {plain / args.rows * 1e6:.1f} µs/row")
    print(f"{plain:.2f} s unprofiled = {args.rows / plain:,.0f} rows/s for one Python worker\n")
    print("stage (cumulative, under cProfile)                         share")
    import re

    for label, pattern in STAGES.items():
        cum = sum(
            v[3]
            for (file, line, name), v in stats.stats.items()  # type: ignore[attr-defined]
            if re.search(pattern, f"{os.path.basename(file)}:{line}({name}")
        )
        print(f"  {label:<60}{cum / total:6.0%}")
    out = io.StringIO()
    top = int(os.environ.get("TOPN", "12"))  # how many functions to list
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(top)
    print("\ntop functions by own time:")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()[:1].isdigit()))


if __name__ == "__main__":
    main()
