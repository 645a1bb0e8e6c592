"""How the output a page shows is compared with what a program printed in the sandbox: pure functions, no I/O.

Read as the author meant it (Go's own `testing/example.go` compares `// Output:` the same way, after trimming):

- **Program output** is compared line by line, each line's leading and trailing spaces and blank lines at either
  end trimmed (a page's lines are read stripped). A line `...`
  (or `…`) in the page stands for any lines. Lines that differ between two runs in the sandbox (map order, rand,
  time) are not compared: they are `varying`. Output whose lines are the same set in another order holds
  `unordered` when the program may print in another order (it ranges over a map or starts goroutines), as Go's
  `// Unordered output:` does.
- **Masks** (MASKS), applied to both sides before comparing, each for what depends on the machine, the scheduler or
  the moment, never on the program: addresses (`0xc000012345`), a trace's code offsets (`+0x1d`), arguments
  (`main.f(0xc000010000?)`), goroutine numbers and directories (`/home/me/x/main.go:12` is `main.go:12`),
  durations (`1.5ms`, `(0.00s)`), dates and times, the package path and time of `go test`'s `ok`/`FAIL` line; a
  `[signal SIGSEGV ...]` line (the sandbox has no signals) and the `goos:`/`goarch:`/`pkg:`/`cpu:` lines of
  benchmarks are not compared, nor the GOMAXPROCS suffix of a benchmark's name (`-8`).
- **Benchmarks** are compared by name: B/op and allocs/op exactly; ns/op, iteration counts and MB/s never (the
  sandbox is not the author's machine).

A `Comparison` is data: which lines of the page differ from which lines of the run, which vary, which rules it
needed. Text is made by the report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

ELISION = {"...", "…", "....", "[...]"}

# (name, pattern, replacement): the name is what docs/sandbox.md and the tests call the rule (a rule may take two
# patterns: `time` masks dates with their times, then times alone).
MASKS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("trace-offset", re.compile(r"(\.(?:go|s):\d+) \+0x[0-9a-f]+"), r"\1 +0x?"),
    ("trace-arguments", re.compile(r"^([\w.*/()\[\]-]+)\((?:0x[0-9a-f]+\??|\{[^}]*\}|\.\.\.|, )+\)$"), r"\1(...)"),
    ("goroutine-id", re.compile(r"\bgoroutine \d+( \[|$)"), r"goroutine N\1"),
    ("address", re.compile(r"\b0x[0-9a-f]{5,}\b"), "0x?"),
    ("directory", re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[/\\][\w.@+~-]+)+[/\\]([\w.-]+\.(?:go|s):\d+)"), r"\1"),
    ("time", re.compile(r"\b\d{4}[-/]\d\d[-/]\d\d(?:[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"
                             r"(?: [+-]\d{4})?(?: [A-Z]{3,5})?(?: m=[+-]\d+\.\d+)?)?"), "<time>"),
    ("time", re.compile(r"\b\d\d:\d\d:\d\d(?:\.\d+)?\b"), "<time>"),
    ("duration", re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:h\d+m)?(?:m\d+(?:\.\d+)?)?(?:ns|µs|μs|us|ms|s|m|h)\b"),
     "<duration>"),
    ("test-status", re.compile(r"^(ok|FAIL|\?)(\s+)\S+(\s+)(?:<duration>|\d+\.\d+s|\(cached\)|\[no test files\])"),
     r"\1\2<package>\3<duration>"),
)
# Lines never compared: the machine's, not the program's.
UNCOMPARED = re.compile(r"^(?:goos|goarch|pkg|cpu): |^\[signal ")
_BENCHMARK = re.compile(r"^(?P<name>Benchmark\S*?)(?:-(?P<procs>\d+))?\s+(?P<n>\d+)\s+(?P<ns>[\d.]+) ns/op"
                        r"(?P<rest>.*)$")
_METRIC = re.compile(r"([\d.]+) (B/op|allocs/op|MB/s)")


def mask(line: str, rules: Sequence[str] | None = None) -> str:
    """The line with the masks applied (all, or the named `rules`), trailing spaces dropped."""
    for name, pattern, replacement in MASKS:
        if rules is None or name in rules:
            line = pattern.sub(replacement, line)
    return line.rstrip()


def lines_of(text: str, rules: Sequence[str] | None = None) -> list[str]:
    """The lines compared: masked, the uncompared dropped, a benchmark's result reduced to its name (its figures
    are compared by `compare_benchmarks`), blank lines at either end trimmed."""
    lines = [_benchmark_name(line) or mask(line.strip(), rules) for line in text.replace("\r\n", "\n").split("\n")
             if not UNCOMPARED.match(line.strip())]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


@dataclass(frozen=True)
class Difference:
    """A line of the page (its index in the block, None: missing from the page) against the run's."""

    index: int | None
    claimed: str
    actual: str


@dataclass(frozen=True)
class Comparison:
    """How a page's output compares with the runs: holds, or the differing lines; what could not be compared."""

    holds: bool
    differences: tuple[Difference, ...] = ()
    varying: tuple[int, ...] = ()  # page lines not compared: they differ between two runs
    unordered: bool = False  # held only as a set of lines (map order, goroutines)
    all_varying: bool = False  # the runs differ in their number of lines: nothing can be compared


def _matches(claimed: list[str], actual: list[str], skip: set[int]) -> bool:
    """`claimed` (with `...` lines) matches `actual`, lines in `skip` of claimed matching anything."""
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if (i, j) in memo:
            return memo[i, j]
        if i == len(claimed):
            found = j == len(actual)
        elif claimed[i].strip() in ELISION:
            found = any(go(i + 1, k) for k in range(j, len(actual) + 1))
        else:
            found = j < len(actual) and (i in skip or claimed[i] == actual[j]) and go(i + 1, j + 1)
        memo[i, j] = found
        return found

    return go(0, 0)


def _differences(claimed: list[str], actual: list[str], skip: set[int]) -> tuple[Difference, ...]:
    """The page's lines that do not match, pairing lines in order (after the elisions, the run's lines that
    remain)."""
    found = []
    j = 0
    for i, line in enumerate(claimed):
        if line.strip() in ELISION:
            rest = len(claimed) - i - 1
            j = max(j, len(actual) - rest)
            continue
        other = actual[j] if j < len(actual) else ""
        if i not in skip and line != other:
            found.append(Difference(i, line, other))
        j += 1
    found.extend(Difference(None, "", line) for line in actual[j:])
    return tuple(found)


def compare_output(claimed: str, runs: Sequence[str], may_reorder: bool, rules: Sequence[str] | None = None
                   ) -> Comparison:
    """The page's output against what the sandbox printed in two (or more) runs of the same program (`rules`: the
    masks applied, all by default)."""
    want = lines_of(claimed, rules)
    got = [lines_of(run, rules) for run in runs]
    first = got[0]
    if any(len(other) != len(first) for other in got[1:]):
        return Comparison(_matches(want, first, set()), all_varying=True)
    if may_reorder and all(sorted(other) == sorted(first) for other in got[1:]) and \
            not any(w.strip() in ELISION for w in want):
        # The runs print the same lines, perhaps in another order: compared as a set (Go's `// Unordered output:`).
        if want == first:
            return Comparison(True)
        if sorted(want) == sorted(first):
            return Comparison(True, unordered=True)
        return Comparison(False, _unordered_differences(want, first), unordered=True)
    varying_actual = {j for j in range(len(first)) if any(other[j] != first[j] for other in got[1:])}
    # A varying line of the run makes the page's line at the same place uncompared (without elisions they align).
    skip = {i for i in varying_actual if i < len(want)} if not any(w.strip() in ELISION for w in want) else set()
    if varying_actual and any(w.strip() in ELISION for w in want):
        return Comparison(_matches(want, first, set()), all_varying=True)
    if _matches(want, first, skip):
        return Comparison(True, varying=tuple(sorted(skip)))
    return Comparison(False, _differences(want, first, skip), tuple(sorted(skip)))


def _unordered_differences(want: list[str], got: list[str]) -> tuple[Difference, ...]:
    """The page's lines the run does not print (as many times), and the run's lines the page lacks."""
    left = list(got)
    missing = []
    for i, line in enumerate(want):
        if line in left:
            left.remove(line)
        else:
            missing.append(Difference(i, line, ""))
    return (*missing, *(Difference(None, "", line) for line in left))


@dataclass(frozen=True)
class Benchmark:
    """One result line of `go test -bench`: what is compared (name, B/op, allocs/op) and what never is."""

    name: str  # without the -N GOMAXPROCS suffix
    bytes_per_op: str | None  # as printed ("32"), None without -benchmem
    allocs_per_op: str | None
    line: int  # index in its block
    iterations: int = 0


def _benchmark_name(line: str) -> str | None:
    m = _BENCHMARK.match(line.strip())
    return m.group("name") if m else None


def parse_benchmarks(text: str) -> list[Benchmark]:
    found = []
    for index, line in enumerate(text.split("\n")):
        m = _BENCHMARK.match(line.strip())
        if m:
            metrics = {unit: value for value, unit in _METRIC.findall(m.group("rest"))}
            found.append(Benchmark(m.group("name"), metrics.get("B/op"), metrics.get("allocs/op"), index,
                                   int(m.group("n"))))
    return found


@dataclass(frozen=True)
class BenchmarkDifference:
    name: str
    claimed: Benchmark
    actual: Benchmark | None  # None: the run has no benchmark of that name


# Below this many iterations, B/op shows one-off allocations of the runtime and the testing package (a few KB over
# a thousand iterations: 16 B/op printed as 21 natively, at -benchtime 1000x), so only allocs/op is compared.
STEADY_ITERATIONS = 100_000


def _pairs(claimed: str, actual: str) -> list[tuple[Benchmark, Benchmark | None]]:
    """Each benchmark of the page with the run's of the same name, the k-th with the k-th (-count)."""
    ran: dict[str, list[Benchmark]] = {}
    for bench in parse_benchmarks(actual):
        ran.setdefault(bench.name, []).append(bench)
    seen: dict[str, int] = {}
    pairs = []
    for bench in parse_benchmarks(claimed):
        k = seen[bench.name] = seen.get(bench.name, -1) + 1
        others = ran.get(bench.name, [])
        pairs.append((bench, others[min(k, len(others) - 1)] if others else None))
    return pairs


def compare_benchmarks(claimed: str, actual: str) -> tuple[BenchmarkDifference, ...]:
    """The page's benchmarks whose B/op or allocs/op differ from the run's (only what the page shows is compared;
    a benchmark the page shows without -benchmem figures is compared by name only; B/op only at a steady
    iteration count)."""
    found = []
    for bench, other in _pairs(claimed, actual):
        steady = min(bench.iterations, other.iterations if other else 0) >= STEADY_ITERATIONS
        compared = [(bench.allocs_per_op, other.allocs_per_op if other else None)]
        if steady:
            compared.append((bench.bytes_per_op, other.bytes_per_op if other else None))
        if other is None or any(mine is not None and mine != theirs for mine, theirs in compared):
            found.append(BenchmarkDifference(bench.name, bench, other))
    return tuple(found)


def fix_benchmarks(claimed: str, actual: str) -> str:
    """The page's block with each benchmark's B/op and allocs/op as the run measured them; the author's times,
    iteration counts and everything else untouched."""
    lines = claimed.split("\n")
    for bench, other in _pairs(claimed, actual):
        if other is None:
            continue
        line = lines[bench.line]
        for unit, value in (("B/op", other.bytes_per_op), ("allocs/op", other.allocs_per_op)):
            if value is None:
                continue
            line = re.sub(r"(\s*)([\d.]+)( " + re.escape(unit) + ")",
                          lambda m, v=value: _aligned(m.group(1), m.group(2), v) + m.group(3), line, count=1)
        lines[bench.line] = line
    return "\n".join(lines)


def _aligned(space: str, old: str, new: str) -> str:
    """`new` where `old` was, right-aligned in the same columns (a space kept before it)."""
    if len(new) <= len(old):
        return space + " " * (len(old) - len(new)) + new
    return space[: max(1, len(space) - (len(new) - len(old)))] + new
