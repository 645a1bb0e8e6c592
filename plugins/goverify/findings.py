"""What goverify has to tell an author, as data: each record is located, carries what the compiler said as
`Diagnostic`s, and has a severity. Text is made from these in `report.py` (and `render.py` for the page), nowhere
else; nothing reads a message back.

Severity decides what happens:
- ERROR: the compiler disagrees with the page (or the page cannot be read): the build fails, the CLI exits 1;
- WARNING: something the page states cannot be verified, and why (`mkdocs build --strict` and `--strict` fail);
- NOTE: said for completeness (a Go block not compiled, a constant line offset forgiven).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import GoverifyError, Location
from .output import Diagnostic

ERROR = "error"
WARNING = "warning"
NOTE = "note"


@dataclass(frozen=True)
class Skipped:
    """A Go block that is not compiled, and why (`reason`, one of NOT_COMPILED): `fragment-without-claims` (no package
    clause, and neither output nor claims), `relisting` (it repeats lines of example `example`), `skip-option`
    (goverify=skip); or a Go block in a form goverify does not read, `markup` being what marks it as written:
    `code-elsewhere` (a shortcode or tag that brings the code from another file or site: `{{< gist ... >}}`,
    `{{< readfile file="x.go" >}}`), `html-code` (an HTML `<pre>`), `indented-code` (an indented code block)."""

    location: Location
    reason: str
    example: int | None = None
    markup: str = ""
    severity = NOTE


# Why what a program printed is not verified (the run stage, runstage.py): the sandbox stopped it (a limit), or it
# reaches what the sandbox denies, or depends on the machine, or prints differently each run.
RUN_NOT_VERIFIED = ("sandbox-timeout", "sandbox-memory", "sandbox-stack", "sandbox-output", "sandbox-trap",
                    "sandbox-crash", "sandbox-unavailable", "sandbox-files", "sandbox-network", "sandbox-exec",
                    "sandbox-signals", "machine-dependent", "unsafe-memory", "address-equality", "varying-output",
                    "sandbox-build-fails", "sandbox-build-timeout")
# Why something is not verified (`NotVerified.reason`), each a stable kind the JSON report carries, in the order the
# text report counts them (plugins/docs/kinds.md).
NOT_VERIFIED = ("fragment-unfit", "fragment-does-not-compile", "does-not-compile", "non-std-import", "runs-code",
                "run-shell", "refused", "cgo", "program-output", "other-file", "no-example", "claim-unread",
                "claim-subject-absent", "timed-out", *RUN_NOT_VERIFIED)
# Why a Go block is not compiled (`Skipped.reason`).
NOT_COMPILED = ("fragment-without-claims", "relisting", "skip-option", "code-elsewhere", "html-code", "indented-code")


@dataclass(frozen=True)
class NotVerified:
    """Something the page states that goverify cannot verify, and why (`reason`, one of NOT_VERIFIED):

    - `fragment-unfit`: no header puts the fragment's written lines where the compiler reports them (`detail`: the
      header size they would need, when less than one line; `outside`: a written line that falls outside the
      fragment compiled with declarations of the page's earlier fences);
    - `fragment-does-not-compile`: the fragment does not compile with its header (`header`, described) and what it
      borrows from the page's earlier fences (`fences`, their lines), if anything; `errors`;
    - `does-not-compile`: an example that claims nothing does not compile (`errors`), or one that claims something
      does not compile on some releases, where its claims are not checked (`detail` says how many, and where);
    - `timed-out`: the compile of an example with claims timed out on some releases (`detail`, as above);
    - `non-std-import`: the example imports `detail`, a package outside the standard library (nothing is downloaded);
    - `runs-code`: the command would run code (`detail` is why); `run-shell`: it runs the program through shell the
      sandbox does not reproduce (a pipe, a redirection, an expansion: `detail`); `refused`: it is unsafe or unknown
      (`detail`);
    - `cgo`: the example imports "C"; `program-output`: the block shows what the program or its tests print;
    - `other-file`: the output names `file`, the example is written as `example_file`;
    - `no-example`: compiler output with no example before it;
    - `claim-unread`: a comment that starts as a diagnostic does (`detail`) but that the claim grammar cannot read;
    - `claim-subject-absent`: a claim in a comment alone on its line names `detail`, which the code of its function
      does not hold (prose about the code, `// string escapes to heap`, not what the compiler prints of a line).
    """

    location: Location
    reason: str
    command: str = ""
    detail: str = ""
    file: str = ""
    example_file: str = ""
    errors: tuple[Diagnostic, ...] = ()
    release: str = ""
    header: str = ""
    fences: tuple[int, ...] = ()
    outside: Diagnostic | None = None
    differences: tuple = ()  # a run's: runout's `Difference`s on `release`, the page's lines against the sandbox's
    severity = WARNING


@dataclass(frozen=True)
class FormatChange:
    """A line written in an older compiler's words: which changes (name, the Go release it came with), and the
    message in today's words when the compiler prints it at that line ("" when it prints nothing like it)."""

    changes: tuple[tuple[str, str], ...]
    modern: str


@dataclass(frozen=True)
class Said:
    """What one release printed instead of a claim: the nearest line in the claim's function, if any, and the
    compiler's `-m=2` data flow for that line's position."""

    release: str
    nearest: Diagnostic | None
    flow: tuple[str, ...] = ()
    also: tuple[Diagnostic, ...] = ()  # the rest of what it prints on the claim's line


@dataclass(frozen=True)
class ClaimFails:
    """A comment claim that does not hold on some release in its scope."""

    location: Location
    message: str
    scope: str  # as written, "" when unscoped
    holds: tuple[str, ...]  # releases where it holds
    fails: tuple[Said, ...]
    releases: tuple[str, ...]  # every release that ran
    fix_hint: str
    silent: str = ""  # a variable the claim says does not escape, of which the compiler says nothing at all
    unstated: str = ""  # the command that ran when the page states none (goverify's default)
    inherited: tuple[str, Location, str] | None = None  # the command that ran, stated elsewhere: where, and its origin
    compiles_since: str = ""  # a compile error claimed of code that compiles from this release on
    change: FormatChange | None = None  # a compile error claimed in an older release's words
    severity = ERROR


@dataclass(frozen=True)
class ProseSaid:
    release: str
    about: tuple[Diagnostic, ...]  # what the compiler said about the subject
    reported: tuple[Diagnostic, ...]  # when nothing: what it did report as escaping
    flow: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProseClaimFails:
    location: Location
    claim: str  # the directive as written (`s` escapes (go1.25+))
    example: int
    subject: str
    negative: bool
    holds: tuple[str, ...]
    fails: tuple[ProseSaid, ...]
    in_scope: tuple[str, ...]
    severity = ERROR


@dataclass(frozen=True)
class ScopeProblem:
    """A claim's version scope that cannot be verified: it names a release newer than the matrix (`bound`), or
    selects none of it."""

    location: Location
    claim: str
    scope: str
    bound: str  # "" when the scope selects no release of the matrix
    matrix: tuple[str, ...]
    severity = ERROR


@dataclass(frozen=True)
class LineMissing:
    """A line of an output block that the compiler no longer prints (after the block's constant line offset)."""

    location: Location  # the line in the block
    written: Diagnostic
    release: str
    command: str  # what ran
    offset: int  # the block's constant line offset (0: none)
    nearest: Diagnostic | None  # what the compiler prints at that line instead
    change: FormatChange | None = None
    printed_by: tuple[str, ...] = ()  # older releases of the matrix that still print it
    diff: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # (written, printed), on a block's first missing line
    fix_hint: str = ""
    unstated: bool = False  # the page states no command for this block: goverify's default ran
    inherited: tuple[str, Location, str] | None = None  # the command that ran, stated elsewhere: where, and its origin
    compiles_since: str = ""  # a compile error the block shows, of code that compiles from this release on
    severity = ERROR


@dataclass(frozen=True)
class HoldsByAbsence:
    """`NAME does not escape` of a variable of the claim's function that the compiler says nothing about there (it
    prints `does not escape` for parameters and values it allocates, `moved to heap: NAME` for a variable that
    escapes): the claim holds on `releases` because nothing says NAME escapes."""

    location: Location
    message: str
    name: str
    function: str  # the function's first line, as written ("" outside any)
    releases: tuple[str, ...]
    severity = NOTE


@dataclass(frozen=True)
class Offset:
    """An output block whose lines all hold at a constant line offset: taken from a longer file."""

    location: Location
    offset: int
    file: str
    severity = NOTE


@dataclass(frozen=True)
class CompileFails:
    """The example does not compile on a release (and its output block does not show it)."""

    location: Location  # the Markdown line of the first Go line the compiler names
    release: str
    command: str
    returncode: int
    errors: tuple[Diagnostic, ...]
    unpositioned: tuple[str, ...]
    has_output: bool
    severity = ERROR


@dataclass(frozen=True)
class TimedOut:
    location: Location
    release: str
    command: str
    severity = ERROR


@dataclass(frozen=True)
class NoResult:
    """No shard result for an example on some releases: its source or command changed since the shards."""

    location: Location
    releases: tuple[str, ...]
    severity = ERROR


@dataclass(frozen=True)
class Problem:
    """A located error about the page itself (snippet missing, unclosed fence, cgo, refused command, parity)."""

    error: GoverifyError
    detail: tuple[str, ...] = ()
    severity = ERROR

    @property
    def location(self) -> Location:
        assert self.error.location is not None
        return self.error.location


@dataclass(frozen=True)
class RunSaid:
    """What one release's program printed where the page's output block differs: the differing lines (runout's
    `Difference`s and `BenchmarkDifference`s) and all it printed (what the page would show)."""

    release: str
    differences: tuple = ()
    benchmarks: tuple = ()
    printed: str = ""
    addresses: bool = False  # the differences are only in which addresses are equal (runout's `addresses`)


@dataclass(frozen=True)
class RunDiffers:
    """An output block of `go run`/`go test` that the program, run in the sandbox on the release it speaks for,
    does not print."""

    location: Location  # the block
    command: str  # as stated
    written: str  # the block's lines, as compared
    fails: tuple[RunSaid, ...]  # the release it speaks for (and any other release that differs the same way)
    holds: tuple[str, ...]  # releases of the matrix where it holds
    fix_hint: str = ""
    header: str = ""  # the header goverify fitted to a fragment to run it (described), "" for a complete program
    severity = ERROR


@dataclass(frozen=True)
class RunNote:
    """Said of an output block that holds: what was not compared, by design (`kind`): `benchmark-figures` (ns/op,
    iterations, MB/s; allocations measured with GOMAXPROCS=1), `varying-lines` (they differ between two runs),
    `unordered` (the same lines in another order); and of a block after a complete program that the prose does not
    call its output and that the program does not print: `not-called-output` (not taken as its output); of a block
    whose command writes files the sandbox has no directory for (`-memprofile mem.out`): `flags-dropped` (`flags`,
    run without them; they change neither the output nor B/op and allocs/op)."""

    location: Location
    command: str
    kind: str
    lines: tuple[int, ...] = ()
    flags: tuple[str, ...] = ()  # `flags-dropped`: the stated flags the run went without
    severity = NOTE


Finding = (Skipped | NotVerified | ClaimFails | ProseClaimFails | ScopeProblem | LineMissing | Offset | CompileFails
           | TimedOut | NoResult | Problem | RunDiffers | RunNote | HoldsByAbsence)


@dataclass
class Tally:
    """Counts for the summary line."""

    examples: int = 0
    claims: int = 0
    prose: int = 0
    outputs: int = 0
    corrected: int = 0
    skipped: int = 0
    not_verified: int = 0
    errors: int = 0
    hints: list[Location] = field(default_factory=list)
