"""Policy guards a hostile or careless policy cannot get past: tags are written exactly as the
vocabulary has them, and a rule on a pii/phi/pci field leaves at most CLEAR_LIMIT characters in
clear, as its operator declares (udfs.operators.Clear). Each refusal names file, field and fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.paths import REPO
from udfs.policy.model import CLEAR_LIMIT, PolicyError, compile_policy, load_policy
from udfs.policy.tags import OPEN_FAMILIES, SENSITIVE_TAGS, known_tags, tag_problem

SOURCE = "conf/policies/hostile.yaml"
SHOW_LAST_4 = {"op": "mask_show_last", "n": 4}
ALL_KEPT = {"op": "mask", "upper": "keep", "lower": "keep", "digit": "keep", "other": "keep"}


def policy_with(field: dict[str, Any]) -> dict[str, Any]:
    """A small policy around one field under test (and a customer id for date_shift)."""
    return {
        "dataset": "hostile",
        "version": 1,
        "fields": [
            {"name": "event_id", "type": "STRING", "tags": ["id.event"], "mask": "keep"},
            {"name": "customer_id", "type": "STRING", "tags": ["pii.id"], "mask": "tokenize"},
            field,
        ],
    }


def field(name: str, tags: Any, mask: Any, type_: str = "STRING", **extra: Any) -> dict:
    return {"name": name, "type": type_, "tags": tags, "mask": mask, **extra}


# (the field, fragments the message must hold besides the file, the field and "Fix:")
HOSTILE = [
    # --- tags that spell a sensitive tag another way: each names the canonical spelling ---
    # Upper-case family: kept raw SSNs on the shipped code.
    pytest.param(field("ssn", ["PII.ssn"], "keep"), ["write pii.ssn"], id="upper-family"),
    # Upper-case name.
    pytest.param(field("ssn", ["pii.SSN"], "keep"), ["write pii.ssn"], id="upper-name"),
    # A leading space (YAML `" pii.ssn"`): the repr shows it.
    pytest.param(field("ssn", [" pii.ssn"], "keep"), ["' pii.ssn'", "write pii.ssn"], id="space"),
    # A trailing space.
    pytest.param(field("ssn", ["pii.ssn "], "keep"), ["write pii.ssn"], id="trailing-space"),
    # A dash instead of the dot.
    pytest.param(field("ssn", ["pii-ssn"], "keep"), ["write pii.ssn"], id="dash"),
    # An underscore instead of the dot (names use `_`, families never do).
    pytest.param(field("ssn", ["pii_ssn"], "keep"), ["write pii.ssn"], id="underscore"),
    # A colon, as in some catalogues.
    pytest.param(field("ssn", ["pii:ssn"], "keep"), ["write pii.ssn"], id="colon"),
    # A slash, as in a path.
    pytest.param(field("ssn", ["pii/ssn"], "keep"), ["write pii.ssn"], id="slash"),
    # Two dots.
    pytest.param(field("ssn", ["pii..ssn"], "keep"), ["write pii.ssn"], id="double-dot"),
    # A zero-width space after it: invisible in an editor, visible in the message.
    pytest.param(
        field("ssn", ["pii.ssn\u200b"], "keep"), ["\\u200b", "write pii.ssn"], id="zero-width"
    ),
    # Full-width letters (NFKC reads them as ASCII, the vocabulary does not).
    pytest.param(field("ssn", ["ｐｉｉ.ssn"], "keep"), ["write pii.ssn"], id="full-width"),
    # A typo of a known name is not a new, unprotected kind of data.
    pytest.param(field("ssn", ["pii.snn"], "keep"), ["unknown pii tag", "write pii.ssn"], id="snn"),
    # Another typo.
    pytest.param(
        field("email", ["pii.emial"], "keep"), ["unknown pii tag", "write pii.email"], id="emial"
    ),
    # A synonym of a known name.
    pytest.param(field("dob", ["pii.dob"], "keep", "DATE"), ["write pii.birth_date"], id="dob"),
    # A long form of a known name.
    pytest.param(
        field("ssn", ["pii.social_security_number"], "keep"), ["write pii.ssn"], id="long-name"
    ),
    # An unknown pii name lists the known ones.
    pytest.param(
        field("secret", ["pii.secret"], "keep"), ["unknown pii tag", "pii.ssn, "], id="unknown"
    ),
    # No family at all.
    pytest.param(field("ssn", ["ssn"], "keep"), ["write pii.ssn"], id="no-family"),
    # A misspelt family.
    pytest.param(field("ssn", ["pi.ssn"], "keep"), ["unknown tag family", "pii.ssn"], id="pi"),
    # A family of one's own.
    pytest.param(
        field("ssn", ["personal.ssn"], "keep"), ["unknown tag family", "pii.ssn"], id="personal"
    ),
    # A card number filed under a non-sensitive family.
    pytest.param(field("card", ["finance.pan"], "keep"), ["write pci.pan"], id="finance-pan"),
    # A person's id filed under id.* (that family is for events, orders, shipments).
    pytest.param(field("user", ["id.customer"], "keep"), ["write pii.id"], id="id-of-a-person"),
    # An IP address filed under device.*.
    pytest.param(field("ip", ["device.ip"], "keep"), ["write pii.ip"], id="device-ip"),
    # Upper-case card family.
    pytest.param(field("card", ["PCI.PAN"], "keep"), ["write pci.pan"], id="upper-pci"),
    # A dash inside the name.
    pytest.param(
        field("zip", ["pii.postal-code"], "keep"), ["write pii.postal_code"], id="name-dash"
    ),
    # One bad tag among good ones still fails.
    pytest.param(field("ssn", ["geo.city", "Pii.ssn"], "keep"), ["write pii.ssn"], id="mixed"),
    # A string where a list belongs.
    pytest.param(field("ssn", "pii.ssn", "keep"), ["write a list", "[pii.ssn]"], id="not-a-list"),
    # --- rules that can leave the whole value (or more than 4 characters) readable ---
    # keep itself.
    pytest.param(field("ssn", ["pii.ssn"], "keep"), ["the whole value"], id="keep"),
    # A truncation longer than any value: the identity.
    pytest.param(
        field("ssn", ["pii.ssn"], {"op": "truncate", "length": 100000}),
        ["truncate(length=100000)", "first 100000 characters"],
        id="truncate-long",
    ),
    # One character over the limit.
    pytest.param(
        field("ssn", ["pii.ssn"], {"op": "truncate", "length": 5}),
        ["first 5 characters"],
        id="truncate-5",
    ),
    # mask_first n: 0 masks nothing.
    pytest.param(
        field("ssn", ["pii.ssn"], {"op": "mask_first", "n": 0}), ["n: 0 masks nothing"], id="mf0"
    ),
    # mask_first leaves everything after its n: no bound.
    pytest.param(
        field("ssn", ["pii.ssn"], {"op": "mask_first", "n": 4}),
        ["all but the first 4 characters"],
        id="mask-first",
    ),
    # mask_last likewise.
    pytest.param(
        field("card", ["pci.pan"], {"op": "mask_last", "n": 12}),
        ["all but the last 12 characters"],
        id="mask-last",
    ),
    # Showing 99 characters shows every SSN whole.
    pytest.param(
        field("ssn", ["pii.ssn"], {"op": "mask_show_last", "n": 99}),
        ["the last 99 characters"],
        id="show-last-99",
    ),
    # Showing the first 6 (a card's BIN) is over the limit too.
    pytest.param(
        field("card", ["pci.pan"], {"op": "mask_show_first", "n": 6}),
        ["the first 6 characters"],
        id="show-first-6",
    ),
    # scrub on a field that is one identifier keeps it whole when its detectors miss it
    # (nine bare digits without a context word are no SSN to them).
    pytest.param(
        field("ssn", ["pii.ssn"], {"op": "scrub"}), ["pii.ssn", "do not recognise"], id="scrub-ssn"
    ),
    pytest.param(
        field("notes", ["pii.free_text", "pii.email"], {"op": "scrub"}),
        ["pii.email", "pii.free_text or phi.free_text"],
        id="scrub-free-text-and-email",
    ),
    # `mask` with every class kept is the identity.
    pytest.param(field("ssn", ["pii.ssn"], ALL_KEPT), ["digit: keep"], id="mask-all-kept"),
    # Keeping digits is the identity for an SSN.
    pytest.param(
        field("ssn", ["pii.ssn"], {"op": "mask", "digit": "keep"}), ["digit: keep"], id="digits"
    ),
    # Hive's UNMASKED_VAL (-1) is `keep` too.
    pytest.param(
        field("ssn", ["pii.ssn"], {"op": "mask", "digit": -1}), ["digit: keep"], id="hive-minus-1"
    ),
    # Show the last 4, but keep every digit of the rest.
    pytest.param(
        field("ssn", ["pii.ssn"], {**SHOW_LAST_4, "digit": "keep"}),
        ["digit: keep"],
        id="show-last-digits-kept",
    ),
    # Keeping letters leaves a name whole.
    pytest.param(
        field("name", ["pii.name"], {"op": "mask", "upper": "keep", "lower": "keep"}),
        ["lower: keep, upper: keep"],
        id="letters-kept",
    ),
    # A postal "prefix" longer than any postal code.
    pytest.param(
        field("zip", ["pii.postal_code"], {"op": "generalize", "prefix": 50}),
        ["the first 50 characters"],
        id="prefix-50",
    ),
    # Buckets of 1 on an integer: every value is its own bucket.
    pytest.param(
        field("patient", ["phi.mrn"], {"op": "generalize", "bucket": 1}, "BIGINT"),
        ["the whole number"],
        id="bucket-1",
    ),
    # Buckets of a cent on cents.
    pytest.param(
        field("salary", ["pii.id"], {"op": "generalize", "bucket": "0.01"}, "DECIMAL(10, 2)"),
        ["the whole number"],
        id="bucket-cent",
    ),
    # scrub looking for nothing keeps the whole note.
    pytest.param(
        field("note", ["pii.free_text"], {"op": "scrub", "entities": [], "record_fields": []}),
        ["the whole text"],
        id="scrub-nothing",
    ),
    # allow_weaker is about evolution: it does not lift the limit.
    pytest.param(
        field("ssn", ["pii.ssn"], "keep", allow_weaker=True),
        ["does not lift this"],
        id="allow-weaker",
    ),
    # Health and card families are held to the same rule.
    pytest.param(field("dx", ["phi.diagnosis"], "keep"), ["phi.diagnosis"], id="phi-kept"),
    pytest.param(
        field("cvv", ["pci.cvv"], {"op": "truncate", "length": 3000}), ["pci.cvv"], id="cvv"
    ),
]


@pytest.mark.parametrize(("doc_field", "expected"), HOSTILE)
def test_hostile_policy_is_refused_naming_file_field_and_fix(
    doc_field: dict[str, Any], expected: list[str]
) -> None:
    with pytest.raises(PolicyError) as err:
        compile_policy(policy_with(doc_field), SOURCE)
    message = str(err.value)
    assert SOURCE in message and f"field {doc_field['name']!r}" in message and "Fix:" in message
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in {message!r}"


ACCEPTED = [
    # The shipped rules on sensitive fields: the last 4 or 2 characters, coarsened, tokens.
    field("ssn", ["pii.ssn"], {**SHOW_LAST_4, "digit": "*"}),
    field("phone", ["pii.phone"], {"op": "mask_show_last", "n": 2}),
    field("email", ["pii.email"], {"op": "email", "mode": "tokenize"}),
    field("email", ["pii.email"], {"op": "email", "mode": "mask"}),  # the domain is by design
    field("zip", ["pii.postal_code"], {"op": "generalize", "prefix": 3}),
    field("born", ["pii.birth_date"], {"op": "generalize", "to": "year"}, "DATE"),
    field("seen", ["pii.date"], {"op": "date_shift", "max_days": 30, "subject": "customer_id"},
          "DATE"),
    field("note", ["pii.free_text"], {"op": "scrub"}),
    field("ssn", ["pii.ssn"], {"op": "mask"}),  # only punctuation stays
    field("ssn", ["pii.ssn"], {"op": "mask_show_first", "n": CLEAR_LIMIT}),
    field("zip", ["pii.postal_code"], {"op": "truncate", "length": 3}),  # = generalize prefix 3
    field("balance", ["pii.id"], {"op": "generalize", "bucket": 1000}, "DECIMAL(12, 2)"),
    field("ip", ["pii.ip"], "nullify"),
    field("dx", ["phi.diagnosis"], "redact"),
    field("pin", ["pci.pin"], "hash"),
    # Non-sensitive fields may keep or truncate anything; open families take new names.
    field("agent", ["device.user_agent"], {"op": "truncate", "length": 11}),
    field("shipment", ["id.shipment"], "keep"),
    field("lat", ["geo.latitude"], "keep", "DOUBLE"),
    field("points", [], "keep", "INT"),
]  # fmt: skip


@pytest.mark.parametrize("doc_field", ACCEPTED, ids=lambda f: f"{f['name']}-{f['mask']}")
def test_rules_within_the_limit_are_accepted(doc_field: dict[str, Any]) -> None:
    compile_policy(policy_with(doc_field), SOURCE)


@pytest.mark.parametrize("path", sorted((REPO / "conf" / "policies").glob("*.yaml")))
def test_shipped_policies_pass_the_guards(path: Path) -> None:
    load_policy(path)


def test_every_known_tag_is_canonical_and_accepted() -> None:
    tags = known_tags()
    assert len(tags) == len(set(tags))
    for tag in tags:
        assert tag_problem(tag) is None, tag


def test_the_vocabulary_is_disjoint_between_sensitive_and_open_families() -> None:
    # A name in both would make `geo.x` and `pii.x` the same data with different rules.
    sensitive = {n for names in SENSITIVE_TAGS.values() for n in names}
    assert not sensitive & {n for names in OPEN_FAMILIES.values() for n in names}


def test_a_policy_the_registry_ran_before_the_guards_still_compiles_as_history() -> None:
    doc = policy_with(field("ssn", ["PII.ssn"], ALL_KEPT))
    with pytest.raises(PolicyError):
        compile_policy(doc, SOURCE)
    assert compile_policy(doc, SOURCE, guards=False).field("ssn").operator.name == "mask"


def test_readme_lists_every_sensitive_tag() -> None:
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Writing a policy")[1]
    tags_paragraph = section.split("**Tags**", 1)[1].split("\n\n", 1)[0]
    for family, names in SENSITIVE_TAGS.items():
        listed = tags_paragraph.split(f"`{family}` (", 1)[1].split(")", 1)[0]
        assert [n.strip(" `\n") for n in listed.split(",")] == list(names), family
