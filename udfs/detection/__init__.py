"""Finding personal data in text: the detectors, and the audit's per-row leak scan."""
