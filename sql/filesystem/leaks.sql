-- Leak-sentinel hits of the dataset (columns: sql/schema/leaks.sql). Never the value.
-- Append-only JSON lines in ${LEAKS_PATH}.
CREATE TABLE ${DATASET}_leaks WITH (
  'connector' = 'filesystem',
  'path' = '${LEAKS_PATH}',
  'format' = 'json'
)
LIKE leaks_schema (EXCLUDING OPTIONS);
