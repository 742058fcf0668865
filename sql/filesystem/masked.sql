-- Masked events: append-only Parquet files in ${OUTPUT_PATH}, one folder per event
-- date (dt=YYYY-MM-DD), committed on checkpoint (exactly-once). Columns: the policy's output
-- types plus row metadata (sql/schema/${DATASET}_masked.sql), then the partition.
CREATE TABLE ${DATASET}_masked (
  `dt`  STRING  -- event date (yyyy-MM-dd) of the row: the partition
) PARTITIONED BY (`dt`) WITH (
  'connector' = 'filesystem',
  'path' = '${OUTPUT_PATH}',
  'format' = 'parquet',
  -- int64 milliseconds, not the legacy INT96; written as they are, never shifted to a zone.
  'parquet.write.int64.timestamp' = 'true',
  'parquet.timestamp.time.unit' = 'millis',
  'parquet.utc-timezone' = 'true',
  'sink.rolling-policy.file-size' = '128MB',
  'sink.rolling-policy.rollover-interval' = '15 min',
  -- A _SUCCESS file marks each date folder whose files are committed.
  'sink.partition-commit.policy.kind' = 'success-file'
)
LIKE ${DATASET}_masked_schema (EXCLUDING OPTIONS);
