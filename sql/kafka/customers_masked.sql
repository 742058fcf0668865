-- Masked customer events to the Kafka topic ${MASKED_TOPIC}: insert-only, exactly-once
-- (a Kafka transaction per checkpoint; readers must use isolation.level=read_committed).
CREATE TABLE customers_masked (
  `event_id`          STRING,
  `event_time`        TIMESTAMP(3),
  `event_type`        STRING,
  `customer_id`       STRING,          -- tok_<key id>_<hex>
  `full_name`         STRING,
  `email`             STRING,
  `phone`             STRING,
  `ssn`               STRING,
  `card_number`       STRING,
  `username`          STRING,
  `street_address`    STRING,
  `city`              STRING,
  `postal_code`       STRING,          -- 3-character prefix
  `country_code`      STRING,
  `birth_date`        STRING,          -- year
  `signup_date`       DATE,            -- shifted per customer
  `ip_address`        STRING,
  `account_balance`   DECIMAL(12, 2),  -- lower bound of a 1000 bucket
  `loyalty_points`    INT,
  `user_agent`        STRING,
  `marketing_opt_in`  BOOLEAN,
  `notes`             STRING,
  `policy_version`    INT,
  `token_key_id`      STRING,
  `source_ref`        STRING,
  `masked_fields`     STRING,
  `row_digest`        STRING
) WITH (
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
);
