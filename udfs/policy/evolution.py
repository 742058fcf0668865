"""Policy evolution: what changed between two versions of a policy, whether protection got
weaker, and the start-up rule that versions only go up and weakening is explicit."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from udfs.policy.model import Policy


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
        if before.describe() == rule.describe():
            continue
        detail = f"{before.describe()} -> {rule.describe()}"
        if before.operator.name == rule.operator.name:
            direction = rule.operator.compare(before.params, rule.params)
        else:
            old_s, new_s = before.operator.strength, rule.operator.strength
            direction = (new_s > old_s) - (new_s < old_s)
        kind = {1: "strengthened", -1: "weakened", 0: "changed"}[direction]
        changes.append(Change(name, kind, detail))
    order = {f.name: i for i, f in enumerate([*old.fields, *new.fields])}
    return sorted(changes, key=lambda c: order.get(c.field, 0))


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
        return compile_policy(entry["document"], f"{path} (v{entry['version']})")

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
