"""`run mask --follow` and `run audit --follow`: the interval each gets, and the audit's loop of
incremental passes until stopped. (The mask job following a folder: tests/integration.)"""

from __future__ import annotations

import threading
from pathlib import Path
from unittest import mock

import pytest

from jobs.config import ConfigError, JobConfig, load_config
from maskstream.cli import main
from maskstream.run_local import follow_audit


@pytest.mark.parametrize(
    ("flags", "interval"),
    [
        (["--follow"], "5s"),  # the default
        (["--follow", "2s"], "2s"),
        (["--follow", "--var", "FOLLOW_INTERVAL=1min"], "1min"),  # the profile's, unless given
        (["--var", "FOLLOW_INTERVAL=30s"], "30s"),  # the profile alone follows too
        ([], ""),
    ],
)
def test_run_mask_follow_sets_the_profiles_interval(
    tmp_path: Path, flags: list[str], interval: str
) -> None:
    with mock.patch("maskstream.run_local.run_mask_locally", return_value=0) as run:
        assert main(["run", "mask", *flags, "--var", f"INPUT_PATH={tmp_path}"]) == 0
    assert run.call_args.args[0].variables["FOLLOW_INTERVAL"] == interval


def test_run_audit_follow_audits_every_minute_by_default() -> None:
    with mock.patch("maskstream.run_local.follow_audit", return_value=0) as loop:
        assert main(["run", "audit", "--follow"]) == 0
    assert loop.call_args.args[1] == "1min"


def test_a_topic_is_followed_anyway_so_follow_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with mock.patch("jobs.config.resolve_jars", return_value=[]):
        assert main(["run", "mask", "--env", "kafka", "--follow"]) == 2
    assert "reads a topic, which the mask job follows anyway" in capsys.readouterr().err


def _config(tmp_path: Path, **variables: str) -> JobConfig:
    return load_config("local", variables={"ICEBERG_WAREHOUSE_DIR": str(tmp_path), **variables})


def test_each_pass_runs_the_incremental_audit_until_stopped(tmp_path: Path) -> None:
    stop, passes = threading.Event(), []

    def audit(config: JobConfig) -> int:
        passes.append(config)
        if len(passes) == 3:
            stop.set()
        return 0

    with mock.patch("maskstream.tables.count_rows", return_value=5):
        assert follow_audit(_config(tmp_path), "1ms", audit=audit, stop=stop) == 0
    assert len(passes) == 3


def test_it_waits_for_the_first_masked_rows(tmp_path: Path) -> None:
    stop, counts = threading.Event(), iter([0, 0, 7])

    def rows(config: JobConfig, suffix: str) -> int:
        return next(counts)

    def audit(config: JobConfig) -> int:
        stop.set()
        return 0

    with mock.patch("maskstream.tables.count_rows", side_effect=rows):
        assert follow_audit(_config(tmp_path), "1ms", audit=audit, stop=stop) == 0


@pytest.mark.parametrize(
    ("variables", "refusal"),
    [
        ({"AUDIT_RUNTIME_MODE": "STREAMING"}, r"AUDIT_RUNTIME_MODE is not BATCH"),
        ({}, r"--follow 'soon': not an interval"),
    ],
)
def test_what_it_cannot_follow_is_refused_before_a_pass(
    tmp_path: Path, variables: dict[str, str], refusal: str
) -> None:
    interval = "soon" if not variables else "1s"
    audit = mock.Mock()
    with pytest.raises(ConfigError, match=refusal):
        follow_audit(_config(tmp_path, **variables), interval, audit=audit, stop=threading.Event())
    audit.assert_not_called()
