-- Columns of raw customer events, as declared in conf/policies/customers.yaml. Shared by every
-- profile's customers_raw table (LIKE); the mask job checks it against the policy at start-up.
CREATE TEMPORARY TABLE IF NOT EXISTS customers_raw_schema (
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
  `notes`             STRING
) WITH ('connector' = 'blackhole');
