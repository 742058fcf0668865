-- The audit trail of a dataset: one sealed row per event-time window and policy version.
-- Window results are final, never updated. Every dataset's <dataset>_audit table is LIKE this.
CREATE TEMPORARY TABLE IF NOT EXISTS audit_schema (
  `dataset`           STRING,
  `policy_version`    INT,
  `window_start`      TIMESTAMP(3),
  `window_end`        TIMESTAMP(3),
  `rows_masked`       BIGINT,
  `rows_quarantined`  BIGINT,   -- records the mask job rejected; NULL: not counted (topic)
  `masked_values`     STRING,   -- JSON: {"field:operator": count}
  `detections`        STRING,   -- JSON: {"ENTITY_TYPE": count} of scrubbed entities
  `leak_hits`         BIGINT,   -- personal data found by the leak sentinel
  `tokens_by_key`     STRING,   -- JSON: {"token key id": rows}; shows key rotations
  `row_set_hash`      STRING,   -- multiset hash (MuHash) of the window's row digests
  `prev_seal`         STRING,   -- seal of the previous window: the chain
  `residual_values`   STRING,   -- JSON: {"field": n} raw values the residual check replaced
  `masked_snapshot`   STRING,   -- the masked table's Iceberg snapshot the audit read (files)
  `quarantined_by_class` STRING,  -- JSON: {"error class": records}; NULL: not counted (topic)
  `quarantine_snapshot` STRING,   -- the quarantine table's Iceberg snapshot the audit counted
  `seal`              STRING    -- SHA-256 over all of the above
) WITH ('connector' = 'blackhole');
