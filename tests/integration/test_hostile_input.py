"""A hostile corpus through the file path on the MiniCluster: every record is masked or
quarantined, the counts add up, the job survives, and no raw sensitive value reaches the masked
table, the quarantine table, the logs or the console."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from jobs.config import load_config
from maskstream.records import committed_files, read_rows, table_text
from tests.hostile_corpus import make_hostile_corpus
from tests.integration.conftest import table_paths

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
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hostile.jsonl").write_bytes(b"\n".join(corpus.lines) + b"\n")
    config = load_config("local", variables=table_paths(tmp_path))
    t_env = create_table_env(config.flink)
    t_env.execute_sql(mask_job.build(t_env, config).insert_sql).wait()  # survives: no raise

    masked = [r for _, r in read_rows(committed_files(tmp_path / "out"))]
    quarantined = [r for _, r in read_rows(committed_files(tmp_path / "quarantine"))]
    assert len(masked) == corpus.expected_valid
    assert len(masked) + len(quarantined) == len(corpus.lines)
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

    texts = [table_text(tmp_path / d) for d in ("out", "quarantine")]
    log_dir = Path(__import__("os").environ["FLINK_LOG_DIR"])
    texts += [p.read_text(errors="replace") for p in log_dir.rglob("*.log")]
    out, err = capfd.readouterr()
    texts += [out, err]
    assert _leaked(texts, corpus.sensitive) == 0
