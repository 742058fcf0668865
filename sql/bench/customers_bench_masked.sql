-- Benchmark only (bench/suite.py, variants b and d): a sink exactly like customers_masked
-- (columns, partition, format and its options), written to ${BENCH_MASKED_PATH} instead, so the
-- native-SQL and row-UDF variants pay the same writing cost as the mask job whatever format the
-- masked table uses.
CREATE TEMPORARY TABLE customers_bench_masked WITH (
  'path' = '${BENCH_MASKED_PATH}'
)
LIKE customers_masked (INCLUDING ALL OVERWRITING OPTIONS);
