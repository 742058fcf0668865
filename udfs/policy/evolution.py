"""Policy evolution: what changed between two versions of a policy, whether protection got
weaker, and the start-up rule that versions only go up and weakening is explicit.

A change is weakened when any measure says so: what the rule leaves in clear (the operators'
own `leaves_clear` answers), the operator's parameters (`compare`) or, across operators, their
strength. So a disguised weakening (`mask` with every class `keep` for a `mask` that hides
digits: same operator, "equal" parameters) is caught by what it leaves in clear."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from udfs.policy.model import FieldRule, Policy
from udfs.policy.tags import is_sensitive, meant


class PolicyEvolutionError(Exception):
    """A policy that may not replace the one that ran before; names the field and the fix."""


@dataclass(frozen=True)
class Change:
    field: str
    kind: str  # added, removed, type_changed, strengthened, weakened, changed
    detail: str

    def render(self) -> str:
        return f"{self.kind:<13} {self.field}: {self.detail}"


def diff(old: Policy, new: Policy) -> list[Change]:
    """Every field-level change from `old` to `new`, classified."""
    changes: list[Change] = []
    old_fields = {f.name: f for f in old.fields}
    new_fields = {f.name: f for f in new.fields}
    for name in old_fields.keys() - new_fields.keys():
        changes.append(Change(name, "removed", f"was {old_fields[name].describe()}"))
    for name, rule in new_fields.items():
        before = old_fields.get(name)
        if before is None:
            changes.append(Change(name, "added", rule.describe()))
            continue
        if before.input_type != rule.input_type:
            changes.append(
                Change(name, "type_changed", f"{before.input_type} -> {rule.input_type}")
            )
        untagged = _lost_sensitive_tags(before, rule)
        if untagged:
            changes.append(Change(name, "weakened", untagged))
        if before.describe() == rule.describe():
            continue
        direction, detail = _direction(before, rule)
        kind = {1: "strengthened", -1: "weakened", 0: "changed"}[direction]
        changes.append(Change(name, kind, detail))
    order = {f.name: i for i, f in enumerate([*old.fields, *new.fields])}
    return sorted(changes, key=lambda c: order.get(c.field, 0))


def _direction(before: FieldRule, rule: FieldRule) -> tuple[int, str]:
    """+1 stronger, -1 weaker, 0 neither or unknown; and the detail to show. Weaker wins over
    stronger: a rule that hides a longer prefix but keeps every digit is weaker."""
    old_clear = before.operator.leaves_clear(before.input_type, before.params)
    new_clear = rule.operator.leaves_clear(rule.input_type, rule.params)
    if before.operator.name == rule.operator.name:
        by_rule = rule.operator.compare(before.params, rule.params)
    else:
        old_s, new_s = before.operator.strength, rule.operator.strength
        by_rule = (new_s > old_s) - (new_s < old_s)
    # While a rule leaves whole values readable, the operators' ranks say nothing: `keep` ->
    # `mask` with every class `keep` is no strengthening, and that mask -> `mask_show_last` no
    # weakening. Only what is left in clear counts then.
    if (new_clear.whole and by_rule == 1) or (old_clear.whole and by_rule == -1):
        by_rule = 0
    votes = {old_clear.compare(new_clear), by_rule}
    direction = -1 if -1 in votes else 1 if 1 in votes else 0
    detail = f"{before.describe()} -> {rule.describe()}"
    if old_clear != new_clear:
        detail += f" (leaves {new_clear.what} in clear; was {old_clear.what})"
    return direction, detail


def _lost_sensitive_tags(before: FieldRule, rule: FieldRule) -> str | None:
    # Dropping a field's last pii/phi/pci tag lifts the sensitive-field rules from it: a
    # weakening even when the rule stays, since the next version may then keep it.
    # A tag from before the guards (`PII.ssn`) counts as what it stands for.
    was = [t for t in before.tags if is_sensitive(meant(t) or t)]
    if not was or any(is_sensitive(t) for t in rule.tags):
        return None
    return f"tags {', '.join(was)} removed: the field is no longer held to the sensitive rules"


def document_hash(policy: Policy) -> str:
    text = json.dumps(policy.document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_evolution(previous: Policy | None, new: Policy) -> list[Change]:
    """The start-up rule: the same policy may run again; a changed one needs a higher version,
    and a weakened field needs `allow_weaker: true` on its rule. Returns the changes."""
    if previous is None:
        return []
    if document_hash(previous) == document_hash(new):
        return []  # the same policy again, e.g. a restart
    if new.version <= previous.version:
        raise PolicyEvolutionError(
            f"{new.source}: policy {new.dataset} changed but its version did not increase "
            f"(last run: v{previous.version}, this file: v{new.version}). Fix: set "
            f"`version: {previous.version + 1}`"
        )
    changes = diff(previous, new)
    allowed = {f.name for f in new.fields if f.allow_weaker}
    refused = [c for c in changes if c.kind == "weakened" and c.field not in allowed]
    if refused:
        lines = "\n".join(f"  - field {c.field!r}: {c.detail}" for c in refused)
        raise PolicyEvolutionError(
            f"{new.source}: v{new.version} weakens the protection of {len(refused)} field(s):\n"
            f"{lines}\nFix: if this is intended, add `allow_weaker: true` to each of these rules"
        )
    return changes


class PolicyRegistry:
    """The last policy each dataset ran with, one JSON file per dataset (POLICY_REGISTRY_DIR)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, dataset: str) -> Path:
        return self.folder / f"{dataset}.json"

    def last(self, dataset: str) -> Policy | None:
        from udfs.policy.model import compile_policy

        path = self._path(dataset)
        if not path.exists():
            return None
        entry = json.loads(path.read_text(encoding="utf-8"))
        return compile_policy(entry["document"], f"{path} (v{entry['version']})", guards=False)

    def admit(self, policy: Policy) -> list[Change]:
        """Check `policy` against the last one run, then record it as the last one run."""
        changes = check_evolution(self.last(policy.dataset), policy)
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = {
            "version": policy.version,
            "hash": document_hash(policy),
            "document": policy.document,
        }
        self._path(policy.dataset).write_text(json.dumps(entry, indent=1), encoding="utf-8")
        return changes
