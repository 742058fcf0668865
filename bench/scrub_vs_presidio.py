"""Scrub benchmark: maskstream's detectors against Microsoft Presidio's pattern recognizers on
the same generated corpus, in one run, single core. Prints texts/s, recall and false positives.

Presidio runs analyzer + anonymizer with a no-op NLP engine (no model download), twice: limited
to its six default types that the corpus holds ("presidio"), and with its recognizers for every
type of the corpus ("presidio+": dates, the national ids it knows, phones of the ten regions).
Run with `make bench-scrub` (installs Presidio into .venv-bench).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from maskstream.scrub_corpus import Note, make_corpus
from udfs.detection.detectors import detect

PRESIDIO_TYPES = {
    "CREDIT_CARD": "CREDIT_CARD",
    "US_SSN": "US_SSN",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP_ADDRESS",
}

Spans = set[tuple[str, int, int]]


def score(name: str, notes: list[Note], found: list[Spans], seconds: float) -> None:
    tp, fn, fp = Counter(), Counter(), Counter()
    for note, got in zip(notes, found, strict=True):
        truth = set(note.spans)
        for entity, start, end in truth:
            # A hit covers the true span with the right type (trailing punctuation aside).
            hit = any(e == entity and s <= start and end <= t for e, s, t in got)
            (tp if hit else fn)[entity] += 1
        for entity, start, end in got:
            if not any(e == entity and s < end and start < t for e, s, t in truth):
                fp[entity] += 1
    total = sum(tp.values()) + sum(fn.values())
    per_type = ", ".join(
        f"{e} {tp[e] / max(1, tp[e] + fn[e]):.1%}" for e in sorted(set(tp) | set(fn))
    )
    print(
        f"{name:<11} {len(notes) / seconds:>10,.0f} texts/s   recall {sum(tp.values()) / total:.2%}"
        f"   false positives {sum(fp.values()):>5,}"
    )
    print(f"{'':<11} recall by type: {per_type}")
    if fp:
        print(f"{'':<11} false positives by type: {dict(fp)}")


def run_maskstream(notes: list[Note]) -> tuple[list[Spans], float]:
    import pandas as pd

    from udfs.crypto.keys import KeyRing
    from udfs.operators import ColumnContext, get_operator
    from udfs.sql_types import STRING

    texts = pd.Series([n.text for n in notes], dtype=object)
    op = get_operator("scrub")
    ctx = ColumnContext("notes", STRING, KeyRing("k1", {"k1": b"b" * 32}))
    params = op.params()
    op.apply(texts[:100], params, ctx)  # warm-up: loads Arrow's compute kernels once
    started = time.perf_counter()
    op.apply(texts, params, ctx)  # detect + replace, the whole column at once
    seconds = time.perf_counter() - started
    found = [{(d.entity, d.start, d.end) for d in detect(n.text)} for n in notes]
    return found, seconds


# Presidio's recognizers for the other types of the corpus, all run with the same job's
# language ("en"): dates (any date: Presidio has no date of birth), the national ids it knows
# (DE, ES, GB, IN, IT; none for BR, FR, JP, NL), phone numbers of the corpus's ten regions.
PRESIDIO_EXTRA_TYPES = {
    "DATE_TIME": "DATE_OF_BIRTH",
    "DE_TAX_ID": "NATIONAL_ID",
    "ES_NIF": "NATIONAL_ID",
    "ES_NIE": "NATIONAL_ID",
    "UK_NHS": "NATIONAL_ID",
    "UK_NINO": "NATIONAL_ID",
    "IN_AADHAAR": "NATIONAL_ID",
    "IN_PAN": "NATIONAL_ID",
    "IT_FISCAL_CODE": "NATIONAL_ID",
}


def _presidio_same_job(registry: Any) -> None:
    """Add to `registry` what the corpus needs beyond Presidio's six default types."""
    from presidio_analyzer import predefined_recognizers as pr

    from maskstream.scrub_corpus import REGIONS

    registry.remove_recognizer("PhoneRecognizer")
    registry.add_recognizer(pr.PhoneRecognizer(supported_regions=list(REGIONS)))
    for recognizer in (
        pr.DateRecognizer, pr.DeTaxIdRecognizer, pr.EsNifRecognizer, pr.EsNieRecognizer,
        pr.NhsRecognizer, pr.UkNinoRecognizer, pr.InAadhaarRecognizer, pr.InPanRecognizer,
        pr.ItFiscalCodeRecognizer,
    ):  # fmt: skip
        registry.add_recognizer(recognizer(supported_language="en"))


def run_presidio(notes: list[Note], same_job: bool = False) -> tuple[list[Spans], float]:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
    from presidio_anonymizer import AnonymizerEngine

    class NoNlp(NlpEngine):
        """Presidio's pattern recognizers only: no tokenization, no NER model."""

        def load(self) -> None: ...

        def is_loaded(self) -> bool:
            return True

        def process_text(self, text: str, language: str) -> NlpArtifacts:
            return NlpArtifacts([], [], [], [], self, language)

        def process_batch(self, texts, language, batch_size=1, n_process=1, **kwargs):  # type: ignore[no-untyped-def]
            for text in texts:
                yield text, self.process_text(text, language)

        def is_stopword(self, word: str, language: str) -> bool:
            return False

        def is_punct(self, word: str, language: str) -> bool:
            return False

        def get_supported_entities(self) -> list[str]:
            return []

        def get_supported_languages(self) -> list[str]:
            return ["en"]

    import logging

    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # it tries to fetch a list
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers()
    types = dict(PRESIDIO_TYPES)
    if same_job:
        _presidio_same_job(registry)
        types.update(PRESIDIO_EXTRA_TYPES)
    analyzer = AnalyzerEngine(nlp_engine=NoNlp(), registry=registry, supported_languages=["en"])
    anonymizer = AnonymizerEngine()
    entities = list(types)
    anonymizer.anonymize(notes[0].text, analyzer.analyze(notes[0].text, "en", entities))
    found: list[Spans] = []
    started = time.perf_counter()
    for note in notes:
        results = analyzer.analyze(note.text, language="en", entities=entities)
        anonymizer.anonymize(note.text, results)
        found.append({(types[r.entity_type], r.start, r.end) for r in results})
    return found, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=20_000)
    parser.add_argument("--presidio-notes", type=int, default=0, help="default: all notes")
    args = parser.parse_args()
    notes = make_corpus(args.notes)
    spans = sum(len(n.spans) for n in notes)
    print(f"corpus: {len(notes):,} notes, {spans:,} PII spans, single core")
    runs: list[tuple[str, Callable[[list[Note]], tuple[list[Spans], float]], list[Note]]] = [
        ("maskstream", run_maskstream, notes),
        ("presidio", run_presidio, notes[: args.presidio_notes or len(notes)]),
        ("presidio+", _same_job, notes[: args.presidio_notes or len(notes)]),
    ]
    speeds = {}
    for name, run, subset in runs:
        found, seconds = run(subset)
        score(name, subset, found, seconds)
        speeds[name] = len(subset) / seconds
    print(
        f"throughput ratio maskstream/presidio: {speeds['maskstream'] / speeds['presidio']:.0f}x "
        "(Presidio's six default types), "
        f"maskstream/presidio+: {speeds['maskstream'] / speeds['presidio+']:.0f}x "
        "(Presidio with its recognizers for every type of the corpus)"
    )


def _same_job(notes: list[Note]) -> tuple[list[Spans], float]:
    return run_presidio(notes, same_job=True)


if __name__ == "__main__":
    main()
