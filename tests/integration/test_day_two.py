"""Day two on the default profile (Iceberg): the audit seals only what is new since its last
seal and continues the one chain, so a table that grows over several mask runs, audits and a
key rotation verifies at every step; a second audit in a row adds nothing; rows masked after
the last audit are named as pending, not as tampering."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from jobs.config import JobConfig, load_config
from maskstream.audit_trail import read_audit_trail, write_report
from maskstream.generate import write_events
from maskstream.query import analyst_tables, run_query
from maskstream.run_local import run_audit_locally, run_mask_locally
from maskstream.tables import count_rows, load_iceberg, table_ref
from maskstream.verify import verify_profile
from tests.integration.conftest import run_mask, table_paths, table_rows
from tests.integration.worker_env import write_keyset
from udfs.policy.model import load_policy

pytestmark = pytest.mark.flink


def _verify(config: JobConfig):
    report = verify_profile(config, load_policy(config.policy_path))
    return report, report.render()


def _audit_snapshots(config: JobConfig) -> int:
    ref = table_ref(config, "audit")
    assert ref is not None
    table = load_iceberg(ref)
    return 0 if table is None else len(table.snapshots())


def _mask(tmp_path: Path, name: str, rows: int, seed: int, *, bad: int = 0) -> JobConfig:
    write_events(rows, tmp_path / name, seed=seed)
    if bad:  # rejected records: half unreadable, half readable but with a field of wrong type
        first = json.loads(next((tmp_path / name).glob("*.jsonl")).read_text().splitlines()[0])
        wrong = json.dumps({**first, "loyalty_points": "many"})
        lines = [b"{not json" if i % 2 == 0 else wrong.encode() for i in range(bad)]
        (tmp_path / name / "rejects.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    run_mask(
        load_config(
            "local", variables={**table_paths(tmp_path), "INPUT_PATH": str(tmp_path / name)}
        )
    )
    return load_config("local", variables=table_paths(tmp_path))


def test_mask_audit_verify_twice_and_through_a_key_rotation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _mask(tmp_path, "day1", 80, seed=61)
    run_audit_locally(config)
    report, text = _verify(config)
    assert report.ok, text
    seals = table_rows(config, "audit")
    assert sum(int(s["rows_masked"]) for s in seals) == 80
    # No leaks: the leaks table exists with no rows, and an analyst's count says 0.
    analyst = analyst_tables("local", table_paths(tmp_path))
    assert run_query("SELECT count(*) FROM customers_leaks", analyst)[1] == [(0,)]

    # Day two: new events into the same table, and 4 records the job rejects. Before the audit
    # they are pending, not tampering.
    _mask(tmp_path, "day2", 50, seed=62, bad=4)
    report, text = _verify(config)
    assert report.ok, text
    assert "pending: 50 row(s) of customers.masked committed after the last audit" in text
    assert "pending: 4 quarantined record(s) of customers.quarantine" in text

    run_audit_locally(config)
    report, text = _verify(config)
    assert report.ok, text
    assert "pending" not in text and "chain: intact" in text
    seals = table_rows(config, "audit")
    assert sum(int(s["rows_masked"]) for s in seals) == 130  # each row sealed once
    # The rejected records are counted by class: the unreadable ones in the window of when they
    # were taken in, the others in their event time's window.
    assert sum(int(s["rows_quarantined"]) for s in seals) == 4
    classes = Counter[str]()
    for s in seals:
        classes.update(json.loads(s["quarantined_by_class"]))
    assert classes == {"malformed_json": 2, "wrong_type": 2}
    assert "quarantine: 4 record(s) in 2 window(s)" in text
    _report_shows_quarantine(config, tmp_path / "report.html", 4)
    assert [s["prev_seal"] for s in seals].count(None) == 1  # one chain
    # Windows with rows of both days have a seal per audit run, linked in the one chain.
    keys = [(s["window_start"], s["policy_version"]) for s in seals]
    assert len(keys) > len(set(keys))

    # The same audit again: nothing new, nothing added.
    before = _audit_snapshots(config)
    capsys.readouterr()
    assert run_audit_locally(config) == 0
    assert "nothing new to audit" in capsys.readouterr().out
    assert _audit_snapshots(config) == before

    # A key rotation: k2 active, k1 kept. New rows carry k2; the table still verifies.
    write_keyset("k2")
    try:
        _mask(tmp_path, "day3", 40, seed=63)
    finally:
        write_keyset("k1")
    run_audit_locally(config)
    report, text = _verify(config)
    assert report.ok, text
    seals = table_rows(config, "audit")
    assert [s["prev_seal"] for s in seals].count(None) == 1
    assert sum(int(s["rows_masked"]) for s in seals) == 170
    assert {r["token_key_id"] for r in table_rows(config, "masked")} == {"k1", "k2"}

    _deletions_are_caught(config)


def _report_shows_quarantine(config: JobConfig, html: Path, quarantined: int) -> None:
    """The report shows the quarantined records too, and the verdict it ran."""
    policy = load_policy(config.policy_path)
    outcome = write_report(read_audit_trail(config, policy), html, config, policy)
    assert outcome.verified, outcome.findings
    page = html.read_text(encoding="utf-8")
    card = f'<div class="card" data-total="rows-quarantined"><div class="n">{quarantined}</div>'
    assert card in page
    assert "malformed_json" in page and "wrong_type" in page and "VERIFIED" in page


def _deletions_are_caught(config: JobConfig) -> None:
    """A row deleted after all this is still caught, in the window and run that sealed it."""
    table = load_iceberg(table_ref(config, "masked"))
    from pyiceberg.expressions import EqualTo

    victim = table_rows(config, "masked")[0]["event_id"]
    table.delete(EqualTo("event_id", victim))
    # So is a quarantined record removed from the quarantine table.
    load_iceberg(table_ref(config, "quarantine")).delete(EqualTo("error_class", "wrong_type"))
    report, text = _verify(config)
    assert not report.ok
    assert "the seals count 2 wrong_type quarantined, the quarantine table holds none" in text
    assert "row(s) missing" in text and "not an append" in text, text
    assert "wrote again after they were sealed" in text and "pending" not in text, text


def test_nothing_to_verify_is_not_verified(tmp_path: Path) -> None:
    config = load_config("local", variables=table_paths(tmp_path))
    report, text = _verify(config)
    assert not report.ok
    assert "NOT VERIFIED: nothing to check" in text


def test_a_rerun_over_the_same_folder_masks_only_new_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config("local", variables=table_paths(tmp_path))
    write_events(90, tmp_path / "in", seed=71, rows_per_file=30)
    assert run_mask_locally(config) == 0
    assert count_rows(config, "masked") == 90
    capsys.readouterr()
    assert run_mask_locally(config) == 0  # the same folder again
    assert "nothing new in" in capsys.readouterr().out
    assert count_rows(config, "masked") == 90
    # A new file lands beside the others: only it is masked.
    write_events(20, tmp_path / "more", seed=72)
    for path in (tmp_path / "more").glob("*.jsonl"):
        path.rename(tmp_path / "in" / f"later-{path.name}")
    assert run_mask_locally(config) == 0
    assert "3 file(s)" in capsys.readouterr().err
    ids = Counter(r["event_id"] for r in table_rows(config, "masked"))
    assert len(ids) == 110 and max(ids.values()) == 1
