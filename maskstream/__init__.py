"""maskstream: mask personal data in event streams with Apache Flink."""

__version__ = "0.1.0"
