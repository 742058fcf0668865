"""`maskstream explain`: the SQL the mask job runs for a policy and profile, as it runs it."""

from __future__ import annotations

from pathlib import Path

from jobs.config import JobConfig
from jobs.mask_projection import MASKED_TABLE, compile_insert, compile_view
from jobs.table_ddl import table_ddl_file
from jobs.tables import table_parts
from udfs.flink.mask_function import function_name
from udfs.policy.model import Policy


def explain(config: JobConfig, policy: Policy) -> str:
    """Every table definition (derived schemas included), then the masking view and INSERTs."""
    out: list[str] = []
    partitioned = False
    copy = table_ddl_file(config, MASKED_TABLE) is not None
    # What the mask job fills in at start-up: the key id is the active key's when it runs.
    job = {"JOB_POLICY_VERSION": str(policy.version), "JOB_TOKEN_KEY_ID": "<active key id>"}
    for suffix in ("raw", "masked", MASKED_TABLE, "quarantine"):
        if suffix == MASKED_TABLE and not copy:
            continue
        for part in table_parts(config, policy, suffix, job):
            origin = part.origin if part.path is None else _relative(config, part.path)
            out.append(f"-- {origin}")
            for statement in part.statements:
                out.append(statement.text + ";\n")
                partitioned |= suffix == "masked" and "PARTITIONED BY (`dt`)" in statement.text
    out.append(
        f"-- compiled from {config.policy_path} (dataset {policy.dataset} v{policy.version})"
    )
    out.append(compile_view(policy, function_name(policy)) + ";\n")
    out.append(compile_insert(policy, date_partition=partitioned, masked_table=copy) + ";")
    return "\n".join(out)


def _relative(config: JobConfig, path: Path) -> Path:
    root = config.project.root
    return path.relative_to(root) if path.is_relative_to(root) else path
