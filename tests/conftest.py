"""Session-wide settings. The JVM (and the Python workers it starts) inherits this process's
environment when the first TableEnvironment is created, so worker-side variables are set here,
at import time, before any test runs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEST_KEY = "integration-test-key-0123456789abcdef"
FAULT_TRIGGER = Path(tempfile.mkdtemp(prefix="maskstream-fault-")) / "fail-now"

os.environ.setdefault("MASKSTREAM_TOKEN_KEY", TEST_KEY)
for _var in ("MASKSTREAM_TOKEN_KEY_FILE", "MASKSTREAM_KEYSET_FILE"):
    os.environ.pop(_var, None)
os.environ["MASKSTREAM_TEST_FAULT_TRIGGER"] = str(FAULT_TRIGGER)
