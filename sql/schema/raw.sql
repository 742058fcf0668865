-- Raw events, read as whole records: the mask job parses and validates each payload itself
-- against the dataset's policy, so no Flink component (the JSON format, its exceptions, the
-- log) ever sees or prints a raw record. Every dataset's <dataset>_raw table is LIKE this.
CREATE TEMPORARY TABLE IF NOT EXISTS raw_schema (
  `payload`  BYTES
) WITH ('connector' = 'blackhole');
