"""How the output a page shows is compared with what a program printed in the sandbox: pure functions, no I/O.

Read as the author meant it (Go's own `testing/example.go` compares `// Output:` the same way, after trimming):

- **Program output** is compared line by line, each line's leading and trailing spaces and blank lines at either
  end trimmed (a page's lines are read stripped). A line `...`
  (or `…`) in the page stands for any lines. Lines that differ between two runs in the sandbox (map order, rand,
  time) are not compared: they are `varying`. Output whose lines are the same set in another order holds
  `unordered` when the program may print in another order (it ranges over a map or starts goroutines), as Go's
  `// Unordered output:` does.
- **Masks** (MASKS), applied to both sides before comparing, each for what depends on the machine, the scheduler or
  the moment, never on the program: addresses (`0xc000012345`, the sandbox's `0xf420`) and the padding beside
  them, a trace's code offsets (`+0x1d`), arguments
  (`main.f(0xc000010000?)`), goroutine numbers and directories (`/home/me/x/main.go:12` is `main.go:12`),
  durations (`1.5ms`, `(0.00s)`), dates and times, the package path and time of `go test`'s `ok`/`FAIL` line; a
  `[signal SIGSEGV ...]` line (the sandbox has no signals) and the `goos:`/`goarch:`/`pkg:`/`cpu:` lines of
  benchmarks are not compared, nor the GOMAXPROCS suffix of a benchmark's name (`-8`).
- **Addresses** are then compared by which are equal (`same-address`): numbered in order of first appearance on
  each side (`0x①`, `0x②`), the page's and the run's numbers must agree (`s = 0x546fa8` and `a = 0x546fa8` on the
  page: one address, printed twice by the run). A page's `0x` number of fewer than 5 hex digits is a value, compared
  as written (`0x0`).
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
    ("address", re.compile(r"\b0x[0-9a-f]+\b"), "0x?"),
    ("address-padding", re.compile(r"(?<=\S) {2,}(?=0x\?)|(?<=0x\?) {2,}(?=\S)"), " "),
    ("directory", re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[/\\][\w.@+~-]+)+[/\\]([\w.-]+\.(?:go|s):\d+)"), r"\1"),
    ("time", re.compile(r"\b\d{4}[-/]\d\d[-/]\d\d(?:[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"
                             r"(?: [+-]\d{4})?(?: [A-Z]{3,5})?(?: m=[+-]\d+\.\d+)?)?"), "<time>"),
    ("time", re.compile(r"\b\d\d:\d\d:\d\d(?:\.\d+)?\b"), "<time>"),
    ("duration", re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:h\d+m)?(?:m\d+(?:\.\d+)?)?(?:ns|µs|μs|us|ms|s|m|h)\b"),
     "<duration>"),
    ("test-status", re.compile(r"^(ok|FAIL|\?)(\s+)\S+(\s+)(?:<duration>|\d+\.\d+s|\(cached\)|\[no test files\])"),
     r"\1\2<package>\3<duration>"),
)
_ADDRESS_MASKS = ("address", "address-padding")
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
    return [masked for masked, _ in _read(text, rules)]


def _read(text: str, rules: Sequence[str] | None) -> list[tuple[str, str]]:
    """Each line compared: (as masked; with every mask but the addresses', its `0x` numbers as printed)."""
    named = [name for name, _, _ in MASKS] if rules is None else rules
    kept = [name for name in named if name not in _ADDRESS_MASKS]
    lines = [(name or mask(line.strip(), rules), name or mask(line.strip(), kept))
             for line in text.replace("\r\n", "\n").split("\n") if not UNCOMPARED.match(line.strip())
             for name in [_benchmark_name(line)]]
    while lines and not lines[0][0].strip():
        lines.pop(0)
    while lines and not lines[-1][0].strip():
        lines.pop()
    return lines


@dataclass(frozen=True)
class Difference:
    """A line of the page (its index in the block, None: missing from the page) against the run's (the same: a
    line shown for context)."""

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
    # Lines where the masked addresses are equal in another pattern: the page shows one address twice where the run
    # prints two (or the reverse); each address numbered in order of first appearance (`0x①`). The shape holds.
    addresses: tuple[Difference, ...] = ()


def _matches(claimed: list[str], actual: list[str], skip: set[int]) -> bool:
    """`claimed` (with `...` lines) matches `actual`, lines in `skip` of claimed matching anything."""
    return _align(claimed, actual, skip) is not None


def _align(claimed: list[str], actual: list[str], skip: set[int]) -> list[tuple[int, int]] | None:
    """The pairs (page line, run line) compared when `claimed` (with `...` lines) matches `actual`, lines in `skip`
    of claimed matching anything (and left out of the pairs); None when it does not match."""
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

    if not go(0, 0):
        return None
    pairs = []
    i = j = 0
    while i < len(claimed):  # the path the search found, walked again
        if claimed[i].strip() in ELISION:
            j = next(k for k in range(j, len(actual) + 1) if go(i + 1, k))
        else:
            if i not in skip:
                pairs.append((i, j))
            j += 1
        i += 1
    return pairs


_HEX = re.compile(r"\b0x[0-9a-f]+\b")
# An address on the author's machine has at least 5 hex digits (amd64's data from 0x400000, its heap 0xc000000000);
# one in the sandbox at least 4 (wasm's linear memory: Go's data from 0x1000). A shorter `0x` number is a value the
# program prints (`0x0`, a nil pointer; `%#x` of 255), compared as it is written.
PAGE_ADDRESS, RUN_ADDRESS = 5, 4
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _is_address(token: str, digits: int) -> bool:
    return len(token) - 2 >= digits


def _numbered(lines: list[str], page: bool) -> list[str]:
    """The lines with each address replaced by its number in order of first appearance (`0x①`), values kept,
    spaces collapsed (the shape, padding and all, is compared by the masks; these lines by their addresses only)."""
    seen: dict[str, int] = {}

    def number(m: re.Match[str]) -> str:
        if not _is_address(m.group(0), PAGE_ADDRESS if page else RUN_ADDRESS):
            return m.group(0)
        n = seen.setdefault(m.group(0), len(seen))
        return "0x" + (_CIRCLED[n] if n < len(_CIRCLED) else f"({n + 1})")

    return [re.sub(" {2,}", " ", _HEX.sub(number, line)) for line in lines]


def _values(claimed: list[str], actual: list[str], pairs: list[tuple[int, int]]) -> tuple[Difference, ...]:
    """The lines where a `0x` number that is no address (`0x0`) differs: the masks made them alike."""
    found = []
    for i, j in pairs:
        mine, theirs = _HEX.findall(claimed[i]), _HEX.findall(actual[j])
        if len(mine) == len(theirs) and any(
                a != b and not (_is_address(a, PAGE_ADDRESS) and _is_address(b, RUN_ADDRESS))
                for a, b in zip(mine, theirs, strict=True)):
            found.append(Difference(i, claimed[i], actual[j]))
    return tuple(found)


def _same_addresses(claimed: list[str], runs: list[list[str]], pairs: list[tuple[int, int]]
                    ) -> tuple[Difference, ...]:
    """When the addresses of the compared lines are equal in another pattern on the page than in the run: each
    compared line that holds one, numbered (a line alike on both sides is the pattern's context); nothing when the
    pattern differs between the runs themselves (which addresses are equal is then not the program's)."""
    mine = _numbered([claimed[i] for i, _ in pairs], page=True)
    theirs = [_numbered([run[j] for _, j in pairs], page=False) for run in runs]
    if mine == theirs[0] or any(other != theirs[0] for other in theirs[1:]):
        return ()
    return tuple(Difference(i, a, b) for (i, _), a, b in zip(pairs, mine, theirs[0], strict=True) if "0x" in a + b)


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
    masks applied, and `same-address`, all by default). Masked addresses are compared by which are equal: the
    page's first address is the run's first, and wherever the page repeats it, the run must (`same-address`)."""
    read = _read(claimed, rules)
    want, written = [m for m, _ in read], [r for _, r in read]
    printed = [_read(run, rules) for run in runs]
    got = [[m for m, _ in lines] for lines in printed]
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
    pairs = _align(want, first, skip)
    if pairs is None:
        return Comparison(False, _differences(want, first, skip), tuple(sorted(skip)))
    raw = [[r for _, r in lines] for lines in printed]
    if rules is None or "address" in rules:
        values = _values(written, raw[0], pairs)
        if values:
            return Comparison(False, values, tuple(sorted(skip)))
    if rules is None or "same-address" in rules:
        return Comparison(True, varying=tuple(sorted(skip)), addresses=_same_addresses(written, raw, pairs))
    return Comparison(True, varying=tuple(sorted(skip)))


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
