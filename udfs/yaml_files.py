"""Reading the YAML files a user writes (policies, config): every way a file can be unreadable
becomes one message naming the file, where in it, and the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YamlFileError(ValueError):
    """A YAML file that cannot be read; the message names the file's problem and the fix (the
    caller adds the file's path)."""


def read_yaml(path: Path) -> Any:
    """The parsed document of `path` (None for an empty file)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise YamlFileError("file not found. Fix: check the path") from None
    except IsADirectoryError:
        raise YamlFileError("is a folder. Fix: give the path of a .yaml file") from None
    except OSError as e:
        raise YamlFileError(f"cannot be read ({e.strerror}). Fix: check its permissions") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise YamlFileError(
            f"not UTF-8 (byte 0x{data[e.start]:02x} at line {line}). Fix: save the file as "
            "UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None)
        detail = f" ({problem})" if problem else ""
        raise YamlFileError(
            f"not valid YAML{where}{detail}. Fix: check indentation and quoting"
        ) from None
    except RecursionError:
        raise YamlFileError(
            "nested too deeply to read. Fix: a policy or config needs a few levels of nesting; "
            "check for runaway brackets"
        ) from None
