-- The masked events read back by the audit job, with event-time watermarks
-- (5 s of allowed lateness). Same files as ${DATASET}_masked.
CREATE TEMPORARY TABLE ${DATASET}_masked_events (
  WATERMARK FOR `event_time` AS `event_time` - INTERVAL '5' SECOND
) LIKE ${DATASET}_masked;
