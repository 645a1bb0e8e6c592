"""The compiler's reasons: `-m=2` prints, for each escaping value, the data flow that makes it escape.

The reasons run compiles the example with `-m` raised to `-m=2` and the package renamed so that nothing is linked
(a non-main package only compiles: the reasons cost one compile, not a build). Lines and columns are unchanged.
"""

from __future__ import annotations

import re

from .command import Command
from .diagnostics import normalize_file

_POSITION = re.compile(r"^(?P<file>\.?/?[^\s:]+\.go):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$")
_PACKAGE = re.compile(r"^(\s*package\s+)main\b", re.M)


def reasons_job_parts(source: str, command: Command) -> tuple[str, Command] | None:
    """(source, command) of the `-m=2` run, or None when the command does not ask for `-m`."""
    argv = list(command.argv)
    changed = False
    for i, arg in enumerate(argv):
        value_index = None
        if arg.startswith("-gcflags="):
            prefix, value = "-gcflags=", arg[len("-gcflags="):]
            value_index = i
        elif arg == "-gcflags" and i + 1 < len(argv):
            prefix, value = "", argv[i + 1]
            value_index = i + 1
        if value_index is None:
            continue
        new = re.sub(r"(?<![\w=])-m(?:=\d)?(?!\w)", "-m=2", value)
        if new != value:
            argv[value_index] = prefix + new
            changed = True
    if not changed:
        return None
    argv = [a for a in argv if a not in {"-o", "/dev/null"}]
    renamed = _PACKAGE.sub(r"\1goverifyreasons", source, count=1)
    text = " ".join(argv)
    return renamed, Command(f"{text}  (-m=2)", tuple(argv), command.source_file, command.needs_module)


def parse_reasons(output: str, source_file: str) -> dict[tuple[int, int], list[str]]:
    """(line, column) -> the `flow:`/`from` lines the compiler printed for that position."""
    name = normalize_file(source_file)
    found: dict[tuple[int, int], list[str]] = {}
    for raw in output.splitlines():
        m = _POSITION.match(raw.strip())
        if not m or normalize_file(m.group("file")) != name:
            continue
        rest = m.group("rest")
        if rest.startswith(" ") and rest.strip().startswith(("flow:", "from ")):
            found.setdefault((int(m.group("line")), int(m.group("col"))), []).append(rest.rstrip())
    return found
