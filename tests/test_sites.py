"""A real MkDocs build of a small site per behaviour: exit status, page text and the exact log lines."""

from __future__ import annotations

import html

from conftest import Build

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
    assert "Output of <code>go build -gcflags=&quot;-m -l&quot; main.go</code> on Go 1.27.3" in page
    assert "goverify: 1 examples, 1 comment claims, 0 prose claims, 1 output blocks checked" in build.log


def test_a_false_comment_claim_fails_at_its_line(site) -> None:
    build = site({"index.md": GOOD.replace("// moved to heap: n", "// n does not escape")})
    assert build.returncode == 1
    assert 'docs/index.md:7: claim "n does not escape" holds on no release in its scope' in build.log_lines
    assert "    Go 1.27 (1.27.3) says: ./main.go:4:2: moved to heap: n" in build.log_lines
    assert not (build.root / "site" / "index.html").exists()


def test_a_false_output_line_fails_at_the_block_with_a_diff(site) -> None:
    build = site({"index.md": GOOD.replace("./main.go:4:2: moved to heap: n", "./main.go:4:2: moved to heap: m")})
    assert build.returncode == 1
    assert ("docs/index.md:16: output block disagrees with Go 1.27.3 (`go build -gcflags=\"-m -l\" main.go`): "
            "1 line(s) the compiler no longer prints") in build.log_lines
    assert "    missing: ./main.go:4:2: moved to heap: m" in build.log_lines
    assert "    -./main.go:4:2: moved to heap: m" in build.log_lines
    assert "    +./main.go:4:2: moved to heap: n" in build.log_lines
    assert "    fix: goverify check --fix docs/index.md" in build.log_lines


def test_every_disagreement_is_reported_before_failing_once(site) -> None:
    page = GOOD.replace("// moved to heap: n", "// n does not escape").replace(
        "./main.go:4:2: moved to heap: n", "./main.go:4:2: moved to heap: m")
    build = site({"index.md": page, "other.md": page})
    assert build.returncode == 1
    located = [line for line in build.log_lines if line.startswith("docs/")]
    assert len(located) == 4
    assert build.log.count("Aborted with a BuildError!") == 1


def test_column_and_order_differences_are_corrected_silently(site) -> None:
    build = site({"index.md": GOOD.replace("./main.go:4:2:", "./main.go:4:9:")})
    assert build.returncode == 0, build.log
    assert "./main.go:4:2: moved to heap: n" in build.page()
    assert "(1 lines corrected silently)" in build.log


def test_a_syntax_error_fails_the_build(site) -> None:
    build = site({"index.md": GOOD.replace("return &n", "return &n +")})
    assert build.returncode == 1
    assert ("docs/index.md:3: example does not compile on Go 1.27.3 (`go build -gcflags=\"-m -l\" main.go` exits 1)"
            ", and the output block does not show it") in build.log_lines
    assert "    ./main.go:6:1: syntax error: unexpected }, expected expression" in build.log_lines


def test_go_run_is_refused_where_the_prose_states_it(site) -> None:
    build = site({"index.md": GOOD.replace('`go build -gcflags="-m -l" main.go`', "`go run main.go`")})
    assert build.returncode == 1
    assert ("docs/index.md:14: refusing 'go run main.go': `go run` is not allowed "
            "(it may run the example's code); only `go build` and `go vet` are run") in build.log_lines


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
    assert "Verified with <code>go build -gcflags=&quot;-m -l&quot; main.go</code> on Go 1.27.3" in build.page()


def test_snippet_claims_fail_at_the_snippet_line(site) -> None:
    build = site(
        {"index.md": 'Text\n\n```go\n--8<-- "f.go"\n```\n'},
        snippets={"f.go": "package main\n\nfunc f() *int {\n\tn := 0 // n does not escape\n\treturn &n\n}\n"},
    )
    assert build.returncode == 1
    assert 'snippets/f.go:4: claim "n does not escape" holds on no release in its scope' in build.log_lines


def test_disabled_plugin_builds_without_go(site) -> None:
    build = site({"index.md": GOOD.replace("// moved to heap: n", "// n does not escape")},
                 plugin="  - goverify:\n      enabled: false")
    assert build.returncode == 0, build.log
    assert 'class="goverify"' not in build.page()


def test_a_missing_toolchain_is_a_clear_error(site) -> None:
    build = site({"index.md": GOOD}, plugin='  - goverify:\n      go_versions: ["1.99"]')
    assert build.returncode == 1
    assert "ERROR   -  goverify: Go 1.99 is not installed: run `goverify toolchains install 1.99`" in build.log
    assert "Traceback" not in build.log


def test_serve_keeps_running_and_the_page_shows_the_failure(tmp_path) -> None:
    from conftest import write_site
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    write_site(tmp_path, {"index.md": GOOD.replace("// moved to heap: n", "// n does not escape")})
    config = load_config(str(tmp_path / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "goverify: the compiler disagrees with this example" in page
    assert "docs/index.md:7: claim &quot;n does not escape&quot; holds on no release in its scope" in page
