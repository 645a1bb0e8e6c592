"""The MkDocs door to the engine: it only wires build events to it.

Event order, per build (mkdocs-static-i18n runs the events from on_config to on_post_build once per language):

1. `on_config`: the options (validated by MkDocs through `GoVerifyConfig`) become the engine's settings; one
   `SiteBuild` (build.py, no MkDocs) serves every language of a build (each page scanned and checked once).
2. `on_files` (priority 0, before i18n picks the files of a language at -100): every page of every language is
   scanned, compiled and checked here, translations compared with their originals, and the build **fails here and
   only here**, once, listing every disagreement, before any page is written. Under `mkdocs serve` it warns instead.
3. `on_files` (priority -150, after i18n): the release-matrix page of the language being built (matrix.py).
4. `on_page_markdown`, then `on_page_content`: output blocks replaced by slots, then the slots by the compiler's
   real output (render.py).
5. `on_post_build`: the JSON report, once per build. `on_shutdown`: what the build kept is let go.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .config import INSTALL_MKDOCS

try:
    from mkdocs.exceptions import PluginError
    from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page as MkPage
    from mkdocs.utils.meta import get_data
except ImportError as exc:  # a light install: the CLI alone
    raise ImportError(f"goverify's MkDocs plugin needs MkDocs, which is not installed: {INSTALL_MKDOCS}") from exc

from .build import SiteBuild
from .engine import Engine, forget
from .errors import GoverifyError
from .matrix import matrix_file
from .mkdocs_config import GoVerifyConfig, settings_of
from .prose import strip_prose_claims
from .render import swap_slots
from .snippets import read_text

log = get_plugin_logger(__name__)
ASSETS = Path(__file__).parent / "assets"


class GoVerifyPlugin(BasePlugin[GoVerifyConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.build: SiteBuild | None = None  # one per build, serving every language
        self.site_root: str | None = None  # the first language's site_dir: where the one JSON report goes
        self._config: Any = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: Any) -> Any:
        # MkDocs keeps this plugin from one build to the next (it has on_startup); mkdocs-static-i18n calls
        # on_config again on the same config for each language. A new config is a new build.
        if self._config is not config:
            self._config, self.build, self.site_root = config, None, config.site_dir
        if not self.config.enabled:
            self.build = None
            return config
        settings = settings_of(self.config, config)
        if "pymdownx.superfences" not in config.markdown_extensions:
            log.warning("pymdownx.superfences is not enabled: fences inside lists and admonitions may not render")
        if self.build is None or self.build.engine.settings != settings:  # one engine serves every language
            try:
                self.build = SiteBuild(Engine(settings), self.serving)
            except GoverifyError as exc:
                raise PluginError(f"goverify: {exc}") from exc
        if "assets/goverify.css" not in config.extra_css:
            config.extra_css.append("assets/goverify.css")
        log.debug("verifying on %s", ", ".join(str(t.version) for t in self.build.engine.matrix))
        return config

    @event_priority(0)
    def _on_files_check(self, files: Files, *, config: Any) -> Files:
        if not self.build:
            return files
        files.append(File.generated(config, "assets/goverify.css", abs_src_path=str(ASSETS / "goverify.css")))
        texts = [(f.abs_src_path, read_text(f.abs_src_path)) for f in files.documentation_pages() if f.abs_src_path]
        judgement = self.build.check([(path, text, get_data(text)[0]) for path, text in texts])
        for level, line in judgement.said:
            log.log(level, "%s", line)
        if judgement.failure is not None:
            raise PluginError(judgement.failure)
        return files

    @event_priority(-150)  # after mkdocs-static-i18n (-100) has picked the files of the language being built
    def _on_files_matrix(self, files: Files, *, config: Any) -> Files:
        if self.build and self.config.matrix_page:
            files.append(matrix_file(config, self.build.engine, self.build.verdicts, self.config.matrix_page))
        return files

    on_files = CombinedEvent(_on_files_check, _on_files_matrix)

    @event_priority(60)  # before plugins that edit the Markdown (i18n translates admonition titles at 50)
    def on_page_markdown(self, markdown: str, *, page: MkPage, config: Any, files: Files) -> str:
        if not self.build or not page.file.abs_src_path:
            return strip_prose_claims(markdown)  # unverified, but the reader still sees the plain sentence
        language = getattr(page.file, "locale", None) or config.theme.get("language") or "en"
        text, said = self.build.page(page.file.abs_src_path, markdown, language)
        for level, line in said:
            log.log(level, "%s", line)
        return text

    def on_page_content(self, html: str, *, page: MkPage, config: Any, files: Files) -> str:
        return swap_slots(html, self.build.slots) if self.build else html

    def on_post_build(self, *, config: Any) -> None:
        if self.build and self.config.report:
            self.build.write_report(Path(self.site_root or config.site_dir) / self.config.report)

    def on_shutdown(self) -> None:
        """The end of `mkdocs build` (or of `mkdocs serve`): every page, verdict and run of the build is let go
        here, where freeing them is quick, not at the interpreter's exit, where it costs ten times more."""
        self.build, self._config = None, None
        forget()
