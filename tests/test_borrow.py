"""What a fragment borrows from its page: the declarations of earlier Go fences it names and does not declare."""

from __future__ import annotations

from goverify.borrow import borrow, declarations, imports_of
from goverify.errors import Location
from goverify.examples import GoFence, scan_page


def _fences(*sources: str) -> list[GoFence]:
    return [GoFence(Location("p.md", 10 * (n + 1)), source) for n, source in enumerate(sources)]


def test_the_top_level_declarations_of_go_code() -> None:
    source = """package main

import "fmt"

// A point.
type point struct{ x, y int }

//go:noinline
func (p *point) String() string { return fmt.Sprint(p.x) }

var (
	a, b = 1, 2
	c    = struct {
		d int
	}{}
)

const e = 3

func main() {}
"""
    found = declarations(source)
    assert [(d.names, d.receiver, d.method) for d in found] == [
        (("point",), "", ""), ((), "point", "String"), (("a", "b", "c"), "", ""), (("e",), "", ""),
        (("main",), "", "")]
    assert found[0].code == "// A point.\ntype point struct{ x, y int }"  # with the comment lines above it
    assert found[1].code.startswith("//go:noinline\n")
    assert imports_of('import (\n\t"fmt"\n\tr "math/rand"\n\t_ "embed"\n)\n') == {"fmt": "fmt", "r": "r math/rand"}


def test_a_fragment_borrows_what_it_names_and_what_that_needs_with_the_methods_of_each_type() -> None:
    fences = _fences(
        'package main\n\nimport "fmt"\n\ntype point struct{ x, y int }\n\n'
        'func (p point) String() string { return fmt.Sprint(p.x) }\n\nfunc unused() {}\n\nfunc main() {}\n',
        "func newPoint(x, y int) *point { return &point{x, y} }\n",
    )
    fragment = "func show() string {\n\treturn newPoint(1, 2).String()\n}\n"
    borrowed = borrow(fences, fragment, 100)
    assert borrowed is not None
    assert borrowed.names == ("newPoint",)
    assert borrowed.fences == (10, 20)  # page order
    assert borrowed.code == ("\ntype point struct{ x, y int }\n\nfunc (p point) String() string { return "
                             "fmt.Sprint(p.x) }\n\nfunc newPoint(x, y int) *point { return &point{x, y} }\n")
    assert borrowed.imports == ("fmt",)  # the example's own import, for the method it lends
    assert borrowed.lines == 6
    assert borrow(fences, fragment, 15) is None  # only fences before the fragment: newPoint comes later


def test_the_nearest_earlier_declaration_is_borrowed_and_not_an_older_types_methods() -> None:
    fences = _fences(
        "type Adder struct{ id int32 }\n\nfunc (a Adder) AddVal(x, y int32) int32 { return x + y }\n",
        "type Adder struct{ name string }\n\nfunc (a Adder) Add(x, y int32) int32 { return x + y }\n",
    )
    borrowed = borrow(fences, "func f() {\n\tadder := Adder{}\n\tadder.Add(1, 2)\n}\n", 100)
    assert borrowed is not None and borrowed.fences == (20,)
    assert "AddVal" not in borrowed.code and "name string" in borrowed.code


def test_nothing_is_borrowed_that_the_fragment_declares_or_that_it_only_mentions_as_a_member() -> None:
    fences = _fences(
        "var (\n\tlimit = 10\n\tsink  *int\n)\n\nfunc main() { helper() }\n\nfunc helper() {}\n",
        "type Getter interface{ Get() int }\n\nfunc Get() int { return 0 }\n",
    )
    # `sink` is grouped with `limit`, which the fragment declares itself: the group would declare it again
    assert borrow(fences, "var limit = 3\n\nfunc f(p *int) { sink = p }\n", 100) is None
    # `main` is never borrowed; `Get` in the interface is a method name, not a use of func Get
    borrowed = borrow(fences, "func f(g Getter) int { main(); return g.Get() }\n", 100)
    assert borrowed is not None and borrowed.names == ("Getter",)
    assert "func Get()" not in borrowed.code
    # a local of the fragment is its own, not the page's
    assert borrow(fences, "func f() int {\n\tlimit := 1\n\treturn limit\n}\n", 100) is None


def test_the_page_lists_every_go_fence_with_its_code() -> None:
    page = scan_page("# P\n\n```go\ntype T int\n```\n\n```go\npackage main\n\nfunc main() {}\n```\n\n"
                     "```text\nnot go\n```\n", "p.md")
    assert [(f.location.line, f.source) for f in page.fences] == [
        (3, "type T int\n"), (7, "package main\n\nfunc main() {}\n")]
