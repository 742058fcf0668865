"""What the command line prints when a user's mistake or the environment stops a command: the
real cause in one line with exit 2, or, for what may quote a record, a withheld message that
says where the safe detail is (types and frames only, in a log that keeps earlier runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from maskstream import cli, errors
from maskstream.cli import main
from tests.paths import REPO

POLICY = str(REPO / "conf" / "policies" / "customers.yaml")
KEY = "cli-test-key-0123456789abcdef0123456789"


@pytest.fixture(autouse=True)
def _key_and_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASKSTREAM_TOKEN_KEY", KEY)
    monkeypatch.setenv("FLINK_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.delenv("MASKSTREAM_DEBUG", raising=False)


def _latin1_policy(tmp_path: Path) -> str:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(Path(POLICY).read_text(encoding="utf-8").replace("#", "# caf\xe9", 1)
                     .encode("latin-1", errors="replace"))  # fmt: skip
    return str(path)


def _deep_policy(tmp_path: Path) -> str:
    path = tmp_path / "deep.yaml"
    path.write_text("dataset: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    return str(path)


# (what the user got wrong, the command, words the one line must hold)
MISTAKES = [
    ("an input folder that does not exist", ["run", "mask", "--input", "/no/such/dir"],
     ["/no/such/dir", "no such file", "Fix:"]),
    ("a folder given to preview", ["preview", "--policy", POLICY, "--input", "/"],
     ["/", "a file, not a folder"]),
    ("an unreachable JobManager", ["status", "--jobmanager", "127.0.0.1:9"],
     ["127.0.0.1:9", "cannot reach", "Fix:"]),
    ("a policy that is not UTF-8", ["explain", "--policy", "<latin1>"],
     ["latin1.yaml", "not UTF-8", "line", "Fix:"]),
    ("a policy nested too deeply", ["explain", "--policy", "<deep>"],
     ["deep.yaml", "nested too deeply", "Fix:"]),
    ("policy check of a file not UTF-8", ["policy", "check", "<latin1>"],
     ["latin1.yaml", "not UTF-8", "Fix:"]),
    ("policy check of a file nested too deeply", ["policy", "check", "<deep>"],
     ["deep.yaml", "nested too deeply", "Fix:"]),
    ("a policy that does not exist", ["explain", "--policy", "/no/such/policy.yaml"],
     ["/no/such/policy.yaml", "not found"]),
]  # fmt: skip


@pytest.mark.parametrize(("mistake", "argv", "words"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_mistake_prints_its_real_cause_in_one_line_with_exit_2(
    mistake: str, argv: list[str], words: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    files = {"<latin1>": _latin1_policy(tmp_path), "<deep>": _deep_policy(tmp_path)}
    argv = [files.get(a, a) for a in argv]
    assert main(argv) == 2, mistake
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ")
    assert "withheld" not in err and "Traceback" not in err and "Exception" not in err
    for word in words:
        assert word in err, (mistake, word)


def test_broken_pipe_ends_with_one_line_and_exit_2(tmp_path: Path) -> None:
    main(["generate", "--rows", "3000", "--out", str(tmp_path / "in")])
    preview = subprocess.Popen(
        [sys.executable, "-m", "maskstream.cli", "preview", "--policy", POLICY, "--input",
         str(tmp_path / "in" / "events-00000.jsonl")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
    )  # fmt: skip
    assert preview.stdout is not None and preview.stderr is not None
    preview.stdout.readline()
    preview.stdout.close()  # the reader goes away, as `| head -1` does
    err = preview.stderr.read().decode()
    assert preview.wait(timeout=60) == 2
    assert err.strip().splitlines() == [
        "error: stdout was closed before the output ended (e.g. `| head`)"
    ]


SECRET = "123-45-6789 from a record"


def _failing(_args: object) -> int:
    raise ValueError(SECRET)


def test_an_error_that_may_quote_a_record_is_withheld_and_logged_without_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    command = next(c for c in cli.COMMANDS if c.name == "policy check")
    patched = tuple(
        cli.Command(c.name, _failing, c.help, c.options, c.uses_profile)
        if c is command else c for c in cli.COMMANDS
    )  # fmt: skip
    monkeypatch.setattr(cli, "COMMANDS", patched)
    for _ in range(2):  # two runs: the log keeps both
        assert main(["policy", "check", POLICY]) == 1
    err = capsys.readouterr().err
    log = tmp_path / "log" / errors.LOG_NAME
    assert SECRET not in err and "123-45" not in err
    assert "ValueError" in err and str(log) in err and "MASKSTREAM_DEBUG=1" in err
    text = log.read_text(encoding="utf-8")
    assert text.count("command failed") == 2
    assert "builtins.ValueError" in text and "_failing" in text
    assert SECRET not in text and "123-45" not in text


def test_debug_shows_the_whole_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patched = tuple(
        cli.Command(c.name, _failing, c.help, c.options, c.uses_profile)
        if c.name == "policy check" else c for c in cli.COMMANDS
    )  # fmt: skip
    monkeypatch.setattr(cli, "COMMANDS", patched)
    monkeypatch.setenv("MASKSTREAM_DEBUG", "1")
    with pytest.raises(ValueError, match="123-45-6789"):
        main(["policy", "check", POLICY])


def test_the_log_rotates_rather_than_growing_or_truncating(tmp_path: Path) -> None:
    import logging

    logging.getLogger("maskstream.cli").handlers.clear()
    try:
        raise KeyError("x")
    except KeyError as e:
        for _ in range(3):
            errors.record(e)
    handler = logging.getLogger("maskstream.cli").handlers[0]
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    assert handler.maxBytes > 0 and handler.backupCount >= 3
    assert handler.mode == "a"
    logging.getLogger("maskstream.cli").handlers.clear()
