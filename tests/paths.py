"""Where the checkout is: tests read its conf/, sql/ and scripts/ by path."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
