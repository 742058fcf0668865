"""Apply a policy in-process (no Flink) to JSON lines, giving what the Flink job gives: the same
parsing, the same masking code, the same rows."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from maskstream.records import render_json_value
from udfs.crypto.keys import KeyRing
from udfs.policy.model import Policy
from udfs.policy.sink import COMPUTED_METADATA, VERDICT_FIELDS, masked_types
from udfs.records.masking import OK, VERDICT_COLUMNS, RecordMasker

BATCH = 10_000


def file_source_ref(path: Path) -> str:
    """The source coordinates the filesystem DDL computes: 'file:' + the file's path."""
    return "file:" + os.path.abspath(path)


def read_lines(paths: Iterable[Path]) -> Iterator[tuple[str, bytes]]:
    """(source_ref, raw line) for every non-empty line, as the filesystem source reads them."""
    for path in paths:
        ref = file_source_ref(path)
        with path.open("rb") as handle:
            for raw in handle:
                line = raw.rstrip(b"\n").rstrip(b"\r")
                if line:
                    yield ref, line


def mask_lines(
    policy: Policy, lines: Iterable[tuple[str, bytes]], keys: KeyRing
) -> Iterator[tuple[bool, dict[str, Any]]]:
    """(True, masked row) or (False, quarantine row) for each raw line, in order."""
    masker = RecordMasker(policy, keys)
    chunk: list[tuple[str, bytes]] = []
    for item in lines:
        chunk.append(item)
        if len(chunk) >= BATCH:
            yield from _mask_chunk(masker, chunk)
            chunk = []
    if chunk:
        yield from _mask_chunk(masker, chunk)


def _mask_chunk(
    masker: RecordMasker, chunk: list[tuple[str, bytes]]
) -> Iterator[tuple[bool, dict[str, Any]]]:
    policy = masker.policy
    types = masked_types(policy)
    refs = pd.Series([ref for ref, _ in chunk], dtype=object)
    result = masker.mask_payloads([line for _, line in chunk], refs)
    columns = {name: result[name].tolist() for name in result.columns}
    # The columns that do not come from the masking function, as the job's INSERTs fill them.
    constants = {"dataset": policy.dataset, "policy_version": policy.version}
    computed = [*(f.name for f in policy.fields), *COMPUTED_METADATA]
    verdict_types = dict(VERDICT_COLUMNS)
    for i in range(len(chunk)):
        given = {**constants, "source_ref": refs[i]}
        if columns["_status"][i] == OK:
            row = {k: columns[k][i] if k in computed else given[k] for k in types}
            yield True, {k: render_json_value(v, types[k]) for k, v in row.items()}
        else:
            row = {"source_ref": refs[i]}
            for name in VERDICT_FIELDS:
                row[name] = render_json_value(columns[f"_{name}"][i], verdict_types[f"_{name}"])
            yield False, row


def preview_files(policy: Policy, paths: list[Path], keys: KeyRing) -> Iterator[dict[str, Any]]:
    """The masked rows the job writes for these files (quarantined lines left out)."""
    return (row for ok, row in mask_lines(policy, read_lines(paths), keys) if ok)


def preview_file(
    policy: Policy, source: Path, keys: KeyRing, out: TextIO
) -> tuple[int, dict[str, int]]:
    """Mask the JSON lines of `source` into `out`; returns (rows masked, quarantined by class)."""
    from maskstream.records import dumps_row

    masked, rejected = 0, Counter()
    for ok, row in mask_lines(policy, read_lines([source]), keys):
        if ok:
            masked += 1
            out.write(dumps_row(row) + "\n")
        else:
            rejected[row["error_class"]] += 1
    return masked, dict(rejected)
