"""Each bench owns one marked section of docs/benchmarks.md and rewrites only that."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def replace_section(start: str, end: str, section: str, doc: Path = DOC) -> None:
    """Put `section` (which begins with `start` and ends with `end`) in place of the old one."""
    doc.parent.mkdir(parents=True, exist_ok=True)
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")


def command_line(script: str, argv: list[str] | None) -> str:
    """How the bench was run, as the doc shows it."""
    return shlex.join(["python", script, *(sys.argv[1:] if argv is None else argv)])


def publish(start: str, end: str, section: str, *, print_only: bool) -> None:
    """Print the section (`--no-doc`) or put it in the doc."""
    if print_only:
        print(section)
    else:
        replace_section(start, end, section)
