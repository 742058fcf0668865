"""The environment of the integration tests' JVMs. The JVM (and the Python workers it starts)
inherits this process's environment when the first TableEnvironment is created, so worker-side
variables are set here, when tests/integration/conftest.py imports this module, before any
integration test runs. Unit tests never see them."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

TEST_KEY = "integration-test-key-0123456789abcdef"
ROTATED_KEY = "integration-test-key-rotated-0123456789"
_STATE = Path(tempfile.mkdtemp(prefix="maskstream-tests-"))
FAULT_TRIGGER = _STATE / "fail-now"
# A keyset file (not a variable) so a test can rotate keys between jobs without a new JVM.
KEYSET_FILE = _STATE / "keyset.json"


def write_keyset(active: str) -> None:
    keys = {"k1": TEST_KEY, "k2": ROTATED_KEY}
    KEYSET_FILE.write_text(json.dumps({"active": active, "keys": keys}))


write_keyset("k1")
os.environ["MASKSTREAM_KEYSET_FILE"] = str(KEYSET_FILE)
os.environ.setdefault("MASKSTREAM_TOKEN_KEY", TEST_KEY)
os.environ.pop("MASKSTREAM_TOKEN_KEY_FILE", None)
os.environ["MASKSTREAM_TEST_FAULT_TRIGGER"] = str(FAULT_TRIGGER)
