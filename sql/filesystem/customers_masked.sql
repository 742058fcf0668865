-- Masked customer events: append-only JSON lines files in ${OUTPUT_PATH}, committed on
-- checkpoint (exactly-once). Columns are the policy's output types plus row metadata.
CREATE TABLE customers_masked WITH (
  'connector' = 'filesystem',
  'path' = '${OUTPUT_PATH}',
  'format' = 'json',
  -- Decimals as 16000.00, never 1.6E+4, so readers and the digest verifier agree.
  'json.encode.decimal-as-plain-number' = 'true',
  'sink.rolling-policy.file-size' = '128MB',
  'sink.rolling-policy.rollover-interval' = '15 min'
)
LIKE customers_masked_schema (EXCLUDING OPTIONS);
