"""Count what survives masking, judged independently of the masking code: raw values of a row's
protected fields (in the plain forms below) and planted mentions (maskstream.locale_corpus)
still readable in any text column of its masked row. Counts only, never values.

The forms here are written separately from udfs.detection.value_forms on purpose, so a bug
there does not hide itself: the raw value (case folded, NFKC), its digits within a run of digits
and separators (at least 6), a date in ISO, US, day-first and written English forms, and each
part of a name in free-text columns.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from maskstream.locale_corpus import LocaleEvent
from maskstream.preview import mask_lines
from udfs.crypto.keys import KeyRing
from udfs.policy.model import Policy

_RUN = re.compile(r"\d(?:[ .,/()\-+]{0,2}\d)*")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _runs(text: str) -> str:
    return "|".join(re.sub(r"\D", "", m) for m in _RUN.findall(_norm(text)))


def _word_in(word: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text) is not None


def _oracle_forms(name: str, value: Any, kind_name: bool) -> tuple[list[str], list[str], list[str]]:
    if value is None or isinstance(value, bool):
        return [], [], []
    text = str(value)
    words = [_norm(text)] if len(text) >= 4 else []
    digits = [d] if len(d := re.sub(r"\D", "", _norm(text))) >= 6 else []
    if _ISO.fullmatch(text[:10]):
        day = dt.date.fromisoformat(text[:10])
        for fmt in ("%m/%d/%Y", "%d.%m.%Y", "%d/%m/%Y", "%B %d, %Y", "%d %B %Y", "%b %d, %Y"):
            words.append(_norm(day.strftime(fmt)))
        digits += [day.strftime("%Y%m%d"), day.strftime("%m%d%Y"), day.strftime("%d%m%Y")]
    parts = [p for p in _norm(text).split() if len(p) >= 3] if kind_name else []
    return words, digits, parts


@dataclass
class Survivors:
    rows: int = 0
    rows_leaking: int = 0
    by_field: Counter[str] = field(default_factory=Counter)
    residual_rows: int = 0


def surviving_raw_values(
    policy: Policy, raw: Iterable[dict[str, Any]], masked: Iterable[dict[str, Any]]
) -> Survivors:
    """Rows whose masked row still shows a raw value of one of its protected fields."""
    text_columns = [f.name for f in policy.fields if f.output_type.is_text]
    free_text = [f.name for f in policy.fields if f.operator.free_text]
    names = {f.name for f in policy.fields if "pii.name" in f.tags}
    out = Survivors()
    for record, row in zip(raw, masked, strict=True):
        out.rows += 1
        out.residual_rows += bool(row.get("residual_fields"))
        columns = [_norm(str(row[c])) for c in text_columns if isinstance(row.get(c), str)]
        text, runs = "\x00".join(columns), "|".join(_runs(c) for c in columns)
        free = "\x00".join(_norm(str(row[c])) for c in free_text if isinstance(row.get(c), str))
        leaked = False
        for rule in policy.masked:
            words, digits, parts = _oracle_forms(
                rule.name, record.get(rule.name), rule.name in names
            )
            if (
                any(_word_in(w, text) for w in words)
                or any(d in runs for d in digits)
                or any(_word_in(p, free) for p in parts)
            ):
                out.by_field[rule.name] += 1
                leaked = True
        out.rows_leaking += leaked
    return out


@dataclass
class MentionCounts:
    planted: Counter[str] = field(default_factory=Counter)  # by field:variant
    surviving: Counter[str] = field(default_factory=Counter)
    surviving_by_region: Counter[str] = field(default_factory=Counter)
    planted_by_region: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return sum(self.surviving.values()) / max(1, sum(self.planted.values()))


def surviving_mentions(policy: Policy, events: list[LocaleEvent], keys: KeyRing) -> MentionCounts:
    """Planted mentions still readable (as planted, or NFKC and case folded) in any text column
    of their masked row."""
    lines = [(f"corpus:{i}", e.line()) for i, e in enumerate(events)]
    results = list(mask_lines(policy, lines, keys))
    text_columns = [f.name for f in policy.fields if f.output_type.is_text]
    counts = MentionCounts()
    for event, (ok, row) in zip(events, results, strict=True):
        assert ok, f"corpus event quarantined: {row.get('error_class')}"
        blob = "\x00".join(str(row[c]) for c in text_columns if isinstance(row.get(c), str))
        folded = _norm(blob)
        for mention in event.mentions:
            key = f"{mention.field}:{mention.variant}"
            counts.planted[key] += 1
            counts.planted_by_region[event.region] += 1
            if mention.text in blob or _norm(mention.text) in folded:
                counts.surviving[key] += 1
                counts.surviving_by_region[event.region] += 1
    return counts
