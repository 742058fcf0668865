-- Raw customer events, read as whole records: the mask job parses and validates each payload
-- itself against conf/policies/customers.yaml, so no Flink component (the JSON format, its
-- exceptions, the log) ever sees or prints a raw record. Shared by every profile (LIKE).
CREATE TEMPORARY TABLE IF NOT EXISTS customers_raw_schema (
  `payload`  BYTES
) WITH ('connector' = 'blackhole');
