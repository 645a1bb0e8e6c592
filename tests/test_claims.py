"""The claim grammar, on the article's own comments and on the edges of the scope syntax."""

from __future__ import annotations

import pytest
from goverify.claims import (
    comment_claims,
    comment_of,
    match_diagnostic,
    parse_comment,
    parse_scope,
    prose_comments,
    unread_claims,
)
from goverify.versions import parse_version

ARTICLE_COMMENTS = [
    (" moved to heap: num", ["moved to heap: num"]),
    (" []int{...} escapes to heap", ["[]int{...} escapes to heap"]),
    ("  make(map[string]string) escapes to heap", ["make(map[string]string) escapes to heap"]),
    (" 0 escapes to heap", ["0 escapes to heap"]),
    ("  func literal escapes to heap", ["func literal escapes to heap"]),
    (" moved to heap: i，局部变量被下面的闭包引用", ["moved to heap: i"]),
    (' "key" escapes to heap; "value" escapes to heap', ['"key" escapes to heap', '"value" escapes to heap']),
    (" make([]int, 10240) escapes to heap", ["make([]int, 10240) escapes to heap"]),
    (" s escapes to heap", ["s escapes to heap"]),
    (" myType{} escapes to heap", ["myType{} escapes to heap"]),
    (" p 逃逸到堆上", []),
    ("", []),
    (" leaking param: p to result ~r0 level=0", ["leaking param: p to result ~r0 level=0"]),
    (" a does not escape", ["a does not escape"]),
    (" &struct { name *string; age *int }{} does not escape", ["&struct { name *string; age *int }{} does not escape"]),
    (" can inline f; inlining call to f", ["can inline f", "inlining call to f"]),
    (" devirtualizing iFoo.func1 to myType", ["devirtualizing iFoo.func1 to myType"]),
    (" 这里 escapes to heap", []),
    (" NOTE: this is not a claim", []),
    # An ALL-CAPS label before a claim is the author's: the claim is what follows it.
    (" GOOD: i1 does not escape", ["i1 does not escape"]),
    (" BAD: Cause of i2 escape", []),
    (" new(int32) escapes to the heap", []),  # not the compiler's words
    # Go names as the compiler prints them, never cut short at `(` or `[`.
    (" inlining call to sync.(*Mutex).Unlock", ["inlining call to sync.(*Mutex).Unlock"]),
    (" can inline (*T).Get; inlining call to (*T).Get", ["can inline (*T).Get", "inlining call to (*T).Get"]),
    (" can inline T.Val", ["can inline T.Val"]),
    (" can inline isAligned[uint]", ["can inline isAligned[uint]"]),
    (" inlining call to Id[go.shape.int]", ["inlining call to Id[go.shape.int]"]),
    (" can inline F[...]", ["can inline F[...]"]),
    (" can inline (*List[go.shape.int]).Push", ["can inline (*List[go.shape.int]).Push"]),
    (" can inline main.func1; can inline o.func2", ["can inline main.func1", "can inline o.func2"]),
    (" can inline (*T).M.func1", ["can inline (*T).M.func1"]),
    (" cannot inline (*T).M: function too complex: cost 90 exceeds budget 80",
     ["cannot inline (*T).M: function too complex: cost 90 exceeds budget 80"]),
    (" moved to heap: x·1", ["moved to heap: x·1"]),
    # Messages cut at a word, as Go's own tests write them; bare verdicts only as the whole claim.
    (" leaking param: p to result", ["leaking param: p to result"]),
    (" leaking param: p to result ~r0", ["leaking param: p to result ~r0"]),
    (" escapes to heap", ["escapes to heap"]),
    (" can inline (go1.25+)", ["can inline"]),
    (" escapes to heap here, sadly", []),
    (" b does not escape, mutate, or call", ["b does not escape, mutate, or call"]),
    (" mutates param: b derefs=0", ["mutates param: b derefs=0"]),
    (" zero-copy string->[]byte conversion", ["zero-copy string->[]byte conversion"]),
    (" (*Buffer).foo ignoring self-assignment in b.buf1 = b.buf1[1:2]",
     ["(*Buffer).foo ignoring self-assignment in b.buf1 = b.buf1[1:2]"]),
    (" partially devirtualizing i.M to T", ["partially devirtualizing i.M to T"]),
    (" devirtualizing x.M", ["devirtualizing x.M"]),
    (" can inline (*T", []),  # said as claim-unread, never read cut short
]


@pytest.mark.parametrize(("comment", "messages"), ARTICLE_COMMENTS)
def test_comment_claims_of_the_article(comment: str, messages: list[str]) -> None:
    assert [c.message for c in parse_comment(comment, 1, 0)] == messages


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("(go1.25+)", "1.25", None),
        ("（go1.25+）", "1.25", None),
        ("(go1.21–1.24)", "1.21", "1.24"),
        ("(go1.21-go1.24)", "1.21", "1.24"),
        ("(Go 1.21 ~ 1.24)", "1.21", "1.24"),
        ("(go1.24)", "1.24", "1.24"),
        ("(<go1.25)", None, "1.24"),
        ("(≤go1.24)", None, "1.24"),
    ],
)
def test_scopes(text: str, low: str | None, high: str | None) -> None:
    scope, used = parse_scope(text + " explanation")
    assert scope is not None and used == len(text)
    assert (str(scope.low) if scope.low else None) == low
    assert (str(scope.high) if scope.high else None) == high


def test_scope_contains_by_minor() -> None:
    scope, _ = parse_scope("(go1.21–1.24)")
    assert scope is not None
    assert scope.contains(parse_version("1.24.11"))
    assert not scope.contains(parse_version("1.25.0"))
    assert not scope.contains(parse_version("1.20.5"))


@pytest.mark.parametrize("text", ["(1.25)", "(go)", "go1.25+", "(see go1.25)"])
def test_not_scopes(text: str) -> None:
    assert parse_scope(text) == (None, 0)


def test_claims_with_scopes_and_explanations() -> None:
    claims = parse_comment(
        " make([]int, l) escapes to heap (go1.21–1.24)；make([]int, 1) does not escape (go1.25+)，常量传播", 5, 30)
    assert [(c.message, str(c.scope)) for c in claims] == [
        ("make([]int, l) escapes to heap", "(go1.21–1.24)"),
        ("make([]int, 1) does not escape", "(go1.25+)"),
    ]
    assert all(c.line == 5 for c in claims)


def test_comment_of_skips_strings_and_runes() -> None:
    assert comment_of('s := "http://x" // moved to heap: s') == (18, " moved to heap: s")
    assert comment_of("r := '/' // x") == (11, " x")
    assert comment_of("u := `//raw`") is None


def test_comment_claims_line_numbers() -> None:
    source = "package main\n\nfunc f() *int {\n\tn := 0 // moved to heap: n\n\treturn &n\n}\n"
    [claim] = comment_claims(source)
    assert (claim.message, claim.line) == ("moved to heap: n", 4)


def test_unbalanced_expression_is_no_claim() -> None:
    assert match_diagnostic("x) escapes to heap") is None


@pytest.mark.parametrize(("source", "unread"), [
    ("x := t.Get() // can inline (*T\n", [(1, "can inline (*T")]),
    ("x := 1 // leaking param: \n", [(1, "leaking param:")]),
    ("x := 1 // moved to heap: x; inlining call to\n", [(1, "inlining call to")]),
    ("x := t.Get() // can inline (*T).Get\n", []),
    ("x := 1 // p 逃逸到堆上\n", []),  # not how a diagnostic starts: an explanation
])
def test_a_comment_that_starts_as_a_diagnostic_but_cannot_be_read_is_said(source: str, unread: list) -> None:
    assert unread_claims(source) == unread


# A comment alone on its line is a claim only when it is nothing but claims, outside a paragraph of comments.
OWN_LINE = """package main

func f(x, y int) {
	// x does not escape below, because all relevant code is dead.
	if false { sink = &x }
	// Literal does not escape, but element does.
	// BAD: v does not escape to heap here
	// moved to heap: y
	sink = &y
	// in escapes to heap (address of param taken and returned)

	// The next line reads as a claim, but it is a line of this paragraph:
	// x does not escape
	_ = 1 // x does not escape, as said above
	// moved to heap: y (go1.25+)
	// string escapes to heap.
}
"""


def test_a_comment_alone_on_its_line_is_a_claim_only_when_it_is_nothing_but_claims() -> None:
    claims = comment_claims(OWN_LINE)
    assert [(c.line, c.message, c.own_line) for c in claims] == [
        (14, "x does not escape", False),  # beside code: the words after it explain it
        (15, "moved to heap: y", True),
        (16, "string escapes to heap", True),
    ]
    assert prose_comments(OWN_LINE) == [4, 6, 7, 8, 10, 13]  # 8: under the BAD: line, a line of its paragraph


@pytest.mark.parametrize(("comment", "messages"), [
    (" undefined: Repeat", ["undefined: Repeat"]),
    (" undefined: Repeat — it is not written yet", ["undefined: Repeat"]),
    (" undefined: Repeat (go1.21+)", ["undefined: Repeat"]),
    (" declared and not used: x", ["declared and not used: x"]),
    (" x declared but not used", ["x declared but not used"]),
    (' "fmt" imported and not used', ['"fmt" imported and not used']),
    (" cannot use 1 (untyped int constant) as string value in variable declaration",
     ["cannot use 1 (untyped int constant) as string value in variable declaration"]),
    (" s.foo undefined (type T has no field or method foo)", ["s.foo undefined (type T has no field or method foo)"]),
    (" missing return", ["missing return"]),
    (" cannot use this trick in production", []),  # not how the type checker words it
    (" undefined behaviour", []),
    (" missing return here, on purpose", []),
])
def test_compile_errors_claimed_in_comments(comment: str, messages: list[str]) -> None:
    assert [c.message for c in parse_comment(comment, 1, 0)] == messages


def test_a_compile_error_alone_on_its_line_is_neither_a_claim_nor_a_hint() -> None:
    source = "package main\n\nfunc main() {\n\t// undefined: Repeat\n\tRepeat()\n}\n"
    assert comment_claims(source) == [] and prose_comments(source) == []
