"""The work budget of one text: no text, however written, may stall a checkpoint.

The candidate scan is linear time (RE2), but each candidate costs Python work to confirm (a
classify call, ~4 µs) and a phone candidate up to one `phonenumbers` parse per region (~30-50 µs
each). A text may spend BASE units plus PER_CHAR units per character; one that would spend more
stops there and is replaced whole (`scrub` writes OVER_BUDGET and the mask job counts it), never
passed through. Units are counted, not timed, so a text gets the same answer on every run.
"""

from __future__ import annotations

BASE = 256
PER_CHAR = 0.5
CLASSIFY = 1  # one candidate checked by a detector
PARSE = 10  # one phone number parsed and validated by phonenumbers
OVER_BUDGET = "[REDACTED:budget]"


class OverBudgetError(Exception):
    """The text needs more work than its budget allows."""


class Budget:
    """Units a text may still spend."""

    __slots__ = ("left",)

    def __init__(self, text_length: int):
        self.left = BASE + text_length * PER_CHAR

    def spend(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise OverBudgetError


class _NoLimit(Budget):
    """The budget of a text read whole (the audit's leak scan): spending never stops it."""

    __slots__ = ()

    def __init__(self) -> None:
        self.left = float("inf")

    def spend(self, units: int) -> None:
        pass


NO_LIMIT: Budget = _NoLimit()
