"""PyFlink functions of the audit job: the per-row scan (pandas UDF), the window's multiset hash
(aggregate function) and the seal chain (keyed process function with state)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from pyflink.common import Row, Types
from pyflink.datastream import KeyedProcessFunction, RuntimeContext
from pyflink.datastream.state import ValueStateDescriptor
from pyflink.table import DataTypes
from pyflink.table.udf import (
    FunctionContext,
    ScalarFunction,
    UserDefinedFunctionWrapper,
    udaf,
    udf,
)

from udfs.crypto import seal
from udfs.detection.audit_scan import scan_batch, scanned_fields
from udfs.detection.detectors import ENTITY_TYPES
from udfs.policy.model import Policy, compile_policy


class AuditScan(ScalarFunction):
    """Arguments: the masked table's text columns (see scanned_fields), in policy order."""

    def __init__(self, policy_document: dict[str, Any], policy_source: str):
        self._document = policy_document
        self._source = policy_source
        self._policy: Policy | None = None

    def open(self, function_context: FunctionContext) -> None:
        self._policy = compile_policy(self._document, self._source)

    def eval(self, *columns: pd.Series) -> pd.DataFrame:
        assert self._policy is not None
        names = [f.name for f in scanned_fields(self._policy)]
        return scan_batch(self._policy, dict(zip(names, columns, strict=True)))


def audit_scan_udf(policy: Policy) -> UserDefinedFunctionWrapper:
    fields = [DataTypes.FIELD("leaks", DataTypes.STRING())]
    fields.append(DataTypes.FIELD("leak_count", DataTypes.BIGINT()))
    fields += [DataTypes.FIELD(e, DataTypes.BIGINT()) for e in ENTITY_TYPES]
    return udf(
        AuditScan(policy.document, policy.source),
        result_type=DataTypes.ROW(fields),
        func_type="pandas",
    )


class WindowSummary:
    """Summarises one window's rows (a vectorized aggregate): row count, values masked per
    field:operator, scrub detections per entity type, leak hits and the rows' multiset hash."""

    def __init__(self, operators: dict[str, str]):
        self._operators = operators  # field -> operator name

    def __call__(  # noqa: PLR0917 - Flink passes the aggregate's columns by position
        self,
        masked_fields: pd.Series,
        residual_fields: pd.Series,
        row_digests: pd.Series,
        token_key_ids: pd.Series,
        error_classes: pd.Series,
        leak_counts: pd.Series,
        *counts: pd.Series,
    ) -> str:
        # Quarantined records (an error class, no digest) are counted by class, nothing else.
        quarantined = {str(k): int(n) for k, n in error_classes.value_counts().items()}
        masked = {f"{name}:{op}": 0 for name, op in self._operators.items()}
        for value in masked_fields.dropna():
            for name in str(value).split(","):
                if name in self._operators:
                    masked[f"{name}:{self._operators[name]}"] += 1
        return json.dumps(
            {
                "rows_masked": int(row_digests.notna().sum()),
                "quarantined": quarantined,
                "masked_values": masked,
                "detections": {
                    e: int(c.fillna(0).sum()) for e, c in zip(ENTITY_TYPES, counts, strict=True)
                },
                "leak_hits": int(leak_counts.fillna(0).sum()),
                # Raw values the mask job's residual check found and replaced, per field.
                "residuals": _residual_counts(residual_fields),
                # Rows per token key id: shows a key rotation taking effect.
                "tokens_by_key": {str(k): int(n) for k, n in token_key_ids.value_counts().items()},
                "row_set_hash": seal.row_set_hash(str(d) for d in row_digests.dropna()),
            }
        )


def _residual_counts(residual_fields: pd.Series) -> dict[str, int]:
    """{"field": replacements} from the rows' `field@column` lists."""
    counts: dict[str, int] = {}
    for value in residual_fields.dropna():
        for hit in str(value).split(","):
            field = hit.partition("@")[0]
            counts[field] = counts.get(field, 0) + 1
    return counts


def window_summary_udaf(policy: Policy) -> UserDefinedFunctionWrapper:
    operators = {f.name: f.operator.name for f in policy.masked}
    return udaf(WindowSummary(operators), result_type=DataTypes.STRING(), func_type="pandas")


SUMMARY_INPUT = ["dataset", "policy_version", "window_start", "window_end", "summary"]
# The audit row: the fields the seal covers (udfs.crypto.seal.SEALED_FIELDS, in that order), then
# the seal itself. Types for the DataStream step; names from the one list.
_NON_TEXT = {
    "policy_version": Types.INT(),
    "window_start": Types.SQL_TIMESTAMP(),
    "window_end": Types.SQL_TIMESTAMP(),
    "rows_masked": Types.LONG(),
    "rows_quarantined": Types.LONG(),
    "leak_hits": Types.LONG(),
}
SEALED_FIELDS = [(n, _NON_TEXT.get(n, Types.STRING())) for n in (*seal.SEALED_FIELDS, "seal")]
SEALED_TYPE = Types.ROW_NAMED([n for n, _ in SEALED_FIELDS], [t for _, t in SEALED_FIELDS])


class SealChain(KeyedProcessFunction):
    """Keyed by dataset: each window's seal hashes its fields and the previous seal. The last
    seal lives in checkpointed state, so the chain survives restarts."""

    def __init__(
        self,
        masked_snapshot: int | None = None,
        prev_seal: str | None = None,
        *,
        counts_quarantine: bool = False,
        quarantine_snapshot: int | None = None,
    ):
        # The Iceberg snapshot the job reads (None for a topic), written into every seal.
        self._masked_snapshot = None if masked_snapshot is None else str(masked_snapshot)
        # The last seal of the chain so far (an earlier audit's), which the first links to.
        self._prev_seal = prev_seal
        # Whether the windows count quarantined records (not when the job cannot read them:
        # their counts are then NULL, "not counted", never 0), and up to which snapshot.
        self._counts_quarantine = counts_quarantine
        self._quarantine_snapshot = (
            None if quarantine_snapshot is None else str(quarantine_snapshot)
        )

    def open(self, runtime_context: RuntimeContext) -> None:
        self._last = runtime_context.get_state(ValueStateDescriptor("last_seal", Types.STRING()))

    def process_element(self, value: Row, ctx: KeyedProcessFunction.Context):  # type: ignore[no-untyped-def]
        window = dict(zip(SUMMARY_INPUT, value, strict=True))
        summary = json.loads(window.pop("summary"))
        quarantined = summary["quarantined"] if self._counts_quarantine else None
        window.update(
            rows_masked=summary["rows_masked"],
            rows_quarantined=None if quarantined is None else sum(quarantined.values()),
            quarantined_by_class=(
                None if quarantined is None else json.dumps(quarantined, sort_keys=True)
            ),
            quarantine_snapshot=self._quarantine_snapshot,
            masked_values=json.dumps(summary["masked_values"], sort_keys=True),
            detections=json.dumps(summary["detections"], sort_keys=True),
            leak_hits=summary["leak_hits"],
            tokens_by_key=json.dumps(summary["tokens_by_key"], sort_keys=True),
            residual_values=json.dumps(summary["residuals"], sort_keys=True),
            row_set_hash=summary["row_set_hash"],
            prev_seal=self._last.value() or self._prev_seal,
            masked_snapshot=self._masked_snapshot,
        )
        window["seal"] = seal.seal_hash(seal.canonical_window(window))
        self._last.update(window["seal"])
        yield Row(*(window[name] for name, _ in SEALED_FIELDS))
