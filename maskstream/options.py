"""Every command-line option of `maskstream`, declared once; commands list the ones they take."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field, replace
from typing import Any

DEFAULT_BOOTSTRAP = "127.0.0.1:19092"


@dataclass(frozen=True)
class Option:
    flags: tuple[str, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(*self.flags, **self.kwargs)

    def but(self, **kwargs: Any) -> Option:
        """The same option with some settings changed (e.g. another default)."""
        return replace(self, kwargs={**self.kwargs, **kwargs})


def _repeated(flag: str, metavar: str, text: str) -> Option:
    return Option((flag,), {"action": "append", "default": [], "metavar": metavar, "help": text})


# The profile, the policy and ${VAR} values: what every job-related command resolves.
ENV = Option(("--env",), {"default": "local", "help": "environment profile in conf/env/"})
POLICY = Option(("--policy",), {"help": "policy file (default: from conf/maskstream.yaml)"})
VAR = _repeated("--var", "KEY=VALUE", "set a ${KEY} of the profile, e.g. --var AUDIT_PATH=/tmp/a")
DEFINE = Option(
    ("-D",),
    {
        "dest": "define",
        "action": "append",
        "default": [],
        "metavar": "KEY=VALUE",
        "help": "override a Flink option, e.g. -D parallelism.default=2",
    },
)
JOB = Option(("job",), {"choices": ["mask", "audit"]})

# Clusters and Kafka.
JOBMANAGER = Option(
    ("--jobmanager",), {"required": True, "metavar": "HOST:PORT", "help": "REST address"}
)
BOOTSTRAP = Option(("--bootstrap",), {"default": DEFAULT_BOOTSTRAP, "help": "Kafka servers"})
TOPIC = Option(("--topic",), {"required": True})
WORKER_PYTHON = Option(
    ("--python",), {"default": sys.executable, "help": "Python on the TaskManagers"}
)

# Data in and out.
ROWS = Option(("--rows",), {"type": int, "required": True, "help": "how many events"})
SEED = Option(("--seed",), {"type": int, "default": 42})
OUT_DIR = Option(("--out",), {"required": True, "help": "folder for events-*.jsonl"})
INPUT_FILE = Option(("--input",), {"required": True, "help": "a .jsonl file"})
OUTPUT_FILE = Option(("--output",), {"help": "write here instead of stdout"})
RUN_INPUT = Option(("--input",), {"help": "input folder (sets INPUT_PATH)"})
# Without a value: the profile's FOLLOW_INTERVAL, else jobs.input_files.DEFAULT_FOLLOW_INTERVAL
# (mask), AUDIT_FOLLOW_INTERVAL (audit).
FOLLOW = Option(
    ("--follow",),
    {
        "nargs": "?",
        "const": "",
        "metavar": "INTERVAL",
        "help": "files: keep running; mask: list the input folder every INTERVAL (default 5s) and "
        "mask new files as they land (rename them in whole); audit: audit what is new every "
        "INTERVAL (default 1min). Ctrl-C stops",
    },
)
AUDIT_FOLLOW_INTERVAL = "1min"
RUN_OUTPUT = Option(
    ("--output",),
    {
        "help": "output folder: the Iceberg warehouse (sets ICEBERG_WAREHOUSE_DIR), or the masked "
        "table's folder on the parquet profile (OUTPUT_PATH)"
    },
)
