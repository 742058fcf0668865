"""Apply a policy in-process (no Flink) to JSON lines, giving what the Flink job gives: the same
parsing, the same masking code, the same rows."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from maskstream.records import render_json_value
from udfs.keys import KeyRing
from udfs.masking import OK, VERDICT_COLUMNS, RecordMasker
from udfs.policy import SINK_METADATA, Policy
from udfs.sql_types import SqlType

BATCH = 10_000
QUARANTINE_COLUMNS = ("source_ref", "error_class", "error_field", "payload_digest",
                      "payload_bytes", "payload_shape")  # fmt: skip


def file_source_ref(path: Path) -> str:
    """The source coordinates the filesystem DDL computes: 'file:' + the file's path."""
    return "file:" + os.path.abspath(path)


def sink_types(policy: Policy) -> dict[str, SqlType]:
    """Column -> type of the masked table, in sink order."""
    types = {f.name: f.output_type for f in policy.fields}
    types.update(dict(SINK_METADATA))
    return types


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
    types = sink_types(policy)
    refs = pd.Series([ref for ref, _ in chunk], dtype=object)
    result = masker.mask_payloads([line for _, line in chunk], refs)
    columns = {name: result[name].tolist() for name in result.columns}
    verdict_types = dict(VERDICT_COLUMNS)
    for i in range(len(chunk)):
        if columns["_status"][i] == OK:
            row = {f.name: columns[f.name][i] for f in policy.fields}
            row["policy_version"] = policy.version
            row["token_key_id"] = columns["token_key_id"][i]
            row["source_ref"] = refs[i]
            row["masked_fields"] = columns["masked_fields"][i]
            row["row_digest"] = columns["row_digest"][i]
            yield True, {k: render_json_value(v, types[k]) for k, v in row.items()}
        else:
            row = {"source_ref": refs[i]}
            for name in QUARANTINE_COLUMNS[1:]:
                row[name] = render_json_value(columns[f"_{name}"][i], verdict_types[f"_{name}"])
            yield False, row


def preview_files(policy: Policy, paths: list[Path], keys: KeyRing) -> Iterator[dict[str, Any]]:
    """The masked rows the job writes for these files (quarantined lines left out)."""
    return (row for ok, row in mask_lines(policy, read_lines(paths), keys) if ok)
