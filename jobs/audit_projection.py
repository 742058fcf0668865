"""Compile a policy into the audit job's SQL: the per-row scan view, the windowed aggregate,
and the insert of leak-sentinel hits."""

from __future__ import annotations

from jobs.audit_plan import NO_INCREMENT, Increment
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
    masked: Increment = NO_INCREMENT,
) -> str:
    """The per-row scan of the masked table: of the Iceberg snapshots `masked` names, none when
    it has no new rows (an audit that only counts newly quarantined records)."""
    args = ", ".join(f"`{name}`" for name in text_fields)
    unchanged = "\nWHERE FALSE" if masked.unchanged else ""
    hint = "" if masked.unchanged else masked.hint()
    return (
        f"CREATE TEMPORARY VIEW `{scan_view_name(policy)}` AS\n"
        f"SELECT `policy_version`, `{event_time_field(policy)}` AS `event_time`, `source_ref`,\n"
        f"  `row_digest`, `masked_fields`, `residual_fields`, `token_key_id`,\n"
        f"  {scan_function}({args}) AS `scan`\n"
        f"FROM `{source_table}`{hint}{unchanged}"
    )


# What the window aggregate reads per row, besides the entity counts: a masked row has a digest
# and no error class, a quarantined record an error class and nothing else.
_ROW_COLUMNS = ("row_digest", "masked_fields", "residual_fields", "token_key_id")


def _rows_query(policy: Policy, quarantine: tuple[str, Increment] | None) -> str:
    """The masked rows of the scan view, and with `quarantine` (its table and increment) the
    quarantined records too: in the window of their event time, or of when they were taken in
    when it could not be read."""
    counts = ", ".join(f"`scan`.`{e}` AS `{e}`" for e in ENTITY_TYPES)
    masked = (
        "SELECT `policy_version`, `event_time`, "
        + ", ".join(f"`{c}`" for c in _ROW_COLUMNS)
        + ",\n    CAST(NULL AS STRING) AS `error_class`, `scan`.`leak_count` AS `leak_count`, "
        + f"{counts}\n  FROM `{scan_view_name(policy)}`"
    )
    if quarantine is None:
        return masked
    table, increment = quarantine
    nothing = ", ".join(f"CAST(NULL AS STRING) AS `{c}`" for c in _ROW_COLUMNS)
    zeros = ", ".join(f"CAST(0 AS BIGINT) AS `{e}`" for e in ("leak_count", *ENTITY_TYPES))
    return (
        f"{masked}\n  UNION ALL\n"
        "  SELECT `policy_version`, COALESCE(`event_time`, `ingested_at`) AS `event_time`,\n"
        f"    {nothing},\n    `error_class`, {zeros}\n"
        f"  FROM `{table}`{increment.hint()}\n  WHERE `dataset` = '{policy.dataset}'"
    )


def compile_window_query(
    policy: Policy,
    window_minutes: int,
    summary_function: str,
    quarantine: tuple[str, Increment] | None = None,
) -> str:
    """One vectorized aggregate summarises each window (Flink cannot mix Python and built-in
    aggregates in one batch window); the seal step unpacks its JSON. With `quarantine`, the
    windows count the quarantined records too (see _rows_query)."""
    interval = f"INTERVAL '{window_minutes}' MINUTE"
    counts = ", ".join(f"`{e}`" for e in ENTITY_TYPES)
    return (
        f"SELECT\n  '{policy.dataset}' AS `dataset`, `policy_version`,\n"
        f"  TUMBLE_START(`event_time`, {interval}) AS `window_start`,\n"
        f"  TUMBLE_END(`event_time`, {interval}) AS `window_end`,\n"
        f"  {summary_function}(`masked_fields`, `residual_fields`, `row_digest`, `token_key_id`,\n"
        f"  `error_class`, `leak_count`, {counts}) AS `summary`\n"
        f"FROM (\n  {_rows_query(policy, quarantine)}\n)\n"
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
