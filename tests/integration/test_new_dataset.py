"""A dataset nobody wrote DDL for: one policy file, and the mask job on the MiniCluster creates
its masked and quarantine tables from the policy, masks it and quarantines what is bad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from jobs.config import load_config
from maskstream.cli import main
from tests.integration.conftest import table_paths, table_rows

pytestmark = pytest.mark.flink

# A made-up dataset: no file in sql/ names it, and no fixture of the repository knows it.
POLICY = {
    "dataset": "shipments",
    "version": 1,
    "fields": [
        {"name": "shipment_id", "type": "STRING", "tags": ["id.shipment"], "required": True,
         "mask": "keep"},
        {"name": "shipped_at", "type": "TIMESTAMP(3)", "tags": ["time.event"], "mask": "keep"},
        {"name": "recipient_email", "type": "STRING", "tags": ["pii.email"],
         "mask": {"op": "email", "mode": "redact"}},
        {"name": "weight_kg", "type": "DECIMAL(8, 3)", "mask": {"op": "generalize", "bucket": 5}},
        {"name": "tracking_note", "type": "STRING", "tags": ["pii.free_text"],
         "mask": {"op": "scrub"}},
    ],
}  # fmt: skip


def test_a_new_dataset_is_one_policy_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from jobs import mask_job
    from jobs.flink_env import create_table_env

    policy_file = tmp_path / "shipments.yaml"
    policy_file.write_text(yaml.safe_dump(POLICY, sort_keys=False))
    (tmp_path / "in").mkdir()
    events = [
        {
            "shipment_id": f"S{i:04d}",
            "shipped_at": f"2026-11-0{1 + i % 3} 10:00:0{i % 10}",
            "recipient_email": f"person{i}@example.org",
            "weight_kg": 1.25 + i,
            "tracking_note": f"left with neighbour, call 555-201-{1000 + i}",
        }
        for i in range(30)
    ]
    lines = [json.dumps(e) for e in events] + ['{"shipment_id": 7}', "{not json"]
    (tmp_path / "in" / "part-0.jsonl").write_text("\n".join(lines) + "\n")

    # `explain` shows the tables the policy implies, before anything runs.
    variables = table_paths(tmp_path)
    var_flags = [f"--var={k}={v}" for k, v in variables.items()]
    assert main(["explain", "--policy", str(policy_file), *var_flags]) == 0
    explained = capsys.readouterr().out
    assert "CREATE TEMPORARY TABLE IF NOT EXISTS `shipments_masked_schema`" in explained
    assert "CREATE TABLE shipments_masked" in explained

    config = load_config("local", policy=policy_file, variables=variables)
    t_env = create_table_env(config.flink)
    t_env.execute_sql(mask_job.build(t_env, config).insert_sql).wait()

    masked = sorted(table_rows(config, "masked"), key=lambda r: r["shipment_id"])
    quarantined = table_rows(config, "quarantine")
    assert len(masked) == 30
    assert sorted(r["error_class"] for r in quarantined) == ["malformed_json", "wrong_type"]
    assert {r["dataset"] for r in quarantined} == {"shipments"}
    assert all(r["recipient_email"] == "***@example.org" for r in masked)
    assert [str(r["weight_kg"]) for r in masked[:6]] == [
        "0.000", "0.000", "0.000", "0.000", "5.000", "5.000"
    ]  # fmt: skip
    assert all("555-201" not in r["tracking_note"] for r in masked)
    assert list(masked[0])[:5] == [f["name"] for f in POLICY["fields"]]
    assert {"policy_version", "token_key_id", "source_ref", "masked_fields", "row_digest"} <= set(
        masked[0]
    )
