"""Load `.sql` files: strip comments, fill `${VAR}` placeholders, split on `;`, apply `SET`,
and keep `EXECUTE STATEMENT SET BEGIN ... END;` blocks whole."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SET = re.compile(r"^SET\s+'([^']+)'\s*=\s*'([^']*)'$", re.IGNORECASE | re.DOTALL)
_BEGIN = re.compile(r"^(EXECUTE\s+)?STATEMENT\s+SET\s+BEGIN\b", re.IGNORECASE)


class SqlFileError(Exception):
    """A `.sql` file that cannot be loaded; the message names the file and the fix."""


class SchemaMismatchError(SqlFileError):
    """A table's DDL does not match the policy; names the file, the column and the fix."""


@dataclass(frozen=True)
class Statement:
    """One statement of a file: `SET` statements carry their key and value."""

    text: str
    line: int
    set_key: str | None = None
    set_value: str | None = None


def strip_comments(text: str) -> str:
    """Remove `-- ...` and `/* ... */` comments outside string literals and quoted names."""
    out: list[str] = []
    i, n = 0, len(text)
    quote: str | None = None
    while i < n:
        c = text[i]
        if quote:
            out.append(c)
            if c == quote:
                if i + 1 < n and text[i + 1] == quote:  # doubled quote is an escaped quote
                    out.append(text[i + 1])
                    i += 1
                else:
                    quote = None
        elif c in ("'", "`", '"'):
            quote = c
            out.append(c)
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            # Keep the newlines so reported line numbers still match the file.
            chunk = text[i : n if end < 0 else end + 2]
            out.append("\n" * chunk.count("\n"))
            i = n if end < 0 else end + 2
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def fill_placeholders(text: str, variables: dict[str, str], source: str) -> str:
    missing = sorted({m.group(1) for m in _PLACEHOLDER.finditer(text)} - set(variables))
    if missing:
        names = ", ".join(missing)
        raise SqlFileError(
            f"{source}: no value for placeholder(s) {names}. Fix: define them under `vars:` "
            "in conf/maskstream.yaml or the environment profile conf/env/<env>.yaml"
        )
    # Values land inside quoted option values: double any quote so they cannot end the literal.
    return _PLACEHOLDER.sub(lambda m: variables[m.group(1)].replace("'", "''"), text)


def split_statements(text: str) -> list[tuple[str, int]]:
    """Split on `;` outside quotes; a statement set block stays one statement. Returns
    (statement, first line) pairs."""
    statements: list[tuple[str, int]] = []
    buf: list[str] = []
    quote: str | None = None
    line = start_line = 1
    in_block = False
    for c in text:
        if c == "\n":
            line += 1
        if quote:
            buf.append(c)
            if c == quote:
                quote = None
            continue
        if c in ("'", "`", '"'):
            quote = c
        if c == ";":
            current = "".join(buf).strip()
            if not in_block and _BEGIN.match(current):
                in_block = True
            if in_block and not re.search(r"\bEND$", current, re.IGNORECASE):
                buf.append(c)
                continue
            if current:
                statements.append((current, start_line))
            buf = []
            in_block = False
            start_line = line
            continue
        if not buf and c.isspace():
            start_line = line
            continue
        buf.append(c)
    tail = "".join(buf).strip()
    if tail:
        statements.append((tail, start_line))
    return statements


def load_sql_file(path: str | Path, variables: dict[str, str] | None = None) -> list[Statement]:
    """Read a `.sql` file into statements with placeholders filled."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SqlFileError(
            f"{path}: file not found. Fix: check the `sql_dir` of the profile"
        ) from None
    text = fill_placeholders(strip_comments(raw), variables or {}, str(path))
    result: list[Statement] = []
    for stmt, line in split_statements(text):
        match = _SET.match(stmt)
        if match:
            result.append(Statement(stmt, line, match.group(1), match.group(2)))
        else:
            result.append(Statement(stmt, line))
    return result


_OPTION = re.compile(r"'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'")


def table_options(statement: Statement) -> dict[str, str]:
    """The `'key' = 'value'` options of a CREATE TABLE statement's WITH clause."""
    parts = re.split(r"\bWITH\s*\(", statement.text, maxsplit=1, flags=re.IGNORECASE)
    with_clause = parts[1] if len(parts) == 2 else ""
    return {k.replace("''", "'"): v.replace("''", "'") for k, v in _OPTION.findall(with_clause)}


_CREATE_TABLE = re.compile(
    r"^(CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?)(`?)([A-Za-z0-9_]+)\2(?=[\s(])",
    re.IGNORECASE,
)


def renamed(statements: list[Statement], old: str, new: str, source: str) -> list[Statement]:
    """The statements with CREATE TABLE `old` creating `new` instead: one definition serves two
    tables (a masked topic's Iceberg copy is the Iceberg profile's masked table)."""
    out, found = [], False
    for statement in statements:
        match = _CREATE_TABLE.match(statement.text)
        if match and match.group(3) == old:
            found = True
            text = f"{match.group(1)}`{new}`{statement.text[match.end() :]}"
            out.append(Statement(text, statement.line))
        else:
            out.append(statement)
    if not found:
        raise SqlFileError(
            f"{source}: no CREATE TABLE `{old}` to define `{new}` from. Fix: keep the table's "
            f"name {old} in that file"
        )
    return out
