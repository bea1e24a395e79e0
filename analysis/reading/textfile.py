"""Reading a whole text file as UTF-8 with one clear message on failure.

Lexicons, imported dictionaries (LIWC, quanteda YAML, SentiWS, Rauh) and frame annotation files are
all read through :func:`read_utf8_text`: a missing or unreadable file and a file that is not UTF-8
raise the caller's error class with a message naming the file, the line and byte of the first bad
byte, and what is allowed (UTF-8 with or without byte-order mark). The text is returned in Unicode
NFC, so "ä" typed as "a" + combining diaeresis matches the precomposed "ä" of the lexicons.
(Corpus files are read by :mod:`analysis.reading.corpus`, which reports problems as rejected entries and goes
on instead of raising.)
"""

from __future__ import annotations

import unicodedata
from pathlib import Path


def read_utf8_text(path: str | Path, error: type[Exception], what: str, hint: str = "") -> str:
    """The text of ``path`` (UTF-8, a leading byte-order mark dropped, NFC-normalised).

    ``error`` is the exception class raised on failure, ``what`` names the kind of file in the
    message ("lexicon", "LIWC dictionary", ...), ``hint`` is appended to the not-UTF-8 message
    (e.g. how to convert the file)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"{what} {path} cannot be read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = (
            f"{path}, line {line}: {what} is not UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start}); "
            "allowed: UTF-8 with or without byte-order mark; save the file as UTF-8"
        )
        raise error(message + (f". {hint}" if hint else "")) from exc
    return unicodedata.normalize("NFC", text)
