"""Policy evolution: diffs are classified, versions only go up, weakening needs allow_weaker."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from maskstream.cli import main
from udfs.policy.evolution import PolicyEvolutionError, PolicyRegistry, check_evolution, diff
from udfs.policy.model import Policy, compile_policy

BASE: dict[str, Any] = {
    "dataset": "orders",
    "version": 1,
    "fields": [
        {"name": "order_id", "type": "STRING", "mask": "keep"},
        {"name": "ssn", "type": "STRING", "mask": {"op": "mask_show_last", "n": 4}},
        {"name": "email", "type": "STRING", "mask": {"op": "redact"}},
        {"name": "born", "type": "DATE", "mask": {"op": "generalize", "to": "year"}},
    ],
}


def policy(version: int = 1, **rules: Any) -> Policy:
    doc = copy.deepcopy(BASE)
    doc["version"] = version
    for f in doc["fields"]:
        if f["name"] in rules:
            change = rules[f["name"]]
            if change is None:
                doc["fields"].remove(f)
            else:
                f.update(change)
    return compile_policy(doc, f"orders-v{version}.yaml")


CASES = [
    # Showing more characters is weaker.
    pytest.param({"ssn": {"mask": {"op": "mask_show_last", "n": 6}}}, "ssn", "weakened", id="n-up"),
    # Showing fewer is stronger.
    pytest.param(
        {"ssn": {"mask": {"op": "mask_show_last", "n": 2}}}, "ssn", "strengthened", id="n"
    ),
    # Redact -> keep is the weakest possible move.
    pytest.param({"email": {"mask": "keep"}}, "email", "weakened", id="to-keep"),
    # Redact -> nullify is stronger.
    pytest.param({"email": {"mask": "nullify"}}, "email", "strengthened", id="to-nullify"),
    # A year is coarser than a month: year -> month is weaker.
    pytest.param(
        {"born": {"mask": {"op": "generalize", "to": "month"}}}, "born", "weakened", id="month"
    ),
    # Tokenize -> hash (unkeyed) is weaker.
    pytest.param({"email": {"mask": {"op": "hash"}}}, "email", "weakened", id="to-hash"),
    # A removed field.
    pytest.param({"born": None}, "born", "removed", id="removed"),
]


@pytest.mark.parametrize(("rules", "field", "kind"), CASES)
def test_diff_classifies_each_change(rules: dict, field: str, kind: str) -> None:
    changes = diff(policy(1), policy(2, **rules))
    assert [(c.field, c.kind) for c in changes] == [(field, kind)]


def test_added_field_is_classified() -> None:
    new = copy.deepcopy(BASE)
    new["version"] = 2
    new["fields"].append({"name": "note", "type": "STRING", "mask": {"op": "scrub"}})
    changes = diff(policy(1), compile_policy(new, "v2.yaml"))
    assert [(c.field, c.kind) for c in changes] == [("note", "added")]


def test_same_policy_may_run_again() -> None:
    assert check_evolution(policy(1), policy(1)) == []


def test_changed_policy_without_a_new_version_is_refused() -> None:
    with pytest.raises(PolicyEvolutionError) as err:
        check_evolution(policy(3), policy(3, email={"mask": "nullify"}))
    message = str(err.value)
    assert "orders-v3.yaml" in message and "did not increase" in message
    assert "Fix: set `version: 4`" in message


def test_lower_version_is_refused() -> None:
    with pytest.raises(PolicyEvolutionError, match="last run: v5, this file: v4"):
        check_evolution(policy(5), policy(4, email={"mask": "nullify"}))


def test_weakened_rule_without_allow_weaker_is_refused() -> None:
    with pytest.raises(PolicyEvolutionError) as err:
        check_evolution(policy(1), policy(2, ssn={"mask": {"op": "mask_show_last", "n": 6}}))
    message = str(err.value)
    assert "field 'ssn'" in message and "allow_weaker: true" in message


def test_weakened_rule_with_allow_weaker_is_accepted() -> None:
    new = policy(2, ssn={"mask": {"op": "mask_show_last", "n": 6}, "allow_weaker": True})
    changes = check_evolution(policy(1), new)
    assert [(c.field, c.kind) for c in changes] == [("ssn", "weakened")]


def test_registry_remembers_the_last_policy(tmp_path: Path) -> None:
    registry = PolicyRegistry(tmp_path)
    registry.admit(policy(1))
    registry.admit(policy(1))  # a restart
    with pytest.raises(PolicyEvolutionError, match="did not increase"):
        registry.admit(policy(1, email={"mask": "keep"}))
    registry.admit(policy(2, email={"mask": "nullify"}))
    assert registry.last("orders").version == 2


def test_cli_diff_exits_non_zero_on_a_refused_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(yaml.safe_dump(policy(1).document))
    weaker = copy.deepcopy(policy(1).document)
    weaker["version"] = 2
    weaker["fields"][2]["mask"] = "keep"
    new.write_text(yaml.safe_dump(weaker))
    assert main(["policy", "diff", str(old), str(new)]) == 1
    captured = capsys.readouterr()
    assert "weakened" in captured.out and "email" in captured.out
    assert "allow_weaker" in captured.err
