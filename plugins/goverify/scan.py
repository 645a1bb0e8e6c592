"""Find the code blocks of a Markdown page, whichever generator's syntax marks them, with the positions a reader can
open.

One small reader per dialect, behind one interface (`_Dialect.read`), each yielding the same records:

- `_Fences`: backtick and tilde fences at any indentation, their info string read with the attributes Hugo, MDX and
  pymdownx put after the language (```` ```go {linenos=true,hl_lines=[4]} ````, ```` ```go title="main.go" ````,
  ```` ```go {3-5} showLineNumbers ````, ```` ``` { .go } ````);
- `_Shortcodes`: Hugo's `{{< highlight go "linenos=table" >}}` ... `{{< /highlight >}}` and `{{< code lang="go" >}}`
  (`{{% ... %}}` too); any other shortcode on a line of its own is markup, and what it wraps is read as usual;
- `_Liquid`: Jekyll's `{% highlight go linenos %}` ... `{% endhighlight %}`; other tags are markup, and Liquid tags
  inside `{% raw %}` are text;
- `_Html` and `_Indented`: a Go block in a form goverify does not read (HTML `<pre><code class="language-go">`, an
  indented code block of Go), recorded as `Unread` so that it is counted, never silently dropped (as are the
  shortcodes and tags that bring code from elsewhere: `{{< gist >}}`, `{{< readfile file="x.go" >}}`).

Front matter (YAML `---`, TOML `+++`, JSON `{`) is markup; every offset and line stays that of the file.
"""

from __future__ import annotations

import itertools
import operator
import re
from dataclasses import dataclass, field
from typing import Protocol

GO_LANGS = {"go", "golang"}

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})(?P<info>.*)$")
# key=value, the value quoted, a [list] (Hugo's hl_lines=[3,"6-8"]) or bare up to a space, comma or brace
_OPTION = re.compile(r"""([\w.-]+)=(?:"([^"]*)"|'([^']*)'|(\[[^\]]*\])|([^\s,}"']+))""")
_LINE_END = re.compile(r"\r\n|\r|\n")
# A code span ends with its paragraph (CommonMark): a stray backtick cannot swallow the next paragraph's command.
INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)((?:[^\n]|\n(?![ \t]*(?:\n|$)))+?)(?<!`)\1(?!`)")
_FRONT_MATTER = (
    re.compile(r"\A---[ \t]*(?:\r\n|\r|\n)(?:.*?(?:\r\n|\r|\n))??(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|\Z)", re.S),
    re.compile(r"\A\+\+\+[ \t]*(?:\r\n|\r|\n)(?:.*?(?:\r\n|\r|\n))??\+\+\+[ \t]*(?:\r\n|\r|\n|\Z)", re.S),
    re.compile(r"\A\{[ \t]*(?:\r\n|\r|\n)(?:.*?(?:\r\n|\r|\n))??\}[ \t]*(?:\r\n|\r|\n|\Z)", re.S),
)
# {{< name args >}}, {{% name args %}}, {{< /name >}}; not an escaped {{</* name */>}}, which Hugo shows as text
_SHORTCODE = re.compile(r"^(?P<indent>[ \t]*)(?P<open>\{\{[<%])\s*(?P<end>/)?\s*(?P<name>[\w.-]+)"
                        r"(?P<args>(?:\s(?:[^>%]|[>%](?!\}\}))*?)?)\s*/?\s*(?P<close>[>%]\}\})[ \t]*$")
_LIQUID = re.compile(r"^(?P<indent>[ \t]*)(?P<open>\{%)-?\s*(?P<name>\w+)(?P<args>(?:\s.*?)?)\s*-?%\}[ \t]*$")
_LIQUID_RAW = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
_ARGUMENT = re.compile(r"""(?:([\w.-]+)=)?("[^"]*"|`[^`]*`|'[^']*'|[^\s"'`]+)""")
_HTML_OPEN = re.compile(r"^[ \t]*<(?P<tag>pre|CodeBlock)\b", re.I)
_HTML_GO = re.compile(r"""\b(?:language|lang)-go(?:lang)?\b|\blang(?:uage)?=["']?go(?:lang)?\b|\bclass=["']?"""
                      r"""go(?:lang)?["'\s>]|brush:\s*go\b""", re.I)
_GO_START = re.compile(r"^(?:package\s+\w+|func\s|import\s*[(\"]|type\s+\w+\s+(?:struct|interface)\b)")
_CONTAINER = re.compile(r"^(?:[-*+]|\d+[.)])(?:\s|$)|^(?:!!!|\?\?\?\+?|===)\s|^\[\^[^\]]+\]:")
_CODE_SHORTCODES = {"highlight", "code"}


@dataclass(frozen=True)
class Fence:
    """One block of code, however the page marks it: where it is, how it is labelled, and what it holds (dedented)."""

    start: int  # offset of the first character of the opening line
    end: int  # offset just past the closing line (or the end of the text when unclosed)
    line: int  # 0-based index of the opening line
    indent: str  # the opening line's indentation, kept for what we write back
    marker: str  # ``` or ~~~ as long as the author wrote it; {{< or {{% (a shortcode); {% (a Liquid tag)
    info: str  # everything after the marker
    lang: str
    options: dict[str, str] = field(hash=False)
    body: str = ""
    body_line: int = 0  # 0-based index of the first body line
    closed: bool = True


@dataclass(frozen=True)
class Unread:
    """A Go block in a form goverify does not read, counted with why: `code-elsewhere` (a shortcode or tag that brings
    the code from another file or site), `html-code` (HTML `<pre>`), `indented-code` (an indented code block)."""

    start: int
    end: int
    line: int
    reason: str
    markup: str  # the line that marks it, as written (stripped)


@dataclass(frozen=True)
class Markup:
    """Lines that are neither prose nor code: front matter, a shortcode or Liquid tag on a line of its own."""

    start: int
    end: int


@dataclass
class Scanned:
    """Everything the readers found on a page, in page order."""

    fences: list[Fence]
    unread: list[Unread]
    markup: list[Markup]

    @property
    def regions(self) -> list[Fence | Unread | Markup]:
        """Every stretch of the page that is not prose, in order (fences, unread blocks, markup never overlap)."""
        return sorted([*self.fences, *self.unread, *self.markup], key=lambda r: r.start)


class _Lines:
    """A page's lines (with their line ends, as CommonMark ends lines) and the offset of each."""

    def __init__(self, text: str) -> None:
        if "\r" in text:
            self.lines = [line for line in re.split(r"(?<=\n)|(?<=\r)(?!\n)", text) if line]
        else:
            parts = text.split("\n")
            self.lines = [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
        self.offsets = [0, *itertools.accumulate(map(len, self.lines))]

    def __len__(self) -> int:
        return len(self.lines)

    def raw(self, i: int) -> str:
        return self.lines[i].rstrip("\r\n")

    def end(self, i: int) -> int:
        """Offset just past line i (the end of the text past the last line)."""
        return self.offsets[min(i + 1, len(self.lines))]


class _Dialect(Protocol):
    hints: tuple[str, ...]  # a line holds one of these for `read` to be asked (most lines hold none)

    def read(self, lines: _Lines, i: int) -> tuple[Fence | Unread | Markup, int] | None:
        """The block opening at line i and the index of the line after it (after the opening line alone, for
        markup whose content is read as usual), or None when line i opens nothing of this dialect."""


def _width(indent: str) -> int:
    return len(indent.expandtabs(4))


def _dedent(line: str, width: int) -> str:
    """Remove up to `width` columns of leading whitespace, tabs counting as four."""
    col = 0
    i = 0
    while i < len(line) and col < width and line[i] in " \t":
        col += 4 - col % 4 if line[i] == "\t" else 1
        i += 1
    return line[i:]


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _OPTION.finditer(text)}


def parse_info(info: str) -> tuple[str, dict[str, str]]:
    """Split a fence's info string into its language and its `key=value` options.

    Accepts ```` ```go command="go vet main.go" ````, ```` ``` { .go command="..." } ```` and the attributes other
    generators put after the language: ```` ```go {linenos=true,hl_lines=[4]} ````, ```` ```go title="main.go" ````,
    ```` ```go {3-5} showLineNumbers ````.
    """
    text = info.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    options = _attributes(text)
    rest = re.sub(r"[{},]", " ", _OPTION.sub(" ", text)).split()
    lang = ""
    for word in rest:
        if word.startswith("."):
            lang = lang or word[1:]
        elif not lang and not word.startswith("#"):
            lang = word
    return lang.lower(), options


def _body(lines: _Lines, first: int, stop: int, width: int) -> str:
    """Lines [first, stop) dedented by `width` columns, a Liquid `{% raw %}` tag removed as Liquid removes it."""
    body_lines = [x.rstrip("\r\n") for x in lines.lines[first:stop]]
    if width:
        body_lines = [_dedent(x, width) for x in body_lines]
    body = "\n".join(body_lines) + ("\n" if body_lines else "")
    return _LIQUID_RAW.sub("", body) if "{%" in body else body


def _arguments(args: str) -> tuple[list[str], dict[str, str]]:
    """A shortcode's or tag's positional and named arguments, quotes removed."""
    positional, named = [], {}
    for m in _ARGUMENT.finditer(args):
        value = m.group(2)
        if value[:1] in "\"'`" and value[-1:] == value[:1] and len(value) > 1:
            value = value[1:-1]
        if m.group(1):
            named[m.group(1).lower()] = value
        else:
            positional.append(value)
    return positional, named


def _names_go_file(positional: list[str], named: dict[str, str]) -> bool:
    return any(v.lower().endswith(".go") for v in [*positional, *named.values()])


def _only_tags(body: str) -> str | None:
    """The tag line, when a block holds nothing but shortcodes or Liquid tags (`{{< readfile "main.go" >}}` inside a
    fence): its code comes from elsewhere."""
    shown = [line.strip() for line in body.splitlines() if line.strip()]
    if shown and all(_SHORTCODE.match(line) or _LIQUID.match(line) for line in shown):
        return shown[0]
    return None


class _Fences:
    """```` ``` ```` and `~~~` fences: a fence closes on a line of the same character, at least as long, with nothing
    after it; an unclosed fence runs to the end of the text, as in CommonMark."""

    hints = ("```", "~~~")

    def read(self, lines: _Lines, i: int) -> tuple[Fence | Unread, int] | None:
        raw = lines.raw(i)
        m = _OPEN.match(raw)
        if not m or (m.group("marker")[0] == "`" and "`" in m.group("info")):
            return None
        indent, marker, info = m.group("indent"), m.group("marker"), m.group("info")
        close = re.compile(r"^[ \t]*" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$")
        j = i + 1
        closer = marker[0] * len(marker)  # a closing line holds at least this: most lines are not looked at twice
        every, count = lines.lines, len(lines.lines)
        while j < count and (closer not in every[j] or not close.match(every[j].rstrip("\r\n"))):
            j += 1
        closed = j < count
        body = _body(lines, i + 1, j, _width(indent))
        lang, options = parse_info(info)
        end = lines.end(j) if closed else lines.offsets[len(lines)]
        tag = _only_tags(body) if "{{" in body or "{%" in body else None
        if tag is not None and (lang in GO_LANGS or ".go" in tag.lower()):
            return Unread(lines.offsets[i], end, i, "code-elsewhere", tag), j + 1
        return Fence(lines.offsets[i], end, i, indent, marker, info, lang, options, body, i + 1, closed), j + 1


class _Shortcodes:
    """Hugo shortcodes on a line of their own. `highlight` (`{{< highlight go "linenos=table" >}}`) and `code`
    (`{{< code lang="go" title="main.go" >}}`) hold code up to their closing tag; `gist`, and any shortcode naming a
    `.go` file with no code of its own (`readfile`), bring code from elsewhere; every other one is markup."""

    hints = ("{{",)

    def read(self, lines: _Lines, i: int) -> tuple[Fence | Unread | Markup, int] | None:
        m = _SHORTCODE.match(lines.raw(i))
        if not m or {"<": ">", "%": "%"}[m.group("open")[2]] != m.group("close")[0]:
            return None
        name = m.group("name").lower()
        positional, named = _arguments(m.group("args"))
        tag = Markup(lines.offsets[i], lines.end(i))
        if m.group("end"):
            return tag, i + 1
        closing = self._closing(lines, i, name) if name in _CODE_SHORTCODES else None
        if name == "highlight" or closing is not None:
            stop = len(lines) if closing is None else closing
            if name == "highlight":
                lang = positional[0] if positional else ""
                options = _attributes(positional[1]) if len(positional) > 1 else {}
            else:
                lang = named.get("lang") or named.get("language") or ""
                options = {}
            options.update({k: v for k, v in named.items() if k not in {"lang", "language"}})
            indent = m.group("indent")
            end = lines.end(stop) if closing is not None else lines.offsets[len(lines)]
            body = _body(lines, i + 1, stop, _width(indent))
            fence = Fence(lines.offsets[i], end, i, indent, m.group("open"), m.group(0).strip()[3:-3].strip(),
                          lang.lower(), options, body, i + 1, closing is not None)
            return fence, stop + 1
        if name == "gist" or _names_go_file(positional, named):
            return Unread(tag.start, tag.end, i, "code-elsewhere", lines.raw(i).strip()), i + 1
        return tag, i + 1

    @staticmethod
    def _closing(lines: _Lines, i: int, name: str) -> int | None:
        for j in range(i + 1, len(lines)):
            if "{{" in lines.lines[j] and "/" in lines.lines[j]:
                m = _SHORTCODE.match(lines.raw(j))
                if m and m.group("end") and m.group("name").lower() == name:
                    return j
        return None


class _Liquid:
    """Jekyll's Liquid tags on a line of their own: `{% highlight go linenos %}` holds code up to `{% endhighlight %}`;
    `{% gist %}`, and an include naming a `.go` file, bring code from elsewhere; inside `{% raw %}` tags are text;
    every other tag is markup."""

    hints = ("{%",)

    def __init__(self) -> None:
        self.raw = False  # inside {% raw %}: Liquid reads no tag but {% endraw %}

    def read(self, lines: _Lines, i: int) -> tuple[Fence | Unread | Markup, int] | None:
        m = _LIQUID.match(lines.raw(i))
        if not m:
            return None
        name = m.group("name").lower()
        tag = Markup(lines.offsets[i], lines.end(i))
        if self.raw:
            self.raw = name != "endraw"
            return (tag, i + 1) if name == "endraw" else None
        positional, named = _arguments(m.group("args"))
        if name == "raw":
            self.raw = True
            return tag, i + 1
        if name == "highlight":
            j = i + 1
            while j < len(lines) and not self._ends_highlight(lines, j):
                j += 1
            closed = j < len(lines)
            indent = m.group("indent")
            lang = positional[0] if positional else ""
            options = {**_attributes(m.group("args")), **{word: "" for word in positional[1:] if "=" not in word}}
            end = lines.end(j) if closed else lines.offsets[len(lines)]
            fence = Fence(lines.offsets[i], end, i, indent, "{%", m.group(0).strip()[2:-2].strip("- "), lang.lower(),
                          options, _body(lines, i + 1, j, _width(indent)), i + 1, closed)
            return fence, j + 1
        if name == "gist" or (name.startswith("include") and _names_go_file(positional, named)):
            return Unread(tag.start, tag.end, i, "code-elsewhere", lines.raw(i).strip()), i + 1
        return tag, i + 1

    @staticmethod
    def _ends_highlight(lines: _Lines, j: int) -> bool:
        if "endhighlight" not in lines.lines[j]:
            return False
        m = _LIQUID.match(lines.raw(j))
        return m is not None and m.group("name").lower() == "endhighlight"


class _Html:
    """An HTML `<pre>` (or MDX `<CodeBlock>`) of Go, up to its closing tag: a form goverify does not read."""

    hints = ("<pre", "<PRE", "<Pre", "<CodeBlock")

    def read(self, lines: _Lines, i: int) -> tuple[Unread, int] | None:
        m = _HTML_OPEN.match(lines.raw(i))
        if not m:
            return None
        closing = f"</{m.group('tag').lower()}"
        j = i
        while j < len(lines) and closing not in lines.lines[j].lower():
            j += 1
        last = min(j, len(lines) - 1)
        opening = lines.raw(i)
        following = lines.raw(i + 1) if i + 1 < len(lines) else ""
        first_code = re.sub(r"<[^>]*>", "", opening).strip() or re.sub(r"<[^>]*>", "", following).strip()
        if not (_HTML_GO.search(opening) or _HTML_GO.search(following) or _GO_START.match(first_code)):
            return None
        tags = re.match(r"\s*((?:<[^>]*>\s*)+)", opening)
        markup = tags.group(1).strip() if tags else opening.strip()
        return Unread(lines.offsets[i], lines.end(last), i, "html-code", markup), last + 1


class _Indented:
    """An indented code block of Go: four columns in, after a blank line, below an unindented paragraph that is
    not a list item or a container's title (where indentation continues that container), starting like Go."""

    hints = ("    ", "\t")

    def read(self, lines: _Lines, i: int) -> tuple[Unread, int] | None:
        if i and lines.lines[i - 1].strip():
            return None  # a paragraph's continuation line (most indented lines), not a code block
        raw = lines.raw(i)
        if _width(raw[: len(raw) - len(raw.lstrip(" \t"))]) < 4 or not _GO_START.match(raw.strip()):
            return None
        above = next((lines.raw(k) for k in range(i - 1, -1, -1) if lines.raw(k).strip()), "")
        if above[:1] in " \t" or _CONTAINER.match(above):
            return None
        j = i + 1
        last = i
        while j < len(lines):
            line = lines.raw(j)
            if line.strip():
                if _width(line[: len(line) - len(line.lstrip(" \t"))]) < 4:
                    break
                last = j
            j += 1
        return Unread(lines.offsets[i], lines.end(last), i, "indented-code", raw.strip()), last + 1


def front_matter_end(text: str) -> int:
    """Offset just past the page's front matter (YAML `---`, TOML `+++`, JSON `{ }`), 0 when it has none."""
    if text[:1] not in "-+{":
        return 0
    for pattern in _FRONT_MATTER:
        m = pattern.match(text)
        if m:
            return m.end()
    return 0


def scan(text: str) -> Scanned:
    """Every code block at any indentation (lists, admonitions, tabs, shortcodes), in document order."""
    lines = _Lines(text)
    dialects: list[_Dialect] = [_Fences(), _Shortcodes(), _Liquid(), _Html(), _Indented()]
    found = Scanned([], [], [])
    i = 0
    skip = front_matter_end(text)
    if skip:
        found.markup.append(Markup(0, skip))
        while i < len(lines) and lines.offsets[i] < skip:
            i += 1
    kept = {Fence: found.fences, Unread: found.unread, Markup: found.markup}
    count = len(lines)
    while i < count:
        line = lines.lines[i]
        if line[:1] not in " \t" and "`" not in line and "~" not in line and "{" not in line and "<" not in line:
            i += 1  # most lines: no dialect's mark, no regex
            continue
        read = None
        for dialect in dialects:
            for hint in dialect.hints:
                if hint in line:
                    read = dialect.read(lines, i)
                    break
            if read is not None:
                break
        if read is None:
            i += 1
            continue
        record, i = read
        kept[type(record)].append(record)
    return found


def find_fences(text: str) -> list[Fence]:
    """Every code block of the page (see `scan`)."""
    return scan(text).fences


def line_starts(text: str) -> list[int]:
    """Offsets of each line's start. Lines end as in CommonMark: "\n", "\r\n" or a lone "\r" (not at the
    other characters `str.splitlines` breaks on, such as U+2028 or form feed, which Markdown keeps in a line)."""
    if "\r" not in text:  # the usual case, without a regex
        return [0, *itertools.accumulate(map(operator.add, map(len, text.split("\n")[:-1]), itertools.repeat(1)))]
    starts = [0]
    for m in _LINE_END.finditer(text):
        starts.append(m.end())
    return starts


def line_of(starts: list[int], offset: int) -> int:
    """0-based line index of a character offset (binary search over line starts)."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def inline_code_spans(text: str) -> list[tuple[int, str]]:
    """(offset, code) of each inline code span in a stretch of prose."""
    return [(m.start(), m.group(2).strip()) for m in INLINE_CODE.finditer(text)]


def blank_fences(text: str, start: int, end: int, regions: list[Fence] | list[Fence | Unread | Markup]) -> str:
    """The prose of text[start:end], with code blocks and markup inside it blanked out (offsets kept)."""
    pieces = []
    at = start
    for region in regions:
        if region.end <= start or region.start >= end:
            continue
        a, b = max(region.start, start), min(region.end, end)
        pieces.append(text[at:a])
        pieces.append("\n".join(map(" ".__mul__, map(len, text[a:b].split("\n")))))
        at = b
    pieces.append(text[at:end])
    return "".join(pieces)
