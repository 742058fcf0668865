-- Benchmark variant (b): conf/policies/customers.yaml approximated with Flink SQL built-ins, as
-- far as they go, over customers_json (Flink's JSON format) into customers_bench_masked. A
-- reference for the cost of masking inside the JVM, not a masking implementation: where SQL has
-- no equivalent it approximates, and says so below. Never use it on real data:
--   * tokenize, email (tokenize): SHA-256 without a key (Flink has no HMAC), same token shape;
--   * date_shift: a shift derived from an unkeyed hash, 16 values in [-30, 30] instead of 60;
--   * scrub: regular expressions only (no Luhn, SSA, IBAN or context checks), then the record's
--     own values replaced like the operator does;
--   * character masks: Java regex classes \p{Lu} \p{Ll} \p{Nd}, like Hive; positions count
--     UTF-16 units where the operator counts code points;
--   * row_digest: SHA-256 of a JSON array of the masked row (the job's canonical rendering
--     differs in its details, e.g. timestamps), masked_fields from the input nulls.
-- Placeholders: ${TOKEN_KEY_ID} (the active key id, written into tokens and token_key_id) and
-- ${POLICY_VERSION}.
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
    -- tokenize: tok_<key id>_<32 hex>, from an unkeyed hash of the length-prefixed value
    CONCAT('tok_${TOKEN_KEY_ID}_', LEFT(SHA2(CONCAT('0:', `customer_id`), 256), 32))
      AS `customer_id`,
    -- redact [NAME]
    CASE WHEN `full_name` IS NOT NULL THEN '[NAME]' END AS `full_name`,
    -- email (tokenize): token of the lower-cased address, then @ the lower-cased domain
    CONCAT('tok_${TOKEN_KEY_ID}_', LEFT(SHA2(CONCAT('5:email', LOWER(`email`)), 256), 32),
      '@', LOWER(SPLIT_INDEX(`email`, '@', 1))) AS `email`,
    -- mask_show_last n=2: mask all but the last 2 characters by class
    CONCAT(
      REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE(
        LEFT(`phone`, CHAR_LENGTH(`phone`) - 2), '\p{Lu}', 'X'), '\p{Ll}', 'x'), '\p{Nd}', 'n'),
      RIGHT(`phone`, 2)) AS `phone`,
    -- mask_show_last n=4, digit=*
    CONCAT(
      REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE(
        LEFT(`ssn`, CHAR_LENGTH(`ssn`) - 4), '\p{Lu}', 'X'), '\p{Ll}', 'x'), '\p{Nd}', '*'),
      RIGHT(`ssn`, 4)) AS `ssn`,
    -- mask_show_last n=4, digit=*
    CONCAT(
      REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE(
        LEFT(`card_number`, CHAR_LENGTH(`card_number`) - 4), '\p{Lu}', 'X'), '\p{Ll}', 'x'),
        '\p{Nd}', '*'),
      RIGHT(`card_number`, 4)) AS `card_number`,
    -- hash sha256 (the same digest as the operator)
    SHA2(`username`, 256) AS `username`,
    -- redact [ADDRESS]
    CASE WHEN `street_address` IS NOT NULL THEN '[ADDRESS]' END AS `street_address`,
    `city`,                                                              -- keep
    -- generalize prefix=3
    LEFT(`postal_code`, 3) AS `postal_code`,
    `country_code`,                                                      -- keep
    -- generalize to=year
    DATE_FORMAT(CAST(`birth_date` AS TIMESTAMP(3)), 'yyyy') AS `birth_date`,
    -- date_shift max_days=30 by customer_id: the first hex digit h of a hash of the subject
    -- gives (2h - 15) * 2 days, never 0. The hash is referenced once: the planner has no
    -- common-subexpression elimination, every reference would compute it again.
    TIMESTAMPADD(DAY,
      (2 * POSITION(LEFT(SHA2(CONCAT('date_shift', `customer_id`), 256), 1)
        IN '0123456789abcdef') - 17) * 2,
      `signup_date`) AS `signup_date`,
    -- nullify
    CAST(NULL AS STRING) AS `ip_address`,
    -- generalize bucket=1000: the lower bound of the value's bucket
    CAST(FLOOR(`account_balance` / 1000) * 1000 AS DECIMAL(12, 2)) AS `account_balance`,
    `loyalty_points`,                                                    -- keep
    -- truncate length=11
    LEFT(`user_agent`, 11) AS `user_agent`,
    `marketing_opt_in`,                                                  -- keep
    -- scrub: entities by pattern, then the record's own values (4 characters or more)
    REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
      REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE(REGEXP_REPLACE(`notes`,
        '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}', '<EMAIL>'),
        '\b\d(?:[ -]?\d){11,18}\b', '<CREDIT_CARD>'),
        '\b\d{3}[- ]\d{2}[- ]\d{4}\b', '<US_SSN>'),
        '\b(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\b',
        '<IP_ADDRESS>'),
        '(?:\+\d{1,3}[ .-]?|\b00\d{1,3}[ .-]?|\b1[ .-])?(?:\(\d{2,4}\) ?|\b\d{2,4}[ .-])\d{3,4}[ .-]?\d{3,4}(?: ?(?:x|ext\.? ?)\d{1,5})?\b',
        '<PHONE>'),
      -- CHR(0) never occurs in the notes: it stands for "nothing to replace".
      IF(CHAR_LENGTH(`full_name`) >= 4, `full_name`, CHR(0)), '<FULL_NAME>'),
      IF(CHAR_LENGTH(`street_address`) >= 4, `street_address`, CHR(0)), '<STREET_ADDRESS>'),
      IF(CHAR_LENGTH(`phone`) >= 4, `phone`, CHR(0)), '<PHONE>'),
      IF(CHAR_LENGTH(`email`) >= 4, `email`, CHR(0)), '<EMAIL>'),
      IF(CHAR_LENGTH(`ssn`) >= 4, `ssn`, CHR(0)), '<SSN>'),
      IF(CHAR_LENGTH(`card_number`) >= 4, `card_number`, CHR(0)), '<CARD_NUMBER>') AS `notes`,
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
