"""The real bilingual site, read offline from file:// in headless Chromium.

One build of the repo's site (mkdocs.yml, docs/, snippets/, overrides/ copied to a temp dir; Go 1.24 and 1.27 only)
serves every test of the session, even under pytest-xdist: the first worker builds under a file lock, the others
reuse it. Each test opens pages in an offline browser context that records every request, page error and console
error; a test passes only if none left file:// and nothing went wrong.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import REPO, share_results
from releases import BOTH

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("repo-site")]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# The two releases whose escape analysis differs on the article (as in the Makefile's test target).
GO_VERSIONS = ",".join(BOTH)
SCREENSHOTS = REPO / "docs" / "assets" / "screenshots"
OFFLINE_ZIP = "go-escape-analysis-offline.zip"

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (bash .ci/debian-deps installs it)", allow_module_level=True)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(root: Path) -> None:
    for name in ("docs", "snippets", "overrides"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("screenshots"))
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    share_results(root)
    env = {**os.environ, "GOVERIFY_GO_VERSIONS": GO_VERSIONS, "GOVERIFY_ENABLED": "true",
           "NO_MKDOCS_2_WARNING": "1"}

    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=1200)
    (root / "build.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    (root / "build.status").write_text(str(done.returncode))


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """site/ of the repo's site, built once for all xdist workers (they share the base temp dir's parent)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    root = shared / "browser-site"
    with _locked(shared / "browser-site.lock"):
        if not (root / "build.status").exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            _build(root)
    log = (root / "build.log").read_text(encoding="utf-8")
    assert (root / "build.status").read_text() == "0", f"mkdocs build --strict failed:\n{log}"
    return root / "site"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Reader:
    """An offline browser context over file://, with everything that went wrong in it."""

    site: Path
    context: object
    page: object
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, name: str) -> object:
        self.page.goto((self.site / name).as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def search(self, query: str) -> list[str]:
        """Type into Material's search box; the result links' paths, relative to the site."""
        box = self.page.locator("input.md-search__input")
        box.click()
        self.page.keyboard.type(query)
        self.page.keyboard.press("End")  # Material reacts to keyup; typed CJK text sends none
        self.page.locator(".md-search-result__item").first.wait_for()
        links = self.page.locator(".md-search-result__item > a").evaluate_all("as => as.map(a => a.href)")
        return [self._relative(link) for link in links]

    def switch_language(self, lang: str) -> None:
        self.page.locator(".md-header__option .md-select").hover()
        with self.page.expect_navigation():
            self.page.locator(f"a.md-select__link[hreflang={lang}]").click()

    def _relative(self, url: str) -> str:
        prefix = self.site.as_uri() + "/"
        assert url.startswith(prefix), url
        return url[len(prefix):].split("#")[0].split("?")[0]

    @property
    def outside(self) -> list[str]:
        return [url for url in self.requests if not url.startswith("file://")]


@pytest.fixture
def reader(site: Path, browser: object) -> Iterator[Reader]:
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 860})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(20_000)
    reader = Reader(site, context, page)
    context.on("request", lambda request: reader.requests.append(request.url))
    context.on("requestfailed", lambda request: reader.failed.append(f"{request.url}: {request.failure}"))
    # Anything that is not a file is refused (and recorded above), so a stray CDN URL cannot hang a test.
    context.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
    page.on("pageerror", lambda error: reader.errors.append(f"page error: {error}"))
    page.on("console", lambda message: message.type == "error"
            and reader.errors.append(f"console error: {message.text}"))
    yield reader
    context.close()
    assert reader.outside == [], "requests left file://"
    assert reader.failed == [], "requests failed"
    assert reader.errors == [], "errors in the page"


def test_both_languages_are_built_with_their_lang_attribute(reader: Reader) -> None:
    assert reader.open("index.html").locator("html").get_attribute("lang") == "zh"
    assert reader.page.locator("h1").inner_text() == "go - 内存逃逸总结"
    assert reader.open("en/index.html").locator("html").get_attribute("lang") == "en"
    assert reader.page.locator("h1").inner_text() == "go - A summary of memory escapes"
    assert reader.page.locator("input.md-search__input").get_attribute("placeholder") == "Search"


def test_chinese_search_finds_the_chinese_article(reader: Reader) -> None:
    reader.open("index.html")
    assert "index.html" in reader.search("逃逸")
    assert "个符合条件的结果" in reader.page.locator(".md-search-result__meta").inner_text()


def test_english_search_finds_the_english_article(reader: Reader) -> None:
    reader.open("en/index.html")
    assert "en/index.html" in reader.search("escape")
    assert "matching document" in reader.page.locator(".md-search-result__meta").inner_text()


def test_language_switcher_lands_on_the_same_page_both_ways(reader: Reader) -> None:
    reader.open("index.html")
    reader.switch_language("en")
    assert reader._relative(reader.page.url) == "en/index.html"
    assert reader.page.locator("html").get_attribute("lang") == "en"
    reader.switch_language("zh")
    assert reader._relative(reader.page.url) == "index.html"
    assert reader.page.locator("html").get_attribute("lang") == "zh"


@pytest.mark.parametrize("name", ["index.html", "en/index.html"])
def test_version_tabs_exist_and_switch_together(reader: Reader, name: str) -> None:
    page = reader.open(name)
    interface = page.locator(".goverify-tabs").filter(has_text="devirtualizing iFoo.func1 to myType")
    println = page.locator(".goverify-tabs").filter(has_text='"Escape" escapes to heap')
    assert interface.locator(".tabbed-labels > label").all_inner_texts() == ["Go 1.24", "Go 1.27"]
    # The newest release is selected first.
    assert "myType{} does not escape" in interface.locator(".tabbed-block:visible").inner_text()
    interface.locator(".tabbed-labels > label", has_text="Go 1.24").click()
    assert "myType{} escapes to heap" in interface.locator(".tabbed-block:visible").inner_text()
    # content.tabs.link: every example's "Go 1.24" tab is selected with it.
    assert "s escapes to heap" in println.locator(".tabbed-block:visible").inner_text()


@pytest.mark.parametrize("name", ["index.html", "en/index.html"])
def test_code_copy_button_copies_the_example(reader: Reader, name: str) -> None:
    page = reader.open(name)
    buttons = page.locator("button.md-code__button[data-md-type=copy]")
    assert buttons.count() >= 10
    buttons.first.click()
    assert page.evaluate("navigator.clipboard.readText()").startswith("package main\n")


@pytest.mark.parametrize("name", ["index.html", "en/index.html"])
def test_internal_links_name_html_files_and_the_offline_zip_is_linked(reader: Reader, name: str) -> None:
    page = reader.open(name)
    links = page.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
    internal = [reader._relative(link) for link in links if link.startswith("file://")]
    pages = [link for link in internal if link and not link.endswith((".zip", ".png"))]
    assert pages and all(link.endswith(".html") and (reader.site / link).is_file() for link in pages), pages
    assert OFFLINE_ZIP in internal


def test_screenshots_of_both_languages(reader: Reader) -> None:
    """docs/assets/screenshots/{zh,en}.png, shown in the README: section 3, where the releases disagree."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for lang, name in (("zh", "index.html"), ("en", "en/index.html")):
        page = reader.open(name)
        page.evaluate("document.fonts.ready")
        page.locator(".md-content h2").nth(4).evaluate("h => h.scrollIntoView()")
        page.evaluate("window.scrollBy(0, -60)")
        page.wait_for_timeout(400)  # the header's title transition
        partial = SCREENSHOTS / f".{lang}.png.partial"
        page.screenshot(path=str(partial), type="png")
        assert partial.read_bytes().startswith(b"\x89PNG")
        os.replace(partial, SCREENSHOTS / f"{lang}.png")  # atomic: a concurrent copy of docs/ sees old or new
