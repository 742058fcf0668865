-- The masked events read back from ${MASKED_TOPIC} by the audit job: read_committed,
-- with event-time watermarks (5 s of allowed lateness). Its own consumer group.
CREATE TEMPORARY TABLE ${DATASET}_masked_events (
  WATERMARK FOR `event_time` AS `event_time` - INTERVAL '5' SECOND
) WITH (
  'properties.group.id' = '${AUDIT_GROUP_ID}',
  'properties.isolation.level' = 'read_committed',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = '${STARTUP_MODE}',
  'scan.bounded.mode' = '${BOUNDED_MODE}'
) LIKE ${DATASET}_masked;
