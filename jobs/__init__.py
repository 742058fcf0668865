"""Flink jobs of maskstream, one module per job."""
