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
    """An offline browser context over file://, with everything that went wrong in it.

    A request is a failure when it fails while its page is open (a missing file: `net::ERR_FILE_NOT_FOUND`). One the
    page cancels because the test leaves it (a navigation or the context's close aborts what was still loading, such
    as a favicon Chromium asks for at any time after `load`: `net::ERR_ABORTED`) is recorded as cancelled instead:
    it says nothing about the site, and counting it made the suite fail at random.
    """

    site: Path
    context: object
    page: object
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    document: int = 0  # how many times the test has left a page: each request remembers the document it began in
    leaving: bool = False
    started: dict[object, int] = field(default_factory=dict)

    def watch(self) -> None:
        self.context.on("request", self._request)
        self.context.on("requestfinished", lambda request: self.started.pop(request, None))
        self.context.on("requestfailed", self._failed)
        # Anything that is not a file is refused (and recorded as failed), so a stray CDN URL cannot hang a test.
        self.context.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on("console", lambda message: message.type == "error"
                     and self.errors.append(f"console error: {message.text}"))

    def _request(self, request: object) -> None:
        self.requests.append(request.url)
        self.started[request] = self.document

    def _failed(self, request: object) -> None:
        began = self.started.pop(request, self.document)
        left = self.leaving or began < self.document
        entry = f"{request.url}: {request.failure}"
        (self.cancelled if left and request.failure == "net::ERR_ABORTED" else self.failed).append(entry)

    def leave(self, action) -> object:
        """Do what leaves the current page (a navigation, a click on a link, closing): what the page was still
        loading is cancelled, not failed."""
        self.leaving = True
        try:
            return action()
        finally:
            self.leaving = False
            self.document += 1

    def open(self, name: str) -> object:
        self.leave(lambda: self.page.goto((self.site / name).as_uri()))
        self.page.wait_for_load_state("load")
        return self.page

    def close(self) -> None:
        self.leave(self.context.close)

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

        def click() -> None:
            with self.page.expect_navigation():
                self.page.locator(f"a.md-select__link[hreflang={lang}]").click()

        self.leave(click)

    def _relative(self, url: str) -> str:
        prefix = self.site.as_uri() + "/"
        assert url.startswith(prefix), url
        return url[len(prefix):].split("#")[0].split("?")[0]

    @property
    def outside(self) -> list[str]:
        return [url for url in self.requests if not url.startswith("file://")]


@contextmanager
def reading(site: Path, browser: object) -> Iterator[Reader]:
    """A Reader on a new offline context, closed (as the test leaves it) at the end."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 860})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(60_000)  # a loaded 2-core machine; a test that waits this long has failed anyway
    reader = Reader(site, context, page)
    reader.watch()
    try:
        yield reader
    finally:
        reader.close()


@pytest.fixture
def reader(site: Path, browser: object) -> Iterator[Reader]:
    with reading(site, browser) as reader:
        yield reader
    assert reader.outside == [], "requests left file://"
    assert reader.failed == [], "requests failed"
    assert reader.errors == [], "errors in the page"


def test_a_request_that_fails_while_the_page_is_open_fails_the_test(tmp_path: Path, browser: object) -> None:
    """The net is not empty: a page that names a missing file is caught, whatever the page does after."""
    (tmp_path / "index.html").write_text('<html><body><img src="missing.png"><p>text</p></body></html>',
                                         encoding="utf-8")
    with reading(tmp_path, browser) as reader:
        reader.open("index.html")
        reader.page.locator("p").wait_for()
    assert reader.failed == [f"{(tmp_path / 'missing.png').as_uri()}: net::ERR_FILE_NOT_FOUND"]


def test_what_a_page_was_still_loading_when_it_is_left_is_cancelled_not_failed(tmp_path: Path,
                                                                             browser: object) -> None:
    """An image that never arrives (its request held by a route) is cancelled by the navigation away from its page:
    recorded as cancelled, so the fixture does not fail."""
    (tmp_path / "slow.html").write_text('<html><body><img src="never.png"></body></html>', encoding="utf-8")
    (tmp_path / "next.html").write_text("<html><body><p>next</p></body></html>", encoding="utf-8")
    with reading(tmp_path, browser) as reader:
        held = []
        reader.context.route("**/never.png", lambda route: held.append(route))  # never answered
        reader.leave(lambda: reader.page.goto((tmp_path / "slow.html").as_uri(), wait_until="domcontentloaded"))
        for _ in range(1200):  # the image's request is held before the page is left (at most a minute)
            if held:
                break
            reader.page.wait_for_timeout(50)
        assert held, "the image was never requested"
        reader.open("next.html")
    assert reader.failed == []
    assert reader.cancelled == [f"{(tmp_path / 'never.png').as_uri()}: net::ERR_ABORTED"]


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
