"""Printed documents: a Typst template under templates/print/ set with JSON data, as PDF bytes.

`print_document("meeting.typ", data)` is the one way a feature prints (the meeting report today;
notices, self-assessments and payroll ledgers next). The template lays the page out and imports the
house style (templates/print/liandong.typ); the data is a JSON-ready mapping whose words are
already translated and whose money is already formatted. It reaches the template as one JSON string
and is placed as text, so nothing a user typed is ever read as markup.

Each document is compiled in a short-lived child process (core/typeset_child.py):

- Typst memoizes its work across compiles and keeps it for the next ten, so a server process that
  printed ten meeting reports would hold ~350 MB more until ten further compiles pushed it out; a
  child returns all of it when it exits.
- A child can be bounded: it is killed after `TIMEOUT_SECONDS` and may map at most `MEMORY_BYTES`.
- A Typst compiler is mutable state (one thread at a time); children need no lock.

It costs a Python start and a font book, ~0.05-0.1 s on top of the compile. The fonts are the
charts' own (core/fonts.py), given as folders with the families in order of preference, so a
document and its charts are set in the same font and no other font on the server changes a page.
Typst subsets each font it used into the PDF with a ToUnicode map: Chinese stays selectable and
searchable, and subsetting costs milliseconds, so nothing is cached here (callers cache documents).
The same data gives the same bytes (no date in the document). Tagged PDF (structure for screen
readers) is off unless asked for: it makes a report with charts ~2.7 times bigger.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.fonts import document_fonts

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "print"
CHILD = Path(__file__).resolve().with_name("typeset_child.py")
TIMEOUT_SECONDS = 60.0  # the county's meeting report takes ~0.4 s; a compile still running at 60 s is stuck
MEMORY_BYTES = 1024**3  # address space of the child; the county's meeting report needs ~0.25 GB
MESSAGE_CHARS = 4000  # characters of the child's message kept in the error
# The child needs none of the server's settings (keys, database URL); a Rust panic gives its message,
# not its stack.
_CHILD_ENVIRONMENT = {"PATH": os.environ.get("PATH", os.defpath), "LC_ALL": "C.UTF-8", "RUST_BACKTRACE": "0"}


class TypesetError(RuntimeError):
    """A document could not be printed: Typst's message (with the template's file and line), a
    compile that ran out of time or memory, or a template that does not exist."""


def print_document(template_name: str, data: Mapping[str, Any], *, folder: Path = TEMPLATES,
                   timeout: float = TIMEOUT_SECONDS, memory_bytes: int = MEMORY_BYTES,
                   tagged: bool = False) -> bytes:
    """`data` set in the template `template_name` of `folder` (e.g. "meeting.typ"), as PDF bytes.

    Raises TypesetError when the template fails, takes longer than `timeout` seconds or needs more
    than `memory_bytes`; TypeError/ValueError when `data` is not JSON (dates and NaN included)."""
    template = _template_path(folder, template_name)
    payload = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    families, font_dirs = document_fonts()
    command = [sys.executable, "-I", str(CHILD), str(template), "--fonts", json.dumps(families),
               "--memory", str(memory_bytes), *(arg for folder_ in font_dirs for arg in ("--font-dir", folder_))]
    if tagged:
        command.append("--tagged")
    try:
        done = subprocess.run(command, input=payload.encode(), capture_output=True, timeout=timeout, check=False,
                              env=_CHILD_ENVIRONMENT)
    except subprocess.TimeoutExpired as error:
        raise TypesetError(f"{template_name}: no PDF after {timeout:g} s; the compile was stopped") from error
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF-"):
        raise TypesetError(f"{template_name}: {_failure(done.returncode, done.stderr, memory_bytes)}")
    return done.stdout


def _template_path(folder: Path, name: str) -> Path:
    """The template file `name` directly in `folder` (a bare file name: nothing outside it is read)."""
    path = folder / name
    if Path(name).name != name or not path.is_file():
        raise TypesetError(f"no print template {name!r} in {folder}")
    return path


def _failure(returncode: int, stderr: bytes, memory_bytes: int) -> str:
    """What went wrong in the child, in words: Typst's message, or how the process ended."""
    message = stderr.decode(errors="replace").strip()[:MESSAGE_CHARS]
    if returncode < 0:  # a signal: an allocation beyond the memory bound aborts the process (SIGABRT)
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else str(-returncode)
        return (f"the typesetter was stopped by {name} (it may map {memory_bytes // 2**20} MB; "
                f"out of memory?): {message}")
    return message or f"the typesetter exited with status {returncode} and no PDF"
