"""Compile a policy into the audit job's SQL: the per-row scan view, the windowed aggregate,
and the insert of leak-sentinel hits."""

from __future__ import annotations

from udfs.detectors import ENTITY_TYPES
from udfs.policy import Policy, table_name
from udfs.sql_types import SqlType


class AuditPolicyError(ValueError):
    """The policy lacks what the audit job needs (a kept event-time field)."""


def event_time_field(policy: Policy) -> str:
    for f in policy.fields:
        if f.is_keep and "time.event" in f.tags and f.input_type == SqlType("TIMESTAMP(3)"):
            return f.name
    raise AuditPolicyError(
        f"{policy.source}: the audit job windows by event time, but no kept TIMESTAMP(3) field "
        "is tagged time.event. Fix: tag the event timestamp `tags: [time.event]` with "
        "`mask: keep`"
    )


def scan_view_name(policy: Policy) -> str:
    return table_name(policy, "auditscan")


def compile_scan_view(policy: Policy, scan_function: str, text_fields: list[str]) -> str:
    args = ", ".join(f"`{name}`" for name in text_fields)
    return (
        f"CREATE TEMPORARY VIEW `{scan_view_name(policy)}` AS\n"
        f"SELECT `policy_version`, `{event_time_field(policy)}` AS `event_time`, `source_ref`,\n"
        f"  `row_digest`, `masked_fields`, {scan_function}({args}) AS `scan`\n"
        f"FROM `{table_name(policy, 'masked')}_events`"
    )


def compile_window_query(policy: Policy, window_minutes: int, hash_function: str) -> str:
    masked = ",\n    ".join(
        f"KEY '{f.name}:{f.operator.name}' VALUE SUM(IF(POSITION(',{f.name},' IN "
        f"CONCAT(',', COALESCE(`masked_fields`, ''), ',')) > 0, 1, 0))"
        for f in policy.masked
    )
    detections = ",\n    ".join(f"KEY '{e}' VALUE SUM(`scan`.`{e}`)" for e in ENTITY_TYPES)
    window = f"TUMBLE(`event_time`, INTERVAL '{window_minutes}' MINUTE)"
    # The group-window syntax (not the window TVF) because the multiset hash is a Python
    # aggregate, which Flink runs append-only only as a group window aggregate.
    return (
        f"SELECT\n  '{policy.dataset}' AS `dataset`, `policy_version`,\n"
        f"  TUMBLE_START(`event_time`, INTERVAL '{window_minutes}' MINUTE) AS `window_start`,\n"
        f"  TUMBLE_END(`event_time`, INTERVAL '{window_minutes}' MINUTE) AS `window_end`,\n"
        "  COUNT(*) AS `rows_masked`,\n"
        "  CAST(0 AS BIGINT) AS `rows_quarantined`,\n"
        f"  JSON_OBJECT(\n    {masked}\n  ) AS `masked_values`,\n"
        f"  JSON_OBJECT(\n    {detections}\n  ) AS `detections`,\n"
        "  SUM(`scan`.`leak_count`) AS `leak_hits`,\n"
        f"  {hash_function}(`row_digest`) AS `row_set_hash`\n"
        f"FROM `{scan_view_name(policy)}`\n"
        f"GROUP BY `policy_version`, {window}"
    )


def compile_leaks_insert(policy: Policy) -> str:
    return (
        f"INSERT INTO `{table_name(policy, 'leaks')}`\n"
        f"SELECT '{policy.dataset}', `v`.`policy_version`, `v`.`event_time`, `v`.`source_ref`,\n"
        "  `v`.`row_digest`, SPLIT_INDEX(`hit`, ':', 0), SPLIT_INDEX(`hit`, ':', 1)\n"
        f"FROM `{scan_view_name(policy)}` AS `v`\n"
        "CROSS JOIN UNNEST(SPLIT(`v`.`scan`.`leaks`, ';')) AS `hits`(`hit`)\n"
        "WHERE `v`.`scan`.`leaks` IS NOT NULL"
    )
