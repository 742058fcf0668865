-- Columns of masked customer events: the policy's output types plus row metadata. Shared by
-- every profile's customers_masked table (LIKE); checked against the policy at start-up.
CREATE TEMPORARY TABLE IF NOT EXISTS customers_masked_schema (
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
) WITH ('connector' = 'blackhole');
