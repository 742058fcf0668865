-- Columns of masked payments: the policy's output types plus row metadata. Shared by every
-- profile's payments_masked table (LIKE); checked against the policy at start-up.
CREATE TEMPORARY TABLE IF NOT EXISTS payments_masked_schema (
  `payment_id`       STRING,
  `event_time`       TIMESTAMP(3),
  `customer_id`      STRING,          -- tok_<key id>_<hex>: joins customers_masked.customer_id
  `amount`           DECIMAL(12, 2),
  `currency`         STRING,
  `status`           STRING,
  `merchant`         STRING,
  `card_number`      STRING,          -- last 4 digits
  `cardholder_name`  STRING,
  `billing_iban`     STRING,          -- last 4 characters
  `memo`             STRING,          -- scrubbed
  `policy_version`   INT,
  `token_key_id`     STRING,
  `source_ref`       STRING,
  `masked_fields`    STRING,
  `row_digest`       STRING
) WITH ('connector' = 'blackhole');
