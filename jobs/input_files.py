"""The input files of a file profile, and which of them the masked tables already hold, so that a
rerun over the same landing folder masks only what is new and never a record twice.

What is masked is read from the committed tables themselves (the `source_ref` of every masked
and quarantined row names its file), so it is exactly what the checkpoints committed: a file
whose every record is there is done and left out of the source (`source.path.regex-pattern`);
a file only part of whose records are there belongs to a stopped run, which `--resume` finishes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jobs.config import ConfigError, JobConfig
from jobs.iceberg_catalog import load_iceberg, table_ref

# Every file (Flink leaves hidden ones out itself): the source's pattern when nothing is done.
EVERY_FILE = ".*"


def committed_files(table_dir: Path) -> list[Path]:
    """Files of a folder as Flink's file source and sink see them: a name, or a parent folder's,
    that starts with "." or "_" is hidden (in-progress files of a sink until they commit)."""
    return sorted(
        p
        for p in table_dir.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(table_dir).parts)
    )


def input_files(input_dir: Path) -> list[Path]:
    """The files Flink's filesystem source reads: a file, or every visible file of a folder."""
    if not input_dir.exists():
        raise FileNotFoundError(2, "no such file or folder", str(input_dir))
    return committed_files(input_dir) if input_dir.is_dir() else [input_dir]


def count_lines(paths: list[Path]) -> int:
    """Records in JSON lines files as Flink's line reader splits them: one per line, empty
    lines included (the job quarantines them), and a last line without its newline."""
    return sum(_lines(path) for path in paths)


def _lines(path: Path) -> int:
    total, last = 0, b"\n"
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            total += chunk.count(b"\n")
            last = chunk[-1:]
    return total + (last != b"\n")


@dataclass(frozen=True)
class InputPlan:
    """The input files of a run: new ones, and those the tables already hold whole."""

    new: list[Path]
    done: list[Path] = field(default_factory=list)
    # Files only part of whose records are committed: (records committed, records in the file).
    partial: dict[Path, tuple[int, int]] = field(default_factory=dict)

    @property
    def nothing_new(self) -> bool:
        return not self.new and not self.partial

    def render(self, input_dir: Path) -> str:
        if self.nothing_new:
            return (
                f"nothing new in {input_dir}: its {len(self.done):,} file(s) are masked already "
                "(every record is in the masked or quarantine table); nothing was added"
            )
        return (
            f"{len(self.done):,} file(s) of {input_dir} are masked already and left out; "
            f"masking {len(self.new):,} new file(s)"
            + (f" and finishing {len(self.partial):,} stopped part way" if self.partial else "")
        )

    @property
    def pattern(self) -> str:
        """The source's `source.path.regex-pattern`: every file but the done ones (Java and
        Python read re.escape's escapes alike)."""
        if not self.done:
            return EVERY_FILE
        done = "|".join(re.escape(str(p)) for p in self.done)
        return f"(?!(?:{done})$).*"


def committed_by_file(config: JobConfig) -> Counter[Path]:
    """Records per input file in the masked and quarantine tables (Iceberg), by `source_ref`."""
    counts: Counter[Path] = Counter()
    for suffix in ("masked", "quarantine"):
        ref = table_ref(config, suffix)
        table = load_iceberg(ref) if ref is not None and ref.is_iceberg else None
        if table is None or table.current_snapshot() is None:
            continue
        refs = table.scan(selected_fields=("source_ref",)).to_arrow().column("source_ref")
        for value, n in Counter(refs.to_pylist()).items():
            if isinstance(value, str) and value.startswith("file:"):
                counts[Path(value.removeprefix("file:").removeprefix("file:"))] += n
    return counts


def plan_inputs(config: JobConfig, resume: bool = False) -> InputPlan:
    """Which input files to mask. A file whose records are all committed is done; one with some
    committed stops a fresh run (it would be masked twice) unless the run resumes the stopped
    one, whose checkpoint knows where it was."""
    files = input_files(Path(config.variables["INPUT_PATH"]))
    committed = committed_by_file(config)
    if not committed:
        return InputPlan(files)
    new, done, partial = [], [], {}
    for path in files:
        have = committed.get(path.resolve(), 0)
        lines = _lines(path) if have else 0
        if have == 0:
            new.append(path)
        elif have == lines:
            done.append(path.resolve())
        else:
            partial[path] = (have, lines)
    if partial and not resume:
        (path, (have, lines)), *rest = partial.items()
        more = f" (and {len(rest)} more)" if rest else ""
        raise ConfigError(
            f"{path}: {have:,} of its {lines:,} records are already masked{more}: a run was "
            "stopped part way, or the file changed after it was masked. Fix: `maskstream run "
            "mask --resume` finishes the stopped run from its last checkpoint; a file that "
            "grew should be a new file"
        )
    return InputPlan(new, done, partial)
