"""The page a reader sees: each hand-written output block replaced by the compiler's real output, grouped by Go
release, in the page's language; and the Markdown edits that put it there.

`edit_page` turns a page's Markdown into the Markdown MkDocs renders: goverify's fence options and prose-claim braces
removed, output pasted inside an example's fence taken out, and a placeholder paragraph (a "slot") where each block
of real output goes. `swap_slots` puts the HTML in after Markdown has rendered the page: this works inside lists,
admonitions and tabs without depending on any Markdown extension.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from html import escape

from .check import ExampleVerdict, PageVerdict
from .command import Command
from .examples import OPTIONS
from .output import parse_output
from .report import describe
from .runner import RunResult
from .runout import lines_of, parse_benchmarks
from .runstage import Shown
from .scan import Fence
from .versions import Version, parse_version, range_label, releases_label

TEXT = {
    "en": {
        "caption": "Output of <code>{command}</code> on {versions}",
        "verified": "Verified with <code>{command}</code> on {versions}",
        "ran": "compiled as <code>{command}</code>, never run",
        "default": "the page states no command: goverify's default",
        "header": "compiled with a {lines}-line header: {header}",
        "borrowed": "and after it the declarations it names from the page's earlier Go fences ({fences})",
        "fence": "line {lines}",
        "fences": "lines {lines}",
        "separator": ", ",
        "changed": "What changed",
        "failed": "goverify: the compiler disagrees with this example",
        "exit": "exit status {status}",
        "why": "Why? The compiler's data flow (<code>-m=2</code>) for each escaping value",
        "run": "Output of <code>{command}</code> on {versions}, run in a WebAssembly sandbox (wasip1, GOMAXPROCS=1)",
        "run-header": "run with a {lines}-line header: {header}",
        "bench": "B/op and allocs/op of <code>{command}</code> on {versions}, measured in a WebAssembly sandbox "
                 "(wasip1, GOMAXPROCS=1); the times above are the author's",
    },
    "zh": {
        "caption": "<code>{command}</code> 在 {versions} 上的实际输出",
        "verified": "已用 <code>{command}</code> 在 {versions} 上验证",
        "ran": "实际执行 <code>{command}</code>（只编译，不运行）",
        "default": "页面未写明命令，使用 goverify 的默认命令",
        "header": "编译时加了 {lines} 行文件头：{header}",
        "borrowed": "并在其后补上它用到的、本页前面 Go 代码块中的声明（{fences}）",
        "fence": "第 {lines} 行",
        "fences": "第 {lines} 行",
        "separator": "、",
        "changed": "版本间的变化",
        "failed": "goverify：编译器的结果与本示例不符",
        "exit": "退出状态 {status}",
        "why": "为什么？编译器对每个逃逸值给出的数据流（<code>-m=2</code>）",
        "run": "<code>{command}</code> 在 {versions} 上的实际输出，运行于 WebAssembly 沙箱（wasip1，GOMAXPROCS=1）",
        "run-header": "运行时加了 {lines} 行文件头：{header}",
        "bench": "<code>{command}</code> 在 {versions} 上的 B/op 与 allocs/op，测于 WebAssembly 沙箱（wasip1，"
                 "GOMAXPROCS=1）；上面的耗时是作者机器上的",
    },
}
_TOKEN = re.compile(r"goverifyslot[0-9a-f]{16}")


def text_for(language: str | None) -> dict[str, str]:
    language = (language or "en").lower()
    return TEXT.get(language.split("-")[0].split("_")[0], TEXT["en"])


@dataclass
class Group:
    """Releases whose output is identical, oldest first."""

    versions: list[Version]
    run: RunResult

    @property
    def label(self) -> str:
        return range_label(self.versions)


def group_runs(runs: dict[str, RunResult]) -> list[Group]:
    """Consecutive releases with identical output and status form one group."""
    groups: list[Group] = []
    for name in sorted(runs, key=lambda v: parse_version(v).sort_key()):
        run = runs[name]
        if groups and (groups[-1].run.output, groups[-1].run.returncode) == (run.output, run.returncode):
            groups[-1].versions.append(parse_version(name))
        else:
            groups.append(Group([parse_version(name)], run))
    return groups


def changes(before: RunResult, after: RunResult) -> list[str]:
    """`make([]int, l) escapes to heap → make([]int, 1) does not escape`, paired by position."""
    old = {(d.line, d.column or 0, d.message) for d in parse_output(before.output)[0]}
    new = {(d.line, d.column or 0, d.message) for d in parse_output(after.output)[0]}
    gone = sorted(old - new)
    came = sorted(new - old)
    lines = []
    for item in list(gone):
        partner = next((c for c in came if c[0] == item[0] and c[1] == item[1]), None) or next(
            (c for c in came if c[0] == item[0]), None)
        if partner:
            lines.append(f"{item[2]} → {partner[2]}")
            gone.remove(item)
            came.remove(partner)
    lines += [f"− {g[2]}" for g in gone] + [f"+ {c[2]}" for c in came]
    return lines


# --- HTML ---------------------------------------------------------------------------------------------------------


def _filtered(runs: dict[str, RunResult], command: Command) -> dict[str, RunResult]:
    return {v: RunResult(command.filter(r.output), r.returncode, r.timed_out) for v, r in runs.items()}


def _pre(run: RunResult) -> str:
    return f'<div class="highlight goverify-output"><pre><code>{escape(run.output.rstrip())}</code></pre></div>'


def _notes(verdict: ExampleVerdict, command: Command, origin: str, t: dict[str, str]) -> str:
    """What the caption adds: what ran when it is not what the page states, the header, the default."""
    notes = []
    if command.stated.split() != command.text.split():
        notes.append(t["ran"].format(command=escape(command.text)))
    header = verdict.plan.header
    if header is not None:
        notes.append(t["header"].format(lines=header.lines, header=escape(header.describe())))
    borrowed = verdict.plan.borrowed
    if borrowed is not None:
        lines = t["separator"].join(str(n) for n in borrowed.fences)
        where = t["fence" if len(borrowed.fences) == 1 else "fences"].format(lines=lines)
        notes.append(t["borrowed"].format(fences=where))
    if origin == "default":
        notes.append(t["default"])
    return "".join(f" · {n}" for n in notes)


def render_block(verdict: ExampleVerdict, command: Command, origin: str, language: str | None, tabs_id: str,
                 with_output: bool, failure: bool) -> str:
    """The HTML that replaces a hand-written output block (or follows an example that has none)."""
    t = text_for(language)
    runs = _filtered(verdict.runs_of(command), command)
    groups = group_runs(runs)
    if not groups:
        return ""
    stated = escape(command.stated)
    notes = _notes(verdict, command, origin, t)
    all_versions = [v for g in groups for v in g.versions]
    parts = [f'<div class="goverify" data-example="{verdict.example.index}" '
             f'data-go="{escape(" ".join(str(v) for v in all_versions))}">']
    if failure:
        shown = [describe(f).render() for f in verdict.findings if f.severity in {"error", "warning"}]
        if shown:
            parts.append(f'<div class="admonition failure goverify-failure"><p class="admonition-title">'
                         f'{t["failed"]}</p><pre><code>{escape(chr(10).join(shown))}</code></pre></div>')
    if not with_output:
        versions = escape(releases_label(all_versions))
        parts.append(f'<p class="goverify-caption">{t["verified"].format(command=stated, versions=versions)}'
                     f'{notes}</p></div>')
        return "".join(parts)
    reasons = verdict.reasons if command == verdict.command else {}
    if len(groups) == 1:
        versions = escape(releases_label(all_versions))
        parts.append(_pre(groups[0].run) + _reasons(groups[0].run, reasons, t))
        parts.append(f'<p class="goverify-caption">{t["caption"].format(command=stated, versions=versions)}'
                     f'{_status(groups[0].run, t)}{notes}</p></div>')
        return "".join(parts)
    count = len(groups)
    parts.append(f'<div class="tabbed-set tabbed-alternate goverify-tabs" data-tabs="{tabs_id}:{count}">')
    for i, _ in enumerate(groups, start=1):
        checked = " checked" if i == count else ""
        parts.append(f'<input{checked} id="__goverify_{tabs_id}_{i}" name="__goverify_{tabs_id}" type="radio">')
    parts.append('<div class="tabbed-labels">')
    for i, group in enumerate(groups, start=1):
        parts.append(f'<label for="__goverify_{tabs_id}_{i}">{escape(group.label)}</label>')
    parts.append('</div><div class="tabbed-content">')
    for group in groups:
        why = _reasons(group.run, reasons, t) if group is groups[-1] else ""
        versions = escape(releases_label(group.versions))
        parts.append(f'<div class="tabbed-block">{_pre(group.run)}{why}<p class="goverify-caption">'
                     f'{t["caption"].format(command=stated, versions=versions)}{_status(group.run, t)}{notes}'
                     f'</p></div>')
    parts.append("</div></div>")
    change_lines = [f"<li>Go {after.versions[0].minor_name}: <code>{escape(line)}</code></li>"
                    for before, after in zip(groups, groups[1:], strict=False)
                    for line in changes(before.run, after.run)]
    if change_lines:
        parts.append(f'<div class="goverify-changes"><p>{t["changed"]}</p><ul>{"".join(change_lines)}</ul></div>')
    parts.append("</div>")
    return "".join(parts)


def _reasons(run: RunResult, reasons: dict[tuple[int, int], tuple[str, ...]], t: dict[str, str]) -> str:
    """One expandable block: each escaping line of the output, and under it the flow that makes it escape."""
    items = []
    for d in parse_output(run.output)[0]:
        flow = reasons.get(d.position)
        if flow and ("escapes to heap" in d.message or "moved to heap" in d.message):
            items.append("\n".join([f'<b>{escape(d.text)}</b>', *(f"    {escape(line)}" for line in flow)]))
    if not items:
        return ""
    # Not in the search index: the data flow would only crowd results. Material honours data-search-exclude; on a
    # <div> (no div inside), as its parser ends an exclusion at the first closing tag of the same name.
    return (f'<div class="goverify-why" data-search-exclude><details class="goverify-reasons"><summary>{t["why"]}'
            f'</summary><pre><code>{chr(10).join(items)}</code></pre></details></div>')


def _status(run: RunResult, t: dict[str, str]) -> str:
    return "" if run.returncode == 0 else f' · {t["exit"].format(status=run.returncode)}'


def _tabs(tabs_id: str, groups: list[tuple[str, str]]) -> str:
    """Material's tabbed set (alternate style): one tab per (label, HTML), the last one open."""
    count = len(groups)
    parts = [f'<div class="tabbed-set tabbed-alternate goverify-tabs" data-tabs="{tabs_id}:{count}">']
    for i in range(1, count + 1):
        checked = " checked" if i == count else ""
        parts.append(f'<input{checked} id="__goverify_{tabs_id}_{i}" name="__goverify_{tabs_id}" type="radio">')
    parts.append('<div class="tabbed-labels">')
    parts += [f'<label for="__goverify_{tabs_id}_{i}">{escape(label)}</label>'
              for i, (label, _) in enumerate(groups, start=1)]
    parts.append('</div><div class="tabbed-content">')
    parts += [f'<div class="tabbed-block">{html}</div>' for _, html in groups]
    parts.append("</div></div>")
    return "".join(parts)


def render_program(shown: Shown, language: str | None, tabs_id: str) -> str:
    """What a program printed in the sandbox, by group of releases that print the same (as compared: runout's
    masks), in tabs when they differ; for benchmarks, the B/op and allocs/op measured (the author's block stays)."""
    t = text_for(language)
    by_lines: list[tuple[list[Version], str, tuple]] = []
    for name in sorted(shown.printed, key=lambda v: parse_version(v).sort_key()):
        text = shown.printed[name]
        benches = parse_benchmarks(text)
        same = tuple((b.name, b.bytes_per_op, b.allocs_per_op) for b in benches) if shown.benchmarks \
            else tuple(lines_of(text))
        if by_lines and by_lines[-1][2] == same:
            by_lines[-1][0].append(parse_version(name))
            by_lines[-1] = (by_lines[-1][0], text, same)  # the newest of the group is shown
        else:
            by_lines.append(([parse_version(name)], text, same))
    stated = escape(shown.stated)
    fitted = f" · {t['run-header'].format(lines=shown.header.lines, header=escape(shown.header.describe()))}" \
        if shown.header is not None else ""
    groups = []
    for versions, text, same in by_lines:
        label = escape(releases_label(versions))
        if shown.benchmarks:
            body = "\n".join(f"{name}\t{b or '-'} B/op\t{a or '-'} allocs/op" for name, b, a in same)
            caption = t["bench"].format(command=stated, versions=label) + fitted
        else:
            body = text.rstrip()
            caption = t["run"].format(command=stated, versions=label) + fitted
        groups.append((range_label(versions), f'<div class="highlight goverify-output"><pre><code>{escape(body)}'
                                              f'</code></pre></div><p class="goverify-caption">{caption}</p>'))
    inner = groups[0][1] if len(groups) == 1 else _tabs(tabs_id, groups)
    return f'<div class="goverify goverify-run" data-example="{shown.example}">{inner}</div>'


# --- Markdown edits ---------------------------------------------------------------------------------------------


def edit_page(verdict: PageVerdict, language: str | None, *, failures: bool) -> tuple[str, dict[str, str]]:
    """The Markdown to render, and the HTML for each slot in it. `failures`: show what disagrees on the page
    (under `mkdocs serve`, where the build goes on)."""
    page = verdict.page
    edits: list[tuple[int, int, str]] = []
    slots: dict[str, str] = {}

    def slot(html: str, indent: str) -> str:
        token = f"goverifyslot{secrets.token_hex(8)}"
        slots[token] = html
        return f"\n{indent}{token}\n\n"  # a paragraph of its own: never inside a <p>

    for example_verdict in verdict.examples:
        example = example_verdict.example
        edits.append(strip_options(page.text, example.fence))
        failure = failures and not example_verdict.ok
        shown = [b for b in example.outputs if b.checked and b.command.command is not None]
        for n, block in enumerate(shown):
            html = render_block(example_verdict, block.command.command, block.command.origin, language,
                                f"{example.index}" + (f"_{n + 1}" if n else ""), True, failure and n == 0)
            if not html:
                continue
            if block.fence is not None:
                edits.append((block.fence.start, block.fence.end, slot(html, block.fence.indent)))
            else:  # pasted in the example's fence: taken out of it, shown after it
                edits.append((block.span[0], block.span[1], ""))
                edits.append((example.fence.end, example.fence.end, slot(html, example.fence.indent)))
        if not shown and example_verdict.command is not None:
            html = render_block(example_verdict, example_verdict.command, example.command.origin, language,
                                f"{example.index}", False, failure)
            if html:
                edits.append((example.fence.end, example.fence.end, slot(html, example.fence.indent)))
    for n, shown in enumerate(verdict.programs, start=1):
        start, end, indent = shown.fence
        if not end:
            continue  # the block shows other commands too: left as written
        html = render_program(shown, language, f"run{shown.example}_{n}")
        if shown.benchmarks:  # the author's times stay; the verified allocations follow
            edits.append((end, end, slot(html, indent)))
        else:
            edits.append((start, end, slot(html, indent)))
    for bound in page.prose:  # the reader sees the ordinary sentence
        edits.append((bound.claim.attrs_start, bound.claim.attrs_end, ""))
    text = page.text
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return text, slots


def swap_slots(html: str, slots: dict[str, str]) -> str:
    """Put each slot's HTML where Markdown rendered its placeholder (its own paragraph, `<p>` and all)."""
    if not slots or "goverifyslot" not in html:
        return html
    out = []
    at = 0
    for m in _TOKEN.finditer(html):  # a literal prefix: found without a scan of every character
        token = m.group(0)
        if token not in slots or (m.start() and (html[m.start() - 1].isalnum() or html[m.start() - 1] == "_")):
            continue
        start, end = m.start(), m.end()
        before = html.rfind("<p>", max(at, start - 16), start)
        after = html.find("</p>", end, end + 16)
        if before >= 0 and not html[before + 3:start].strip() and after >= 0 and not html[end:after].strip():
            start, end = before, after + 4
        out.append(html[at:start])
        out.append(slots[token])
        at = end
    out.append(html[at:])
    return "".join(out)


def strip_options(text: str, fence: Fence) -> tuple[int, int, str]:
    """Remove goverify's own options from an example's opening fence line (other renderers never see them)."""
    line_end = text.find("\n", fence.start)
    line_end = len(text) if line_end < 0 else line_end
    line = text[fence.start:line_end]
    for name in OPTIONS:
        line = re.sub(r"\s+" + name + r"""=(?:"[^"]*"|'[^']*'|\S+)""", "", line)
    line = re.sub(r"\{\s*\}", "", line)
    return fence.start, line_end, line
