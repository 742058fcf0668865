"""Compile a policy into the audit job's SQL: the per-row scan view, the windowed aggregate,
and the insert of leak-sentinel hits."""

from __future__ import annotations

from jobs.mask_projection import date_partition_sql
from udfs.detection.detectors import ENTITY_TYPES
from udfs.policy.model import Policy, event_time_field, table_name


def scan_view_name(policy: Policy) -> str:
    return table_name(policy, "auditscan")


def compile_scan_view(
    policy: Policy,
    scan_function: str,
    text_fields: list[str],
    source_table: str,
    *,
    snapshot_id: int | None = None,
    since: int | None = None,
) -> str:
    """The per-row scan of the masked table; with `snapshot_id`, of that Iceberg snapshot, and
    with `since` too, of only the rows the snapshots after `since` up to it appended."""
    args = ", ".join(f"`{name}`" for name in text_fields)
    hint = ""
    if snapshot_id and since:
        hint = (
            f" /*+ OPTIONS('start-snapshot-id'='{int(since)}', "
            f"'end-snapshot-id'='{int(snapshot_id)}') */"
        )
    elif snapshot_id:
        hint = f" /*+ OPTIONS('snapshot-id'='{int(snapshot_id)}') */"
    return (
        f"CREATE TEMPORARY VIEW `{scan_view_name(policy)}` AS\n"
        f"SELECT `policy_version`, `{event_time_field(policy)}` AS `event_time`, `source_ref`,\n"
        f"  `row_digest`, `masked_fields`, `residual_fields`, `token_key_id`,\n"
        f"  {scan_function}({args}) AS `scan`\n"
        f"FROM `{source_table}`{hint}"
    )


def compile_window_query(policy: Policy, window_minutes: int, summary_function: str) -> str:
    """One vectorized aggregate summarises each window (Flink cannot mix Python and built-in
    aggregates in one batch window); the seal step unpacks its JSON."""
    interval = f"INTERVAL '{window_minutes}' MINUTE"
    counts = ", ".join(f"`scan`.`{e}`" for e in ENTITY_TYPES)
    return (
        f"SELECT\n  '{policy.dataset}' AS `dataset`, `policy_version`,\n"
        f"  TUMBLE_START(`event_time`, {interval}) AS `window_start`,\n"
        f"  TUMBLE_END(`event_time`, {interval}) AS `window_end`,\n"
        f"  {summary_function}(`masked_fields`, `residual_fields`, `row_digest`, `token_key_id`,\n"
        "  `scan`.`leak_count`, "
        f"{counts})"
        " AS `summary`\n"
        f"FROM `{scan_view_name(policy)}`\n"
        f"GROUP BY `policy_version`, TUMBLE(`event_time`, {interval})"
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


def compile_audit_insert(audit_table: str, sealed_view: str, date_partition: bool) -> str:
    """Sealed windows into the audit table; with `date_partition`, each row also gets the `dt`
    partition of its window's start date."""
    partition = f", {date_partition_sql('`window_start`')}" if date_partition else ""
    return f"INSERT INTO `{audit_table}`\nSELECT *{partition}\nFROM `{sealed_view}`"
