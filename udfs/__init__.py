"""What the Python worker runs: operators, policies, record masking, digests, keys, detectors,
and the two PyFlink wrappers (udfs.flink). Nothing here needs a JVM to import, and nothing here
imports `jobs` or `maskstream`."""
