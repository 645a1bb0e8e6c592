"""`goverify`: check Markdown without MkDocs, fix stale output, manage toolchains, verify one shard.

Exit status: 0 everything holds, 1 a disagreement, 2 bad usage or a missing toolchain.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import report
from .engine import Engine, PageVerdict, Settings
from .siteconfig import ConfigError, load_settings
from .toolchains import ToolchainError, default_go, install, installed, resolve, toolchains_dir


def _markdown_files(paths: list[str], docs_dir: Path) -> list[Path]:
    if not paths:
        paths = [str(docs_dir)]
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.md") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(name)
    return files


def _settings(args: argparse.Namespace) -> tuple[Settings, Path]:
    config = Path(args.config)
    if config.is_file():
        settings, docs_dir = load_settings(config)
    elif args.config != "mkdocs.yml":
        raise ConfigError(f"{config}: no such file")
    else:
        settings, docs_dir = Settings(root=Path.cwd()), Path("docs")
        settings.snippet_dirs = [Path.cwd()]
    if args.go:
        settings.go_versions = args.go
    elif os.environ.get("GOVERIFY_GO_VERSIONS"):
        settings.go_versions = [v.strip() for v in os.environ["GOVERIFY_GO_VERSIONS"].split(",") if v.strip()]
    if getattr(args, "no_cache", False):
        settings.cache = False
    if getattr(args, "timeout", None):
        settings.timeout = args.timeout
    return settings, docs_dir


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def check_files(engine: Engine, files: list[Path]) -> list[PageVerdict]:
    pages = []
    for file in files:
        text = file.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        pages.append(engine.scan(text, _display(file, engine.settings.root)))
    engine.run(pages)
    return [engine.check(page) for page in pages]


def cmd_check(args: argparse.Namespace) -> int:
    settings, docs_dir = _settings(args)
    files = _markdown_files(args.paths, docs_dir)
    if args.results:
        from .shards import load_shards

        try:
            toolchains, known = load_shards(Path(args.results))
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
        engine = Engine(settings, toolchains=toolchains, known=known)
    else:
        engine = Engine(settings)
    verdicts = check_files(engine, files)
    if args.fix:
        from .fix import fix_pages

        return fix_pages(engine, verdicts, dry_run=args.dry_run, assume_yes=args.yes, out=sys.stdout)
    for warning in engine.warnings:
        print(f"goverify: warning: {warning}", file=sys.stderr)
    return report.emit(verdicts, engine, args.format, sys.stdout)


def cmd_toolchains(args: argparse.Namespace) -> int:
    if args.action == "install":
        specs = list(args.versions)
        if not specs:
            settings, _ = _settings(argparse.Namespace(config=args.config, go=None))
            specs = settings.go_versions
        for go in install(specs, progress=sys.stderr.isatty()):
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
        from .toolchains import available_on_pypi

        settings, _ = _settings(argparse.Namespace(config=args.config, go=None))
        have = [resolve(spec).version for spec in settings.go_versions]
        newest = max(v.minor_key for v in have)
        offered = available_on_pypi()
        newer = sorted({v.minor_key for v in offered if v.minor_key > newest})
        patches = [v for v in have if any(o.minor_key == v.minor_key and (o.patch or 0) > (v.patch or 0)
                                          for o in offered)]
        for minor in newer:
            best = max((o for o in offered if o.minor_key == minor), key=lambda o: o.sort_key())
            print(f"Go {best}: a newer release the matrix lacks (add \"{minor[0]}.{minor[1]}\" to go_versions)")
        for v in patches:
            best = max((o for o in offered if o.minor_key == v.minor_key), key=lambda o: o.sort_key())
            print(f"Go {v}: patch {best} is available (goverify toolchains install {best})")
        if not newer and not patches:
            print("the matrix has every Go release PyPI offers")
        return 1 if newer or patches else 0
    return 2


def cmd_verify(args: argparse.Namespace) -> int:
    from .shards import write_shard

    settings, docs_dir = _settings(args)
    files = _markdown_files(args.paths, docs_dir)
    engine = Engine(settings)
    verdicts = check_files(engine, files)
    path = write_shard(engine, verdicts, Path(args.results))
    print(path)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="goverify", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", "-f", default="mkdocs.yml", help="mkdocs.yml to read options from")
        p.add_argument("--go", action="append", metavar="VERSION",
                       help="verify on this Go release instead of go_versions (repeatable)")

    check = sub.add_parser("check", help="verify Markdown files or folders (default: docs_dir)")
    common(check)
    check.add_argument("paths", nargs="*")
    check.add_argument("--fix", action="store_true", help="rewrite stale output blocks and claims")
    check.add_argument("--dry-run", action="store_true", help="with --fix: print the diff, change nothing")
    check.add_argument("--yes", "-y", action="store_true",
                       help="with --fix: also rewrite comment claims without asking")
    check.add_argument("--format", choices=["text", "json", "github"], default="text")
    check.add_argument("--results", metavar="DIR", help="use shard results from DIR instead of compiling")
    check.add_argument("--no-cache", action="store_true")
    check.add_argument("--timeout", type=float)
    check.set_defaults(run=cmd_check)

    tools = sub.add_parser("toolchains", help="install, list or look for Go toolchains")
    tools.add_argument("action", choices=["install", "list", "outdated"])
    tools.add_argument("versions", nargs="*", help="releases to install (default: go_versions of --config)")
    tools.add_argument("--config", "-f", default="mkdocs.yml")
    tools.set_defaults(run=cmd_toolchains)

    verify = sub.add_parser("verify", help="compile on one release and write its results (a CI shard)")
    common(verify)
    verify.add_argument("paths", nargs="*")
    verify.add_argument("--results", required=True, metavar="DIR")
    verify.add_argument("--timeout", type=float)
    verify.set_defaults(run=cmd_verify)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (ToolchainError, ConfigError) as exc:
        print(f"goverify: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"goverify: no such file or folder: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
