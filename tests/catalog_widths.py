#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fails when a translation catalog holds an East-Asian-ambiguous-width character (○ ① ※ ─ ▀ █ ...)
in a msgstr: terminals set to "ambiguous = wide" would tear the screen (DESIGN.md §8). Also fails
when a catalog is missing or unreadable, or a msgstr is not valid UTF-8."""
import pathlib
import sys
import unicodedata


def strings(path):
    """Yields (line number, text) of every msgstr line and its continuation lines."""
    in_msgstr = False
    for n, raw in enumerate(path.read_bytes().split(b"\n"), 1):
        line = raw.decode("utf-8")  # raises on invalid UTF-8: a failure, as it should be
        if line.startswith("msgstr"):
            in_msgstr = True
            yield n, line[line.index('"'):]
        elif line.startswith('"') and in_msgstr:
            yield n, line
        else:
            in_msgstr = False


def main():
    folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "locale")
    catalogs = sorted(folder.glob("*.po"))
    if not catalogs:
        print(f"catalog_widths: no .po files in {folder}")
        return 1
    bad = 0
    checked = 0
    for po in catalogs:
        try:
            for n, text in strings(po):
                checked += 1
                for ch in text:
                    if ord(ch) > 0x7F and unicodedata.east_asian_width(ch) == "A":
                        print(f"{po}:{n}: U+{ord(ch):04X} {unicodedata.name(ch, '?')} is ambiguous-width")
                        bad += 1
        except UnicodeDecodeError as e:
            print(f"{po}: not UTF-8: {e}")
            bad += 1
    print(f"catalog_widths: {len(catalogs)} catalogs, {checked} msgstr lines, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
