-- Masked events: an Apache Iceberg table (format v2) ${DATASET}.masked in the catalog
-- ${ICEBERG_CATALOG}, partitioned by event date. Each checkpoint commits one append snapshot
-- (exactly-once); nothing ever overwrites or deletes, and `maskstream verify` checks the table's
-- history says so. The table is created on first use with these columns: the policy's output
-- types plus row metadata, then the partition. Every engine with an Iceberg catalog reads it.
CREATE TABLE ${DATASET}_masked (
  `dt`  STRING  -- event date (yyyy-MM-dd) of the row: the partition
) PARTITIONED BY (`dt`) WITH (
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
  'catalog-table' = 'masked',
  'format-version' = '2',
  'write.format.default' = 'parquet',
  'write.parquet.compression-codec' = 'zstd'
)
LIKE ${DATASET}_masked_schema (EXCLUDING OPTIONS);
