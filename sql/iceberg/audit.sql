-- Audit trail of the dataset (columns: sql/schema/audit.sql): one sealed row per event-time
-- window and policy version, appended to the Iceberg table ${DATASET}.audit, partitioned by the
-- window's date.
CREATE TABLE ${DATASET}_audit (
  `dt`  STRING  -- date of window_start: the partition
) PARTITIONED BY (`dt`) WITH (
  'connector' = 'iceberg',
  'catalog-name' = '${ICEBERG_CATALOG}',
  'catalog-impl' = '${ICEBERG_CATALOG_IMPL}',
  'uri' = '${ICEBERG_CATALOG_URI}',
  'warehouse' = '${ICEBERG_WAREHOUSE}',
  'catalog-database' = '${DATASET}',
  'catalog-table' = 'audit',
  'format-version' = '2'
)
LIKE audit_schema (EXCLUDING OPTIONS);
