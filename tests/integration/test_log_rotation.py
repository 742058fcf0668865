"""The MiniCluster's log (conf/log4j.properties) keeps earlier runs: each JVM starts a new file
and the previous five stay beside it, the newest as <file>.1. Checked with the log4j that
PyFlink ships and a tiny JVM per "run" (a second each), rather than a job per run."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.paths import REPO

LOG_ONCE = """
public class LogOnce {
    public static void main(String[] args) {
        var log = org.apache.logging.log4j.LogManager.getLogger("maskstream.rotation");
        log.info("run {}", args[0]);
    }
}
"""


def _log4j_classpath() -> str:
    import pyflink

    lib = Path(pyflink.__file__).parent / "lib"
    jars = [next(lib.glob(f"log4j-{name}-2*.jar"), None) for name in ("api", "core")]
    if None in jars:
        pytest.skip(f"no log4j jars in {lib}")
    return ":".join(str(j) for j in jars)


def test_each_run_starts_a_new_log_and_keeps_five_earlier_ones(tmp_path: Path) -> None:
    if shutil.which("javac") is None or shutil.which("java") is None:
        pytest.skip("needs a JDK (javac, java)")
    classpath = _log4j_classpath()
    (tmp_path / "LogOnce.java").write_text(LOG_ONCE)
    subprocess.run(["javac", "-cp", classpath, "-d", str(tmp_path), tmp_path / "LogOnce.java"],
                   check=True)  # fmt: skip
    log = tmp_path / "log" / "flink-python.log"
    # The config's own default: Flink's scripts (and PyFlink's workers, in this process) export
    # MAX_LOG_FILE_NUMBER, which the config honours.
    env = {k: v for k, v in os.environ.items() if k != "MAX_LOG_FILE_NUMBER"}
    for run in range(1, 8):
        subprocess.run(
            ["java", "-cp", f"{classpath}:{tmp_path}", f"-Dlog.file={log}",
             f"-Dlog4j.configurationFile={REPO / 'conf' / 'log4j.properties'}",
             "LogOnce", str(run)],
            check=True, capture_output=True, env=env,
        )  # fmt: skip
    files = sorted(p.name for p in log.parent.iterdir())
    assert files == [log.name] + [f"{log.name}.{i}" for i in range(1, 6)]

    def run_in(name: str) -> str:
        return (log.parent / name).read_text().rsplit(" - ", 1)[-1].strip()

    # The current run, then the earlier ones newest first; run 1 is gone (five are kept).
    assert [run_in(name) for name in files] == [f"run {n}" for n in (7, 6, 5, 4, 3, 2)]
