"""PyFlink functions of the audit job: the per-row scan (pandas UDF), the window's multiset hash
(aggregate function) and the seal chain (keyed process function with state)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from pyflink.common import Row, Types
from pyflink.datastream import KeyedProcessFunction, RuntimeContext
from pyflink.datastream.state import ValueStateDescriptor
from pyflink.table import DataTypes
from pyflink.table.udf import (
    AggregateFunction,
    FunctionContext,
    ScalarFunction,
    UserDefinedFunctionWrapper,
    udaf,
    udf,
)

from udfs import seal
from udfs.audit_scan import scan_batch, scanned_fields
from udfs.detectors import ENTITY_TYPES
from udfs.policy import Policy, compile_policy


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


class RowSetHash(AggregateFunction):
    """MuHash of the row digests of a window (order-independent)."""

    def create_accumulator(self) -> list[str]:
        return [format(seal.EMPTY, "x")]

    def accumulate(self, accumulator: list[str], row_digest: str | None) -> None:
        if row_digest is not None:
            acc = seal.combine(int(accumulator[0], 16), row_digest)
            accumulator[0] = format(acc, "x")

    def merge(self, accumulator: list[str], accumulators: list[list[str]]) -> None:
        acc = int(accumulator[0], 16)
        for other in accumulators:
            acc = acc * int(other[0], 16) % seal.MODULUS
        accumulator[0] = format(acc, "x")

    def get_value(self, accumulator: list[str]) -> str:
        return seal.finish(int(accumulator[0], 16))

    def get_result_type(self) -> DataTypes:
        return DataTypes.STRING()

    def get_accumulator_type(self) -> DataTypes:
        return DataTypes.ARRAY(DataTypes.STRING())


def row_set_hash_udaf() -> UserDefinedFunctionWrapper:
    return udaf(
        RowSetHash(),
        result_type=DataTypes.STRING(),
        accumulator_type=DataTypes.ARRAY(DataTypes.STRING()),
    )


WINDOW_FIELDS = [
    ("dataset", Types.STRING()),
    ("policy_version", Types.INT()),
    ("window_start", Types.SQL_TIMESTAMP()),
    ("window_end", Types.SQL_TIMESTAMP()),
    ("rows_masked", Types.LONG()),
    ("rows_quarantined", Types.LONG()),
    ("masked_values", Types.STRING()),
    ("detections", Types.STRING()),
    ("leak_hits", Types.LONG()),
    ("row_set_hash", Types.STRING()),
]
SEALED_TYPE = Types.ROW_NAMED(
    [n for n, _ in WINDOW_FIELDS] + ["prev_seal", "seal"],
    [t for _, t in WINDOW_FIELDS] + [Types.STRING(), Types.STRING()],
)


def canonical_window(row: dict[str, Any]) -> dict[str, Any]:
    """Window fields as the seal hashes them; the verifier renders rows read back the same way."""
    out = dict(row)
    for name in ("window_start", "window_end"):
        ts = pd.Timestamp(out[name])
        out[name] = f"{ts:%Y-%m-%d %H:%M:%S}.{ts.microsecond // 1000:03d}"
    for name in ("policy_version", "rows_masked", "rows_quarantined", "leak_hits"):
        out[name] = int(out[name])
    return out


class SealChain(KeyedProcessFunction):
    """Keyed by dataset: each window's seal hashes its fields and the previous seal. The last
    seal lives in checkpointed state, so the chain survives restarts."""

    def open(self, runtime_context: RuntimeContext) -> None:
        self._last = runtime_context.get_state(ValueStateDescriptor("last_seal", Types.STRING()))

    def process_element(self, value: Row, ctx: KeyedProcessFunction.Context):  # type: ignore[no-untyped-def]
        window = dict(zip([n for n, _ in WINDOW_FIELDS], value, strict=True))
        prev = self._last.value()
        window["prev_seal"] = prev
        current = seal.seal_hash(canonical_window(window))
        self._last.update(current)
        yield Row(*value, prev, current)
