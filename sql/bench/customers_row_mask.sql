-- Benchmark variant (d): conf/policies/customers.yaml as row-at-a-time Python UDFs, one general
-- (non-pandas) scalar function per operator kind (bench/row_udfs.py), over customers_json
-- (Flink's JSON format) into customers_bench_masked. Every masked field crosses into Python once
-- per row; the metadata columns are computed like variant (b) (customers_native_mask.sql), so
-- the two differ only in how the fields are masked.
-- Placeholders: ${TOKEN_KEY_ID} (the active key id, for token_key_id) and ${POLICY_VERSION}.
INSERT INTO customers_bench_masked (
  `event_id`, `event_time`, `event_type`, `customer_id`, `full_name`, `email`, `phone`, `ssn`,
  `card_number`, `username`, `street_address`, `city`, `postal_code`, `country_code`,
  `birth_date`, `signup_date`, `ip_address`, `account_balance`, `loyalty_points`, `user_agent`,
  `marketing_opt_in`, `notes`,
  `policy_version`, `token_key_id`, `source_ref`, `masked_fields`, `residual_fields`,
  `row_digest`,
  `dt`
)
SELECT
  `event_id`, `event_time`, `event_type`, `customer_id`, `full_name`, `email`, `phone`, `ssn`,
  `card_number`, `username`, `street_address`, `city`, `postal_code`, `country_code`,
  `birth_date`, `signup_date`, `ip_address`, `account_balance`, `loyalty_points`, `user_agent`,
  `marketing_opt_in`, `notes`,
  `policy_version`, `token_key_id`, `source_ref`, `masked_fields`, `residual_fields`,
  SHA2(JSON_ARRAY(
    `event_id`, CAST(`event_time` AS STRING), `event_type`, `customer_id`, `full_name`, `email`,
    `phone`, `ssn`, `card_number`, `username`, `street_address`, `city`, `postal_code`,
    `country_code`, `birth_date`, CAST(`signup_date` AS STRING), `ip_address`,
    `account_balance`, `loyalty_points`, `user_agent`, `marketing_opt_in`, `notes`,
    `policy_version`, `token_key_id`, `source_ref`, `masked_fields`, `residual_fields`
    NULL ON NULL), 256) AS `row_digest`,
  -- The date partition, as the mask job writes it.
  DATE_FORMAT(`event_time`, 'yyyy-MM-dd') AS `dt`
FROM (
  SELECT
    `event_id`,                                                          -- keep
    `event_time`,                                                        -- keep
    `event_type`,                                                        -- keep
    row_tokenize(`customer_id`) AS `customer_id`,
    row_redact(`full_name`, '[NAME]') AS `full_name`,
    row_email(`email`, 'tokenize') AS `email`,
    row_mask_show_last(`phone`, 2) AS `phone`,
    row_mask_show_last(`ssn`, 4, 'X', 'x', '*') AS `ssn`,
    row_mask_show_last(`card_number`, 4, 'X', 'x', '*') AS `card_number`,
    row_hash(`username`, 'sha256') AS `username`,
    row_redact(`street_address`, '[ADDRESS]') AS `street_address`,
    `city`,                                                              -- keep
    row_generalize_prefix(`postal_code`, 3) AS `postal_code`,
    `country_code`,                                                      -- keep
    row_generalize_year(`birth_date`) AS `birth_date`,
    row_date_shift(`signup_date`, `customer_id`, 30) AS `signup_date`,
    row_nullify(`ip_address`) AS `ip_address`,
    row_generalize_bucket(`account_balance`, 1000) AS `account_balance`,
    `loyalty_points`,                                                    -- keep
    row_truncate(`user_agent`, 11) AS `user_agent`,
    `marketing_opt_in`,                                                  -- keep
    row_scrub(`notes`, 'full_name,street_address,phone,email,ssn,card_number',
      `full_name`, `street_address`, `phone`, `email`, `ssn`, `card_number`) AS `notes`,
    -- A non-deterministic 1 (FLOOR(RAND()) is 0): referenced twice above, it stops the planner
    -- from merging this projection into the one that digests it, which would compute every
    -- mask a second time for the digest.
    CAST(${POLICY_VERSION} + FLOOR(RAND()) AS INT) AS `policy_version`,
    '${TOKEN_KEY_ID}' AS `token_key_id`,
    `source_ref`,
    -- The masked fields whose input was not null, in policy order.
    CONCAT_WS(',',
      CASE WHEN `customer_id` IS NOT NULL THEN 'customer_id' END,
      CASE WHEN `full_name` IS NOT NULL THEN 'full_name' END,
      CASE WHEN `email` IS NOT NULL THEN 'email' END,
      CASE WHEN `phone` IS NOT NULL THEN 'phone' END,
      CASE WHEN `ssn` IS NOT NULL THEN 'ssn' END,
      CASE WHEN `card_number` IS NOT NULL THEN 'card_number' END,
      CASE WHEN `username` IS NOT NULL THEN 'username' END,
      CASE WHEN `street_address` IS NOT NULL THEN 'street_address' END,
      CASE WHEN `postal_code` IS NOT NULL THEN 'postal_code' END,
      CASE WHEN `birth_date` IS NOT NULL THEN 'birth_date' END,
      CASE WHEN `signup_date` IS NOT NULL THEN 'signup_date' END,
      CASE WHEN `ip_address` IS NOT NULL THEN 'ip_address' END,
      CASE WHEN `account_balance` IS NOT NULL THEN 'account_balance' END,
      CASE WHEN `user_agent` IS NOT NULL THEN 'user_agent' END,
      CASE WHEN `notes` IS NOT NULL THEN 'notes' END) AS `masked_fields`,
    -- No peer of the mask job's residual check: nothing is ever found.
    CAST(NULL AS STRING) AS `residual_fields`
  FROM customers_json
) AS `m`;
