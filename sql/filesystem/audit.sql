-- Audit trail of the dataset (columns: sql/schema/audit.sql): one sealed row per
-- event-time window and policy version, append-only Parquet in ${AUDIT_PATH}, one folder per
-- window date (dt=YYYY-MM-DD).
CREATE TABLE ${DATASET}_audit (
  `dt`  STRING  -- date of window_start: the partition
) PARTITIONED BY (`dt`) WITH (
  'connector' = 'filesystem',
  'path' = '${AUDIT_PATH}',
  'format' = 'parquet',
  'parquet.write.int64.timestamp' = 'true',
  'parquet.timestamp.time.unit' = 'millis',
  'parquet.utc-timezone' = 'true',
  'sink.partition-commit.policy.kind' = 'success-file'
)
LIKE audit_schema (EXCLUDING OPTIONS);
