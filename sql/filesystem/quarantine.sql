-- Records the mask job rejected (columns: sql/schema/quarantine.sql). Never the
-- payload. Append-only JSON lines in ${QUARANTINE_PATH}: operational, small, read by people.
CREATE TABLE ${DATASET}_quarantine WITH (
  'connector' = 'filesystem',
  'path' = '${QUARANTINE_PATH}',
  'format' = 'json'
)
LIKE quarantine_schema (EXCLUDING OPTIONS);
