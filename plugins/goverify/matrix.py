"""The release matrix page: every example × every Go release, whether its claims hold, where output changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .render import group_runs

if TYPE_CHECKING:
    from .engine import Engine, PageVerdict

TEXT = {
    "en": {
        "title": "Go release matrix",
        "intro": ("Every Go example of this site, compiled on every Go release below when the site was built. "
                  "✓ every claim in scope holds; ✗ something the page says is false on that release; "
                  "Δ the compiler's output differs from the release before; – not compiled."),
        "example": "Example",
        "claims": "Claims",
        "changed": "What changed",
        "none": "no example",
    },
    "zh": {
        "title": "Go 版本验证矩阵",
        "intro": ("本站的每个 Go 示例，都在构建时用下列每个 Go 版本编译过。"
                  "✓ 该版本上所有适用的断言都成立；✗ 页面上的说法在该版本上不成立；"
                  "Δ 编译器输出与上一个版本不同；– 未编译。"),
        "example": "示例",
        "claims": "断言",
        "changed": "变化",
        "none": "没有示例",
    },
}


def _text(language: str | None) -> dict[str, str]:
    return TEXT.get((language or "en").split("-")[0].split("_")[0].lower(), TEXT["en"])


def matrix_markdown(engine: Engine, verdicts: list[PageVerdict], language: str | None,
                    docs_prefix: str = "docs/", page_filter=None) -> str:
    t = _text(language)
    versions = [str(tc.version) for tc in engine.matrix]
    lines = [f"# {t['title']}", "", t["intro"], ""]
    header = f"| {t['example']} | {t['claims']} | " + " | ".join(f"Go {v}" for v in versions) + " |"
    lines += [header, "|" + " --- |" * (len(versions) + 2)]
    rows = 0
    changes_lines: list[str] = []
    for page in verdicts:
        if page_filter is not None and not page_filter(page.page.path):
            continue
        for verdict in page.examples:
            example = verdict.example
            runs = page.results.get(example.index, {})
            failing = {v for d in verdict.claims for v in d.fails}
            if verdict.output and verdict.output.missing:
                failing.add(verdict.output.version)
            for d in verdict.disagreements:
                failing.update(v for v in versions if f"Go {v}" in d.summary)
            cells = []
            previous = None
            for v in versions:
                run = runs.get(v)
                if run is None:
                    cells.append("–")
                    continue
                mark = "✗" if v in failing else "✓"
                if previous is not None and (previous.output, previous.returncode) != (run.output, run.returncode):
                    mark += " Δ"
                cells.append(mark)
                previous = run
            target = example.location.path
            page_link = target[len(docs_prefix):] if target.startswith(docs_prefix) else target
            label = f"[{page_link} #{example.index}]({page_link}) (L{example.location.line})"
            lines.append(f"| {label} | {len(example.claims)} | " + " | ".join(cells) + " |")
            rows += 1
            groups = group_runs(runs)
            if len(groups) > 1:
                from .render import changes

                for before, after in zip(groups, groups[1:], strict=False):
                    for change in changes(before.run, after.run):
                        changes_lines.append(f"- {page_link} #{example.index}, Go {after.versions[0].minor_name}: "
                                             f"`{change}`")
    if not rows:
        lines.append(f"| {t['none']} | | " + " | ".join("" for _ in versions) + " |")
    if changes_lines:
        lines += ["", f"## {t['changed']}", "", *changes_lines]
    return "\n".join(lines) + "\n"
