"""Which commands an article may state: allowed ones parse, everything that could run code is refused."""

from __future__ import annotations

import pytest
from goverify.command import CommandError, parse_command


@pytest.mark.parametrize(
    ("text", "source_file", "argv"),
    [
        ('go build -gcflags="-m -l" main.go', "main.go", ("go", "build", "-gcflags=-m -l", "main.go")),
        ("go build -gcflags=-m=2 main.go", "main.go", ("go", "build", "-gcflags=-m=2", "main.go")),
        ("go build -gcflags 'all=-m -l' escape.go", "escape.go", ("go", "build", "-gcflags", "all=-m -l", "escape.go")),
        ("go vet main.go", "main.go", ("go", "vet", "main.go")),
        ("go build -o /dev/null -gcflags=-m .", "main.go", ("go", "build", "-o", "/dev/null", "-gcflags=-m", ".")),
    ],
)
def test_allowed(text: str, source_file: str, argv: tuple[str, ...]) -> None:
    command = parse_command(text)
    assert command.source_file == source_file
    assert command.argv == argv


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("go run main.go", "`go run` is not allowed"),
        ("go test ./...", "`go test` is not allowed"),
        ("go generate", "`go generate` is not allowed"),
        ("go build main.go; rm -rf /", "shell syntax ';'"),
        ("go build main.go && echo", "shell syntax '&'"),
        ("go build $(echo main.go)", "shell syntax '$'"),
        ("go build main.go > out", "shell syntax '>'"),
        ("GOFLAGS=-toolexec=x go build main.go", "environment assignments"),
        ("go build -toolexec=/bin/sh main.go", "flag -toolexec is not allowed (it runs another program)"),
        ("go build -ldflags=-X=a main.go", "flag -ldflags is not allowed"),
        ("go build -exec x main.go", "flag -exec is not allowed"),
        ("go build -gcflags=-cpuprofile=/tmp/x main.go", "compiler flag '-cpuprofile=/tmp/x' is not allowed"),
        ("go build ../main.go", "points outside the temporary directory"),
        ("go build /etc/main.go", "points outside the temporary directory"),
        ("go build -o /tmp/x main.go", "points outside the temporary directory"),
        ("python main.go", "only `go build` and `go vet` are run"),
        ('go build "main.go', "cannot parse"),
    ],
)
def test_refused(text: str, why: str) -> None:
    with pytest.raises(CommandError) as info:
        parse_command(text)
    assert why in str(info.value)
    assert text.split()[0] in str(info.value) or "cannot parse" in str(info.value)
