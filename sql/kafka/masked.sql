-- Masked events to the Kafka topic ${MASKED_TOPIC}: insert-only, exactly-once
-- (a Kafka transaction per checkpoint; readers must use isolation.level=read_committed).
CREATE TABLE ${DATASET}_masked WITH (
  'connector' = 'kafka',
  'topic' = '${MASKED_TOPIC}',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
  'format' = 'json',
  'json.encode.decimal-as-plain-number' = 'true',
  'sink.delivery-guarantee' = 'exactly-once',
  -- Fences zombie producers of an earlier attempt of this job; unique per job.
  'sink.transactional-id-prefix' = '${TRANSACTIONAL_ID_PREFIX}',
  -- Must not exceed the broker's transaction.max.timeout.ms (15 min by default); the
  -- connector's own default (1 h) would be rejected. It must outlast a restart.
  'properties.transaction.timeout.ms' = '600000'
)
LIKE ${DATASET}_masked_schema (EXCLUDING OPTIONS);
