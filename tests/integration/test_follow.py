"""`maskstream run mask --follow`: files renamed into the landing folder while the job runs are
masked, each record exactly once, and so across a stop with a savepoint (Ctrl-C) and a
`--follow --resume` that continues from it: it leaves out the files already masked, and takes
the one that landed while nothing ran and the one dropped in while it runs again.

Each run is a process of its own (the CLI, as a person runs it), about a minute here on a
loaded 2-core machine: a plain `--follow` after a clean stop differs from the resumed run only
in starting without state, and is left to the unit tests of the plan and the CLI."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from jobs.config import JobConfig, load_config
from jobs.restore import SAVEPOINTS, followed
from maskstream.generate import write_events
from maskstream.records import read_jsonl
from maskstream.tables import count_rows, load_iceberg, table_ref
from maskstream.verify import check_history
from tests.integration.conftest import PRISTINE_ENV, table_paths, table_rows

pytestmark = pytest.mark.flink

MASKSTREAM = Path(sys.executable).parent / "maskstream"
# Set by the test process's own PyFlink, not for a child that starts its own.
INHERITED = {"FLINK_LOG_DIR", "PYFLINK_GATEWAY_PORT", "MASKSTREAM_TOKEN_KEY_ID"}
PER_FILE = 100
FILES = 5
TIMEOUT = 90.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _drop(staged: Path, landing: Path) -> None:
    """What a producer must do: write the file under a hidden name (Flink skips names starting
    with "." or "_"), then rename it into the folder, so the source never sees half a file."""
    hidden = landing / f".tmp-{staged.name}"
    hidden.write_bytes(staged.read_bytes())
    os.replace(hidden, landing / staged.name)


def _committed(config: JobConfig) -> int:
    return count_rows(config, "masked") + count_rows(config, "quarantine")


def _committed_is(config: JobConfig, rows: int) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return _committed(config) == rows
        except Exception:  # a commit in progress (the catalog is being written): look again
            return False

    return check


class Follower:
    """One `maskstream run mask --follow 1s` process, its output appended to files."""

    def __init__(self, tmp_path: Path, *flags: str) -> None:
        self.out, self.err = tmp_path / "stdout", tmp_path / "stderr"
        env = {k: v for k, v in PRISTINE_ENV.items() if k not in INHERITED}
        env["FLINK_LOG_DIR"] = str(tmp_path / "log")
        variables = [f"--var={k}={v}" for k, v in table_paths(tmp_path).items()]
        command = [str(MASKSTREAM), "run", "mask", "--follow", "1s", *flags, *variables]
        command += ["-D", "execution.checkpointing.interval=1s", "-D", f"rest.port={_free_port()}"]
        self.stderr_at = self.err.stat().st_size if self.err.exists() else 0
        with open(self.out, "ab") as out, open(self.err, "ab") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err, env=env)

    def stderr(self) -> str:
        return self.err.read_bytes()[self.stderr_at :].decode()

    def started(self) -> bool:
        return "following " in self.stderr()

    def wait(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"the run ended ({self.process.returncode}); see {self.err}")
            if time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"timed out after {TIMEOUT:.0f}s waiting for {what}")
            time.sleep(0.3)

    def stop(self) -> None:
        """Ctrl-C: stop with a savepoint."""
        self.process.send_signal(signal.SIGINT)
        assert self.process.wait(timeout=TIMEOUT) == 0, f"see {self.err}"


def _follow(tmp_path: Path, config: JobConfig, *flags: str) -> Follower:
    """Start a follower and wait until its job runs. FLINK-36298 (jobs/flink_env.py planned)
    can still fail the planning of a fresh process: try again, as nothing was committed."""
    for attempt in range(3):
        run = Follower(tmp_path, *flags)
        try:
            run.wait(run.started, "the job to start")
            return run
        except AssertionError:
            if attempt == 2 or run.process.poll() is None:
                raise
    raise AssertionError("unreachable")


def _assert_each_record_once(config: JobConfig, files: list[Path]) -> None:
    expected = [r["event_id"] for _, r in read_jsonl(files)]
    seen = Counter(r["event_id"] for r in table_rows(config, "masked"))
    assert sum(1 for n in seen.values() if n > 1) == 0  # counts only, never a row
    assert set(seen) == set(expected) and len(expected) == PER_FILE * len(files)
    assert _committed(config) == len(expected)  # nothing quarantined twice either


def test_files_dropped_while_following_are_masked_exactly_once(
    token_key: str, tmp_path: Path
) -> None:
    staged = tmp_path / "staged"
    write_events(PER_FILE * FILES, staged, seed=23, rows_per_file=PER_FILE)
    files = sorted(staged.glob("*.jsonl"))
    landing = tmp_path / "in"
    landing.mkdir()
    config = load_config("local", variables=table_paths(tmp_path))
    savepoints = Path(config.variables["CHECKPOINT_DIR"]) / SAVEPOINTS
    _drop(files[0], landing)

    run = _follow(tmp_path, config)
    try:
        start_line = (
            f"following {landing} every 1s; new files are masked as they arrive; "
            "Ctrl-C stops with a savepoint"
        )
        assert start_line in run.stderr()
        run.wait(_committed_is(config, PER_FILE), "the first file")
        for staged_file in files[1:3]:  # while the job runs
            _drop(staged_file, landing)
        run.wait(_committed_is(config, 3 * PER_FILE), "the two files dropped in")
        run.stop()
    finally:
        run.process.kill()
    _assert_each_record_once(config, files[:3])
    (first,) = [p.parent for p in savepoints.glob("*/_metadata")]
    assert followed(first)
    assert "resume with: maskstream run mask --follow --resume" in run.out.read_text()

    _drop(files[3], landing)  # lands while nothing runs
    run = _follow(tmp_path, config, "--resume")
    try:
        assert f"resuming from {first}" in run.stderr()
        assert f"3 file(s) of {landing} are masked already and left out" in run.stderr()
        _drop(files[4], landing)  # and one while it runs again
        run.wait(_committed_is(config, 5 * PER_FILE), "the files dropped since the stop")
        run.stop()
    finally:
        run.process.kill()
    _assert_each_record_once(config, files)
    assert not first.exists()  # superseded by the new savepoint, so never replayed
    (second,) = [p.parent for p in savepoints.glob("*/_metadata")]
    assert followed(second)
    ref = table_ref(config, "masked")
    assert check_history(load_iceberg(ref), ref.identifier, provenance=True).problems == []
