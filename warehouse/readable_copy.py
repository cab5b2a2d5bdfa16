"""A copy of an export that DuckDB's CSV reader reads line for line as the platform wrote it.

DuckDB reads UTF-8 and UTF-16 LE files whose lines all end the same way. An export in another encoding (UTF-16 BE,
Windows-1252) or whose lines end in more than one way (a preamble ending in LF above a table ending in CRLF, after an
editor or a script: DuckDB then reads no row at all, or fails) is first rewritten as UTF-8 with LF line ends. Each
line end of the file becomes one LF, so every line keeps its number in messages and in `raw` tables' `line`.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from connectors.export_layout import ExportLayout, line_ending_kinds

# The encodings DuckDB's reader is given directly, by its name for them.
DUCKDB_ENCODINGS = {"utf-8": "utf-8", "utf-16": "utf-16"}
COPY_ENCODING = "utf-8"
CHUNK_CHARACTERS = 1 << 20


def needs_copy(layout: ExportLayout) -> bool:
    return layout.encoding not in DUCKDB_ENCODINGS or layout.mixed_line_endings


def text_codec(path: Path, encoding: str) -> tuple[str, str]:
    """Python's codec and error handler for reading a file of this layout encoding as text (byte-order mark
    dropped)."""
    if encoding == "utf-8":
        return "utf-8-sig", "strict"
    if encoding == "utf-16":
        with open(path, "rb") as handle:
            return ("utf-16" if handle.read(2) == b"\xff\xfe" else "utf-16-le"), "strict"
    if encoding == "cp1252":
        return "cp1252", "latin1_fallback"
    return encoding, "strict"


def write_readable_copy(path: Path, encoding: str, folder: Path) -> Path:
    """The file rewritten as UTF-8 with one LF for each of its line ends (LF, CRLF or CR), in `folder`."""
    codec, errors = text_codec(path, encoding)
    handle, name = tempfile.mkstemp(suffix=".csv", dir=folder)
    with open(path, encoding=codec, errors=errors, newline=None) as source, open(
        handle, "w", encoding=COPY_ENCODING, newline="\n"
    ) as copy:
        first = source.read(1)
        copy.write(first.lstrip("\ufeff"))  # a UTF-16 BE byte-order mark is read as a character
        shutil.copyfileobj(source, copy, CHUNK_CHARACTERS)
    return Path(name)


def file_has_mixed_line_endings(path: Path, encoding: str) -> bool:
    """Whether the lines of the whole file end in more than one way (the head alone is checked when a layout is
    found; this reads everything, for a file the reader could not account for)."""
    codec, errors = text_codec(path, encoding)
    seen: set[str] = set()
    with open(path, encoding=codec, errors=errors, newline="") as source:
        carry = ""
        while chunk := source.read(CHUNK_CHARACTERS):
            text = carry + chunk
            text, carry = (text[:-1], "\r") if text.endswith("\r") else (text, "")
            seen |= line_ending_kinds(text)
            if len(seen) > 1:
                return True
        return len(seen | ({"CR"} if carry else set())) > 1
