-- Benchmark baseline sink: the raw customer records copied as they are (no parsing, no
-- masking) to line-delimited files. Only the benchmark writes here, never with real data.
CREATE TABLE customers_copy WITH (
  'connector' = 'filesystem',
  'path' = '${COPY_PATH}',
  'format' = 'raw'
) LIKE customers_raw (EXCLUDING ALL);
