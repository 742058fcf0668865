"""Masking policies: a versioned, schema-first contract per dataset, validated to fail closed.

A policy names the dataset, its version, every input field with its Flink SQL type and tags, and
exactly one masking rule per field. Anything unknown or unsafe is an error at start-up whose
message names the file, the field and the fix.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from udfs.operators import Operator, Params, get_operator
from udfs.policy.sink import METADATA_COLUMNS
from udfs.sql_types import SqlType, parse_sql_type

IDENTIFIER = r"^[a-z][a-z0-9_]{0,62}$"
SENSITIVE_TAG_PREFIXES = ("pii", "phi", "pci")


class PolicyError(Exception):
    """A policy that cannot be used; `problems` are one line each, naming field and fix."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"policy {source} is invalid ({len(problems)} problem(s)):\n{lines}")


class _FieldDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=IDENTIFIER)
    type: str
    tags: list[str] = Field(default_factory=list)
    description: str = ""
    required: bool = False
    allow_weaker: bool = False
    mask: str | dict[str, Any] | None = None


class _PolicyDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset: str = Field(pattern=IDENTIFIER)
    version: int = Field(ge=1)
    description: str = ""
    fields: list[_FieldDoc] = Field(min_length=1)


@dataclass(frozen=True)
class FieldRule:
    """One field of the input schema and the compiled rule that masks it."""

    name: str
    input_type: SqlType
    tags: tuple[str, ...]
    operator: Operator
    params: Params
    output_type: SqlType
    required: bool = False
    allow_weaker: bool = False

    @property
    def is_keep(self) -> bool:
        return self.operator.name == "keep"

    def describe(self) -> str:
        args = self.params.model_dump(exclude_unset=True)
        shown = ", ".join(
            f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in args.items()
        )
        return f"{self.operator.name}({shown})" if shown else self.operator.name


@dataclass(frozen=True)
class Policy:
    """A validated policy. `document` is the parsed YAML, enough to rebuild it in a worker."""

    dataset: str
    version: int
    description: str
    fields: tuple[FieldRule, ...]
    source: str
    document: dict[str, Any]

    @property
    def needs_key(self) -> bool:
        return any(f.operator.needs_key(f.params) for f in self.fields)

    @property
    def masked(self) -> tuple[FieldRule, ...]:
        return tuple(f for f in self.fields if not f.is_keep)

    def field(self, name: str) -> FieldRule:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _location(loc: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _pydantic_problems(err: ValidationError, prefix: str, doc: dict[str, Any]) -> list[str]:
    problems = []
    for e in err.errors():
        loc = e["loc"]
        where = _location(loc)
        if len(loc) >= 2 and loc[0] == "fields" and isinstance(loc[1], int):
            with contextlib.suppress(KeyError, IndexError, TypeError):
                where = f"field {doc['fields'][loc[1]]['name']!r} ({where})"
        problems.append(f"{prefix}{where}: {e['msg']}")
    return problems


def _compile_rule(field: _FieldDoc, problems: list[str]) -> FieldRule | None:
    label = f"field {field.name!r}"
    try:
        input_type = parse_sql_type(field.type)
    except ValueError as e:
        problems.append(f"{label} (type): {e}")
        return None
    if field.mask is None:
        problems.append(
            f"{label}: no masking rule. Fix: add `mask: keep` if it holds no personal data, "
            "or a masking operator such as `mask: {op: redact}` (YAML reads a bare `null` as no "
            "rule: to replace values with NULL write `mask: nullify`)"
        )
        return None
    spec = {"op": field.mask} if isinstance(field.mask, str) else dict(field.mask)
    op_name = spec.pop("op", None)
    if not isinstance(op_name, str):
        problems.append(f"{label} (mask): no `op`. Fix: write `mask: {{op: <operator>, ...}}`")
        return None
    try:
        operator = get_operator(op_name)
    except KeyError as e:
        problems.append(f"{label} (mask.op): {e.args[0]}")
        return None
    try:
        params = operator.params.model_validate(spec)
    except ValidationError as err:
        for e in err.errors():
            where = _location(e["loc"]) or "parameters"
            msg = e["msg"].removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                allowed = ", ".join(operator.params.model_fields) or "none"
                msg = f"unknown parameter for {op_name}; its parameters are: {allowed}"
            problems.append(f"{label} (mask.{where}): {msg}")
        return None
    fix = operator.check_type(input_type, params)
    if fix is not None:
        problems.append(f"{label}: {op_name} cannot take type {input_type}. Fix: {fix}")
        return None
    tags = tuple(field.tags)
    if operator.name == "keep" and any(t.split(".")[0] in SENSITIVE_TAG_PREFIXES for t in tags):
        problems.append(
            f"{label}: tagged {', '.join(tags)} but kept unmasked. Fix: choose a masking "
            "operator, or remove the sensitive tag if the field holds no personal data"
        )
        return None
    return FieldRule(
        name=field.name,
        input_type=input_type,
        tags=tags,
        operator=operator,
        params=params,
        output_type=operator.output_type(input_type, params),
        required=field.required,
        allow_weaker=field.allow_weaker,
    )


def compile_policy(doc: Any, source: str) -> Policy:
    """Validate a parsed policy document; raise PolicyError listing every problem."""
    if not isinstance(doc, dict):
        raise PolicyError(source, ["the file must be a mapping with dataset, version and fields"])
    try:
        parsed = _PolicyDoc.model_validate(doc)
    except ValidationError as err:
        raise PolicyError(source, _pydantic_problems(err, "", doc)) from None
    problems: list[str] = []
    seen: set[str] = set()
    rules: list[FieldRule] = []
    for field in parsed.fields:
        if field.name in seen:
            problems.append(f"field {field.name!r}: declared twice. Fix: keep one declaration")
            continue
        if field.name in METADATA_COLUMNS:
            problems.append(
                f"field {field.name!r}: the name is reserved for a metadata column. Fix: rename it"
            )
            continue
        seen.add(field.name)
        rule = _compile_rule(field, problems)
        if rule is not None:
            rules.append(rule)
    for rule in rules:
        for name in getattr(rule.params, "record_fields", ()):
            if name not in seen:
                problems.append(
                    f"field {rule.name!r} (mask.record_fields): no field named {name!r}. "
                    "Fix: name fields of this policy, e.g. full_name"
                )
        subject = getattr(rule.params, "subject", None)
        if subject is not None and subject not in seen:
            problems.append(
                f"field {rule.name!r} (mask.subject): no field named {subject!r}. "
                "Fix: name a field of this policy, e.g. the customer id"
            )
    if problems:
        raise PolicyError(source, problems)
    return Policy(
        dataset=parsed.dataset,
        version=parsed.version,
        description=parsed.description,
        fields=tuple(rules),
        source=source,
        document=doc,
    )


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy YAML file."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(source, ["file not found. Fix: check the path"]) from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise PolicyError(source, [f"not valid YAML{where}. Fix: check indentation"]) from None
    return compile_policy(doc, source)


class AuditPolicyError(ValueError):
    """The policy lacks what the audit job needs (a kept event-time field)."""


def event_time_field(policy: Policy) -> str:
    """The kept, time.event-tagged TIMESTAMP(3) field: what the audit job and verify window by."""
    for f in policy.fields:
        if f.is_keep and "time.event" in f.tags and f.input_type == SqlType("TIMESTAMP(3)"):
            return f.name
    raise AuditPolicyError(
        f"{policy.source}: the audit job windows by event time, but no kept TIMESTAMP(3) field "
        "is tagged time.event. Fix: tag the event timestamp `tags: [time.event]` with "
        "`mask: keep`"
    )


def table_name(policy: Policy, suffix: str) -> str:
    """`customers_raw`, `customers_masked`, ... for the policy's dataset."""
    if not re.match(r"^[a-z_]+$", suffix):
        raise ValueError(suffix)
    return f"{policy.dataset}_{suffix}"
