#!/usr/bin/env python3
"""Check that every message in the English catalogue is translated.

Usage (from anywhere):

    python tinhso/locale/check_translations.py [path/to/django.po ...]

With no arguments it checks tinhso/locale/en/LC_MESSAGES/django.po next to this
script. Exits with status 1, listing the msgids, if any entry has an empty
msgstr (or an empty plural form) or is flagged fuzzy; status 2 if the file
cannot be read or parsed. Uses only the standard library.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PO = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"

_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def msgstrs(self) -> list[str]:
        return [v for k, v in self.fields.items() if k.startswith("msgstr")]


class ParseError(Exception):
    pass


def _unquote(token: str, path: Path, lineno: int) -> str:
    try:
        value = ast.literal_eval(token)
    except (SyntaxError, ValueError) as exc:
        raise ParseError(f"{path}:{lineno}: bad string literal {token!r}") from exc
    if not isinstance(value, str):
        raise ParseError(f"{path}:{lineno}: bad string literal {token!r}")
    return value


def parse_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry: Entry | None = None
    current: str | None = None

    def finish() -> None:
        nonlocal entry, current
        if entry is not None and "msgid" in entry.fields:
            entries.append(entry)
        entry, current = None, None

    text = path.read_text(encoding="utf-8")
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # previous msgid of an obsolete entry
                continue
        elif line.startswith("#"):
            # A comment after a complete entry starts the next one.
            if entry is not None and any(k.startswith("msgstr") for k in entry.fields):
                finish()
            if entry is None:
                entry = Entry(line=lineno)
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue

        match = _KEYWORD.match(line)
        if match:
            keyword, token = match.groups()
            starts_new = (
                keyword in ("msgctxt", "msgid")
                and entry is not None
                and (
                    any(k.startswith("msgstr") for k in entry.fields)
                    or (keyword == "msgid" and "msgid" in entry.fields)
                )
            )
            if starts_new:
                finish()
            if entry is None:
                entry = Entry(line=lineno)
            entry.obsolete = entry.obsolete or obsolete
            current = keyword
            entry.fields[keyword] = _unquote(token, path, lineno)
        elif line.startswith('"'):
            if entry is None or current is None:
                raise ParseError(f"{path}:{lineno}: continuation line outside an entry")
            entry.fields[current] += _unquote(line, path, lineno)
        else:
            raise ParseError(f"{path}:{lineno}: cannot parse {raw!r}")
    finish()
    return entries


def problems(entries: list[Entry]) -> list[tuple[Entry, str]]:
    found = []
    for e in entries:
        if e.obsolete:
            continue
        reasons = []
        if "fuzzy" in e.flags:
            reasons.append("fuzzy")
        if e.msgid == "":  # the header: only fuzziness matters
            if reasons:
                found.append((e, "header is fuzzy"))
            continue
        if not e.msgstrs:
            reasons.append("no msgstr")
        elif any(s == "" for s in e.msgstrs):
            reasons.append("empty msgstr")
        if reasons:
            found.append((e, ", ".join(reasons)))
    return found


def check(paths: list[Path]) -> tuple[int, list[tuple[object, str]]]:
    """Check every file; return the exit status and the lines to print, in order."""
    status = 0
    out: list[tuple[object, str]] = []
    for path in paths:
        try:
            entries = parse_po(path)
        except (OSError, UnicodeDecodeError, ParseError) as exc:
            out.append((sys.stderr, f"{path}: {exc}"))
            status = 2
            continue
        bad = problems(entries)
        total = sum(1 for e in entries if e.msgid and not e.obsolete)
        if bad:
            out.append((sys.stdout, f"{path}: {len(bad)} of {total} messages need attention:"))
            for e, reason in bad:
                out.append((sys.stdout, f"  line {e.line} [{reason}]: msgid {e.msgid!r}"))
            status = max(status, 1)
        else:
            out.append((sys.stdout, f"{path}: all {total} messages translated, none fuzzy."))
    return status, out


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [DEFAULT_PO]
    # Decide the status before printing, so that a reader that stops early
    # (``| head``) does not change it.
    status, out = check(paths)
    closed: set[int] = set()
    for stream, text in out:
        if id(stream) in closed:
            continue
        try:
            print(text, file=stream)
            stream.flush()
        except BrokenPipeError:
            # The reader went away (e.g. ``| head``): stop writing there, quietly.
            # Point the stream at devnull so that the interpreter's final flush
            # does not report the broken pipe again.
            closed.add(id(stream))
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
