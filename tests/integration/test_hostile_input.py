"""A hostile corpus through the file path on the MiniCluster: every record is masked or
quarantined, the counts add up, the job survives, and no raw sensitive value reaches the masked
table, the quarantine table, the logs or the console. In the same run, a second file plants ids
where operators and the parser used to let them through (tests/smuggling_corpus.py): none comes
out, and each operator masks its planted value itself."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from jobs.config import load_config
from maskstream.records import table_text
from tests.hostile_corpus import make_hostile_corpus
from tests.integration.conftest import table_paths, table_rows
from tests.smuggling_corpus import make_smuggling_corpus

pytestmark = pytest.mark.flink


def _leaked(texts: list[str], sensitive: set[str]) -> int:
    blob = "\n".join(texts)
    return sum(1 for value in sensitive if value in blob)  # a count: never print the values


def test_hostile_file_input_is_masked_or_quarantined_and_nothing_leaks(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from jobs import mask_job
    from jobs.flink_env import create_table_env

    corpus = make_hostile_corpus(1200)
    smuggled = make_smuggling_corpus()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hostile.jsonl").write_bytes(b"\n".join(corpus.lines) + b"\n")
    # Its first line starts with a byte order mark: the start of a file.
    (tmp_path / "in" / "smuggling.jsonl").write_bytes(b"\n".join(smuggled.lines) + b"\n")
    config = load_config("local", variables=table_paths(tmp_path))
    t_env = create_table_env(config.flink)
    t_env.execute_sql(mask_job.build(t_env, config).insert_sql).wait()  # survives: no raise

    masked = table_rows(config, "masked")
    quarantined = table_rows(config, "quarantine")
    # Counts (never the rows, should one fail).
    n_masked, n_quarantined = len(masked), len(quarantined)
    expected_valid = corpus.expected_valid + smuggled.expected_valid
    assert n_masked == expected_valid
    assert n_masked + n_quarantined == len(corpus.lines) + len(smuggled.lines)
    classes = Counter(r["error_class"] for r in quarantined)
    assert {
        "malformed_json",
        "wrong_type",
        "invalid_utf8",
        "not_an_object",
        "missing_field",
    } <= set(classes)
    assert classes["record_too_large"] + classes["value_too_long"] > 0
    assert all(r["payload_digest"] and r["source_ref"].startswith("file:") for r in quarantined)
    assert {r["error_field"] for r in quarantined if r["error_class"] == "missing_field"} == {
        "event_id"
    }
    # Error classes and policy field names only: nothing of a record.
    smuggling_verdicts = Counter(
        (r["error_class"], r["error_field"])
        for r in quarantined
        if r["source_ref"].endswith("smuggling.jsonl")
    )
    assert smuggling_verdicts == smuggled.quarantined
    # Each operator masked its planted value itself: the residual check replaced nothing.
    rows = {r["event_id"]: r for r in masked if r["event_id"] in smuggled.checks}
    failed = [
        check.column  # a field name: never a value
        for event_id, check in smuggled.checks.items()
        if event_id not in rows
        or f"@{check.column}" in (rows[event_id]["residual_fields"] or "")
        or not rows[event_id][check.column].startswith(check.starts_with)
        or not rows[event_id][check.column].endswith(check.ends_with)
    ]
    assert failed == []

    texts = [table_text(tmp_path / "warehouse")]  # every table: data, manifests, metadata
    log_dir = Path(__import__("os").environ["FLINK_LOG_DIR"])
    texts += [p.read_text(errors="replace") for p in log_dir.rglob("*.log")]
    out, err = capfd.readouterr()
    texts += [out, err]
    assert _leaked(texts, corpus.sensitive | smuggled.planted) == 0
