"""What the audit job reads out of each masked row: leak-sentinel hits (personal data found in a
column that should hold none) and scrub detections (typed placeholders left by `scrub`)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from udfs.detection.detectors import ENTITY_TYPES, detect_column
from udfs.policy.model import FieldRule, Policy

_PLACEHOLDER = re.compile(r"<(" + "|".join(ENTITY_TYPES) + r")(?::[^>]*)?>")


def scanned_fields(policy: Policy) -> list[FieldRule]:
    """Every masked-table column that holds text: all of them must be free of personal data."""
    return [f for f in policy.fields if f.output_type.is_text]


def unexpected_entities(rule: FieldRule, texts: list[str]) -> list[list[str]]:
    """Per text of `rule`'s column, the entity types found in it that its operator does not
    keep by design (an `email` rule keeps an address's shape): what the audit reports as a
    leak, and what the mask job's residual check replaces in a column before it is written."""
    ignored = rule.operator.expected_entities
    return [
        [entity for entity, _, _ in found if entity not in ignored]
        for found in detect_column(texts)
    ]


def scan_batch(policy: Policy, columns: dict[str, pd.Series]) -> pd.DataFrame:
    """Per row: `leaks` ("field:ENTITY;..." or None), `leak_count`, and one count per entity
    type of scrub placeholders."""
    fields = scanned_fields(policy)
    size = len(next(iter(columns.values()))) if columns else 0
    hits: list[list[str]] = [[] for _ in range(size)]
    counts = {e: np.zeros(size, dtype=np.int64) for e in ENTITY_TYPES}
    for rule in fields:
        column = columns[rule.name].reset_index(drop=True)
        present = ~column.isna().to_numpy()
        rows = np.flatnonzero(present)
        texts = [str(v) for v in column.to_numpy(dtype=object)[present]]
        for row, entities in zip(rows, unexpected_entities(rule, texts), strict=True):
            hits[row].extend(f"{rule.name}:{entity}" for entity in entities)
        if rule.operator.free_text:
            for row, text in zip(rows, texts, strict=True):
                if "<" in text:
                    for match in _PLACEHOLDER.finditer(text):
                        counts[match.group(1)][row] += 1
    out = {
        "leaks": [";".join(h) if h else None for h in hits],
        "leak_count": np.array([len(h) for h in hits], dtype=np.int64),
    }
    out.update(counts)
    return pd.DataFrame(out)
