"""Apply a compiled policy to a batch of columns: the one code path behind the Flink UDF and
`maskstream preview`, so both give the same rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from udfs.digest import row_digests
from udfs.keys import KeyRing
from udfs.policy import Policy
from udfs.registry import ColumnContext
from udfs.sql_types import STRING, SqlType

INT = SqlType("INT")
# The columns every masked row carries after the policy's fields, in sink order.
SINK_METADATA: tuple[tuple[str, SqlType], ...] = (
    ("policy_version", INT),
    ("token_key_id", STRING),
    ("source_ref", STRING),
    ("masked_fields", STRING),
    ("row_digest", STRING),
)
# The ones the masking function computes (policy_version is a constant, source_ref is input).
COMPUTED_METADATA = tuple(
    c for c in SINK_METADATA if c[0] in ("token_key_id", "masked_fields", "row_digest")
)


def result_columns(policy: Policy) -> list[tuple[str, SqlType]]:
    """What `mask_batch` returns: every non-keep field, then the computed metadata."""
    return [(f.name, f.output_type) for f in policy.masked] + list(COMPUTED_METADATA)


@dataclass(frozen=True)
class RecordMasker:
    """Masks batches of records for one policy with one key ring."""

    policy: Policy
    keys: KeyRing | None

    def __post_init__(self) -> None:
        if self.policy.needs_key and self.keys is None:
            raise ValueError(f"policy {self.policy.source} has keyed operators but no key ring")

    @property
    def key_id(self) -> str | None:
        return self.keys.active_id if (self.keys is not None and self.policy.needs_key) else None

    def mask_batch(self, batch: dict[str, pd.Series], source_ref: pd.Series) -> pd.DataFrame:
        """Mask one batch. `batch` holds every policy field as a column of equal length."""
        size = len(source_ref)
        index = pd.RangeIndex(size)
        batch = {name: col.reset_index(drop=True) for name, col in batch.items()}
        masked: dict[str, pd.Series] = {}
        present = np.full(size, "", dtype=object)
        for rule in self.policy.masked:
            column = batch[rule.name]
            ctx = ColumnContext(rule.name, rule.input_type, self.keys, batch)
            masked[rule.name] = rule.operator.apply(column, rule.params, ctx).set_axis(index)
            present = np.where(column.notna().to_numpy(), present + rule.name + ",", present)
        key_id = pd.Series([self.key_id] * size, index=index, dtype=object)
        masked_fields = pd.Series([p[:-1] for p in present], index=index, dtype=object)
        version = pd.Series([self.policy.version] * size, index=index, dtype=object)
        digest_columns = [
            (masked[f.name] if not f.is_keep else batch[f.name], f.output_type)
            for f in self.policy.fields
        ] + [
            (version, INT),
            (key_id, STRING),
            (source_ref.reset_index(drop=True), STRING),
            (masked_fields, STRING),
        ]
        digests = pd.Series(row_digests(digest_columns), index=index, dtype=object)
        out = dict(masked)
        out["token_key_id"] = key_id
        out["masked_fields"] = masked_fields
        out["row_digest"] = digests
        return pd.DataFrame(out, index=index)
