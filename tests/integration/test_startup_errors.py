"""Each start-up error of the mask job stops it before it runs, with a message naming the
file, the field and the fix."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from jobs.config import load_config
from maskstream.cli import main
from tests.integration.conftest import table_paths
from udfs.policy.evolution import PolicyEvolutionError
from udfs.policy.model import load_policy

pytestmark = pytest.mark.flink
KEY_VARS = ("MASKSTREAM_TOKEN_KEY", "MASKSTREAM_TOKEN_KEY_FILE", "MASKSTREAM_KEYSET_FILE")


def _run(tmp_path: Path, *extra: str) -> list[str]:
    (tmp_path / "in").mkdir(exist_ok=True)
    return ["run", "mask", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "o"), *extra]


def test_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in KEY_VARS:
        monkeypatch.delenv(var, raising=False)
    assert main(_run(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "no token key" in err and "MASKSTREAM_TOKEN_KEY_FILE" in err


def test_short_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in KEY_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MASKSTREAM_TOKEN_KEY", "too-short-key")
    assert main(_run(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "shorter than the 32 required" in err and "too-short-key" not in err


def test_bad_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    doc = load_policy(load_config("local").policy_path).document
    broken = copy.deepcopy(doc)
    broken["fields"][7]["mask"] = {"op": "mask_show_last", "n": -2}
    bad.write_text(yaml.safe_dump(broken))
    assert main(_run(tmp_path, "--policy", str(bad))) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "'ssn'" in err and "mask.n" in err


def _registry_config(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_config("local", variables=table_paths(tmp_path))


def _policy_file(tmp_path: Path, name: str, **changes: object) -> Path:
    doc = copy.deepcopy(load_policy(load_config("local").policy_path).document)
    doc.update({k: v for k, v in changes.items() if k == "version"})
    for field in doc["fields"]:
        if field["name"] in changes:
            field.update(changes[field["name"]])  # type: ignore[arg-type]
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc))
    return path


def test_version_not_increased(tmp_path: Path) -> None:
    from jobs import mask_job
    from jobs.flink_env import create_table_env

    config = _registry_config(tmp_path)
    mask_job.build(create_table_env(config.flink), config)  # records the shipped version
    shipped = load_policy(config.policy_path).version
    changed = _policy_file(tmp_path, "v1-changed.yaml", full_name={"mask": "nullify"})
    with pytest.raises(PolicyEvolutionError) as err:
        mask_job.build(create_table_env(config.flink), config, load_policy(changed))
    assert "v1-changed.yaml" in str(err.value)
    assert f"Fix: set `version: {shipped + 1}`" in str(err.value)


def test_weakened_rule_without_allow_weaker(tmp_path: Path) -> None:
    from jobs import mask_job
    from jobs.flink_env import create_table_env

    config = _registry_config(tmp_path)
    mask_job.build(create_table_env(config.flink), config)  # records the shipped version
    later = load_policy(config.policy_path).version + 1
    weaker = _policy_file(
        tmp_path, "v2.yaml", version=later, phone={"mask": {"op": "mask_show_last", "n": 4}}
    )
    with pytest.raises(PolicyEvolutionError) as err:
        mask_job.build(create_table_env(config.flink), config, load_policy(weaker))
    assert "field 'phone'" in str(err.value) and "allow_weaker: true" in str(err.value)
    allowed = _policy_file(
        tmp_path,
        "v2-allowed.yaml",
        version=later,
        phone={"mask": {"op": "mask_show_last", "n": 4}, "allow_weaker": True},
    )
    mask_job.build(create_table_env(config.flink), config, load_policy(allowed))


def test_a_planning_error_is_printed_whole_and_a_job_failure_withheld(tmp_path: Path) -> None:
    """Flink's own exceptions through py4j: one found while a statement is planned quotes SQL
    only and is printed in one line (exit 2); a failure of a running job may quote a record
    and is withheld (exit 1), naming the Java class and the log."""
    from jobs.flink_env import create_table_env
    from maskstream import errors

    # No restarts: the failing job below fails at once rather than after the profile's retries.
    t_env = create_table_env({**load_config("local").flink, "restart-strategy.type": "none"})
    with pytest.raises(Exception) as planning:
        t_env.execute_sql("SELECT * FROM no_such_table_here").wait()
    failure = errors.describe(planning.value)
    assert failure.code == 2 and "\n" not in failure.line
    assert "ValidationException" in failure.line and "no_such_table_here" in failure.line
    with pytest.raises(Exception) as running:
        # A record that fails at run time: the cast's message quotes the value.
        t_env.execute_sql(
            "SELECT CAST(x AS INT) FROM (VALUES ('planted-123-45-6789')) AS t(x)"
        ).wait()
    failure = errors.describe(running.value)
    assert failure.code == 1 and "planted" not in failure.line and "123-45" not in failure.line
    assert "withheld" in failure.line and errors.LOG_NAME in failure.line
