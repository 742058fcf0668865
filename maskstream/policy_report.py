"""`maskstream policy check` and `policy diff`: a policy's rules, and what a new version changes."""

from __future__ import annotations

from udfs.policy.evolution import PolicyEvolutionError, check_evolution, diff
from udfs.policy.model import Policy


def describe(policy: Policy, path: str) -> str:
    masked = len(policy.masked)
    lines = [
        f"OK {path}: dataset {policy.dataset} v{policy.version}, {len(policy.fields)} fields "
        f"({masked} masked, {len(policy.fields) - masked} kept)"
    ]
    width = max(len(f.name) for f in policy.fields)
    for f in policy.fields:
        lines.append(f"  {f.name:<{width}}  {f.input_type.sql:<15} -> {f.describe()}")
    return "\n".join(lines)


def compare(old: Policy, new: Policy) -> tuple[str, str | None]:
    """The changes from `old` to `new`, and why the job would refuse `new` (None: it would not)."""
    changes = diff(old, new)
    lines = [f"{old.dataset} v{old.version} -> v{new.version}: {len(changes)} change(s)"]
    lines += ["  " + change.render() for change in changes]
    try:
        check_evolution(old, new)
    except PolicyEvolutionError as e:
        return "\n".join(lines), str(e)
    return "\n".join(lines), None
