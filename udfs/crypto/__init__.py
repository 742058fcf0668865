"""Key material and hashes: token keys, row digests and the audit's seals."""
