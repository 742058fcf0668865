"""No token key material anywhere a person reads: not in a log file (Flink, Beam, the Python
workers, the `flink run` client), not in the CLI's output, not in a REST answer — whichever
documented way the key is given (README "Token keys": a value, a key file, a keyset file).

Flink starts each Python worker with its JVM's whole environment and Beam logs that environment
when the worker closes, so a key given as MASKSTREAM_TOKEN_KEY used to be in every log. Each run
here also checks that the dump is still there and carries the key's file path instead, and that
the tokens are those of the key given: the test fails if the key moves back into the
environment, or if the file hand-over loses it.

The MiniCluster runs go through the CLI in a process of their own, so their JVM starts with
exactly the environment under test (this process's JVM started with the tests' own)."""

from __future__ import annotations

import base64
import json
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path

import pytest

from jobs.config import load_config
from jobs.project import find_project
from maskstream.cli import main
from maskstream.generate import write_events
from maskstream.preview import preview_files
from tests.integration.conftest import (
    KEY_VARS,
    PRISTINE_ENV,
    SessionCluster,
    table_paths,
    table_rows,
)
from tests.integration.kafka_harness import wait_for
from tests.integration.worker_env import KEYSET_FILE, ROTATED_KEY, TEST_KEY
from udfs.crypto.keys import KeyRing, load_keyring
from udfs.policy.model import load_policy

pytestmark = pytest.mark.flink
MASKSTREAM = Path(sys.executable).parent / "maskstream"
# Set by PyFlink or the tests in this process; a child must derive its own.
_INHERITED = {"FLINK_LOG_DIR", "PYFLINK_GATEWAY_PORT", "MASKSTREAM_TOKEN_KEY_ID"}
_PROTOBUF_ESCAPES = {7: b"\\a", 8: b"\\b", 9: b"\\t", 10: b"\\n", 11: b"\\v", 12: b"\\f",
                     13: b"\\r", 34: b'\\"', 39: b"\\'", 92: b"\\\\"}  # fmt: skip


def _protobuf_text(data: bytes) -> bytes:
    """Bytes as protobuf's text format prints them (Beam's environment dump is protobuf text)."""
    return b"".join(
        _PROTOBUF_ESCAPES.get(b) or (bytes([b]) if 0x20 <= b < 0x7F else b"\\%03o" % b)
        for b in data
    )


def _base64_inside(data: bytes) -> list[bytes]:
    # Inside a longer base64 text, the encoding of `data` depends on its offset modulo 3: the
    # middle of each of the three encodings (their first and last 4 characters mix in neighbours).
    return [base64.b64encode(b"\0" * shift + data)[4:-4] for shift in range(3)]


def key_forms(key: str) -> list[bytes]:
    """Every way the key could be written out: as given (the hex text `secrets.token_hex`
    prints), its first 16 characters (a cut-off dump), hex and base64 of its bytes, and for a hex
    key the bytes it stands for, raw, as protobuf text and in base64."""
    text = key.encode("utf-8")
    forms = [text, text[:16], text.hex().encode(), *_base64_inside(text)]
    try:
        raw = bytes.fromhex(key)
    except ValueError:
        raw = b""
    if raw:
        forms += [raw, _protobuf_text(raw), *_base64_inside(raw)]
    return forms


def key_hits(blobs: dict[str, bytes], keys: Iterable[str]) -> dict[str, int]:
    """How many key forms each blob holds, for blobs that hold any. Names and counts only: a
    failing assertion never shows key material."""
    forms = [form for key in keys for form in key_forms(key)]
    counts = {name: sum(form in data for form in forms) for name, data in blobs.items()}
    return {name: n for name, n in counts.items() if n}


def _files(folder: Path, since: float = 0.0) -> dict[str, bytes]:
    """Every file under `folder` written since `since` (epoch seconds), by name."""
    return {
        str(p): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.stat().st_mtime >= since
    }


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    except urllib.error.HTTPError:
        return None  # e.g. a stdout a MiniCluster does not have


def rest_answers(base: str, job_id: str, since: float = 0.0) -> dict[str, bytes]:
    """What the REST API says about the job, the configuration and the processes, including every
    log file it serves that was written since `since`; by path."""
    paths = [f"/jobs/{job_id}", f"/jobs/{job_id}/config", "/jobmanager/config",
             "/jobmanager/environment", "/jobmanager/log", "/jobmanager/stdout"]  # fmt: skip
    logs = json.loads(_get(base + "/jobmanager/logs") or b'{"logs": []}')["logs"]
    paths += [f"/jobmanager/logs/{log['name']}" for log in logs if log["mtime"] >= since * 1000]
    for manager in json.loads(_get(base + "/taskmanagers") or b"{}").get("taskmanagers", []):
        tm = f"/taskmanagers/{urllib.parse.quote(manager['id'], safe='')}"
        paths += [tm, f"{tm}/log", f"{tm}/stdout"]
        logs = json.loads(_get(f"{base}{tm}/logs") or b'{"logs": []}')["logs"]
        paths += [f"{tm}/logs/{log['name']}" for log in logs if log["mtime"] >= since * 1000]
    answers = {path: _get(base + path) for path in paths}
    return {path: text for path, text in answers.items() if text is not None}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tokens(base: Path) -> dict[str, str]:
    """The customer tokens of the masked table of a run whose tables are under `base`."""
    config = load_config("local", variables=table_paths(base))
    return {r["event_id"]: r["customer_id"] for r in table_rows(config, "masked")}


def _expected_tokens(inputs: Path, keys: KeyRing) -> dict[str, str]:
    policy = load_policy(load_config("local").policy_path)
    return {
        r["event_id"]: r["customer_id"]
        for r in preview_files(policy, sorted(inputs.glob("*.jsonl")), keys)
    }


def _environment_dumps(blobs: dict[str, bytes], naming: bytes = b"") -> tuple[int, list[str]]:
    """How many blobs hold Beam's dump of a worker's environment, and the names of those among
    them that lack `naming` (names only: a failing assertion never prints a log)."""
    dumps = [name for name, data in blobs.items() if b"Closing environment" in data]
    return len(dumps), [name for name in dumps if naming not in blobs[name]]


def test_the_scan_finds_every_form_of_a_key(tmp_path: Path) -> None:
    """The scan can fail: each form of a key, written alone into a file, is found there."""
    key = secrets.token_hex(32)
    blobs = {f"form-{i}": b"... " + form + b" ..." for i, form in enumerate(key_forms(key))}
    blobs["unrelated"] = _protobuf_text(secrets.token_bytes(64)) + secrets.token_hex(32).encode()
    (tmp_path / "log").mkdir()
    (tmp_path / "log" / "canary.log").write_bytes(blobs["form-0"])
    hits = key_hits({**blobs, **_files(tmp_path / "log")}, [key])
    assert set(hits) == {name for name in blobs if name != "unrelated"} | {
        str(tmp_path / "log" / "canary.log")
    }
    forms = len(key_forms(key))  # a count: an assertion must not print a key
    assert forms == 6 + 5  # text, prefix, hex, 3 base64; raw, protobuf text, 3 base64


def _run_process(
    command: list[str], env: dict[str, str], port: int, folder: Path
) -> tuple[int, dict[str, bytes]]:
    """Run the CLI, appending to folder/stdout and folder/stderr, and ask the MiniCluster's REST
    API (it lives as long as the process) once the job is there; returns (exit status, answers)."""
    rest: dict[str, bytes] = {}
    with open(folder / "stdout", "ab") as out, open(folder / "stderr", "ab") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        try:
            deadline = time.monotonic() + 240
            while not rest and process.poll() is None and time.monotonic() < deadline:
                try:
                    jobs = json.loads(_get(f"http://127.0.0.1:{port}/jobs") or b"{}")
                except OSError:
                    jobs = {}
                for job in jobs.get("jobs", []):
                    rest = rest_answers(f"http://127.0.0.1:{port}", job["id"])
                time.sleep(0.5)
        finally:
            status = process.wait(timeout=240)
    return status, rest


def _run_mask_cli(tmp_path: Path, key_env: dict[str, str]) -> tuple[dict[str, bytes], Path]:
    """`maskstream run mask --show 2` in a process of its own with this key environment; returns
    every log file, its stdout and stderr and the REST answers, and the folder of its tables."""
    write_events(2000, tmp_path / "in", seed=5)
    port, log_dir = _free_port(), tmp_path / "log"
    env = {k: v for k, v in PRISTINE_ENV.items() if k not in {*KEY_VARS, *_INHERITED}}
    env.update(key_env, FLINK_LOG_DIR=str(log_dir))
    variables = [f"--var={k}={v}" for k, v in table_paths(tmp_path).items()]
    command = [str(MASKSTREAM), "run", "mask", "--show", "2", *variables, "-D", f"rest.port={port}"]
    for _ in range(3):
        status, rest = _run_process(command, env, port, tmp_path)
        # FLINK-36298 (pyproject.toml) fails the planning of a fresh process about every other
        # time here: try again, in seconds (nothing ran). Earlier attempts' logs are scanned too.
        logs = b"".join(_files(log_dir).values()).lower()
        if status == 0 or b"metadatahandlerprovider" not in logs:
            break
    assert status == 0, f"maskstream run mask failed; see {tmp_path / 'stderr'}"
    assert {"/jobmanager/config"} <= set(rest) and any("/config" in p for p in rest if "jobs" in p)
    assert any("/logs/" in p for p in rest), "the REST API served no log file"
    blobs = {**_files(log_dir), **{p: (tmp_path / p).read_bytes() for p in ("stdout", "stderr")}}
    assert any(name.endswith(".log") and "python" in name for name in blobs)
    return {**blobs, **rest}, tmp_path


def test_minicluster_key_given_as_a_value_is_in_no_log(tmp_path: Path) -> None:
    key = secrets.token_hex(32)
    blobs, output = _run_mask_cli(tmp_path, {"MASKSTREAM_TOKEN_KEY": key})
    assert key_hits(blobs, [key]) == {}
    # The worker environment was dumped (the line that held the key) and names the key's file.
    dumps, lacking = _environment_dumps(blobs, b"MASKSTREAM_TOKEN_KEY_FILE")
    assert dumps and lacking == []
    # ... and the file held the key: the tokens are those of the key given.
    expected = _expected_tokens(tmp_path / "in", load_keyring({"MASKSTREAM_TOKEN_KEY": key}))
    assert _tokens(output) == expected and len(expected) == 2000


def test_minicluster_key_file_is_in_no_log(tmp_path: Path) -> None:
    """The key file alone, as `make run` gives it."""
    key = secrets.token_hex(32)
    key_file = tmp_path / "token.key"
    key_file.write_text(key + "\n")
    key_env = {"MASKSTREAM_TOKEN_KEY_FILE": str(key_file)}
    blobs, output = _run_mask_cli(tmp_path, key_env)
    assert key_hits(blobs, [key]) == {}
    assert _environment_dumps(blobs, b"MASKSTREAM_TOKEN_KEY_FILE")[0]
    expected = _expected_tokens(tmp_path / "in", load_keyring(key_env))
    assert _tokens(output) == expected and len(expected) == 2000


def test_minicluster_key_file_and_keyset_are_in_no_log(tmp_path: Path) -> None:
    """A keyset (k2 active, written with the spaces and newline an editor leaves) and a key file
    beside it: the keyset is used, and neither file's keys reach a log."""
    old, new, in_file = (secrets.token_hex(32) for _ in range(3))
    keyset, key_file = tmp_path / "keyset.json", tmp_path / "token.key"
    keyset.write_text(json.dumps({"active": "k2", "keys": {"k1": old, "k2": f"  {new}\n"}}))
    key_file.write_text(in_file + "\n")
    key_env = {"MASKSTREAM_KEYSET_FILE": str(keyset), "MASKSTREAM_TOKEN_KEY_FILE": str(key_file)}
    blobs, output = _run_mask_cli(tmp_path, key_env)
    assert key_hits(blobs, [old, new, in_file]) == {}
    assert _environment_dumps(blobs)[0]
    expected = _expected_tokens(tmp_path / "in", load_keyring(key_env))
    tokens = _tokens(output)
    assert tokens == expected and all(t.startswith("tok_k2_") for t in tokens.values())


def test_session_cluster_key_is_in_no_log_or_rest_answer(
    session_cluster: SessionCluster,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cluster got the key as a value (tests/integration/conftest.py); the `flink run`
    client gets it too, beside the tests' keyset."""
    write_events(500, tmp_path / "in", seed=6)
    monkeypatch.setenv("MASKSTREAM_TOKEN_KEY", TEST_KEY)
    monkeypatch.setenv("MASKSTREAM_KEYSET_FILE", str(KEYSET_FILE))
    variables = [f"--var={k}={v}" for k, v in table_paths(tmp_path).items()]
    command = ["submit", "mask", "--jobmanager", session_cluster.address, "--env", "local"]
    assert main([*command, *variables]) == 0
    captured = capsys.readouterr()
    job_id = captured.out.strip().splitlines()[-1]
    base = f"http://{session_cluster.address}"

    def state() -> str:
        return json.loads(_get(f"{base}/jobs/{job_id}") or b"{}").get("state", "")

    wait_for(lambda: state() in {"FINISHED", "FAILED", "CANCELED"}, 240, "the mask job")
    assert state() == "FINISHED"
    since = session_cluster.started
    # The `flink run` client's log, in the project's log/ folder (maskstream/cluster.py); not
    # the MiniCluster logs there, which other runs may be writing to meanwhile.
    client_logs = {
        name: data
        for name, data in _files(find_project().data_root / "log", since).items()
        if "-client-" in Path(name).name
    }
    blobs = {
        **_files(session_cluster.log_dir, since),
        **client_logs,
        **rest_answers(base, job_id, since),
        "stdout": captured.out.encode(),
        "stderr": captured.err.encode(),
    }
    names = [Path(name).name for name in blobs]
    for process in ("standalonesession", "taskexecutor", "client"):
        assert any(process in n and ".log" in n for n in names), f"no {process} log scanned"
    assert key_hits(blobs, [TEST_KEY, ROTATED_KEY]) == {}
    dumps, lacking = _environment_dumps(blobs, b"MASKSTREAM_TOKEN_KEY_FILE")
    assert dumps and lacking == []
    expected = _expected_tokens(tmp_path / "in", load_keyring({"MASKSTREAM_TOKEN_KEY": TEST_KEY}))
    assert _tokens(tmp_path) == expected and len(expected) == 500
