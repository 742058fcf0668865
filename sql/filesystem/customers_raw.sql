-- Raw customer events: JSON lines files in ${INPUT_PATH}, read once (the embedded default).
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
  -- Source coordinates, carried into every masked row.
  `file_path`         STRING METADATA FROM 'file.path' VIRTUAL,
  `source_ref`        AS CONCAT('file:', `file_path`)
) WITH (
  'connector' = 'filesystem',
  'path' = '${INPUT_PATH}',
  'format' = 'json',
  'json.fail-on-missing-field' = 'false',
  'json.ignore-parse-errors' = 'false'
);
