"""Programs for the sandbox: what an example's stated run command builds for wasip1, and the argv it runs with.

`go run main.go` builds `GOOS=wasip1 GOARCH=wasm go build -o prog.wasm main.go` and runs `prog.wasm` with the
program's arguments; `go test -v -run X` builds `go test -c -o prog.wasm` and runs it with `-test.v=true
-test.run=X` (what the go command passes to a test binary). The build is a runner job (`Job.keep`): hermetic,
cached, the standard library for wasip1 compiled once per release by the toolchain's GOCACHE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .command import Command
from .runner import Job
from .toolchains import Toolchain

PROGRAM = "prog.wasm"  # what the build leaves, kept by the runner
WASIP1 = (("GOOS", "wasip1"), ("GOARCH", "wasm"))


@dataclass(frozen=True)
class Program:
    """What to build and how to run it: a `package main`'s program or a package's test binary."""

    test: bool  # `go test`: a test binary (its argv are -test.* flags)
    files: tuple[str, ...] = ()  # the .go files named (go run main.go); none: the package in "."
    args: tuple[str, ...] = ()  # the guest's arguments after its name

    def build_command(self) -> Command:
        """The go command that builds it for wasip1 (never given to a shell: an argv)."""
        if self.test:
            argv = ("go", "test", "-c", "-o", PROGRAM, *self.files)
        else:
            argv = ("go", "build", "-o", PROGRAM, *self.files)
        return Command(" ".join(argv), argv, self.files, WASIP1, (), "test" if self.test else "build")

    def build_job(self, source: str, toolchain: Toolchain, file: str) -> Job:
        return Job(source, self.build_command(), toolchain, file, keep=PROGRAM)

    @property
    def argv(self) -> tuple[str, ...]:
        return ("prog.test" if self.test else "prog", *self.args)


# What a program may reach that the sandbox denies (its imports and calls), by the stable kind a disagreement of its
# output is then reported with (not verified, never a drift): the host's files (no directory is preopened), the
# network (Go's wasip1 net has no sockets), other processes (os/exec) and signals.
_DENIED = (
    ("sandbox-files", re.compile(r'\bos\.(?:Open|OpenFile|Create|ReadFile|WriteFile|ReadDir|Stat|Lstat|Mkdir'
                                 r'|MkdirAll|Remove|RemoveAll|Rename|Chdir|Getwd|CreateTemp|MkdirTemp|DirFS)\b'
                                 r'|"(?:io/ioutil|path/filepath|embed)"')),
    ("sandbox-network", re.compile(r'"net(?:/http|/rpc|/smtp)?"')),
    ("sandbox-exec", re.compile(r'"os/exec"|\bsyscall\.(?:Exec|ForkExec|StartProcess)\b|\bos\.StartProcess\b')),
    ("sandbox-signals", re.compile(r'"os/signal"|\bsyscall\.Kill\b|\.Signal\(')),
)


def denied(source: str) -> tuple[str, ...]:
    """The kinds of what the program reaches that the sandbox denies (DENIED's order), from its source."""
    return tuple(kind for kind, pattern in _DENIED if pattern.search(source))
