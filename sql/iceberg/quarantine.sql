-- Records the mask job rejected (columns: sql/schema/quarantine.sql), never the payload:
-- appended to the Iceberg table ${DATASET}.quarantine in the same commits as the masked rows.
CREATE TABLE ${DATASET}_quarantine WITH (
  'connector' = 'iceberg',
  'catalog-name' = '${ICEBERG_CATALOG}',
  'catalog-impl' = '${ICEBERG_CATALOG_IMPL}',
  'uri' = '${ICEBERG_CATALOG_URI}',
  'warehouse' = '${ICEBERG_WAREHOUSE}',
  'catalog-database' = '${DATASET}',
  'catalog-table' = 'quarantine',
  'format-version' = '2'
)
LIKE quarantine_schema (EXCLUDING OPTIONS);
