#!/usr/bin/env python3
"""Check that every message in the English catalogue is translated.

Usage (from anywhere):

    python tinhso/locale/check_translations.py [path/to/django.po ...]

With no arguments it checks tinhso/locale/en/LC_MESSAGES/django.po next to this
script. Exits with status 1, listing the msgids, if any entry has an empty
msgstr (or an empty plural form) or is flagged fuzzy; status 2 if the file
cannot be read or parsed. Reads the catalogue with polib (a dev dependency).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

import polib

DEFAULT_PO = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"


def problems(catalogue: polib.POFile) -> list[tuple[polib.POEntry | None, str]]:
    """(entry, reason) for every live message that is not ready; None is the header."""
    found: list[tuple[polib.POEntry | None, str]] = []
    if catalogue.metadata_is_fuzzy:
        found.append((None, "header is fuzzy"))
    for e in catalogue:
        if e.obsolete:
            continue
        reasons = []
        if e.fuzzy:
            reasons.append("fuzzy")
        msgstrs = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        if not msgstrs:
            reasons.append("no msgstr")
        elif any(s == "" for s in msgstrs):
            reasons.append("empty msgstr")
        if reasons:
            found.append((e, ", ".join(reasons)))
    return found


def check(paths: list[Path]) -> tuple[int, list[tuple[TextIO, str]]]:
    """Check every file; return the exit status and the lines to print, in order."""
    status = 0
    out: list[tuple[TextIO, str]] = []
    for path in paths:
        try:
            catalogue = polib.pofile(str(path), encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # polib: OSError on bad syntax
            out.append((sys.stderr, f"{path}: {exc}"))
            status = 2
            continue
        bad = problems(catalogue)
        total = sum(1 for e in catalogue if e.msgid and not e.obsolete)
        if bad:
            out.append((sys.stdout, f"{path}: {len(bad)} of {total} messages need attention:"))
            for e, reason in bad:
                if e is None:
                    out.append((sys.stdout, f"  header [{reason}]"))
                else:
                    out.append((sys.stdout, f"  line {e.linenum} [{reason}]: msgid {e.msgid!r}"))
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
