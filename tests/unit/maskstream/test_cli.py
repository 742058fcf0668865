"""The `maskstream` commands that need no Flink: generate, policy check, explain, preview."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maskstream.cli import main
from tests.paths import REPO

POLICY = str(REPO / "conf" / "policies" / "customers.yaml")
KEY = "cli-test-key-0123456789abcdef0123456789"


def test_generate_is_reproducible_from_a_seed(tmp_path: Path) -> None:
    assert main(["generate", "--rows", "50", "--out", str(tmp_path / "a"), "--seed", "3"]) == 0
    assert main(["generate", "--rows", "50", "--out", str(tmp_path / "b"), "--seed", "3"]) == 0
    a = (tmp_path / "a" / "events-00000.jsonl").read_text()
    assert a == (tmp_path / "b" / "events-00000.jsonl").read_text()
    rows = [json.loads(line) for line in a.splitlines()]
    assert len(rows) == 50
    assert {"ssn", "card_number", "email", "notes"} <= set(rows[0])


def test_policy_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "check", POLICY]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "mask_show_last" in out


def test_policy_check_error_exits_non_zero_with_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("dataset: x\nversion: 1\nfields:\n  - {name: ssn, type: STRING}\n")
    assert main(["policy", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "'ssn'" in err and "mask: keep" in err


def test_explain_prints_ddl_and_the_compiled_insert(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--policy", POLICY]) == 0
    out = capsys.readouterr().out
    assert "CREATE TABLE customers_raw" in out and "CREATE TABLE customers_masked" in out
    assert "INSERT INTO `customers_masked`" in out
    assert "mask_customers_v2(" in out
    assert "-- mask_show_last(n=4, digit='*')" in out or "mask_show_last(" in out


def test_preview_masks_json_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MASKSTREAM_TOKEN_KEY", KEY)
    main(["generate", "--rows", "20", "--out", str(tmp_path / "in")])
    source = tmp_path / "in" / "events-00000.jsonl"
    out = tmp_path / "out.jsonl"
    assert main(["preview", "--policy", POLICY, "--input", str(source), "--output", str(out)]) == 0
    raw = [json.loads(line) for line in source.read_text().splitlines()]
    masked = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(masked) == 20
    for r, m in zip(raw, masked, strict=True):
        assert m["event_id"] == r["event_id"]
        assert m["ssn"] != r["ssn"] and m["ssn"].endswith(r["ssn"][-4:])
        assert m["customer_id"].startswith("tok_k1_")
        assert m["source_ref"] == f"file:{source}"


def test_preview_without_a_key_fails_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in ("MASKSTREAM_TOKEN_KEY", "MASKSTREAM_TOKEN_KEY_FILE", "MASKSTREAM_KEYSET_FILE"):
        monkeypatch.delenv(var, raising=False)
    main(["generate", "--rows", "1", "--out", str(tmp_path / "in")])
    source = str(tmp_path / "in" / "events-00000.jsonl")
    assert main(["preview", "--policy", POLICY, "--input", source]) == 2
    assert "MASKSTREAM_TOKEN_KEY_FILE" in capsys.readouterr().err


def test_payments_belong_to_the_generated_customers() -> None:
    from maskstream.generate import generate_events, generate_payments

    customers = {
        e["customer_id"]: (e["full_name"], e["card_number"])
        for e in generate_events(2000, seed=9, customers=40)
    }
    payments = list(generate_payments(500, seed=9, customers=40))
    assert {p["customer_id"] for p in payments} <= set(customers)
    # Same people, same cards: the datasets describe one population.
    assert all(
        customers[p["customer_id"]] == (p["cardholder_name"], p["card_number"]) for p in payments
    )
    days = {p["event_time"][:10] for p in payments}
    assert len(days) == 8  # seven days from 08:00 on the first touch eight dates


def test_submit_ships_only_the_worker_and_job_packages() -> None:
    from maskstream.cluster import submit_command

    command = submit_command("mask", "localhost:8081", "kafka", "/usr/bin/python3", ["A=1"])
    shipped = command[command.index("--pyFiles") + 1].split(",")
    assert [Path(p).name for p in shipped] == ["udfs", "jobs"]  # never maskstream/ (the CLI)
    assert all(Path(p, "__init__.py").is_file() for p in shipped)
    assert command[command.index("--python") + 1].endswith("jobs/mask_job.py")
    assert command[command.index("--") :] == ["--", "--env", "kafka", "--var", "A=1"]


def test_the_cli_imports_no_heavy_library_until_a_command_needs_it() -> None:
    # `maskstream policy check` should not pay for (or need) Kafka, DuckDB, Faker or PyFlink.
    import subprocess
    import sys

    probe = (
        "import sys, maskstream.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'confluent_kafka', 'duckdb', 'faker', 'pyflink'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.strip() == "[]"
