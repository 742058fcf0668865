"""Compile a policy into the INSERT that masks the raw table into the masked table.

Fields the policy keeps are copied natively; every other field is masked by one vectorized
UDF call per record batch, right after the source scan.
"""

from __future__ import annotations

from udfs.masking import COMPUTED_METADATA
from udfs.policy import Policy, table_name

# PyFlink hands nullable integers to pandas as floats, which is lossy above 2**53; integers
# cross to Python as exact text instead.
_AS_TEXT = {"INT", "BIGINT"}


def _q(name: str) -> str:
    return f"`{name}`"


def udf_arguments(policy: Policy) -> list[str]:
    args = [
        f"CAST({_q(f.name)} AS STRING)" if f.input_type.kind in _AS_TEXT else _q(f.name)
        for f in policy.fields
    ]
    return [*args, _q("source_ref")]


def compile_insert(policy: Policy, function: str) -> str:
    """The INSERT statement the mask job runs for `policy`, readable as documentation."""
    computed = {name for name, _ in COMPUTED_METADATA}
    lines: list[str] = []
    for f in policy.fields:
        if f.is_keep:
            lines.append(f"  {_q(f.name)},  -- keep")
        else:
            lines.append(f"  `m`.{_q(f.name)} AS {_q(f.name)},  -- {f.describe()}")
    lines.append(f"  CAST({policy.version} AS INT) AS `policy_version`,")
    for name in ("token_key_id", "source_ref", "masked_fields", "row_digest"):
        expr = f"`m`.{_q(name)}" if name in computed else _q(name)
        lines.append(f"  {expr} AS {_q(name)},")
    lines[-1] = lines[-1].rstrip(",")
    args = ",\n      ".join(udf_arguments(policy))
    return (
        f"INSERT INTO {_q(table_name(policy, 'masked'))}\n"
        "SELECT\n" + "\n".join(lines) + "\n"
        "FROM (\n"
        "  SELECT\n"
        "    *,\n"
        f"    {function}(\n      {args}\n    ) AS `m`\n"
        f"  FROM {_q(table_name(policy, 'raw'))}\n"
        ")"
    )
