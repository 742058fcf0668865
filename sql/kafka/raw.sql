-- Raw events from the Kafka topic ${RAW_TOPIC} (JSON), read_committed.
-- Columns: sql/schema/raw.sql (checked against the policy at start-up).
CREATE TABLE ${DATASET}_raw (
  -- Source coordinates (topic/partition/offset), carried into every masked row.
  `kafka_topic`      STRING METADATA FROM 'topic' VIRTUAL,
  `kafka_partition`  INT METADATA FROM 'partition' VIRTUAL,
  `kafka_offset`     BIGINT METADATA FROM 'offset' VIRTUAL,
  `source_ref`       AS CONCAT('kafka:', `kafka_topic`, '/', CAST(`kafka_partition` AS STRING),
                               '/', CAST(`kafka_offset` AS STRING))
) WITH (
  'connector' = 'kafka',
  'topic' = '${RAW_TOPIC}',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
  'properties.group.id' = '${GROUP_ID}',
  -- Never read records of producer transactions that were aborted or are still open.
  'properties.isolation.level' = 'read_committed',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = '${STARTUP_MODE}',
  'scan.bounded.mode' = '${BOUNDED_MODE}',
  -- Bytes as they are: one record per line (files) or message (Kafka), parsed by the job.
  'format' = 'raw'
)
LIKE raw_schema (EXCLUDING OPTIONS);
