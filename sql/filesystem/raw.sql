-- Raw events: JSON lines files in ${INPUT_PATH}, read once (the embedded default).
-- Columns: sql/schema/raw.sql (checked against the policy at start-up).
CREATE TABLE ${DATASET}_raw (
  -- Source coordinates, carried into every masked row. The columns come from the schema.
  `file_path`   STRING METADATA FROM 'file.path' VIRTUAL,
  `source_ref`  AS CONCAT('file:', `file_path`)
) WITH (
  'connector' = 'filesystem',
  'path' = '${INPUT_PATH}',
  -- Set by the mask job at start-up: every file but those the masked and quarantine tables
  -- already hold whole, so a rerun over the same folder masks only what is new.
  'source.path.regex-pattern' = '${INPUT_FILES_PATTERN}',
  -- Bytes as they are: one record per line (files) or message (Kafka), parsed by the job.
  'format' = 'raw'
)
LIKE raw_schema (EXCLUDING OPTIONS);
