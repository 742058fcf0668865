"""Configuration layering: project defaults < environment profile < command-line flags."""

from __future__ import annotations

import pytest

from maskstream.config import PROJECT_DIR, ConfigError, flatten, load_config


def test_profile_overrides_flink_defaults() -> None:
    config = load_config("local")
    assert config.flink["execution.checkpointing.interval"] == "2s"  # local.yaml
    assert config.flink["execution.checkpointing.mode"] == "EXACTLY_ONCE"  # config.yaml


def test_flags_override_profile() -> None:
    config = load_config(
        "local",
        variables={"OUTPUT_PATH": "/x"},
        flink={"execution.checkpointing.interval": "7s"},
    )
    assert config.flink["execution.checkpointing.interval"] == "7s"
    assert config.variables["OUTPUT_PATH"] == "/x"


def test_relative_paths_resolve_against_the_project() -> None:
    config = load_config("local")
    assert config.variables["INPUT_PATH"] == str(PROJECT_DIR / "data" / "demo" / "events")
    assert config.policy_path == PROJECT_DIR / "conf" / "policies" / "customers.yaml"


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"no such environment profile.*'local'"):
        load_config("nope")


def test_flatten_nested_yaml_into_flink_keys() -> None:
    nested = {"execution": {"checkpointing": {"interval": "5s"}}, "a": True, "b": [1, 2]}
    assert flatten(nested) == {"execution.checkpointing.interval": "5s", "a": "true", "b": "1;2"}
