-- Raw customer events from the Kafka topic ${RAW_TOPIC} (JSON), read_committed.
-- Columns must match conf/policies/customers.yaml; the mask job checks this at start-up.
CREATE TABLE customers_raw (
  `event_id`          STRING,
  `event_time`        TIMESTAMP(3),
  `event_type`        STRING,
  `customer_id`       STRING,
  `full_name`         STRING,
  `email`             STRING,
  `phone`             STRING,
  `ssn`               STRING,
  `card_number`       STRING,
  `username`          STRING,
  `street_address`    STRING,
  `city`              STRING,
  `postal_code`       STRING,
  `country_code`      STRING,
  `birth_date`        DATE,
  `signup_date`       DATE,
  `ip_address`        STRING,
  `account_balance`   DECIMAL(12, 2),
  `loyalty_points`    INT,
  `user_agent`        STRING,
  `marketing_opt_in`  BOOLEAN,
  `notes`             STRING,
  -- Source coordinates (topic/partition/offset), carried into every masked row.
  `kafka_topic`       STRING METADATA FROM 'topic' VIRTUAL,
  `kafka_partition`   INT METADATA FROM 'partition' VIRTUAL,
  `kafka_offset`      BIGINT METADATA FROM 'offset' VIRTUAL,
  `source_ref`        AS CONCAT('kafka:', `kafka_topic`, '/', CAST(`kafka_partition` AS STRING),
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
  'format' = 'json',
  'json.fail-on-missing-field' = 'false',
  'json.ignore-parse-errors' = 'false'
);
