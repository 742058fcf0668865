-- Records the mask job rejected (columns: sql/schema/quarantine.sql), never the payload:
-- appended to the Iceberg table ${DATASET}.quarantine in the same commits as the masked rows.
CREATE TABLE ${DATASET}_quarantine WITH (
  'connector' = 'maskstream-iceberg',
  -- Written into every snapshot summary this job commits (build/iceberg-sink), beside Iceberg's
  -- own flink.job-id and flink.max-committed-checkpoint-id: the job's policy and key.
  'snapshot-property.maskstream.policy-version' = '${JOB_POLICY_VERSION}',
  'snapshot-property.maskstream.token-key-id' = '${JOB_TOKEN_KEY_ID}',
  'catalog-name' = '${ICEBERG_CATALOG}',
  'catalog-impl' = '${ICEBERG_CATALOG_IMPL}',
  'uri' = '${ICEBERG_CATALOG_URI}',
  'warehouse' = '${ICEBERG_WAREHOUSE}',
  'catalog-database' = '${DATASET}',
  'catalog-table' = 'quarantine',
  'format-version' = '2'
)
LIKE quarantine_schema (EXCLUDING OPTIONS);
