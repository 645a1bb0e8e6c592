"""Two revisions of goverify give the same pages and the same reports: a proof by running both, for a change that
must not change what goverify says (the engine's rounds, a module split).

    .venv/bin/python tests/same_output.py BASE [--out DIR] [--go 1.24.11,1.27.3] [--no-site]

BASE (a commit) is exported with `git archive`; the working tree is the other side. Each side, in a process of its
own whose `goverify` is that side's, checks tests/corpus, the repository's site (docs/, its own settings) and each
article of ../shared/realworld twice, as each door does:

- as the plugin does (the `-m=2` reasons run for every example): each page as `edit_page` makes it, in English and
  Chinese, for a build and for `mkdocs serve` (failures shown), with its slots; the release-matrix page; the JSON
  report;
- as `goverify check` does (reasons only for what fails): the JSON, text and GitHub reports;

and, both times, the keys of every job the engine made (what a shard keeps). Then the repository's site is built by
a real `mkdocs build` (in a copy, with a cache of its own). Every file of one side must equal the other's, byte for
byte; the differences are listed (with a diff) and the exit status is 1.

The site is checked on its own go_versions when they are installed (else on --go, and it says so). Each side's
goverify result cache is its own (nothing compiled by one side is read by the other); Go's build cache
is the tests' (GOVERIFY_GOCACHE, as conftest sets it), which changes no output.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RELEASES = ["1.24.11", "1.25.5", "1.26.6", "1.27.3"]  # what `make test` installs


def _shared() -> Path:
    sys.path.insert(0, str(REPO / "tests"))
    from conftest import SHARED  # ../shared, wherever this checkout is (a worktree, a clone)

    return SHARED


# --- one side ------------------------------------------------------------------------------------------------


def side(out: Path, releases: list[str], site: bool) -> None:
    """Everything this process's goverify says of the pages, written under `out`."""
    import goverify
    from goverify import report
    from goverify.config import load
    from goverify.engine import Engine, Settings
    from goverify.matrix import matrix_markdown
    from goverify.render import edit_page
    from goverify.snippets import display_path, read_text
    from goverify.toolchains import resolve

    print(f"{out.name}: goverify from {Path(goverify.__file__).parent}", file=sys.stderr)
    gocache = Path(os.environ.get("GOVERIFY_GOCACHE", REPO / ".cache" / "test-gocache")).resolve()
    groups: list[tuple[str, Settings, list[Path]]] = []
    corpus = REPO / "tests" / "corpus"
    groups.append(("corpus", Settings(root=corpus, snippet_dirs=[corpus]), sorted(corpus.glob("*.md"))))
    _, site_settings, docs_dir, _ = load(REPO / "mkdocs.yml")
    site_releases = _site_releases(site_settings.go_versions, releases)
    groups.append(("site", site_settings, sorted((REPO / docs_dir).glob("*.md"))))
    realworld = _shared() / "realworld"
    for article in sorted(realworld.glob("*/docs/index.md")) if realworld.is_dir() else []:
        root = article.parent.parent
        groups.append((f"realworld-{root.name}", Settings(root=root, snippet_dirs=[root]), [article]))
    for name, settings, files in groups:
        for door in ("plugin", "cli"):
            settings.go_versions = site_releases if name == "site" else releases
            settings.cache, settings.cache_dir, settings.gocache = True, out / "cache" / name, gocache
            settings.reasons_for_failures_only = door == "cli"
            engine = Engine(settings, toolchains=[resolve(v) for v in settings.go_versions])
            pages = [engine.scan(read_text(f), display_path(f, settings.root)) for f in files]
            engine.run(pages)
            verdicts = [engine.check(page) for page in pages]
            where = out / "said" / name / door
            where.mkdir(parents=True)
            keys = sorted(job.key for job in engine.made(pages))
            (where / "jobs.txt").write_text("\n".join(keys) + "\n", encoding="utf-8")
            (where / "report.json").write_text(json.dumps(report.as_json(verdicts, engine), ensure_ascii=False,
                                                          indent=1), encoding="utf-8")
            if door == "cli":
                for fmt in ("text", "github"):
                    with open(where / f"report.{fmt}", "w", encoding="utf-8") as stream:
                        status = report.emit(verdicts, engine, fmt, stream, strict=True)
                        stream.write(f"exit {status}\n")
                continue
            for language in ("en", "zh"):
                (where / f"matrix.{language}.md").write_text(matrix_markdown(engine, verdicts, language),
                                                             encoding="utf-8")
                for verdict in verdicts:
                    for failures in (False, True):
                        text, slots = edit_page(verdict, language, failures=failures)
                        # Slot names are random tokens: numbered in order of appearance, the page is comparable.
                        for n, token in enumerate(sorted(slots, key=text.find)):
                            text = text.replace(token, f"SLOT{n}")
                            slots[f"SLOT{n}"] = slots.pop(token)
                        page = where / f"{verdict.page.path.replace('/', '__')}.{language}.{int(failures)}"
                        page.with_suffix(page.suffix + ".md").write_text(text, encoding="utf-8")
                        page.with_suffix(page.suffix + ".slots.json").write_text(
                            json.dumps(slots, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    if site:
        _build_site(out, site_releases, gocache)


def _site_releases(configured: list[str], releases: list[str]) -> list[str]:
    """The site's own go_versions when every one is installed, else the releases the rest is checked on."""
    from goverify.errors import GoverifyError
    from goverify.toolchains import resolve

    try:
        [resolve(v) for v in configured]
    except GoverifyError as exc:
        print(f"same_output: the site is checked on {', '.join(releases)}, not its own go_versions ({exc})",
              file=sys.stderr)
        return releases
    return configured


def _build_site(out: Path, releases: list[str], gocache: Path) -> None:
    """The repository's site, built by MkDocs in a copy of its sources (so that its cache is this side's)."""
    source = out / "site-source"
    source.mkdir()
    for name in ("mkdocs.yml", "docs", "snippets", "overrides"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name)
        else:
            shutil.copy2(REPO / name, source / name)
    env = {**os.environ, "GOVERIFY_GO_VERSIONS": ",".join(releases), "GOVERIFY_GOCACHE": str(gocache)}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out / "site")],
                   cwd=source, env=env, check=True)
    shutil.rmtree(source)


# --- the comparison ------------------------------------------------------------------------------------------


def _run_side(plugins: Path, out: Path, releases: list[str], site: bool) -> None:
    env = {**os.environ, "PYTHONPATH": str(plugins)}
    argv = [sys.executable, __file__, "--side", str(out), "--go", ",".join(releases)] + ([] if site else ["--no-site"])
    subprocess.run(argv, env=env, check=True)


def _files(top: Path) -> set[str]:
    return {str(p.relative_to(top)) for p in top.rglob("*")
            if p.is_file() and p.name != "done" and "cache" not in p.relative_to(top).parts}


def compare(before: Path, after: Path) -> list[str]:
    """The files that differ (or exist on one side only), each with a few lines of diff."""
    lines = []
    names = _files(before) | _files(after)
    for name in sorted(names):
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            lines.append(f"only in {'after' if b.exists() else 'before'}: {name}")
        elif not filecmp.cmp(a, b, shallow=False):
            lines.append(f"differs: {name}")
            try:
                diff = difflib.unified_diff(a.read_text("utf-8").splitlines(), b.read_text("utf-8").splitlines(),
                                            "before", "after", lineterm="", n=1)
                lines += ["    " + line for line in list(diff)[:30]]
            except UnicodeDecodeError:
                pass
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", help="the commit to compare the working tree with")
    parser.add_argument("--out", type=Path, help="keep both sides' files here (default: a temporary folder)")
    parser.add_argument("--go", default=",".join(RELEASES), help="releases, comma-separated")
    parser.add_argument("--no-site", action="store_true", help="skip the real MkDocs build of the site")
    parser.add_argument("--keep-base", action="store_true", help="reuse the base's side from an earlier run in --out "
                        "(only while the toolchains are the same: a job's key names the go binary)")
    parser.add_argument("--side", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    releases = args.go.split(",")
    if args.side:
        side(args.side, releases, not args.no_site)
        return 0
    if not args.base:
        parser.error("name the base commit")
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        exported = out / "base-tree"
        if not exported.exists():
            exported.mkdir()
            archive = subprocess.run(["git", "archive", args.base, "plugins"], cwd=REPO, capture_output=True,
                                     check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(exported)], input=archive, check=True)
        for name, plugins in (("before", exported / "plugins"), ("after", REPO / "plugins")):
            if name == "before" and args.keep_base and (out / name / "done").exists():
                continue  # the base's side, kept from an earlier comparison in --out
            if (out / name).exists():
                shutil.rmtree(out / name)
            _run_side(plugins, out / name, releases, not args.no_site)
            (out / name / "done").write_text(args.base if name == "before" else "working tree\n", encoding="utf-8")
        differ = compare(out / "before", out / "after")
        count = len(_files(out / "after"))
        print("\n".join(differ))
        print(f"same_output: {count} files compared, {sum(line[0] != ' ' for line in differ)} differ "
              f"({args.base} vs the working tree)")
        return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
