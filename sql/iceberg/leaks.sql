-- Leak-sentinel hits of the dataset (columns: sql/schema/leaks.sql), never the value:
-- appended to the Iceberg table ${DATASET}.leaks.
CREATE TABLE ${DATASET}_leaks WITH (
  'connector' = 'iceberg',
  'catalog-name' = '${ICEBERG_CATALOG}',
  'catalog-impl' = '${ICEBERG_CATALOG_IMPL}',
  'uri' = '${ICEBERG_CATALOG_URI}',
  'warehouse' = '${ICEBERG_WAREHOUSE}',
  'catalog-database' = '${DATASET}',
  'catalog-table' = 'leaks',
  'format-version' = '2'
)
LIKE leaks_schema (EXCLUDING OPTIONS);
