"""Where things are, and the one error goverify raises about its input: `docs/index.md:42: message`."""

from __future__ import annotations

from dataclasses import dataclass

# Exit status of the command line, by what went wrong (cog's convention: the kind of failure decides it).
EXIT_OK = 0
EXIT_DISAGREES = 1  # the compiler disagrees with a page (or, with --strict, something could not be verified)
EXIT_USAGE = 2  # bad configuration, bad arguments, a missing toolchain: nothing was verified
EXIT_NEW_RELEASE_HOLDS = 3  # `goverify watch`: a new Go release, and every claim holds on it


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """A line a reader can open: `docs/index.md:42` (1-based)."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class GoverifyError(Exception):
    """Something wrong with goverify's input: a page, a command, a configuration option, a toolchain.

    Located when it can be (`file.md:LINE: message`); `status` is the exit status the command line returns when this
    error stops it. Pages collect these (they never stop a check half-way); configuration and toolchain errors are
    raised and turned into one line at the door (a PluginError in MkDocs, exit status 2 in the CLI). The only kind
    of it is `config.OptionError` (a bad option value, before the door names the file and option); everything else
    that goes wrong inside goverify is a return value (a `Refusal`, a `NotVerified`, a finding).
    """

    def __init__(self, message: str, location: Location | None = None, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.status = status

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GoverifyError) and (self.message, self.location) == (other.message, other.location)

    def __hash__(self) -> int:
        return hash((self.message, self.location))
