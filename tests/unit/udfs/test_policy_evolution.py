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


ALL_KEPT = {"op": "mask", "upper": "keep", "lower": "keep", "digit": "keep", "other": "keep"}
SHOW_LAST_4 = {"op": "mask_show_last", "n": 4}

# Weakening in disguise: each v2 leaves more in clear than v1, whatever its operator's rank or
# its parameters say, so it is weakened and check_evolution refuses it. The fields are untagged:
# the sensitive-field limit does not apply, the evolution check alone must catch them.
DISGUISED = [
    # `mask` with every class kept is the identity: "same operator, equal parameters" no more.
    pytest.param({"op": "mask"}, ALL_KEPT, id="mask-every-class-kept"),
    # Keeping only the digits is the identity for an SSN.
    pytest.param({"op": "mask"}, {"op": "mask", "digit": "keep"}, id="mask-digits-kept"),
    # Hive's -1 is `keep` too.
    pytest.param({"op": "mask"}, {"op": "mask", "digit": -1}, id="mask-hive-minus-1"),
    # Same n, but the digits of the masked part now pass.
    pytest.param(SHOW_LAST_4, {**SHOW_LAST_4, "digit": "keep"}, id="show-last-digits-kept"),
    # Punctuation hidden before, shown now: more in clear at the same n.
    pytest.param({**SHOW_LAST_4, "other": "*"}, SHOW_LAST_4, id="show-last-other-kept"),
    # Fewer characters shown, but every digit of the rest kept: weaker wins over stronger.
    pytest.param(SHOW_LAST_4, {"op": "mask_show_last", "n": 2, "digit": "keep"}, id="mixed"),
    # A truncation longer than any value: the identity, from a higher-ranked operator's place.
    pytest.param(SHOW_LAST_4, {"op": "truncate", "length": 100000}, id="to-long-truncate"),
    # Redact to a long truncate.
    pytest.param({"op": "redact"}, {"op": "truncate", "length": 100000}, id="redact-truncate"),
    # n: 0 masks nothing.
    pytest.param(SHOW_LAST_4, {"op": "mask_first", "n": 0}, id="to-mask-first-0"),
    # Masking the last 4 shows all the rest.
    pytest.param({"op": "mask_show_first", "n": 4}, {"op": "mask_last", "n": 4}, id="to-mask-last"),
    # A bigger n for show_last.
    pytest.param(SHOW_LAST_4, {"op": "mask_show_last", "n": 99}, id="show-last-99"),
    # A prefix as long as the value.
    pytest.param({"op": "generalize", "prefix": 3}, {"op": "truncate", "length": 50}, id="prefix"),
    # scrub that looks for nothing keeps the whole note.
    pytest.param({"op": "scrub"}, {"op": "scrub", "entities": []}, id="scrub-nothing"),
    # scrub that stops looking for SSNs.
    pytest.param(
        {"op": "scrub", "entities": ["EMAIL", "US_SSN"]},
        {"op": "scrub", "entities": ["EMAIL"]},
        id="scrub-fewer-entities",
    ),
]


def _one_field(version: int, mask: Any, **extra: Any) -> Policy:
    doc = {
        "dataset": "orders",
        "version": version,
        "fields": [{"name": "ssn", "type": "STRING", "mask": mask, **extra}],
    }
    return compile_policy(doc, f"orders-v{version}.yaml")


@pytest.mark.parametrize(("old", "new"), DISGUISED)
def test_disguised_weakening_is_weakened_and_refused(old: Any, new: Any) -> None:
    v1, v2 = _one_field(1, old), _one_field(2, new)
    assert [(c.field, c.kind) for c in diff(v1, v2)] == [("ssn", "weakened")]
    with pytest.raises(PolicyEvolutionError) as err:
        check_evolution(v1, v2)
    message = str(err.value)
    assert "orders-v2.yaml" in message and "field 'ssn'" in message
    assert "allow_weaker: true" in message


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        # keep -> mask with every class kept: both the identity; never "strengthened".
        pytest.param("keep", ALL_KEPT, "changed", id="keep-to-identity-mask"),
        # The reverse of a disguised weakening is a strengthening.
        pytest.param(ALL_KEPT, {"op": "mask"}, "strengthened", id="identity-mask-to-mask"),
        pytest.param(SHOW_LAST_4, {**SHOW_LAST_4, "other": "*"}, "strengthened", id="other-star"),
        # A different replacement character reveals no more.
        pytest.param(SHOW_LAST_4, {**SHOW_LAST_4, "digit": "*"}, "changed", id="digit-star"),
        pytest.param(
            {"op": "scrub", "entities": ["EMAIL"]},
            {"op": "scrub", "entities": ["EMAIL", "US_SSN"]},
            "strengthened",
            id="scrub-more-entities",
        ),
    ],
)
def test_leaving_less_or_the_same_in_clear_is_not_weakened(old: Any, new: Any, kind: str) -> None:
    assert [c.kind for c in diff(_one_field(1, old), _one_field(2, new))] == [kind]


def test_weakening_within_the_sensitive_limit_needs_allow_weaker() -> None:
    old = _one_field(1, {"op": "mask_show_last", "n": 2}, tags=["pii.phone"])
    new = _one_field(2, SHOW_LAST_4, tags=["pii.phone"])
    with pytest.raises(PolicyEvolutionError, match="field 'ssn'"):
        check_evolution(old, new)
    allowed = _one_field(2, SHOW_LAST_4, tags=["pii.phone"], allow_weaker=True)
    assert [c.kind for c in check_evolution(old, allowed)] == ["weakened"]


def test_dropping_the_sensitive_tag_is_weakened() -> None:
    # The rule stays, but the field leaves the sensitive-field rules: the next version could
    # keep it raw. So removing the tag is itself a weakening.
    old = _one_field(1, SHOW_LAST_4, tags=["pii.ssn"])
    new = _one_field(2, SHOW_LAST_4, tags=[])
    changes = diff(old, new)
    assert [(c.field, c.kind) for c in changes] == [("ssn", "weakened")]
    assert "pii.ssn removed" in changes[0].detail
    with pytest.raises(PolicyEvolutionError, match=r"pii\.ssn removed"):
        check_evolution(old, new)


def test_registry_holding_a_policy_from_before_the_guards_admits_the_fix(tmp_path: Path) -> None:
    # v1 ran on the shipped code with a tag the guards now refuse and an identity mask; the
    # registry must still read it, refuse a v2 that keeps the identity in disguise, and admit
    # the fixed v2.
    import json

    v1 = {
        "dataset": "orders",
        "version": 1,
        "fields": [{"name": "ssn", "type": "STRING", "tags": ["PII.ssn"], "mask": ALL_KEPT}],
    }
    (tmp_path / "orders.json").write_text(json.dumps({"version": 1, "document": v1}))
    registry = PolicyRegistry(tmp_path)
    assert registry.last("orders") is not None
    disguised = copy.deepcopy(v1)
    disguised.update(version=2)
    # Untagged now, so no guard applies, and still every letter and digit in clear.
    disguised["fields"][0].update(tags=[], mask={**ALL_KEPT, "other": "*"})
    with pytest.raises(PolicyEvolutionError):
        registry.admit(compile_policy(disguised, "v2.yaml"))
    fixed = copy.deepcopy(v1)
    fixed.update(version=2)
    fixed["fields"][0].update(tags=["pii.ssn"], mask=SHOW_LAST_4)
    assert [c.kind for c in registry.admit(compile_policy(fixed, "v2.yaml"))] == ["strengthened"]
    assert registry.last("orders").version == 2


def test_cli_diff_calls_an_identity_mask_weakened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(yaml.safe_dump(_one_field(1, {"op": "mask"}).document))
    new.write_text(yaml.safe_dump(_one_field(2, ALL_KEPT).document))
    assert main(["policy", "diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "weakened" in out and "strengthened" not in out
    assert "leaves every character of the kept classes" in out  # the detail says why
