"""Secrets on a real MiniCluster: the REST API never shows key material, and rotating the
active key needs no code change (tokens carry the new key id; the audit counts both)."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from pathlib import Path

import pytest

from jobs.config import load_config
from maskstream.generate import write_events
from maskstream.tables import mark, rows_since
from tests.integration.conftest import run_audit, run_mask_and_audit, table_paths, table_rows
from tests.integration.worker_env import ROTATED_KEY, TEST_KEY, write_keyset

pytestmark = pytest.mark.flink


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def test_rest_api_shows_no_key_material(tmp_path: Path) -> None:
    from jobs import mask_job
    from jobs.flink_env import create_table_env

    write_events(40_000, tmp_path / "in")
    port = _free_port()
    config = load_config("local", variables=table_paths(tmp_path), flink={"rest.port": str(port)})
    t_env = create_table_env(config.flink)
    result = t_env.execute_sql(mask_job.build(t_env, config).insert_sql)
    pages: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not pages:
            try:
                jobs = json.loads(_get(f"http://127.0.0.1:{port}/jobs"))["jobs"]
            except OSError:
                time.sleep(0.5)
                continue
            for job in jobs:
                for path in (
                    f"/jobs/{job['id']}/config",
                    f"/jobs/{job['id']}",
                    "/jobmanager/config",
                ):
                    pages.append(_get(f"http://127.0.0.1:{port}{path}"))
    finally:
        result.wait()
    assert pages, "the REST API never answered"
    text = "\n".join(pages)
    assert TEST_KEY not in text and ROTATED_KEY not in text
    assert "integration-test-key" not in text


def test_key_rotation_needs_no_code_change(tmp_path: Path) -> None:
    write_events(300, tmp_path / "in", seed=31)
    config = load_config("local", variables=table_paths(tmp_path))
    try:
        run_mask_and_audit(config)  # active key k1
        first = {r["event_id"]: r for r in table_rows(config, "masked")}
        write_keyset("k2")  # rotate: k2 active, k1 kept
        for folder in ("in",):
            for p in (tmp_path / folder).iterdir():
                p.rename(p.with_name("rotated-" + p.name))
        before = mark(config, "masked")
        from jobs import mask_job
        from jobs.flink_env import create_table_env

        t_env = create_table_env(config.flink)
        t_env.execute_sql(mask_job.build(t_env, config).insert_sql).wait()
    finally:
        write_keyset("k1")
    second = rows_since(config, "masked", before)
    assert {r["token_key_id"] for r in first.values()} == {"k1"}
    assert {r["token_key_id"] for r in second} == {"k2"}
    assert all(r["customer_id"].startswith("tok_k2_") for r in second)
    # The same customer gets a different token under the new key: a new token space.
    by_event = {r["event_id"]: r for r in second}
    same = [e for e in first if e in by_event]
    assert same and all(first[e]["customer_id"] != by_event[e]["customer_id"] for e in same)
    # The audit counts tokens per key id: the second audit sealed only what the second run
    # added, so the two audits together count each run once, by its key.
    audited = mark(config, "audit")
    run_audit(config)
    later = rows_since(config, "audit", audited)
    assert sum(int(w["rows_masked"]) for w in later) == len(second)
    totals: dict[str, int] = {}
    for window in table_rows(config, "audit"):
        for key_id, n in json.loads(window["tokens_by_key"]).items():
            totals[key_id] = totals.get(key_id, 0) + n
    assert totals == {"k1": len(first), "k2": len(second)}
