"""Lines in an older compiler's words: one table of changes, read both ways (explaining a line from what is printed
at its position, and rewording a line wherever it is, for fitting a fragment's header)."""

from __future__ import annotations

import pytest
from goverify.formats import by_value, format_change, in_todays_words
from goverify.output import parse_line


@pytest.mark.parametrize(("written", "functions", "today", "changes"), [
    ("main &x does not escape", set(), "&x does not escape", ["function-name prefix"]),
    ("generate8191 make([]int, 8191) does not escape", {"generate8191"}, "make([]int, 8191) does not escape",
     ["function-name prefix"]),
    ("main.func1 &x does not escape", set(), "&x does not escape", ["function-name prefix"]),
    ("&T literal escapes to heap", set(), "&T{...} escapes to heap", ["composite literal"]),
    ("main []int literal does not escape", set(), "[]int{...} does not escape",
     ["function-name prefix", "composite literal"]),
    ("[]interface {} literal does not escape", set(), "... argument does not escape", ["variadic argument"]),
    ("leaking param: x to result ~r1 level=0", set(), "leaking param: x to result ~r0 level=0",
     ["result numbering"]),
    ("x escapes to heap:", set(), "", ["escapes to heap in"]),  # no line of today to map it to
    ("cannot inline main: non-leaf function", set(), "", ["non-leaf function"]),
    # Compile errors: Go 1.20 words them `declared and not used: y` and `"fmt" imported and not used`.
    ("y declared but not used", set(), "declared and not used: y", ["unused variable"]),
    ("y declared and not used", set(), "declared and not used: y", ["unused variable"]),
    ('"fmt" imported but not used', set(), '"fmt" imported and not used', ["unused import"]),
    ('imported and not used: "fmt"', set(), '"fmt" imported and not used', ["unused import"]),
])
def test_old_words_in_todays_words(written: str, functions: set[str], today: str, changes: list[str]) -> None:
    reworded = in_todays_words(written, frozenset(functions))
    assert reworded is not None
    assert reworded.message == today
    assert [name for name, _ in reworded.changes] == changes


@pytest.mark.parametrize("message", [
    "func literal does not escape",  # `func` names no function: no prefix to take off
    "helper &x does not escape",  # helper is not a function the example declares
    "make([]int, n) escapes to heap",
    "moved to heap: x",
    "declared and not used: y",
    '"fmt" imported and not used',
])
def test_todays_words_are_left_alone(message: str) -> None:
    assert in_todays_words(message) is None


def test_a_constant_is_named_by_its_value_since_go_1_25() -> None:
    assert by_value("id escapes to heap", "int32(4096) escapes to heap")
    assert by_value("s escapes to heap", '"hello" escapes to heap')
    assert not by_value("id escapes to heap", "int32(4096) does not escape")  # another verdict
    assert not by_value("id escapes to heap", "x escapes to heap")  # not a constant


def test_explaining_a_line_uses_the_same_table() -> None:
    written = parse_line("./main.go:6:12: main []int literal does not escape")
    here = [parse_line("./main.go:6:12: []int{...} escapes to heap")]
    change = format_change(written, here, frozenset())
    assert change is not None
    assert change.changes == (("function-name prefix", "1.14"), ("composite literal", "1.16"))
    assert change.modern == "[]int{...} escapes to heap"
    constant = format_change(parse_line("./main.go:8:9: id escapes to heap"),
                             [parse_line("./main.go:8:9: int32(4096) escapes to heap")], frozenset())
    assert constant is not None and constant.changes == (("constant by value", "1.25"),)
    assert format_change(parse_line("./main.go:8:9: id escapes to heap"), [], frozenset()) is None
