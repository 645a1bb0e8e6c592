"""The claim grammar: which `//` comments assert a compiler diagnostic, and on which Go releases.

A comment claim is a `//` comment whose text starts with a diagnostic of `go build -gcflags=-m`:

    num := 0 // moved to heap: num
    d["key"] = "value" // "key" escapes to heap; "value" escapes to heap
    i := 1 // moved to heap: i，局部变量被下面的闭包引用     (the text after the claim explains it)
    s := make([]int, l) // make([]int, l) escapes to heap (go1.21–1.24)
    s := make([]int, l) // make([]int, 1) does not escape (go1.25+)

Several claims share a comment when separated by `;` (or `；`). A claim may be followed by a version scope in
parentheses (ASCII or full-width): `(go1.25+)`, `(go1.21–1.24)` (also `-` or `~`), `(go1.24)`; `Go 1.25` reads
the same as `go1.25`. Anything else after a claim is explanation; a comment that does not start with a
diagnostic (`// p 逃逸到堆上`) is no claim. An ALL-CAPS label before it is the author's, not the compiler's:
`// GOOD: i1 does not escape` claims `i1 does not escape`.

A comment alone on its line is a claim only when it is nothing but claims (each with its scope), in no paragraph of
comments: `// moved to heap: x` above a line is one, but `// x does not escape below, because ...`, `// Literal does
not escape, but element does.`, `// BAD: v does not escape to heap here` or a line of a longer comment are prose
about the code, not what the compiler prints (`prose_comments` finds them, to be counted as hints).
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from dataclasses import dataclass

from .versions import Version, parse_version

# Go names as the compiler prints them, never cut short: `f`, `T.M`, `(*T).M`, `sync.(*Mutex).Lock`, `main.func1`,
# `(*T).M.func1`, `glob..func1`, `Id[go.shape.int]`, `F[...]`, `(*List[go.shape.int]).Push`, `~r0`.
_IDENT = r"[A-Za-z0-9_$·~]+"
_TYPE_ARGS = r"\[(?:[^\[\]\s;；]|\[[^\[\]\s;；]*\])*\]"
_RECEIVER = r"\(\*?" + _IDENT + r"(?:\." + _IDENT + r")*(?:" + _TYPE_ARGS + r")?\)"
_NAME = r"(?:" + _RECEIVER + "|" + _IDENT + r")(?:" + _TYPE_ARGS + r"|\.+(?:" + _RECEIVER + "|" + _IDENT + r"))*"
_END = r"(?=$|[\s,;；:：，。)）(（])"  # a name ends at a space, punctuation or the end (never inside a word)
# What `-m` prints, one pattern per kind of message; a message the author cut short at a word (`leaking param: p to
# result`, a bare `escapes to heap`) is read whole, as Go's own tests write it. EXPR is text with balanced brackets.
_DIAGNOSTIC_HEADS = [
    re.compile(r"moved to heap: " + _NAME + _END),
    re.compile(r"leaking param content: " + _NAME + _END),
    re.compile(r"leaking param: " + _NAME + r"(?: to result(?: " + _NAME + r"(?: level=\d+)?)?)?" + _END),
    re.compile(r"leaking closure reference " + _NAME + _END),
    re.compile(r"mutates param: " + _NAME + r"(?: derefs=\d+)?" + _END),
    re.compile(r"can inline " + _NAME + r"(?: with cost \d+(?: as: .*)?)?" + _END),
    re.compile(r"cannot inline " + _NAME + r": [^;；]*"),
    re.compile(r"inlining call to " + _NAME + _END),
    re.compile(r"(?:partially )?devirtualizing " + _NAME + r"(?: to " + r"[\w.*\[\]]+)?" + _END),
    re.compile(r"(?:" + _NAME + r" )?ignoring self-assignment(?: in [^;；]*)?"),
    re.compile(r"zero-copy string->\[\]byte conversion"),
    # A verdict with no subject: something on the line escapes, is inlined ... (only as the whole claim)
    re.compile(r"(?:escapes to heap|does not escape|can inline|inlining call)(?=\s*$|\s*[(（]\s*[<≤＜]?\s*[Gg]o)"),
    re.compile(r"(?P<expr>.+?) (?:escapes to heap|does not escape(?:, mutate, or call)?)(?: in \S+)?"),
]
# The compile errors a test-first article shows beside the line that has them (`Repeat("a") // undefined: Repeat`),
# as the type checker words them (the older wording too: Go 1.20 made `x declared but not used` into `declared and not
# used: x`). The claim is the whole comment part, up to an explanation after a dash or CJK text, or a version scope.
_COMPILE_ERRORS = re.compile(
    r"(?:undefined|declared and not used|invalid operation|assignment mismatch|syntax error|invalid argument|"
    r"cannot infer|invalid recursive type|invalid composite literal type): \S|"
    r"(?:missing return|missing function body|no new variables on left side of :=|too many return values|"
    r"not enough return values|non-boolean condition in (?:if|for) statement)$|"
    r"cannot use .+ as .+ value in \S|cannot assign to .+ \(.+\)$|cannot assign to struct field .+ in map$|"
    r"cannot convert .+ \(.+\) to type \S|cannot range over .+ \(.+\)|cannot call non-function \S|"
    r"(?:too many|not enough) arguments in call to \S|mismatched types \S+ and \S|"
    r"first argument to append must be a slice|"
    r"(?:\"[^\"]+\"|[A-Za-z_]\w*) imported (?:and|but) not used\b|imported and not used: \"|"
    r"[A-Za-z_][\w.]* (?:declared and not used|declared but not used|redeclared in this block)$|"
    r"[A-Za-z_][\w.]* undefined \(type \S")
_ERROR_END = re.compile(r"\s+(?:—|--|–)\s|\s*[(（]\s*[<≤＜]?\s*[Gg]o\s*1\.\d|[\u3000-\u9fff\uff00-\uffef]")


def match_compile_error(text: str) -> str | None:
    """The compile error a comment part states, or None."""
    end = _ERROR_END.search(text)
    message = text[: end.start()] if end else text
    message = message.rstrip().rstrip(".")
    return message if _COMPILE_ERRORS.match(message) else None


def is_compile_error(message: str) -> bool:
    return match_compile_error(message) == message


# How a comment that cannot be read starts when it is meant as one of these (counted and said, never dropped).
_LOOKS_LIKE = re.compile(r"^(?:moved to heap|leaking param|leaking closure|mutates param|can inline|cannot inline|"
                         r"inlining call|(?:partially )?devirtualizing)\b")
_SCOPE = re.compile(
    r"""^\s*[(（]\s*
    (?P<lt>[<≤＜]\s*)?
    (?P<lo>[Gg]o\s*1\.\d+(?:\.\d+)?)
    (?:\s*(?P<plus>[+＋])|\s*[-–—~～]\s*(?P<hi>(?:[Gg]o\s*)?1\.\d+(?:\.\d+)?))?
    \s*[)）]""",
    re.X,
)
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_LABEL = re.compile(r"^[A-Z][A-Z0-9_-]+:\s*")  # GOOD:, BAD:, NOTE:


@dataclass(frozen=True)
class Scope:
    """The Go releases a claim speaks for: minors from `low` to `high` (None: unbounded)."""

    low: Version | None
    high: Version | None
    text: str

    def contains(self, version: Version) -> bool:
        minor = version.minor_key
        if self.low is not None and minor < self.low.minor_key:
            return False
        return self.high is None or minor <= self.high.minor_key

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Claim:
    """A diagnostic the author says the compiler reports at a line of the example."""

    message: str
    line: int  # 1-based line in the Go file
    column: int  # 0-based column of the claim within the Go line (for --fix)
    scope: Scope | None = None
    own_line: bool = False  # the comment is alone on its line: it speaks of the code near it, not of its line


def _balanced_prefixes(text: str) -> list[bool]:
    """balanced[i]: text[:i] has balanced brackets and quotes; every prefix in one pass (a long comment with an
    unclosed quote must not cost time quadratic in its length)."""
    balanced = [True]
    stack: list[str] = []
    quote = ""
    broken = False
    for ch in text:
        if broken:
            pass
        elif quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in _OPENERS:
            stack.append(_OPENERS[ch])
        elif ch in ")]}":
            broken = not stack or stack.pop() != ch
        balanced.append(not broken and not stack and not quote)
    return balanced


def match_diagnostic(text: str) -> str | None:
    """The compiler message that `text` starts with, or None."""
    for pattern in _DIAGNOSTIC_HEADS:
        m = pattern.match(text)
        if not m:
            continue
        if "expr" in pattern.groupindex:
            # The shortest balanced expression before "escapes to heap"/"does not escape", with no CJK in it.
            first_cjk = _CJK.search(text)
            cjk = first_cjk.start() if first_cjk else len(text)
            plain = not any(ch in text for ch in "([{)]}\"'`")  # nothing to balance: every prefix is balanced
            balanced = None if plain else _balanced_prefixes(text)
            for m2 in _VERDICT.finditer(text):
                if 0 < m2.start() <= cjk and (plain or balanced[m2.start()]):
                    return text[: m2.end()]
            return None
        return m.group(0).rstrip()
    return None


def is_diagnostic(message: str) -> bool:
    return match_diagnostic(message) == message


_VERDICT = re.compile(r" (?:escapes to heap|does not escape(?:, mutate, or call)?)")
_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")


def _has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def parse_scope(text: str) -> tuple[Scope | None, int]:
    """A version scope at the start of `text` and how many characters it took; (None, 0) if none."""
    m = _SCOPE.match(text)
    if not m:
        return None, 0
    low = parse_version(m.group("lo"))
    high: Version | None
    if m.group("lt"):
        low, high = None, low
        if m.group("lt").strip() in {"<", "＜"}:  # full-width too: typed with a Chinese input method
            high = Version(high.major, high.minor - 1, None)
    elif m.group("plus"):
        high = None
    elif m.group("hi"):
        high = parse_version(m.group("hi"))
    else:
        high = low
    return Scope(low, high, m.group(0).strip()), m.end()


def _split_top_level(text: str) -> list[tuple[int, str]]:
    """Split on `;`/`；` outside brackets and quotes, keeping each part's offset."""
    if ";" not in text and "；" not in text:
        return [(0, text)]
    parts: list[tuple[int, str]] = []
    depth = 0
    quote = ""
    start = 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch in ";；" and depth == 0:
            parts.append((start, text[start:i]))
            start = i + 1
    parts.append((start, text[start:]))
    return parts


def parse_comment(comment: str, line: int, column: int) -> list[Claim]:
    """The claims of one `//` comment's text (without the slashes); `column` is where that text starts."""
    return _parse(comment, line, column)[0]


_CLAIM_END = re.compile(r"^[\s.。]*$")  # what may follow a claim in a comment that is nothing but claims


def _parse(comment: str, line: int, column: int) -> tuple[list[Claim], bool]:
    """The claims of a comment, and whether it is nothing but claims (no label, no word after one)."""
    claims: list[Claim] = []
    whole = True
    for offset, part in _split_top_level(comment):
        stripped = part.lstrip()
        label = _LABEL.match(stripped)
        if label and not claims:
            stripped = stripped[label.end():]
            whole = False
        lead = len(part) - len(stripped)
        message = match_diagnostic(stripped)
        if message is None and not claims:
            message = match_compile_error(stripped)  # a compile error is the whole comment (its parts are its own)
            if message is not None:
                scope, _ = parse_scope(stripped[len(message):])
                return [Claim(message, line, column + offset + lead, scope)], False
        if message is None:
            whole = whole and not stripped.strip()
            if claims:
                break  # explanation after the claims
            continue
        scope, taken = parse_scope(stripped[len(message) :])
        whole = whole and _CLAIM_END.match(stripped[len(message) + taken:]) is not None
        claims.append(Claim(message, line, column + offset + lead, scope))
    return claims, whole


def comment_of(line: str) -> tuple[int, str] | None:
    """(column, text) of the `//` comment on a Go source line, skipping strings and runes."""
    first = line.find("//")
    if first < 0:
        return None
    if not any(ch in line[:first] for ch in "\"'`/"):  # nothing before it can hide or start a comment
        return first + 2, line[first + 2:]
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\" and quote != "`":
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif line.startswith("//", i):
            return i + 2, line[i + 2 :]
        elif line.startswith("/*", i):
            end = line.find("*/", i + 2)
            if end < 0:
                return None
            i = end + 2
            continue
        i += 1
    return None


def _comments(source: str) -> list[tuple[int, int, str, bool]]:
    """(line, column, text, alone) of every `//` comment of a Go file that may hold claims, in line order; `alone`:
    nothing but the comment on its line."""
    found: list[tuple[int, int, str, bool]] = []
    in_raw = False
    for number, line in enumerate(source.split("\n"), start=1):  # Go counts lines by "\n" only
        if in_raw:  # a raw string spanning lines: skip to its end
            if line.count("`") % 2 == 1:
                in_raw = False
            continue
        comment = comment_of(line) if "//" in line else None  # most lines have no comment: no scan
        code = line if comment is None else line[: comment[0] - 2]
        if "`" in code and code.count("`") % 2 == 1:
            in_raw = True
            continue
        if comment is not None:
            found.append((number, *comment, not code.strip()))
    return found


def _read_comments(source: str) -> list[tuple[list[Claim], bool]]:
    """The claims of each comment of a Go file that has some, and whether they count: a comment alone on its line
    counts only when it is nothing but claims, and no comment line next to it is prose (then it is a line of a
    paragraph of comments)."""
    parsed = [(number, own, *_parse(text, number, column)) for number, column, text, own in _comments(source)]
    prose = {number for number, own, claims, whole in parsed if own and not (claims and whole)}
    read: list[tuple[list[Claim], bool]] = []
    for number, own, claims, whole in parsed:
        if not claims or (own and is_compile_error(claims[0].message)):
            continue  # a compile error is claimed beside the line that has it
        if own:
            claims = [Claim(c.message, c.line, c.column, c.scope, True) for c in claims]
            whole = whole and number - 1 not in prose and number + 1 not in prose
        read.append((claims, not own or whole))
    return read


def comment_claims(source: str) -> list[Claim]:
    """Every comment claim of a Go file, in line order."""
    return [claim for claims, counts in _read_comments(source) if counts for claim in claims]


def prose_comments(source: str) -> list[int]:
    """The lines of the comments alone on their line that start as a claim does but are prose (`// x does not escape
    below, because ...`): no claim, said as a hint."""
    return [claims[0].line for claims, counts in _read_comments(source) if not counts]


def unread_claims(source: str) -> list[tuple[int, str]]:
    """(line, text) of each part of a comment that starts as a compiler diagnostic does (`can inline`, `leaking
    param`, ...) but is not one the grammar reads: said, never dropped without a word."""
    unread: list[tuple[int, str]] = []
    for number, _, text, _ in _comments(source):
        for _, part in _split_top_level(text):
            stripped = part.strip()
            label = _LABEL.match(stripped)
            stripped = stripped[label.end():] if label else stripped
            if _LOOKS_LIKE.match(stripped) and match_diagnostic(stripped) is None:
                unread.append((number, stripped))
    return unread


def strip_comments(source: str) -> str:
    """The code of a Go file without its `//` comments and trailing spaces (for comparing translations)."""
    out = []
    for line in source.splitlines():
        found = comment_of(line)
        code = line if found is None else line[: found[0] - 2]
        if code.strip():
            out.append(code.rstrip())
    return "\n".join(out)


@functools.lru_cache(maxsize=256)
def function_spans(source: str) -> tuple[tuple[int, int], ...]:
    """(first, last) 1-based lines of each top-level declaration, in order, found by matching braces outside strings
    and comments; a claim that is not on the compiler's line may still be in the same function. Scanned once per
    example, not once per claim."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    quote = ""
    in_block_comment = False
    for number, line in enumerate(source.splitlines(), start=1):
        if depth == 0 and not quote and not in_block_comment and re.match(r"^(func|var|const|type)\b", line):
            start = number
        i = 0
        while i < len(line):
            ch = line[i]
            if in_block_comment:
                if line.startswith("*/", i):
                    in_block_comment = False
                    i += 1
            elif quote:
                if ch == "\\" and quote != "`":
                    i += 1
                elif ch == quote:
                    quote = ""
            elif line.startswith("//", i):
                break
            elif line.startswith("/*", i):
                in_block_comment = True
                i += 1
            elif ch in "\"'`":
                quote = ch
            elif ch in "{(":
                depth += 1
            elif ch in "})":
                depth = max(0, depth - 1)
            i += 1
        if quote in "\"'":
            quote = ""  # interpreted strings and runes end with their line
        if depth == 0 and start:
            spans.append((start, number))
            start = 0
    return tuple(spans)


def span_of(spans: tuple[tuple[int, int], ...], line: int) -> tuple[int, int]:
    """The declaration holding a line (spans in order, as `function_spans` gives them), else the line alone."""
    i = bisect.bisect_right(spans, (line, math.inf)) - 1
    if i >= 0 and spans[i][0] <= line <= spans[i][1]:
        return spans[i]
    return line, line
