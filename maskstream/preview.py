"""Apply a policy in-process (no Flink) to JSON lines, giving what the Flink job gives."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from maskstream.records import parse_value, read_jsonl, render_json_value, udf_column
from udfs.keys import KeyRing
from udfs.masking import SINK_METADATA, RecordMasker
from udfs.policy import Policy
from udfs.sql_types import SqlType

BATCH = 10_000


def file_source_ref(path: Path) -> str:
    """The source coordinates the filesystem DDL computes: 'file:' + the file's path."""
    return "file:" + os.path.abspath(path)


def sink_types(policy: Policy) -> dict[str, SqlType]:
    """Column -> type of the masked table, in sink order."""
    types = {f.name: f.output_type for f in policy.fields}
    types.update(dict(SINK_METADATA))
    return types


def mask_records(
    policy: Policy, records: Iterable[tuple[str, dict[str, Any]]], keys: KeyRing | None
) -> Iterator[dict[str, Any]]:
    """Mask (source_ref, record) pairs into masked rows in sink column order."""
    masker = RecordMasker(policy, keys)
    types = sink_types(policy)
    chunk: list[tuple[str, dict[str, Any]]] = []
    for item in records:
        chunk.append(item)
        if len(chunk) >= BATCH:
            yield from _mask_chunk(masker, chunk, types)
            chunk = []
    if chunk:
        yield from _mask_chunk(masker, chunk, types)


def _mask_chunk(
    masker: RecordMasker, chunk: list[tuple[str, dict[str, Any]]], types: dict[str, SqlType]
) -> Iterator[dict[str, Any]]:
    policy = masker.policy
    typed = {
        f.name: [parse_value(rec.get(f.name), f.input_type) for _, rec in chunk]
        for f in policy.fields
    }
    batch = {f.name: udf_column(typed[f.name], f.input_type) for f in policy.fields}
    refs = pd.Series([ref for ref, _ in chunk], dtype=object)
    result = masker.mask_batch(batch, refs)
    columns = {name: result[name].tolist() for name in result.columns}
    for i in range(len(chunk)):
        row: dict[str, Any] = {}
        for f in policy.fields:
            value = typed[f.name][i] if f.is_keep else columns[f.name][i]
            row[f.name] = render_json_value(value, f.output_type)
        row["policy_version"] = policy.version
        row["token_key_id"] = columns["token_key_id"][i]
        row["source_ref"] = refs[i]
        row["masked_fields"] = columns["masked_fields"][i]
        row["row_digest"] = columns["row_digest"][i]
        yield {k: render_json_value(v, types[k]) for k, v in row.items()}


def preview_files(
    policy: Policy, paths: list[Path], keys: KeyRing | None
) -> Iterator[dict[str, Any]]:
    records = ((file_source_ref(path), rec) for path, rec in read_jsonl(paths))
    return mask_records(policy, records, keys)
