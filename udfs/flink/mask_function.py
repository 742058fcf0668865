"""The PyFlink wrapper: one vectorized (pandas) UDF per policy that masks whole record batches.

Keys are read in `open()` on the worker from its environment; they are never pickled into the
function, written into SQL or passed as job parameters.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import pandas as pd
from pyflink.table import DataTypes
from pyflink.table.types import DataType
from pyflink.table.udf import FunctionContext, ScalarFunction, UserDefinedFunctionWrapper, udf

from udfs.crypto.keys import load_keyring
from udfs.policy.model import Policy, compile_policy
from udfs.records.masking import RecordMasker, result_columns
from udfs.sql_types import SqlType

_SIMPLE: dict[str, Any] = {
    "STRING": DataTypes.STRING,
    "BOOLEAN": DataTypes.BOOLEAN,
    "INT": DataTypes.INT,
    "BIGINT": DataTypes.BIGINT,
    "DOUBLE": DataTypes.DOUBLE,
    "DATE": DataTypes.DATE,
}


def to_data_type(sql_type: SqlType) -> DataType:
    if sql_type.kind == "DECIMAL":
        return DataTypes.DECIMAL(sql_type.precision, sql_type.scale)
    if sql_type.kind == "TIMESTAMP(3)":
        return DataTypes.TIMESTAMP(3)
    return _SIMPLE[sql_type.kind]()


# Tests only: when this variable names a file and the file appears, the next batch fails once
# (the file is renamed first, so exactly one worker fires). Lets tests kill a job mid-stream
# after a checkpoint they have seen complete.
FAULT_TRIGGER_ENV = "MASKSTREAM_TEST_FAULT_TRIGGER"


def _maybe_fail(trigger: str) -> None:
    try:
        os.rename(trigger, trigger + ".fired")
    except FileNotFoundError:
        return
    raise RuntimeError("maskstream test fault injected (MASKSTREAM_TEST_FAULT_TRIGGER)")


class MaskRecords(ScalarFunction):
    """Arguments: the raw payload (BYTES) and source_ref. Returns a ROW of the verdict, the
    masked fields and the computed metadata (see udfs.records.masking.result_columns)."""

    def __init__(self, policy_document: dict[str, Any], policy_source: str):
        self._document = policy_document
        self._source = policy_source
        self._masker: RecordMasker | None = None
        self._fault_trigger: str | None = None
        self._timing = [0, 0.0]  # rows, seconds spent in mask_payloads (for bench/suite.py)

    def open(self, function_context: FunctionContext) -> None:
        self._fault_trigger = os.environ.get(FAULT_TRIGGER_ENV) or None
        policy = compile_policy(self._document, self._source)
        self._masker = RecordMasker(policy, load_keyring())

    def eval(self, payloads: pd.Series, source_refs: pd.Series) -> pd.DataFrame:
        assert self._masker is not None
        if self._fault_trigger is not None:
            _maybe_fail(self._fault_trigger)
        started = time.perf_counter()
        result = self._masker.mask_payloads(payloads.tolist(), source_refs)
        self._timing[0] += len(payloads)
        self._timing[1] += time.perf_counter() - started
        return result

    def close(self) -> None:
        # Counts and seconds only, never data: where the benchmark reads the worker's share.
        path = os.environ.get(TIMING_FILE_ENV)
        if path:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(
                    json.dumps({"rows": self._timing[0], "seconds": self._timing[1]}) + "\n"
                )


TIMING_FILE_ENV = "MASKSTREAM_UDF_TIMING_FILE"


def function_name(policy: Policy) -> str:
    return f"mask_{policy.dataset}_v{policy.version}"


def mask_udf(policy: Policy) -> UserDefinedFunctionWrapper:
    """The pandas UDF for `policy`; its result type is derived from the policy."""
    columns = result_columns(policy)
    result_type = DataTypes.ROW([DataTypes.FIELD(n, to_data_type(t)) for n, t in columns])
    return udf(
        MaskRecords(policy.document, policy.source),
        result_type=result_type,
        func_type="pandas",
        deterministic=True,
    )
