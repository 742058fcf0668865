-- The masked customer events read back by the audit job, with event-time watermarks
-- (5 s of allowed lateness). Same files as customers_masked.
CREATE TEMPORARY TABLE customers_masked_events (
  WATERMARK FOR `event_time` AS `event_time` - INTERVAL '5' SECOND
) LIKE customers_masked;
