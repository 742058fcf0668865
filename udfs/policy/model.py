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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from udfs.operators import Operator, Params, get_operator
from udfs.policy.sink import METADATA_COLUMNS
from udfs.policy.tags import SENSITIVE_FAMILIES, is_sensitive, tag_problem
from udfs.sql_types import SqlType, parse_sql_type
from udfs.yaml_files import YamlFileError, read_yaml

IDENTIFIER = r"^[a-z][a-z0-9_]{0,62}$"
SENSITIVE_TAG_PREFIXES = SENSITIVE_FAMILIES
# The most characters of a pii/phi/pci value a rule may leave in clear: the last (or first) 4,
# Apache Ranger's "partial mask: show last 4" and the last four digits PCI DSS lets a PAN show.
# Anything that can show more, or the whole value (keep, truncate to a long prefix, n: 0, a
# class kept), is refused whatever allow_weaker says: that flag is about evolution.
CLEAR_LIMIT = 4


class PolicyError(Exception):
    """A policy that cannot be used; `problems` are one line each, naming field and fix."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        if len(problems) == 1:
            super().__init__(f"policy {source}: {problems[0]}")  # one problem, one line
            return
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"policy {source} is invalid ({len(problems)} problems):\n{lines}")


class _FieldDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=IDENTIFIER)
    type: str
    tags: list[str] = Field(default_factory=list)
    description: str = ""
    required: bool = False
    allow_weaker: bool = False
    mask: str | dict[str, Any] | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _a_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError(f"tags are a list. Fix: write a list, e.g. `tags: [{value.strip()}]`")
        return value


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
        return describe_rule(self.operator.name, self.params)


def describe_rule(op_name: str, params: Params) -> str:
    """`mask_show_last(n=4, digit='*')`: the operator and the parameters the policy gave."""
    args = params.model_dump(exclude_unset=True)
    shown = ", ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in args.items())
    return f"{op_name}({shown})" if shown else op_name


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
        problems.append(f"{prefix}{where}: {e['msg'].removeprefix('Value error, ')}")
    return problems


def _compile_rule(field: _FieldDoc, problems: list[str], guards: bool) -> FieldRule | None:
    label = f"field {field.name!r}"
    tag_problems = [p for p in map(tag_problem, field.tags) if p is not None] if guards else []
    if tag_problems:
        problems.extend(f"{label} (tags): {p}" for p in tag_problems)
        return None
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
    sensitive = [t for t in tags if is_sensitive(t)]
    clear = operator.leaves_clear(input_type, params)
    if guards and sensitive and (clear.whole or (clear.chars or 0) > CLEAR_LIMIT):
        rule_text = describe_rule(op_name, params)
        problems.append(_too_clear(label, field, sensitive, rule_text, clear.what))
        return None
    structured = [t for t in sensitive if not t.endswith(".free_text")]
    if guards and operator.free_text and structured:
        # Free-text scrubbing keeps what its detectors do not recognise: on a field that is
        # one identifier, that is the whole value (nine bare digits are no SSN to it).
        problems.append(
            f"{label}: tagged {', '.join(structured)}, but {op_name} keeps whatever its "
            "detectors do not recognise, which on a field holding one value can be the whole "
            "value. Fix: mask the value itself (tokenize, redact, mask_show_last n: 4); "
            f"{op_name} is for fields tagged pii.free_text or phi.free_text"
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


def _too_clear(label: str, field: _FieldDoc, sensitive: list[str], op: str, what: str) -> str:
    flag = (
        " (`allow_weaker: true` does not lift this: it lets a new version weaken a rule "
        "within these limits)"
        if field.allow_weaker
        else ""
    )
    return (
        f"{label}: tagged {', '.join(sensitive)}, but its rule {op} can leave {what} in clear; "
        f"a rule on a pii/phi/pci field may leave at most {CLEAR_LIMIT} characters{flag}. "
        f"Fix: show at most {CLEAR_LIMIT} with every letter and digit class replaced (e.g. "
        f"`mask: {{op: mask_show_last, n: {CLEAR_LIMIT}}}`), or tokenize, redact or nullify; "
        "or remove the sensitive tag if the field holds no personal data"
    )


def compile_policy(doc: Any, source: str, *, guards: bool = True) -> Policy:
    """Validate a parsed policy document; raise PolicyError listing every problem.

    `guards=False` skips the tag vocabulary and the limit on what a sensitive field's rule
    leaves in clear, for the policy a dataset last ran with (PolicyRegistry): it is history to
    compare a new version with, not a policy to run, and it may predate today's guards."""
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
        rule = _compile_rule(field, problems, guards)
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
        doc = read_yaml(path)
    except YamlFileError as e:
        raise PolicyError(source, [str(e)]) from None
    return compile_policy(doc, source)


class AuditPolicyError(ValueError):
    """The policy lacks what the audit job needs (a kept event-time field)."""


def event_time_name(policy: Policy) -> str | None:
    """The kept, time.event-tagged TIMESTAMP(3) field, if the policy has one."""
    for f in policy.fields:
        if f.is_keep and "time.event" in f.tags and f.input_type == SqlType("TIMESTAMP(3)"):
            return f.name
    return None


def event_time_field(policy: Policy) -> str:
    """The kept, time.event-tagged TIMESTAMP(3) field: what the audit job and verify window by."""
    name = event_time_name(policy)
    if name is not None:
        return name
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
