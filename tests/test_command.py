"""Which commands an article may state, what goverify runs for each (compile-only), and what it never runs."""

from __future__ import annotations

import pytest
from goverify.command import Command, Refusal, chain, command_of_line, parse_command, states_a_command


@pytest.mark.parametrize(
    ("text", "files", "argv"),
    [
        ('go build -gcflags="-m -l" main.go', ("main.go",), ("go", "build", "-gcflags=-m -l", "main.go")),
        ("go build -gcflags=-m=2 main.go", ("main.go",), ("go", "build", "-gcflags=-m=2", "main.go")),
        ("go build -gcflags 'all=-m -l' escape.go", ("escape.go",), ("go", "build", "-gcflags=all=-m -l", "escape.go")),
        ("go vet main.go", ("main.go",), ("go", "vet", "main.go")),
        ("go build -o /dev/null -gcflags=-m .", (), ("go", "build", "-o=/dev/null", "-gcflags=-m", ".")),
        ("go build -v -gcflags='-m' ./main.go", ("./main.go",), ("go", "build", "-v", "-gcflags=-m", "./main.go")),
        # Go's own compiler, run as the author runs it: nothing the go command adds (-complete, -p), only what the
        # author wrote; -importcfg is goverify's to give (the standard library's export data).
        ("go tool compile -m pro_2.go", ("pro_2.go",), ("go", "tool", "compile", "-m", "pro_2.go")),
        ("go tool compile -m -l -o x.o f.go", ("f.go",), ("go", "tool", "compile", "-m", "-l", "-o", "x.o", "f.go")),
        ("go tool compile -m x_test.go", ("x_test.go",), ("go", "tool", "compile", "-m", "x_test.go")),
        ("go tool compile -std -p=main -importcfg $WORK/importcfg -m a.go", None, None),
        ("go tool compile -std -p=main -importcfg cfg -I obj -complete -m a.go", ("a.go",),
         ("go", "tool", "compile", "-std", "-p=main", "-complete", "-m", "a.go")),
        ("go tool compile -d=ssa/check_bce/debug=1 b.go", ("b.go",),
         ("go", "tool", "compile", "-d=ssa/check_bce/debug=1", "b.go")),
        # A test run becomes the build of the test binary: the flags that only matter when it runs are dropped.
        ('Go test -gcflags "-m -m" -run none -bench . -benchmem -memprofile mem.out', (),
         ("go", "test", "-c", "-o", "/dev/null", "-gcflags=-m -m")),
        ("go test -gcflags=-m -run '^$' -bench=. ./...", (),
         ("go", "test", "-c", "-o", "/dev/null", "-gcflags=-m", "./...")),
        ("go run -gcflags=-m main.go arg", ("main.go",), ("go", "build", "-gcflags=-m", "-o", "/dev/null", "main.go")),
        ("docker run -it --rm -v $PWD:/src img \\\n  go tool compile -m ./ex/main.go", None, None),
        ("docker run -it --rm go-interface-values go tool compile -m ./docs/ex3/main.go", ("./docs/ex3/main.go",),
         ("go", "tool", "compile", "-m", "./docs/ex3/main.go")),
        # Compiler flags that only print more or compile differently are allowed, whatever their spelling.
        ('go build -gcflags="-d=ssa/check_bce/debug=1" main.go', ("main.go",),
         ("go", "build", "-gcflags=-d=ssa/check_bce/debug=1", "main.go")),
        ('go build -gcflags="-d=ssa/prove/debug=1 -std" main.go', ("main.go",),
         ("go", "build", "-gcflags=-d=ssa/prove/debug=1 -std", "main.go")),
    ],
)
def test_compile_only_commands(text: str, files: tuple[str, ...] | None, argv: tuple[str, ...] | None) -> None:
    command = parse_command(text)
    if argv is None:  # `$PWD` is shell syntax: refused, whatever follows
        assert isinstance(command, Refusal) and "shell syntax '$'" in command.reason
        return
    assert isinstance(command, Command), command
    assert (command.files, command.argv) == (files, argv)


def test_environment_a_grep_and_what_the_caption_names() -> None:
    command = parse_command("GOOS=linux GOARCH=amd64 go build -gcflags=-m main.go |& grep escape")
    assert isinstance(command, Command)
    assert command.env == (("GOOS", "linux"), ("GOARCH", "amd64"))
    assert command.filter("./main.go:4:2: x escapes to heap\n./main.go:3:6: can inline f\n") == \
        "./main.go:4:2: x escapes to heap\n"
    assert command.text == "GOOS=linux GOARCH=amd64 go build -gcflags=-m main.go"
    assert parse_command('go build -gcflags="-m -l" main.go').text == 'go build -gcflags="-m -l" main.go'
    [grep] = parse_command("go build -gcflags=-m main.go 2>&1 | grep -v inline").filters
    assert grep.invert
    piped = parse_command("go build -gcflags=-m main.go 2>&1 | grep heap | sort | head -n 2 | tee out.txt")
    assert isinstance(piped, Command)
    printed = "./b.go:1:1: x escapes to heap\n./a.go:1:1: y escapes to heap\n./c.go:1:1: moved to heap: z\n"
    assert piped.filter(printed + "./d.go:1:1: can inline f\n") == \
        "./a.go:1:1: y escapes to heap\n./b.go:1:1: x escapes to heap\n"
    assert parse_command("go build -gcflags=-m main.go | tail -1").filter("a\nb\n") == "b\n"
    assert parse_command("CGO_ENABLED=0 go build -gcflags=-m main.go").env == ()
    assert parse_command('go build -gcflags "-m -m -l" main.go').compiler_flags() == ("-m", "-m", "-l")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("go run main.go", "`go run` runs the example"),
        ("go test ./...", "`go test` without -gcflags runs the tests"),
        ("go generate", "`go generate` runs the commands of //go:generate lines"),
        ("go tool pprof -alloc_space mem.out", "`go tool pprof` is not a compile-only command"),
        ("go env GOPATH", "`go env` is not a compile-only command"),
    ],
)
def test_commands_that_would_run_code_are_not_run(text: str, why: str) -> None:
    refusal = parse_command(text)
    assert isinstance(refusal, Refusal) and refusal.not_run
    assert why in refusal.reason


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("go build main.go; rm -rf /", "shell syntax ';'"),
        ("go build main.go && echo", "shell syntax '&'"),
        ("go build $(echo main.go)", "shell syntax '$'"),
        ("go build main.go > out", "shell syntax '>' (it writes the output to a file)"),
        ("GOFLAGS=-toolexec=x go build main.go", "environment assignments (GOFLAGS=-toolexec=x) are not allowed"),
        ("CGO_ENABLED=1 go build main.go", "environment assignments (CGO_ENABLED=1) are not allowed"),
        ("go build -toolexec=/bin/sh main.go", "flag -toolexec is not allowed (it runs another program)"),
        ("go build -ldflags=-X=a main.go", "flag -ldflags is not allowed"),
        ("go build -exec x main.go", "flag -exec is not allowed"),
        ("go test -gcflags=-m -exec x .", "flag -exec is not allowed"),
        # Compiler flags are judged by what they do: writing outside the work directory, reading a file the example
        # does not provide, or unknown to the compiler.
        ("go build -gcflags=-cpuprofile=/tmp/x main.go", "-cpuprofile '/tmp/x' points outside the temporary directory"),
        ("go tool compile -o ../x.o f.go", "-o '../x.o' points outside the temporary directory"),
        ("go build -gcflags=-importcfg=cfg main.go", "compiler flag '-importcfg=cfg' reads a file the example does"),
        ("go build -gcflags=-json=0,file:///tmp/x main.go", "names a path outside the work directory"),
        ("go build -gcflags=-d=ssa/all/dump=/etc/x main.go", "names a path outside the work directory"),
        ("go tool compile -frobnicate f.go", "compiler flag '-frobnicate' is not a flag the compiler knows"),
        ("go build -race -gcflags=-m main.go", "flag -race is not allowed (it needs cgo, which goverify turns off"),
        ("go build ../main.go", "points outside the temporary directory"),
        ("go build /etc/main.go", "points outside the temporary directory"),
        ("go build -o /tmp/x main.go", "points outside the temporary directory"),
        ("python main.go", "only go commands are run"),
        ('go build "main.go', "cannot parse"),
        ("go build main.go | grep -r x /etc", "grep flag -r is not supported"),
        ("go build main.go | head -c 10", "head -c 10 is not supported"),
        ("go build main.go | cat /etc/passwd", "cat reads its input, not files"),
        ("go build main.go | awk '{print}'", "shell syntax '|'"),
    ],
)
def test_unsafe_commands_are_refused(text: str, why: str) -> None:
    refusal = parse_command(text)
    assert isinstance(refusal, Refusal) and not refusal.not_run, refusal
    assert why in refusal.reason


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("$ go build -v -gcflags='-m' ./main.go", "go build -v -gcflags='-m' ./main.go"),
        ("-> % go build -gcflags=-m test4-tyfx.go", "go build -gcflags=-m test4-tyfx.go"),
        ('$ Go build -gcflags "-m -m"', 'Go build -gcflags "-m -m"'),
        ('F:\\hello>go build -gcflags="-m" main.go', 'go build -gcflags="-m" main.go'),
        ("C:\\Users\\me\\src> go build -gcflags=-m .", "go build -gcflags=-m ."),
        ("user@host:~/demo$ go build -gcflags=-m", "go build -gcflags=-m"),
        ("➜  demo git:(main) ✗ go build -gcflags=-m .", "go build -gcflags=-m ."),
        ("go build -gcflags '-m -l' main.go", "go build -gcflags '-m -l' main.go"),
        ("$ GOOS=linux GOARCH=amd64 go tool compile -m e.go", "GOOS=linux GOARCH=amd64 go tool compile -m e.go"),
        ('➜  try go test -bench="Sum$" -benchmem', 'go test -bench="Sum$" -benchmem'),  # oh-my-zsh: `➜  dir `
        ("PS C:\\work\\demo> go run .", "go run ."),
        ("> go run main.go", "go run main.go"),
        ("$ ./prog 3", "./prog 3"),  # a program the page built
        ("➜  try ./main", "./main"),
        ("PS C:\\demo> .\\main.exe", ".\\main.exe"),
        ("$ ./dump.sh x", None),  # a script: not a program the page builds
        ("./main.go:7:14: ... argument does not escape", None),
        ("./...", None),
        ("see ./prog", None),
        ("Run go build now", None),
        ("./main.go:3:2: go run x", None),
        ("# command-line-arguments", None),
    ],
)
def test_prompt_lines(line: str, command: str | None) -> None:
    assert command_of_line(line) == command


@pytest.mark.parametrize(
    ("span", "states"),
    [("go build", False), ("go test", False), ("go tool compile", False), ("-gcflags=-m", False),
     ("go build -gcflags=-m", True), ("go run main.go", True), ("go tool compile -m f.go", True)],
)
def test_a_bare_mention_states_no_command(span: str, states: bool) -> None:
    assert states_a_command(span) is states


def test_go_test_and_go_run_as_the_build_their_compile_errors_come_from() -> None:
    from goverify.command import build_only

    assert build_only("go test").argv == ("go", "test", "-c", "-o", "/dev/null")
    assert build_only("go test").stated == "go test"
    assert build_only("go run main.go arg").argv == ("go", "build", "-o", "/dev/null", "main.go")
    assert build_only("go build x.go") is None and build_only("go generate") is None
    assert build_only("go test -toolexec=x .") is None  # refused as it would be with -gcflags


@pytest.mark.parametrize(
    ("line", "commands"),
    [
        ("go build main.go && ./main", [["go", "build", "main.go"], ["./main"]]),
        ("go build -o p main.go; ./p 3", [["go", "build", "-o", "p", "main.go"], ["./p", "3"]]),
        ('go test -bench="Sum$" -benchmem', [["go", "test", "-bench=Sum$", "-benchmem"]]),  # quotes as a shell
        ("go run 'a && b.go'", [["go", "run", "a && b.go"]]),
        ("go run main.go | grep 2", None),
        ("./prog > out.txt", None),
        ("go run main.go 2>&1", None),
        ("./prog || true", None),
        ("./prog &", None),
        ("go run $(ls *.go)", None),
        ("go run $FILE", None),
        ("go run 'main.go", None),
    ],
)
def test_a_command_line_is_read_as_a_shell_reads_it(line: str, commands: list[list[str]] | None) -> None:
    assert chain(line) == commands


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("go build main.go && ./main", "runs-code"),
        ("./prog", "runs-code"),
        ('go test -bench="Sum$" -benchmem', "runs-code"),  # a `$` the shell does not expand is no shell syntax
        ("go run main.go | grep 2", "run-shell"),
        ("./prog | head -3", "run-shell"),
        ("go run main.go > out.txt", "run-shell"),
        ("go build -o p . && ./p | sort", "run-shell"),
        ("cd x && go build -gcflags=-m .", "refused"),  # runs nothing: refused as before
    ],
)
def test_a_run_stated_with_shell_says_its_kind(text: str, kind: str) -> None:
    refusal = parse_command(text)
    assert isinstance(refusal, Refusal) and refusal.kind == kind, refusal
