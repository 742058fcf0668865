"""How the CLI knows a file is synthetic: `maskstream generate` writes a manifest beside the
files it writes (`_generated.json`: the SHA-256 of each file), and only a file whose bytes
still match it counts as generated. Flink's file source skips names starting with "_", so the
manifest is never read as input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

MANIFEST = "_generated.json"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(out_dir: Path, files: list[Path], **facts: object) -> Path:
    """Record `files` (in `out_dir`) as written by the generator, with `facts` (seed, rows)."""
    manifest = out_dir / MANIFEST
    document = {
        "written_by": "maskstream generate",
        **facts,
        "files": {p.name: file_digest(p) for p in files},
    }
    manifest.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def is_generated(path: Path) -> bool:
    """True only if `path` is listed in its folder's manifest with the same bytes: a file
    copied in, edited or appended to after generation is treated as real data."""
    manifest = path.parent / MANIFEST
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))["files"][path.name]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return isinstance(listed, str) and listed == file_digest(path)
