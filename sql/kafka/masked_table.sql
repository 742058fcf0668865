-- The Iceberg copy of the masked topic ${MASKED_TOPIC}, for analysts: the same masked rows as an
-- Apache Iceberg table (format v2) ${DATASET}.masked in the catalog ${ICEBERG_CATALOG},
-- partitioned by event date, the same table the file profiles write. The mask job writes topic
-- and table from one statement set (the UDF runs once); each checkpoint commits the topic's
-- transaction and one append snapshot.
CREATE TABLE ${DATASET}_masked_table (
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
