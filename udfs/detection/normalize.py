"""Text as the record-value search sees it: NFKC, case folded, invisible characters dropped,
every space and every decimal digit of any script made ASCII; and its runs of digits."""

from __future__ import annotations

import re
import sys
import unicodedata

# Characters that carry nothing a reader sees: dropped before matching.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
     *range(0x2060, 0x2065), 0xFEFF],
    None,
)  # fmt: skip


def _fold_table() -> dict[int, str | None]:
    """Every Unicode space (NBSP, narrow NBSP, ideographic, ...) is a plain space, every decimal
    digit of any script its ASCII digit, every dash (and the minus sign NFKC leaves) a
    hyphen-minus, invisible characters nothing. One pass over the code points (at import)."""
    table: dict[int, str | None] = {}
    for cp in range(0x80, sys.maxunicode + 1):
        category = unicodedata.category(chr(cp))
        if category == "Zs":
            table[cp] = " "
        elif category == "Nd":
            table[cp] = str(unicodedata.decimal(chr(cp)))
        elif category == "Pd" or cp == 0x2212:
            table[cp] = "-"
    table.update(_INVISIBLE)
    return table


_FOLD_TABLE = _fold_table()
_DIGIT_RUN = re.compile(r"[0-9](?:[ .,/()'’\-+]{0,2}[0-9])*")


_ZERO_WIDTH = re.compile("[" + "".join(chr(c) for c in _INVISIBLE) + "]+")


def _joins(before: str, after: str) -> bool:
    """Whether invisible characters between these two join them: inside a word or a number
    ("4111<ZWSP>1111" is one number); between a letter and a digit, or next to punctuation, they
    separate like a space."""
    return (before.isdigit() and after.isdigit()) or (before.isalpha() and after.isalpha())


def _join_or_split(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        return "" if _joins(before, after) else " "

    return _ZERO_WIDTH.sub(one, text)


def fold(text: str) -> str:
    """The text as forms are matched: NFKC, case folded, invisible characters dropped, spaces and
    digits of every script made ASCII. (Use fold_with_map to map matches back.)"""
    if text.isascii():
        return text.lower()
    text = _join_or_split(text)
    return (
        unicodedata.normalize("NFKC", text.translate(_FOLD_TABLE)).casefold().translate(_FOLD_TABLE)
    )


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _mapped(text: str, *, casefold: bool) -> tuple[str, list[int], list[int]]:
    """The normalized text, and for each of its characters the [start, end) of the original
    ones it came from (a base character and its combining marks normalize together). ASCII
    stretches map to themselves; only the non-ASCII runs (and the base character a combining
    mark follows) are normalized character by character."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for run in _NON_ASCII.finditer(text):
        begin = run.start()
        if begin > done and unicodedata.combining(text[begin]):
            begin -= 1  # the ASCII base character goes with its marks
        if begin > done:
            plain = text[done:begin]
            out.append(plain.lower() if casefold else plain)
            starts.extend(range(done, begin))
            ends.extend(range(done + 1, begin + 1))
        _map_run(text, begin, run.end(), casefold, (out, starts, ends))
        done = run.end()
    if done < len(text):
        plain = text[done:]
        out.append(plain.lower() if casefold else plain)
        starts.extend(range(done, len(text)))
        ends.extend(range(done + 1, len(text) + 1))
    return "".join(out), starts, ends


def _map_run(
    text: str,
    i: int,
    stop: int,
    casefold: bool,
    into: tuple[list[str], list[int], list[int]],
) -> None:
    """Normalize text[i:stop] character by character into `into` (out, starts, ends)."""
    out, starts, ends = into
    n = len(text)
    while i < stop:
        j = i + 1
        if ord(text[i]) in _INVISIBLE:
            while j < n and ord(text[j]) in _INVISIBLE:
                j += 1
            if not (i and j < n and _joins(text[i - 1], text[j])):
                out.append(" ")
                starts.append(i)
                ends.append(j)
            i = j
            continue
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFKC", text[i:j].translate(_FOLD_TABLE))
        if casefold:
            piece = piece.casefold()
        piece = piece.translate(_FOLD_TABLE)
        out.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j


def fold_with_map(text: str) -> tuple[str, list[int], list[int]]:
    """fold(text), and for each of its characters the [start, end) of the original characters
    it came from."""
    if text.isascii():
        return text.lower(), list(range(len(text))), list(range(1, len(text) + 1))
    return _mapped(text, casefold=True)


def digit_runs(folded: str) -> list[tuple[str, list[int]]]:
    """The runs of digits (with up to two separators between them) of a folded text: each as its
    digits and the position of each digit."""
    runs = []
    for match in _DIGIT_RUN.finditer(folded):
        positions = [match.start() + i for i, c in enumerate(match.group()) if c.isdigit()]
        runs.append(("".join(folded[p] for p in positions), positions))
    return runs


def normalize_for_detection(text: str) -> tuple[str, list[int], list[int]] | None:
    """The text as the detectors read it, case kept: NFKC (full-width letters and digits become
    ASCII), every space a plain space, every decimal digit ASCII, invisible characters joining
    or separating (see _joins); and for each of its characters the [start, end) of the original
    ones. None when the text is already in that form (every ASCII text)."""
    if text.isascii():
        return None
    normalized, starts, ends = _mapped(text, casefold=False)
    return None if normalized == text else (normalized, starts, ends)


# Runs of digits as one string: separators between digits go, anything else ends a run.
DIGIT_SEPARATORS = " .,/()'’+-"
_NOT_IN_RUN = "[^0-9" + re.escape(DIGIT_SEPARATORS) + "]+"
_NOT_IN_RUN_RE = re.compile(_NOT_IN_RUN)
_DROP_SEPARATORS = str.maketrans("", "", DIGIT_SEPARATORS)


def digit_view(folded: str) -> str:
    """The numbers of a folded text, each between bars: "|5552011234|94107|" for "call (555)
    201-1234, zip 94107". A digit form is in the text when it is a substring (long forms) or a
    whole |number| (short ones)."""
    return "|" + _NOT_IN_RUN_RE.sub("|", folded).translate(_DROP_SEPARATORS) + "|"


def digit_views(folded: list[str]) -> list[str]:
    """digit_view of many texts, the regex part in one RE2 call over the column (Arrow)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    marked = pc.replace_substring_regex(pa.array(folded, type=pa.string()), _NOT_IN_RUN, "|")
    return ["|" + m.translate(_DROP_SEPARATORS) + "|" for m in marked.to_pylist()]
