"""The Flink SQL types a policy may declare, parsed into a small value type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Kinds a policy field may have. TIMESTAMP is millisecond precision, which is what the
# JSON and Kafka formats carry and what pandas UDFs receive without loss.
SIMPLE_KINDS = ("STRING", "BOOLEAN", "INT", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP(3)")
_DECIMAL = re.compile(r"^DECIMAL\(\s*(\d{1,2})\s*,\s*(\d{1,2})\s*\)$")
_ALIASES = {"VARCHAR": "STRING", "INTEGER": "INT", "TIMESTAMP": "TIMESTAMP(3)"}


@dataclass(frozen=True)
class SqlType:
    """A parsed Flink SQL type; `kind` is STRING, INT, ..., or DECIMAL."""

    kind: str
    precision: int = 0
    scale: int = 0

    @property
    def sql(self) -> str:
        if self.kind == "DECIMAL":
            return f"DECIMAL({self.precision}, {self.scale})"
        return self.kind

    @property
    def is_text(self) -> bool:
        return self.kind == "STRING"

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("INT", "BIGINT", "DOUBLE", "DECIMAL")

    @property
    def is_temporal(self) -> bool:
        return self.kind in ("DATE", "TIMESTAMP(3)")

    def __str__(self) -> str:
        return self.sql


STRING = SqlType("STRING")


def parse_sql_type(text: str) -> SqlType:
    """Parse a type as written in a policy; raise ValueError naming the accepted types."""
    norm = re.sub(r"\s+", " ", str(text).strip().upper())
    norm = _ALIASES.get(norm, norm)
    if norm in SIMPLE_KINDS:
        return SqlType(norm)
    match = _DECIMAL.match(norm)
    if match:
        precision, scale = int(match.group(1)), int(match.group(2))
        if 1 <= precision <= 38 and scale <= precision:
            return SqlType("DECIMAL", precision, scale)
    accepted = ", ".join((*SIMPLE_KINDS, "DECIMAL(p, s)"))
    raise ValueError(f"unsupported type {text!r}; use one of {accepted}")


def millis_text(value: Any, sep: str = " ") -> str:
    """A TIMESTAMP(3) value as text to the millisecond: 2026-01-01 08:00:00.120. Every reader
    and writer of tables, digests and seals renders timestamps through this one function."""
    import pandas as pd

    ts = pd.Timestamp(value)
    return f"{ts:%Y-%m-%d}{sep}{ts:%H:%M:%S}.{ts.microsecond // 1000:03d}"
