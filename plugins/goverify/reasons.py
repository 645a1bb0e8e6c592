"""The compiler's reasons: `-m=2` prints, for each escaping value, the data flow that makes it escape.

The reasons run compiles the example with `-m` raised to `-m=2` and the package renamed so that nothing is linked
(a non-main package only compiles: the reasons cost one compile, not a build). Lines and columns are unchanged.
"""

from __future__ import annotations

import functools
import posixpath
import re

from .command import Command

# `./main.go:6:2:   flow: ~r0 ← &p:` and `./main.go:6:2:     from &p (address-of) at ./main.go:7:9`
_FLOW = re.compile(r"^\s*(?P<path>[^\s:]+\.go):(?P<line>\d+):(?P<col>\d+):\s{2,}(?P<message>(?:flow:|from ).*)$", re.M)
_PACKAGE = re.compile(r"^(\s*package\s+)main\b", re.M)


@functools.lru_cache(maxsize=4096)
def reasons_job_parts(source: str, command: Command) -> tuple[str, Command] | None:
    """(source, command) of the `-m=2` run, or None when the command does not ask for `-m`, or asks for `-m=2` or
    more already (its own output has the flow lines)."""
    flags = command.compiler_flags()
    level = sum(int(f[3:]) if f.startswith("-m=") else 1 for f in flags if f == "-m" or f.startswith("-m="))
    if command.argv[1] == "vet" or level >= 2:
        return None
    argv = list(command.argv)
    changed = False
    if command.subcommand == "compile":  # go tool compile FLAGS FILES
        argv = [re.sub(r"^-m(?:=\d)?$", "-m=2", a) for a in argv]
        changed = argv != list(command.argv)
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
    if command.subcommand != "compile":
        argv = [a for a in argv if a not in {"-o", "/dev/null"}]
    renamed = _PACKAGE.sub(r"\1goverifyreasons", source, count=1) if command.argv[1] == "build" else source
    return renamed, Command(f"{command.stated}  (-m=2)", tuple(argv), command.files, command.env, (),
                            command.subcommand)


@functools.lru_cache(maxsize=4096)
def parse_reasons(output: str, file: str) -> dict[tuple[int, int], tuple[str, ...]]:
    """(line, column) -> the `flow:`/`from` lines the compiler printed for that position of `file` (base name)."""
    found: dict[tuple[int, int], list[str]] = {}
    for m in _FLOW.finditer(output):
        if posixpath.basename(m.group("path")) == file:
            found.setdefault((int(m.group("line")), int(m.group("col"))), []).append(m.group("message").rstrip())
    return {position: tuple(lines) for position, lines in found.items()}
