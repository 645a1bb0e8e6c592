"""Prose claims in Chinese and English sentences, the compiler's reasons, and machine-readable reports."""

from __future__ import annotations

import json

import pytest
from conftest import build, cli, plugin, write_site
from goverify.prose import ProseError, find_prose_claims, strip_prose_claims
from releases import BOTH, NEW, NEW_MINOR, OLD

PAGE = """
# Escape

```go
package main

import "fmt"

func main() {
	s := "Escape"
	fmt.Println(s)
}

func Func1(a interface{}) {
}
```

```
# command-line-arguments
```

SENTENCE
"""


@pytest.mark.parametrize(
    ("sentence", "subject", "negative", "message", "scope", "reader_sees"),
    [
        ('可以看到，这里 `s`{ escapes go="1.21–1.24" } 发生了逃逸。', "s", False, None, "(go1.21–1.24)",
         "可以看到，这里 `s` 发生了逃逸。"),
        ("由此可见，`interface{}`{ !escapes of=a } 作为函数入参并不会发生逃逸。", "a", True, None, None,
         "由此可见，`interface{}` 作为函数入参并不会发生逃逸。"),
        ('So `interface{}`{ claim="a does not escape" } as a parameter does not escape.', "interface{}", False,
         "a does not escape", None, "So `interface{}` as a parameter does not escape."),
        ('Since Go 1.25 the constant `"Escape"`{ escapes go=1.25+ } is what escapes.', '"Escape"', False, None,
         "(go1.25+)", 'Since Go 1.25 the constant `"Escape"` is what escapes.'),
    ],
)
def test_prose_claims_in_both_languages(sentence, subject, negative, message, scope, reader_sees) -> None:
    [claim] = find_prose_claims(sentence)
    assert not isinstance(claim, ProseError)
    assert (claim.subject, claim.negative, claim.message, str(claim.scope) if claim.scope else None) == (
        subject, negative, message, scope)
    assert sentence[: claim.attrs_start] + sentence[claim.attrs_end:] == reader_sees
    assert strip_prose_claims(sentence) == reader_sees


def test_ordinary_attribute_lists_are_not_claims() -> None:
    assert find_prose_claims("`x`{ .python } and `y`{: #id }") == []


def test_a_bad_prose_claim_is_an_error_not_a_crash() -> None:
    [error] = find_prose_claims('`s`{ escapes go="soon" }')
    assert isinstance(error, ProseError) and error.offset == 0
    assert 'cannot read the version scope go="soon"' in str(error)


def _site(tmp_path, sentence: str):
    write_site(tmp_path, {"index.md": PAGE.replace("SENTENCE", sentence)}, plugin=plugin(go_versions=BOTH))
    return build(tmp_path)


def test_true_prose_claims_render_as_the_ordinary_sentence(tmp_path) -> None:
    build = _site(tmp_path, '可以看到 `s`{ escapes go="1.24" } 逃逸了，'
                            '从 Go 1.25 起是 `"Escape"`{ escapes go="1.25+" }；'
                            "而 `a`{ !escapes } 不逃逸。")
    assert build.returncode == 0, build.log
    page = build.page()
    assert ("<p>可以看到 <code>s</code> 逃逸了，从 Go 1.25 起是 <code>\"Escape\"</code>；"
            "而 <code>a</code> 不逃逸。</p>") in page
    assert "escapes go=" not in page
    assert "3 prose claims" in build.log


def test_a_false_positive_prose_claim_fails_at_its_sentence_with_the_reason(tmp_path) -> None:
    build = _site(tmp_path, "可以看到，这里 `s`{ escapes } 发生了逃逸。")
    assert build.returncode == 1
    assert f"docs/index.md:21: prose claim `s` escapes (about example 1) does not hold on Go {NEW}" in build.log_lines
    assert (f'    Go {NEW_MINOR} ({NEW}) says: nothing about s; it reports ./main.go:7:14: "Escape" escapes to heap'
            in build.log_lines)
    assert ("      why (-m=2): flow: {storage for ... argument} ← &{storage for \"Escape\"}:" in build.log_lines)
    assert f'    holds on Go {OLD}: add a scope, e.g. go="1.24"' in build.log_lines


def test_a_false_negative_prose_claim_is_checked_not_assumed(tmp_path) -> None:
    build = _site(tmp_path, 'Here `"Escape"`{ !escapes go="1.25+" } stays on the stack.')
    assert build.returncode == 1
    assert ('docs/index.md:21: prose claim `"Escape"` !escapes (go1.25+) (about example 1) holds on no release '
            "in its scope") in build.log_lines
    assert f'    Go {NEW_MINOR} ({NEW}) says: ./main.go:7:14: "Escape" escapes to heap' in build.log_lines


def test_the_page_shows_each_escape_reason_on_demand(tmp_path) -> None:
    build = _site(tmp_path, "Nothing to claim here.")
    assert build.returncode == 0, build.log
    page = build.page()
    why = page.split('<details class="goverify-reasons">', 1)[1].split("</details>", 1)[0]
    assert "<b>./main.go:7:14: &quot;Escape&quot; escapes to heap</b>\n    flow: {storage for ... argument}" in why
    assert "    from fmt.Println(... argument...) (call parameter) at ./main.go:7:13" in why
    assert page.count('class="goverify-why" data-search-exclude') == 1  # the flow stays out of the search index


def test_json_report_round_trip(tmp_path) -> None:
    (tmp_path / "a.md").write_text(PAGE.replace("SENTENCE", "`s`{ escapes }"), encoding="utf-8")
    run = cli("check", "--format", "json", "--go", OLD, "--go", NEW, "a.md", cwd=tmp_path)
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert data["schema"] == "goverify-report/2"
    assert data["go_versions"] == BOTH
    records = {(r["example"], r["go"]): r for r in data["results"]}
    assert set(records) == {(1, OLD), (1, NEW)}
    assert [p["verdict"] for p in records[(1, OLD)]["prose_claims"]] == ["holds"]
    assert [p["verdict"] for p in records[(1, NEW)]["prose_claims"]] == ["fails"]
    assert records[(1, NEW)]["exit_status"] == 0
    assert records[(1, NEW)]["compiler_flags"] == ["-m", "-l"]
    assert records[(1, NEW)]["command"] == 'go build -gcflags="-m -l" main.go'
    [problem] = data["disagreements"]
    assert (problem["path"], problem["line"]) == ("a.md", 22)
    assert json.loads(json.dumps(data)) == data


def test_github_annotations_mark_the_markdown_line(tmp_path) -> None:
    (tmp_path / "a.md").write_text(PAGE.replace("SENTENCE", "`s`{ escapes }"), encoding="utf-8")
    run = cli("check", "--format", "github", "--go", NEW, "a.md", cwd=tmp_path)
    assert run.returncode == 1
    [line] = run.stdout.splitlines()
    assert line.startswith("::error file=a.md,line=22,title=goverify::prose claim `s` escapes (about example 1) "
                           f"holds on no release in its scope%0AGo {NEW_MINOR} ({NEW}) says: nothing about s")


def test_prose_claims_read_go_names_whole_and_refuse_what_the_grammar_cannot_read() -> None:
    from goverify.prose import ProseClaim, ProseError, find_prose_claims

    [ok] = find_prose_claims('`Get`{ claim="can inline (*T).Get" } and')
    assert isinstance(ok, ProseClaim) and ok.message == "can inline (*T).Get"
    [generic] = find_prose_claims('`Id`{ claim="inlining call to Id[go.shape.int]" }')
    assert isinstance(generic, ProseClaim) and generic.message == "inlining call to Id[go.shape.int]"
    [bad] = find_prose_claims('`Get`{ claim="can inline (*T" }')
    assert isinstance(bad, ProseError) and "is not a diagnostic the compiler prints" in bad.message
