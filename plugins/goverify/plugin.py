"""The MkDocs door to the engine: it only wires build events to it.

Event order, per build (mkdocs-static-i18n runs the events from on_config to on_post_build once per language):

1. `on_config`: the options (validated by MkDocs through `GoVerifyConfig`) become the engine's settings; one engine
   serves every language of a build (toolchains resolved once, each page scanned and checked once).
2. `on_files` (priority 0, before i18n picks the files of a language at -100): every page of every language is
   scanned, compiled and checked here, translations compared with their originals, and the build **fails here and
   only here**, once, listing every disagreement, before any page is written. Under `mkdocs serve` it warns instead.
3. `on_files` (priority -150, after i18n): the release-matrix page of the language being built (matrix.py).
4. `on_page_markdown`: the page's Markdown with output blocks replaced by slots (render.py).
5. `on_page_content`: the slots replaced by the compiler's real output (render.py).
6. `on_post_build`: the JSON report, once per build.
7. `on_shutdown`: what the build kept is let go.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .config import INSTALL_MKDOCS, base_dirs, settings_from

try:
    from mkdocs.exceptions import PluginError
    from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page as MkPage
    from mkdocs.utils.meta import get_data
except ImportError as exc:  # a light install: the CLI alone
    raise ImportError(f"goverify's MkDocs plugin needs MkDocs, which is not installed: {INSTALL_MKDOCS}") from exc

from . import report
from .check import PageVerdict
from .engine import Engine, forget
from .errors import GoverifyError
from .findings import ERROR, NOTE, Finding
from .matrix import matrix_file
from .mkdocs_config import GoVerifyConfig, options_of
from .parity import check_parity, pairs
from .prose import strip_prose_claims
from .render import edit_page, swap_slots
from .scan import front_matter_end
from .snippets import display_path, read_text

log = get_plugin_logger(__name__)
ASSETS = Path(__file__).parent / "assets"


class GoVerifyPlugin(BasePlugin[GoVerifyConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.engine: Engine | None = None
        self.verdicts: list[PageVerdict] = []  # every page of every language
        self.parity: list[Finding] = []
        self.slots: dict[str, str] = {}
        self.paths: dict[str, str] = {}  # abs_src_path -> as messages show it
        self.site_root: str | None = None  # the first language's site_dir: where the one JSON report goes
        self._config: Any = None
        self._logged = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: Any) -> Any:
        # MkDocs keeps this plugin from one build to the next (it has on_startup); mkdocs-static-i18n calls
        # on_config again on the same config for each language. A new config is a new build.
        if self._config is not config:
            self._config = config
            self.engine = None
            self.site_root = config.site_dir  # the first language's: where the one JSON report goes
            self.verdicts, self.parity, self.slots, self.paths, self._logged = [], [], {}, {}, False
        if not self.config.enabled:
            self.engine = None
            return config
        root = Path(config.config_file_path or ".").resolve().parent
        snippets = base_dirs(config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", ["."]), root)
        settings = settings_from(options_of(self.config), root, snippets)
        if "pymdownx.superfences" not in config.markdown_extensions:
            log.warning("pymdownx.superfences is not enabled: fences inside lists and admonitions may not render")
        if self.engine is None or self.engine.settings != settings:  # one engine serves every language of a build
            try:
                self.engine = Engine(settings)
            except GoverifyError as exc:
                raise PluginError(f"goverify: {exc}") from exc
        if "assets/goverify.css" not in config.extra_css:
            config.extra_css.append("assets/goverify.css")
        log.debug("verifying on %s", ", ".join(str(t.version) for t in self.engine.matrix))
        return config

    @event_priority(0)
    def _on_files_check(self, files: Files, *, config: Any) -> Files:
        if not self.engine:
            return files
        files.append(File.generated(config, "assets/goverify.css", abs_src_path=str(ASSETS / "goverify.css")))
        pages = []
        for file in files.documentation_pages():
            if file.abs_src_path:
                text = read_text(file.abs_src_path)
                markdown = get_data(text)[0]  # what on_page_markdown gets: scanned once, not again to render
                path = self._display(file.abs_src_path)
                pages.append(self.engine.scan(markdown, path, _line_offset(text, markdown)))
        ran = self.engine.run(pages)
        log.debug("compiled %d example × release pairs (%d by the compiler directly)", ran, self.engine.runner.direct)
        self.verdicts = [self.engine.check(page) for page in pages]
        self.parity = [p for original, translation in pairs(pages) for p in check_parity(original, translation)]
        self._judge()
        return files

    @event_priority(-150)  # after mkdocs-static-i18n (-100) has picked the files of the language being built
    def _on_files_matrix(self, files: Files, *, config: Any) -> Files:
        if self.engine and self.config.matrix_page:
            files.append(matrix_file(config, self.engine, self.verdicts, self.config.matrix_page))
        return files

    on_files = CombinedEvent(_on_files_check, _on_files_matrix)

    def _judge(self) -> None:
        """The one place the build fails: every error of every page, then the counts. Warnings (what cannot be
        verified) make `mkdocs build --strict` fail."""
        assert self.engine is not None
        messages = report.messages(self.verdicts)
        messages += [report.describe(p) for p in self.parity]
        errors = [m for m in messages if m.severity == ERROR]
        if errors and not self.serving:
            text = "\n".join(m.render() for m in errors)
            raise PluginError(f"goverify: the compiler disagrees with the article:\n{text}\n"
                              f"goverify: {report.summary(self.verdicts, self.engine.matrix)}")
        if self._logged:
            return  # the other languages of this build: said once
        self._logged = True
        for warning in self.engine.warnings:
            log.warning(warning)
        for m in messages:
            if m.severity == NOTE:
                log.debug("%s", m.render())
            else:
                log.warning("%s", m.render())
        for verdict in self.verdicts:
            log.info("%s", report.coverage(verdict))
        log.info("%s", report.summary(self.verdicts, self.engine.matrix))

    @event_priority(60)  # before plugins that edit the Markdown (i18n translates admonition titles at 50)
    def on_page_markdown(self, markdown: str, *, page: MkPage, config: Any, files: Files) -> str:
        if not self.engine or not page.file.abs_src_path:
            return strip_prose_claims(markdown)  # unverified, but the reader still sees the plain sentence
        raw = read_text(page.file.abs_src_path)
        path = self._display(page.file.abs_src_path)
        scanned = self.engine.scan(markdown.lstrip("\ufeff"), path, _line_offset(raw, markdown))
        if self.engine.run([scanned]):  # a plugin before this one changed the page's code: said, then shown
            log.warning("%s: the Markdown changed after goverify checked it (another plugin edits it before "
                        "goverify): its examples were compiled again", path)
        verdict = self.engine.check(scanned)
        language = getattr(page.file, "locale", None) or config.theme.get("language") or "en"
        text, slots = edit_page(verdict, language, failures=self.serving)
        self.slots.update(slots)
        for hint in scanned.hints:
            log.debug("%s: hint: this sentence speaks of escaping beside inline code but carries no claim", hint)
        return text

    def _display(self, abs_src_path: str) -> str:
        """The page's path as messages show it (resolved once per build: each page is asked for twice)."""
        if abs_src_path not in self.paths:
            assert self.engine is not None
            self.paths[abs_src_path] = display_path(Path(abs_src_path), self.engine.settings.root)
        return self.paths[abs_src_path]

    def on_page_content(self, html: str, *, page: MkPage, config: Any, files: Files) -> str:
        return swap_slots(html, self.slots)

    def on_post_build(self, *, config: Any) -> None:
        if not self.engine or not self.config.report:
            return
        target = Path(self.site_root or config.site_dir) / self.config.report
        if self.engine.report_written == target:
            return  # the same report, already written for another language of this build
        data = report.as_json(self.verdicts, self.engine)  # every page of every language
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        self.engine.report_written = target

    def on_shutdown(self) -> None:
        """The end of `mkdocs build` (or of `mkdocs serve`): every page, verdict and run of the build is let go
        here, where freeing them is quick, not at the interpreter's exit, where it costs ten times more."""
        self.engine, self._config = None, None
        self.verdicts, self.parity, self.slots, self.paths = [], [], {}, {}
        forget()


def _line_offset(raw: str, markdown: str) -> int:
    """Lines MkDocs removed before `markdown` (the front matter), so messages name lines of the file."""
    if markdown and raw.endswith(markdown):
        return raw[: len(raw) - len(markdown)].count("\n")
    end = front_matter_end(raw)
    if not end:
        return 0
    rest = raw[end:]
    return raw[:end].count("\n") + (len(rest) - len(rest.lstrip("\n")))
