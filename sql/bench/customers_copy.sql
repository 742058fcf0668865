-- Benchmark baseline sink: the raw customer columns copied unmasked to JSON lines files.
-- Only the benchmark writes here, never with real data.
CREATE TABLE customers_copy WITH (
  'connector' = 'filesystem',
  'path' = '${COPY_PATH}',
  'format' = 'json'
) LIKE customers_raw (EXCLUDING ALL);
