-- Leak-sentinel hits: which row and field held which kind of personal data after masking.
-- Never the value itself. Every dataset's <dataset>_leaks table is LIKE this.
CREATE TEMPORARY TABLE IF NOT EXISTS leaks_schema (
  `dataset`         STRING,
  `policy_version`  INT,
  `event_time`      TIMESTAMP(3),
  `source_ref`      STRING,
  `row_digest`      STRING,
  `field`           STRING,
  `entity_type`     STRING
) WITH ('connector' = 'blackhole');
