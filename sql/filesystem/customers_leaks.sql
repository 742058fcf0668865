-- Leak-sentinel hits for the customers dataset: which row and field held which kind of
-- personal data after masking. Never the value itself. Append-only JSON lines in ${LEAKS_PATH}.
CREATE TABLE customers_leaks (
  `dataset`         STRING,
  `policy_version`  INT,
  `event_time`      TIMESTAMP(3),
  `source_ref`      STRING,
  `row_digest`      STRING,
  `field`           STRING,
  `entity_type`     STRING
) WITH (
  'connector' = 'filesystem',
  'path' = '${LEAKS_PATH}',
  'format' = 'json'
);
