"""Masking operators for maskstream: pure, vectorized column functions and their Flink wrappers."""
