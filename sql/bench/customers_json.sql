-- Benchmark only (bench/suite.py, variants b and d): the raw customer events read with Flink's
-- own JSON format, typed like the input fields of conf/policies/customers.yaml (the suite checks
-- the columns against the policy). The mask job never reads records this way: Flink's JSON
-- format copies a malformed record into its exception and log. The benchmark input is synthetic.
CREATE TEMPORARY TABLE customers_json (
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
  -- Source coordinates, as customers_raw has them.
  `file_path`         STRING METADATA FROM 'file.path' VIRTUAL,
  `source_ref`        AS CONCAT('file:', `file_path`)
) WITH (
  'connector' = 'filesystem',
  'path' = '${INPUT_PATH}',
  'format' = 'json',
  -- Timestamps as the generator writes them: 2026-01-01 08:00:00.120
  'json.timestamp-format.standard' = 'SQL'
);
