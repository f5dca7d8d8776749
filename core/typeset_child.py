"""The child process of core/typeset.py: compile one Typst document and exit.

    python -I core/typeset_child.py TEMPLATE --fonts JSON --memory BYTES [--font-dir DIR]... [--tagged]

The data (JSON, UTF-8) comes on stdin and the PDF goes to stdout; on failure Typst's message (with
the template's file and line) goes to stderr and the exit status is 1. Run isolated (`-I`): neither
this folder nor the environment's PYTHON* variables change what is imported, and it imports nothing
of ours, only the standard library and `typst`. The memory bound is set before Typst is loaded.
Templates may read files only under their own folder (Typst's root), and only the fonts in the given
folders exist for them (no system or bundled fonts).
"""
from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Compile one Typst document: JSON on stdin, PDF on stdout.")
    parser.add_argument("template", type=Path)
    parser.add_argument("--fonts", default="[]", help="the font families as a JSON list, in order of preference")
    parser.add_argument("--font-dir", action="append", default=[], help="a folder of font files (repeatable)")
    parser.add_argument("--memory", type=int, required=True, help="bytes of address space the process may map")
    parser.add_argument("--tagged", action="store_true", help="write a tagged PDF (structure for screen readers)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Compile the template with the data on stdin; 0 and the PDF on stdout, or 1 and the message."""
    args = _arguments(argv)
    resource.setrlimit(resource.RLIMIT_AS, (args.memory, args.memory))
    import typst

    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=args.font_dir)
    template = args.template.resolve()
    compiler = typst.Compiler(str(template), root=str(template.parent), font_paths=fonts)
    data = sys.stdin.buffer.read().decode("utf-8")
    try:
        pdf = compiler.compile(format="pdf", sys_inputs={"data": data, "fonts": args.fonts}, pdf_tags=args.tagged)
    except typst.TypstError as error:
        sys.stderr.write(error.diagnostic or error.message)
        return 1
    if not isinstance(pdf, bytes):
        sys.stderr.write("the typesetter gave no PDF\n")
        return 1
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
