"""Comparing what a page shows with what the sandbox printed (runout.py), on real outputs: the trusted programs of
tests/fixtures/programs, each with the command its page would state, and `native.txt`, what that command printed
natively on Go 1.27.3 (`native-1.21.13.txt`, `native-1.24.11.txt`: on those releases) when the fixtures were made;
they play the author's page, written earlier, on another machine.

- Fidelity: each program run in the sandbox prints what it prints natively (run again, natively, here), apart from the
  documented masks; and each mask is needed by at least one program.
- A page written on an older release is reported where the release changed what the program prints (Go 1.22's loop
  variable; `make([]int, n)` on the stack since Go 1.25), and holds on that release.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from goverify.programs import BINARY, RUN, TEST_LIST, TEST_LOCAL, Program, may_reorder, read_run, read_session
from goverify.runout import (
    MASKS,
    Difference,
    compare_benchmarks,
    compare_output,
    fix_benchmarks,
    lines_of,
    mask,
    parse_benchmarks,
)
from goverify.sandbox import runtime_version
from goverify.toolchains import resolve
from releases import NEW, OLD
from sandboxed import PROGRAMS, Case, cases, native, sandboxed

pytestmark = pytest.mark.xdist_group("sandbox")
RULES = sorted({name for name, _, _ in MASKS})
CASES = {case.name: case for case in cases()}


def _page(name: str, release: str = "") -> str:
    return (PROGRAMS / name / (f"native-{release}.txt" if release else "native.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Every trusted program built for wasip1 with the newest release and run twice in the sandbox."""
    if runtime_version() is None:
        pytest.skip("wasmtime is not installed (`make test` installs it with goverify)")
    shown = sandboxed(list(CASES.values()), resolve(NEW), tmp_path_factory.mktemp("store"),
                      tmp_path_factory.mktemp("modules"))
    return {name: [text for text, _ in pairs] for name, pairs in shown.items()}


# --- pure rules ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stated", "program"), [
    ("go run main.go", Program(False, ("main.go",), (), RUN, "go run main.go")),
    ("go run main.go -n 3", Program(False, ("main.go",), ("-n", "3"), RUN, "go run main.go -n 3")),
    ("go run .", Program(False, (), (), RUN, "go run .")),
    ("go test", Program(True, (), (), TEST_LOCAL, "go test")),
    ("go test -v -run X", Program(True, (), ("-test.v=true", "-test.run=X"), TEST_LOCAL, "go test -v -run X", True)),
    ("go test -bench=. -benchmem -benchtime 100x -count 2 .",
     Program(True, (), ("-test.bench=.", "-test.benchmem=true", "-test.benchtime=100x", "-test.count=2"), TEST_LIST,
             "go test -bench=. -benchmem -benchtime 100x -count 2 .", True)),
])
def test_a_stated_run_command_is_read_as_the_go_command_reads_it(stated: str, program: Program) -> None:
    assert read_run(stated, stated.split()) == program


@pytest.mark.parametrize("stated", ["go run -race main.go", "go test -coverprofile c.out", "go run"])
def test_what_is_not_understood_is_said(stated: str) -> None:
    assert isinstance(read_run(stated, stated.split()), str)


@pytest.mark.parametrize(("session", "program"), [
    (["go build -o prog main.go", "./prog"], Program(False, ("main.go",), (), BINARY, "./prog")),
    (["go build main.go && ./main 3"], Program(False, ("main.go",), ("3",), BINARY, "go build main.go && ./main 3")),
    (["go build -o prog main.go; ./prog"],
     Program(False, ("main.go",), (), BINARY, "go build -o prog main.go; ./prog")),
    (["go build", "./demo"], Program(False, (), (), BINARY, "./demo")),  # named after the author's directory
    (["go build -gcflags=-m main.go", "./main"], Program(False, ("main.go",), (), BINARY, "./main", compiles=True)),
    (["go mod init x", "go run -gcflags=-m main.go"],
     Program(False, ("main.go",), (), RUN, "go run -gcflags=-m main.go", compiles=True)),
    (['go test -gcflags "-m -m" -run none -bench . -benchmem -memprofile mem.out'],
     Program(True, (), ("-test.run=none", "-test.bench=.", "-test.benchmem=true"), TEST_LOCAL,
             'go test -gcflags "-m -m" -run none -bench . -benchmem -memprofile mem.out', True, True,
             ("-memprofile mem.out",))),
])
def test_a_shell_session_runs_the_program_it_builds(session: list[str], program: Program) -> None:
    assert read_session(session) == program


@pytest.mark.parametrize("session", [
    ["go build -o prog main.go", "./other"],  # no build makes it
    ["go build -o a a.go", "go build -o b b.go", "./c"],
    ["cd x && go run ."],  # a command before the run on its line
    ["go build -ldflags=-X=main.v=1 main.go && ./main"],  # a flag that changes the program
    ["go build ./cmd/x && ./x"],  # a package the page does not show
    ["./prog"],
])
def test_a_session_goverify_does_not_run_says_why(session: list[str]) -> None:
    assert isinstance(read_session(session), str)


def test_what_the_go_command_adds_to_a_programs_output() -> None:
    run, binary = Program(False, ("main.go",)), Program(False, ("main.go",), shows=BINARY)
    assert run.printed("boom\n", 2, 0.1) == "boom\nexit status 2\n"
    assert binary.printed("boom\n", 2, 0.1) == "boom\n"
    local, listed = Program(True, shows=TEST_LOCAL), Program(True, shows=TEST_LIST)
    assert local.printed("PASS\n", 0, 0.0123) == "PASS\nok  \texample\t0.012s\n"
    assert listed.printed("PASS\n", 0, 0.0123) == "ok  \texample\t0.012s\n"
    assert listed.printed("FAIL\n", 1, 0.5) == "FAIL\nFAIL\texample\t0.500s\nFAIL\n"


def test_masks_keep_what_the_program_decides() -> None:
    page = _page("panic")
    assert "/tmp/goverify-native-" in page  # the author's directory
    assert lines_of(page) == ["before", "panic: runtime error: index out of range [5] with length 3", "",
                              "goroutine N [running]:", "main.at(...)", "main.go:6", "main.main()",
                              "main.go:11 +0x?", "exit status 2"]
    assert mask("--- PASS: TestSum (0.00s)") == "--- PASS: TestSum (<duration>)"
    assert mask("ok  \tgithub.com/author/shapes\t0.004s") == "ok  \t<package>\t<duration>"


def test_elisions_and_varying_lines() -> None:
    assert compare_output("a\n...\nz\n", ["a\nb\nc\nz\n"], False).holds
    assert not compare_output("a\n...\ny\n", ["a\nb\nc\nz\n"], False).holds
    varying = compare_output("seed 4\nsame\n", ["seed 1\nsame\n", "seed 2\nsame\n"], False)
    assert (varying.holds, varying.varying) == (True, (0,))
    wrong = compare_output("seed 4\nother\n", ["seed 1\nsame\n", "seed 2\nsame\n"], False)
    assert (wrong.holds, wrong.differences) == (False, (Difference(1, "other", "same"),))


def test_unordered_only_where_the_program_may_reorder() -> None:
    assert may_reorder(CASES["maporder"].source) and may_reorder(CASES["goroutines"].source)
    assert not may_reorder(CASES["hello"].source)
    swapped = compare_output("b\na\n", ["a\nb\n", "a\nb\n"], True)
    assert (swapped.holds, swapped.unordered) == (True, True)
    assert not compare_output("b\na\n", ["a\nb\n", "a\nb\n"], False).holds
    missing = compare_output("a\nc\n", ["a\nb\n", "b\na\n"], True)
    assert (missing.holds, missing.differences) == (False, (Difference(1, "c", ""), Difference(None, "", "b")))


# --- against real runs -------------------------------------------------------------------------------------------


def test_every_page_written_natively_holds_in_the_sandbox(runs: dict[str, list[str]]) -> None:
    for name, case in CASES.items():
        comparison = compare_output(_page(name), runs[name], may_reorder(case.source))
        assert comparison.holds, (name, comparison, runs[name][0])
        assert not comparison.all_varying, name
        assert compare_benchmarks(_page(name), runs[name][0]) == (), name


def test_each_mask_is_needed(runs: dict[str, list[str]]) -> None:
    """Without a rule, some page of a real program fails, or lines it compared become varying (not compared)."""
    pages = [(name, _page(name), runs[name]) for name in CASES]
    # A goroutine's number depends on how many the runtime started (GC workers: one per P); observed natively.
    pages.append(("testpanic", (PROGRAMS / "testpanic" / "native-goroutine-19.txt").read_text(encoding="utf-8"),
                  runs["testpanic"]))
    needed: dict[str, list[str]] = {}
    for name, page, ran in pages:
        reorder = may_reorder(CASES[name].source)
        full = compare_output(page, ran, reorder)
        assert full.holds, name
        for rule in RULES:
            without = compare_output(page, ran, reorder, [r for r in RULES if r != rule])
            if not without.holds or without.varying != full.varying or without.all_varying:
                needed.setdefault(rule, []).append(name)
    assert sorted(needed) == RULES, f"not needed by any program: {set(RULES) - set(needed)}"
    assert "pointer" in needed["address"] and "elapsed" in needed["duration"] and "clock" in needed["time"]
    assert needed["address-padding"] == ["addresses"]  # `%16p`: padded to the length of the machine's address
    assert needed["test-status"] == ["testmodule"]  # the author's module path


@pytest.mark.matrix
def test_the_sandbox_prints_what_the_host_prints(runs: dict[str, list[str]]) -> None:
    """Fidelity, live: each trusted program run natively now (the tests only ever run this corpus natively)."""
    toolchain = resolve(NEW)
    for name, case in CASES.items():
        here = native(case, toolchain)
        comparison = compare_output(here, runs[name], may_reorder(case.source))
        assert comparison.holds, (name, here, runs[name][0])
        assert compare_benchmarks(here, runs[name][0]) == (), name


def test_addresses_are_compared_by_which_are_equal(runs: dict[str, list[str]]) -> None:
    """The page's addresses are the author's machine's: each is masked, whatever its length in the sandbox, and the
    block holds when the sandbox prints the same address wherever the page does (`s` and `a`, zero-size, share the
    runtime's zerobase), and different ones where it does (`b` on the heap, `i` the runtime's static zero)."""
    page, ran = _page("addresses"), runs["addresses"]
    full = compare_output(page, ran, False)
    assert (full.holds, full.addresses) == (True, ())
    # the sandbox's static data sits low in wasm's linear memory: an address of fewer than 5 hex digits, which a
    # mask of the author's (amd64) addresses alone would compare as a value
    assert any(len(token) - 2 < 5 for token in re.findall(r"\b0x[0-9a-f]+\b", ran[0])), ran[0]
    # a page that puts `b` at the zero-size variables' address: the shape holds, which addresses are equal does not
    s_address = re.search(r"s = +(0x[0-9a-f]+)", page).group(1)
    drifted = re.sub(r"(b = +)0x[0-9a-f]+", lambda m: m.group(1) + s_address, page)
    found = compare_output(drifted, ran, False)
    assert found.holds and found.addresses == (
        Difference(0, "s = 0x①", "s = 0x①"), Difference(1, "a = 0x①", "a = 0x①"),
        Difference(2, "b = 0x①|", "b = 0x②|"), Difference(3, "i = 0x②", "i = 0x③"))
    # without the rule, that drift goes unseen
    assert compare_output(drifted, ran, False, [*RULES]).addresses == ()


def test_a_short_hex_number_on_the_page_is_a_value_not_an_address() -> None:
    """An author's address has at least 5 hex digits; `0x0` (a nil pointer) or `0xff` is what the program decided."""
    assert not compare_output("p = 0x0\n", ["p = 0x1400a0\n"] * 2, False).holds
    assert not compare_output("p = 0xc000012345\n", ["p = 0x0\n"] * 2, False).holds
    assert not compare_output("mask 0xff\n", ["mask 0xfe\n"] * 2, False).holds
    assert compare_output("mask 0xff at 0xc000012345\n", ["mask 0xff at 0xf420\n"] * 2, False).holds


def test_which_addresses_are_equal_is_read_through_elisions_and_varying_lines() -> None:
    """Only the lines compared are numbered: an elided line's address takes no number on one side only."""
    holds = compare_output("a 0xaaaaa\n...\nb 0xaaaaa\n", ["a 0x11111\nx 0x22222\nb 0x11111\n"] * 2, False)
    assert (holds.holds, holds.addresses) == (True, ())
    moved = compare_output("a 0xaaaaa\n...\nb 0xaaaaa\n", ["a 0x11111\nx 0x22222\nb 0x22222\n"] * 2, False)
    assert moved.addresses == (Difference(0, "a 0x①", "a 0x①"), Difference(2, "b 0x①", "b 0x②"))
    # which addresses are equal differs between the two runs: not the program's, not compared
    varying = compare_output("a 0xaaaaa\nb 0xaaaaa\n", ["a 0x11111\nb 0x11111\n", "a 0x11111\nb 0x22222\n"], False)
    assert (varying.holds, varying.addresses) == (True, ())


def test_the_loop_variable_page_of_go_1_21_is_reported_on_the_newest_release(runs: dict[str, list[str]]) -> None:
    old = _page("loopvar", "1.21.13")
    assert old == "3 3 3 \n"  # as Go 1.21 ran it
    comparison = compare_output(old, runs["loopvar"], False)
    assert (comparison.holds, comparison.differences) == (False, (Difference(0, "3 3 3", "0 1 2"),))


def test_make_of_a_variable_size_is_reported_with_its_allocations(runs: dict[str, list[str]]) -> None:
    old = _page("bench", OLD)
    [make] = [b for b in parse_benchmarks(old) if b.name == "BenchmarkMakeVariable"]
    assert (make.bytes_per_op, make.allocs_per_op) == ("32", "1")  # Go 1.24: on the heap
    differences = compare_benchmarks(old, runs["bench"][0])
    assert [(d.name, d.actual.bytes_per_op, d.actual.allocs_per_op) for d in differences if d.actual] == \
        [("BenchmarkBoxLarge", "0", "0"), ("BenchmarkMakeVariable", "0", "0")]
    assert compare_output(old, runs["bench"], False).holds  # names, PASS and ok: the lines hold; figures do not
    fixed = fix_benchmarks(old, runs["bench"][0])
    assert compare_benchmarks(fixed, runs["bench"][0]) == ()
    old_make = old.splitlines()[make.line]
    new_make = fixed.splitlines()[make.line]
    assert new_make.split("ns/op")[0] == old_make.split("ns/op")[0]  # the author's iterations and time
    assert new_make.endswith("\t       0 B/op\t       0 allocs/op")
    assert len(new_make) == len(old_make)  # the columns stay aligned


def test_a_case_is_what_its_folder_holds() -> None:
    case = CASES["testmodule"]
    assert isinstance(case, Case) and case.module == "github.com/author/shapes"
    assert Path(PROGRAMS / "testmodule" / "area_test.go").is_file()


def test_few_iterations_compare_allocations_not_bytes(runs: dict[str, list[str]]) -> None:
    """At -benchtime 1000x, B/op holds the runtime's one-off allocations: natively, once, 21 B/op for 16."""
    noisy = (PROGRAMS / "benchtime" / "native-noisy.txt").read_text(encoding="utf-8")
    assert [b.bytes_per_op for b in parse_benchmarks(noisy)] == ["16", "21"]
    assert compare_benchmarks(noisy, runs["benchtime"][0]) == ()
    fewer = noisy.replace("1 allocs/op", "2 allocs/op")
    assert [d.name for d in compare_benchmarks(fewer, runs["benchtime"][0])] == ["BenchmarkBoxSmall"] * 2
