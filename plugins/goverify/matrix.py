"""The release matrix page: every example × every Go release, whether what the page says holds, where output
changed; generated in each language of the site (mkdocs-static-i18n's suffix layout)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .render import changes, group_runs

if TYPE_CHECKING:
    from mkdocs.structure.files import File

    from .check import PageVerdict
    from .engine import Engine

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


def matrix_markdown(engine: Engine, verdicts: list[PageVerdict], language: str | None, docs_prefix: str = "docs/",
                    page_filter=None) -> str:
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
            runs = verdict.runs_of(verdict.command)
            cells = []
            previous = None
            for v in versions:
                run = runs.get(v)
                if run is None:  # built for the sandbox (an example the page only runs): compiled, not compared
                    cells.append(("✗" if v in verdict.failing else "✓") if v in verdict.built else "–")
                    previous = None
                    continue
                mark = "✗" if v in verdict.failing else "✓"
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
            for before, after in zip(groups, groups[1:], strict=False):
                for change in changes(before.run, after.run):
                    changes_lines.append(f"- {page_link} #{example.index}, Go {after.versions[0].minor_name}: "
                                         f"`{change}`")
    if not rows:
        lines.append(f"| {t['none']} | | " + " | ".join("" for _ in versions) + " |")
    if changes_lines:
        lines += ["", f"## {t['changed']}", "", *changes_lines]
    return "\n".join(lines) + "\n"


def matrix_file(config: Any, engine: Engine, verdicts: list[PageVerdict], name: str) -> File:
    """The matrix page of the language being built, as a generated MkDocs file (with what mkdocs-static-i18n's
    language switcher reads, when that plugin is used)."""
    from mkdocs.structure.files import File

    from .snippets import display_path

    docs = display_path(Path(config.docs_dir), engine.settings.root) + "/"
    i18n = config.plugins.get("i18n")
    languages = _i18n_languages(config)
    current = getattr(i18n, "current_language", None) if i18n else None
    language = current or config.theme.get("language") or "en"
    default = next((lang for lang, is_default in languages if is_default), language)
    others = {lang for lang, is_default in languages if not is_default}

    def mine(path: str) -> bool:
        parts = path.rsplit(".", 2)
        suffix = parts[1] if len(parts) == 3 and parts[1] in others else None
        return suffix == (None if language == default else language)

    file = File.generated(config, name, content=matrix_markdown(engine, verdicts, language, docs, mine))
    if current is None:
        return file
    if current != default:
        file.dest_uri = f"{current}/{file.dest_uri}"
        file.url = file._get_url(config.use_directory_urls)
    alternates = {}
    for lang, is_default in languages:
        alternate = File.generated(config, name, content="")
        if not is_default:
            alternate.dest_uri = f"{lang}/{alternate.dest_uri}"
            alternate.url = alternate._get_url(config.use_directory_urls)
        alternates[lang] = file if lang == current else alternate
    file.alternates = alternates
    file.locale = current
    file.locale_alternate_of = current
    file.localization = None if current == default else current
    file.norm_src_uri = name
    return file


def _i18n_languages(config: Any) -> list[tuple[str, bool]]:
    """(locale, is default) of mkdocs-static-i18n's languages, if that plugin is used."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return []
    languages = []
    for entry in getattr(plugin.config, "languages", []) or []:
        locale = entry.get("locale") if isinstance(entry, dict) else getattr(entry, "locale", None)
        default = entry.get("default") if isinstance(entry, dict) else getattr(entry, "default", False)
        if locale:
            languages.append((str(locale), bool(default)))
    return languages
