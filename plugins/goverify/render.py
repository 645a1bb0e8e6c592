"""HTML for the reader: the real output under each example, grouped by Go release, in the page's language."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .check import ExampleVerdict
from .diagnostics import parse_output
from .runner import RunResult
from .versions import Version, parse_version, range_label

TEXT = {
    "en": {
        "caption": "Output of <code>{command}</code> on {versions}",
        "verified": "Verified with <code>{command}</code> on {versions}",
        "changed": "What changed",
        "failed": "goverify: the compiler disagrees with this example",
        "exit": "exit status {status}",
        "added": "new",
        "removed": "gone",
        "why": "Why? The compiler's data flow (<code>-m=2</code>) for each escaping value",
    },
    "zh": {
        "caption": "<code>{command}</code> 在 {versions} 上的实际输出",
        "verified": "已用 <code>{command}</code> 在 {versions} 上验证",
        "changed": "版本间的变化",
        "failed": "goverify：编译器的结果与本示例不符",
        "exit": "退出状态 {status}",
        "added": "新增",
        "removed": "消失",
        "why": "为什么？编译器对每个逃逸值给出的数据流（<code>-m=2</code>）",
    },
}


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
    old = {(d.line, d.column, d.message) for d in parse_output(before.output)[0]}
    new = {(d.line, d.column, d.message) for d in parse_output(after.output)[0]}
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


def _versions_text(versions: list[Version]) -> str:
    if len(versions) == 1:
        return f"Go {versions[0]}"
    return f"Go {versions[0]} – {versions[-1]}" if len(versions) > 2 else f"Go {versions[0]}, {versions[1]}"


def _pre(run: RunResult) -> str:
    return f'<div class="highlight goverify-output"><pre><code>{escape(run.output.rstrip())}</code></pre></div>'


def render_output(verdict: ExampleVerdict, runs: dict[str, RunResult], language: str | None,
                  with_output: bool, tabs_id: str) -> str:
    """The block that replaces a hand-written output block (or follows an example that has none)."""
    t = text_for(language)
    command = escape(str(verdict.example.command))
    groups = group_runs(runs)
    if not groups:
        return ""
    all_versions = [v for g in groups for v in g.versions]
    parts = [f'<div class="goverify" data-example="{verdict.example.index}" '
             f'data-go="{escape(" ".join(str(v) for v in all_versions))}">']
    if verdict.disagreements:
        messages = "\n".join(d.render() for d in verdict.disagreements)
        parts.append(f'<div class="admonition failure goverify-failure"><p class="admonition-title">'
                     f'{t["failed"]}</p><pre><code>{escape(messages)}</code></pre></div>')
    if not with_output:
        versions = escape(_versions_text(all_versions))
        parts.append(f'<p class="goverify-caption">{t["verified"].format(command=command, versions=versions)}</p>')
        parts.append("</div>")
        return "".join(parts)
    if len(groups) == 1:
        parts.append(_pre(groups[0].run))
    else:
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
            why = _reasons(group.run, verdict.reasons, t) if group is groups[-1] else ""
            parts.append(f'<div class="tabbed-block">{_pre(group.run)}{why}'
                         f'<p class="goverify-caption">'
                         f'{t["caption"].format(command=command, versions=escape(_versions_text(group.versions)))}'
                         f'{_status(group.run, t)}</p></div>')
        parts.append("</div></div>")
        change_lines = []
        for before, after in zip(groups, groups[1:], strict=False):
            for line in changes(before.run, after.run):
                change_lines.append(f"<li>Go {after.versions[0].minor_name}: <code>{escape(line)}</code></li>")
        if change_lines:
            parts.append(f'<div class="goverify-changes"><p>{t["changed"]}</p><ul>{"".join(change_lines)}</ul></div>')
        parts.append("</div>")
        return "".join(parts)
    parts.append(_reasons(groups[0].run, verdict.reasons, t))
    versions = escape(_versions_text(all_versions))
    parts.append(f'<p class="goverify-caption">{t["caption"].format(command=command, versions=versions)}'
                 f'{_status(groups[0].run, t)}</p>')
    parts.append("</div>")
    return "".join(parts)


def _reasons(run: RunResult, reasons: dict[tuple[int, int], list[str]], t: dict[str, str]) -> str:
    """One expandable line per escaping value of the output, showing the flow that makes it escape."""
    items = []
    for d in parse_output(run.output)[0]:
        flow = reasons.get((d.line, d.column))
        if flow and ("escapes to heap" in d.message or "moved to heap" in d.message):
            items.append(f'<details class="goverify-reason"><summary><code>{escape(d.text)}</code></summary>'
                         f'<pre><code>{escape(chr(10).join(line.rstrip() for line in flow))}</code></pre></details>')
    if not items:
        return ""
    return f'<details class="goverify-reasons"><summary>{t["why"]}</summary>{"".join(items)}</details>'


def _status(run: RunResult, t: dict[str, str]) -> str:
    return "" if run.returncode == 0 else f' · {t["exit"].format(status=run.returncode)}'
