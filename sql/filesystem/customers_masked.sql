-- Masked customer events: append-only JSON lines files in ${OUTPUT_PATH}, committed on
-- checkpoint (exactly-once). Columns are the policy's output types plus row metadata.
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
  -- Row metadata: how this row was produced, where it came from, and its content digest.
  `policy_version`    INT,
  `token_key_id`      STRING,
  `source_ref`        STRING,
  `masked_fields`     STRING,
  `row_digest`        STRING
) WITH (
  'connector' = 'filesystem',
  'path' = '${OUTPUT_PATH}',
  'format' = 'json',
  -- Decimals as 16000.00, never 1.6E+4, so readers and the digest verifier agree.
  'json.encode.decimal-as-plain-number' = 'true',
  'sink.rolling-policy.file-size' = '128MB',
  'sink.rolling-policy.rollover-interval' = '15 min'
);
