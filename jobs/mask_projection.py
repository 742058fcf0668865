"""Compile a policy into the SQL the mask job runs: one vectorized UDF call per record batch
parses and masks the raw payloads right after the source scan; valid records go to the masked
table, rejected ones to the quarantine table, in one statement set."""

from __future__ import annotations

from udfs.policy import Policy, table_name


def _q(name: str) -> str:
    return f"`{name}`"


def parsed_view_name(policy: Policy) -> str:
    return table_name(policy, "parsed")


def compile_view(policy: Policy, function: str) -> str:
    return (
        f"CREATE TEMPORARY VIEW {_q(parsed_view_name(policy))} AS\n"
        f"SELECT `source_ref`, {function}(`payload`, `source_ref`) AS `m`\n"
        f"FROM {_q(table_name(policy, 'raw'))}"
    )


def compile_insert(policy: Policy) -> str:
    """Both INSERTs, as one statement set the planner runs as one job (the UDF runs once)."""
    lines = [f"  `m`.{_q(f.name)} AS {_q(f.name)},  -- {f.describe()}" for f in policy.fields]
    lines.append(f"  CAST({policy.version} AS INT) AS `policy_version`,")
    lines.append("  `m`.`token_key_id` AS `token_key_id`,")
    lines.append("  `source_ref`,")
    lines.append("  `m`.`masked_fields` AS `masked_fields`,")
    lines.append("  `m`.`row_digest` AS `row_digest`")
    view = _q(parsed_view_name(policy))
    masked = (
        f"INSERT INTO {_q(table_name(policy, 'masked'))}\nSELECT\n" + "\n".join(lines) + "\n"
        f"FROM {view}\nWHERE `m`.`status` = 'ok'"
    )
    quarantine = (
        f"INSERT INTO {_q(table_name(policy, 'quarantine'))}\n"
        f"SELECT '{policy.dataset}', CAST({policy.version} AS INT), `source_ref`,\n"
        "  `m`.`error_class`, `m`.`error_field`, `m`.`payload_digest`, `m`.`payload_bytes`,\n"
        "  `m`.`payload_shape`\n"
        f"FROM {view}\nWHERE `m`.`status` <> 'ok'"
    )
    return f"EXECUTE STATEMENT SET\nBEGIN\n{masked};\n{quarantine};\nEND"
