-- Audit trail of the customers dataset: one sealed row per event-time window and policy
-- version, append-only JSON lines in ${AUDIT_PATH}. Window results are final, never updated.
CREATE TABLE customers_audit (
  `dataset`           STRING,
  `policy_version`    INT,
  `window_start`      TIMESTAMP(3),
  `window_end`        TIMESTAMP(3),
  `rows_masked`       BIGINT,
  `rows_quarantined`  BIGINT,
  `masked_values`     STRING,   -- JSON: {"field:operator": count}
  `detections`        STRING,   -- JSON: {"ENTITY_TYPE": count} of scrubbed entities
  `leak_hits`         BIGINT,   -- personal data found by the leak sentinel
  `tokens_by_key`     STRING,   -- JSON: {"token key id": rows}; shows key rotations
  `row_set_hash`      STRING,   -- multiset hash (MuHash) of the window's row digests
  `prev_seal`         STRING,   -- seal of the previous window: the chain
  `seal`              STRING    -- SHA-256 over all of the above
) WITH (
  'connector' = 'filesystem',
  'path' = '${AUDIT_PATH}',
  'format' = 'json'
);
