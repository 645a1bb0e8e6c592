"""`goverify watch`: when Go releases appear that the matrix lacks, check the pages on them and propose the change.

    go_versions (mkdocs.yml, goverify.toml or [tool.goverify])  ->  releases offered that it lacks (bump.py)
    ->  install them  ->  check every page
    on the proposed matrix  ->  what --fix rewrites in output blocks (fix.py)  ->  check again with that applied
    ->  the report (Markdown, for a person) and the patch (for `git apply`), made from those data at the end

The patch bumps go_versions and rewrites stale output blocks; it never touches prose or claims: those are the
author's words, and the report lists the ones to restate. Exit status: 0 nothing new (nothing installed, nothing
compiled), 1 something the pages say fails on the proposed matrix, 3 new releases on which everything holds.
"""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from . import report
from .bump import Bump, edit_go_versions, find_bumps, proposed
from .check import PageVerdict, failing_releases
from .cli import pages_under
from .config import load
from .engine import Engine
from .errors import EXIT_DISAGREES, EXIT_NEW_RELEASE_HOLDS, EXIT_OK, GoverifyError, Location
from .findings import ERROR, Finding
from .fix import FileEdit, as_on_disk, planned_edits
from .snippets import read_text
from .toolchains import available_on_pypi, install, resolve
from .versions import Version, is_version, parse_version


@dataclass
class Watch:
    """What the watch found, as data. Paths are relative to the site's root (its configuration's folder); `prefix`
    leads from the repository's root to it."""

    config: str  # the configuration's file name: mkdocs.yml, goverify.toml or pyproject.toml
    before: list[str]  # go_versions as written
    after: list[str]  # go_versions proposed
    bumps: list[Bump]
    offered: list[Version]
    prefix: str = ""
    here: str = ""  # leads from the folder the watch runs in to the site's root: the report's locations open there
    config_edit: FileEdit | None = None
    broken: dict[str, list[Finding]] = field(default_factory=dict)  # new release -> what it is the first to break
    already: list[Finding] = field(default_factory=list)  # failing, and on no new release
    edits: list[FileEdit] = field(default_factory=list)  # output blocks the patch rewrites
    remaining: list[Finding] = field(default_factory=list)  # still failing with the patch applied

    @property
    def failing(self) -> list[Finding]:
        return [f for found in self.broken.values() for f in found] + self.already

    @property
    def status(self) -> int:
        if not self.bumps:
            return EXIT_OK
        return EXIT_DISAGREES if self.failing else EXIT_NEW_RELEASE_HOLDS


def find(config_file: Path, offered: list[Version] | None, *, progress: bool, log: TextIO) -> Watch:
    """Read the site's go_versions, compare with the releases offered (PyPI's when None) and, when some are new,
    install them and check every page on the proposed matrix."""
    config, settings, docs_dir, warnings = load(config_file)
    for warning in warnings:
        print(f"goverify: warning: {warning}", file=log)
    before = list(config.go_versions)  # as the file says: GOVERIFY_GO_VERSIONS does not change what is proposed
    versions = {entry: _release(entry) for entry in before}
    offered = offered if offered is not None else available_on_pypi()
    bumps = find_bumps(before, versions, offered)
    here = Path(os.path.relpath(settings.root)).as_posix()
    watch = Watch(config_file.name, before, proposed(before, bumps), bumps, offered,
                  prefix=_prefix(settings.root), here="" if here == "." else here + "/")
    if not bumps:
        return watch
    text = read_text(config_file)
    watch.config_edit = FileEdit(config_file.name, text, edit_go_versions(text, before, watch.after,
                                                                          config_file.name))
    print(f"goverify: {_new_releases(bumps)}: installing and checking the pages on Go {', '.join(watch.after)}",
          file=log, flush=True)
    install(watch.after, progress=progress, log=log)
    engine = Engine(replace(settings, go_versions=watch.after, results=None, shown_from=Path.cwd()))
    verdicts = engine.check_files(pages_under(docs_dir) if docs_dir.is_dir() else [])
    for warning in engine.warnings:
        print(f"goverify: warning: {warning}", file=log)
    watch.edits, _, _ = planned_edits(engine, verdicts, None)  # output blocks only: claims are the author's words
    failing = _unique(f for page in verdicts for f in page.findings if f.severity == ERROR)
    new = [str(b.release) for b in sorted(bumps, key=lambda b: b.release.sort_key())]
    for finding in failing:
        on = failing_releases(finding)
        first = next((release for release in new if release in on), None)
        if first is None:
            watch.already.append(finding)
        else:
            watch.broken.setdefault(first, []).append(finding)
    watch.remaining = _remaining(engine, verdicts, watch.edits, failing)
    return watch


def _new_releases(bumps: list[Bump]) -> str:
    return f"new Go release{'s' if len(bumps) != 1 else ''} {', '.join(str(b.release) for b in bumps)}"


def _release(entry: str) -> Version:
    """The release a go_versions entry names: read from it when it is a version, asked of the binary otherwise."""
    return parse_version(entry) if is_version(entry) else resolve(entry).version


def _prefix(root: Path) -> str:
    """The site's folder relative to the git work tree holding it (`""` at its top, or when there is none)."""
    for folder in [root, *root.parents]:
        if (folder / ".git").exists():
            relative = root.relative_to(folder).as_posix()
            return "" if relative == "." else relative + "/"
    return ""


def _unique(findings) -> list[Finding]:
    """Each finding once (a snippet's claim is found again on every page, or language, that includes it)."""
    seen: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        message = report.describe(finding)
        seen.setdefault((message.location, message.summary), finding)
    return list(seen.values())


def _remaining(engine: Engine, verdicts: list[PageVerdict], edits: list[FileEdit],
               failing: list[Finding]) -> list[Finding]:
    """What still fails once the edits are applied: the pages checked again with the edited text (every compile it
    needs is already made), each finding mapped back to the line it has before the patch."""
    edited = {edit.path: edit for edit in edits}
    pages = [engine.scan(edited[v.page.path].after, v.page.path) if v.page.path in edited else v.page
             for v in verdicts]
    engine.run(pages)
    after = _unique(f for page in pages for f in engine.check(page).findings if f.severity == ERROR)
    lines = {path: _old_lines(edit) for path, edit in edited.items()}
    before = {(type(f).__name__, f.location): f for f in failing}
    remaining = []
    for finding in after:
        where = finding.location
        line = lines[where.path].get(where.line) if where.path in lines else where.line
        remaining.append(before.get((type(finding).__name__, Location(where.path, line or 0)), finding))
    return remaining


def _old_lines(edit: FileEdit) -> dict[int, int]:
    """1-based line after the edit -> the same line before it, for lines the edit left alone."""
    matcher = difflib.SequenceMatcher(None, edit.before.split("\n"), edit.after.split("\n"), autojunk=False)
    return {j + 1 + k: i + 1 + k for i, j, size in matcher.get_matching_blocks() for k in range(size)}


# --- the patch and the report: text, made from the data above -------------------------------------------------


def patch_text(watch: Watch, root: Path) -> str:
    """Every change of the watch as one unified diff, paths from the repository's root, each file's bytes as on
    disk (CRLF line ends and a byte-order mark kept)."""
    edits = ([watch.config_edit] if watch.config_edit else []) + watch.edits
    return "".join(_as_on_disk(edit, root).diff(watch.prefix) for edit in edits)


def _as_on_disk(edit: FileEdit, root: Path) -> FileEdit:
    return as_on_disk(edit, (root / edit.path).read_bytes())


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _fenced(text: str, info: str) -> list[str]:
    """A fenced block that holds `text` whatever backticks it contains."""
    longest = max((len(run) for run in text.replace("\n", " ").split(" ") if set(run) == {"`"}), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *text.rstrip("\n").split("\n"), fence]


def report_text(watch: Watch, patch_name: str) -> str:
    """The Markdown a maintainer reads in one screen (and the pull request's description)."""
    newest = max(watch.offered, key=Version.sort_key) if watch.offered else None
    if not watch.bumps:
        return (f"# No new Go release\n\n`go_versions` in `{watch.config}` ({', '.join(watch.before)}) has the newest "
                f"patch of each minor it lists, and no newer minor is offered (newest: Go {newest}).\n")
    new = [str(b.release) for b in watch.bumps]
    failing = watch.failing
    title = (f"{_count(len(failing), 'place')} no longer hold{'s' if len(failing) == 1 else ''}" if failing
             else "every claim holds")
    out = [f"# Go {', '.join(new)}: {title}", "",
           f"`go_versions` in `{watch.config}`: {', '.join(watch.before)} → **{', '.join(watch.after)}**", "",
           "| release | | first breaks |", "| --- | --- | --- |"]
    for bump in sorted(watch.bumps, key=lambda b: b.release.sort_key()):
        what = f"newer patch, replaces {bump.replaces}" if bump.replaces else "new minor"
        broken = len(watch.broken.get(str(bump.release), []))
        out.append(f"| Go {bump.release} | {what} | {_count(broken, 'place') if broken else 'nothing'} |")
    files = sorted({e.path for e in watch.edits})
    rewritten = (f" and rewrites the output blocks of {', '.join(f'`{p}`' for p in files)} to what the compiler "
                 "prints now (diff below)") if files else ""
    out += ["", "## What to do", "",
            f"1. `git apply {patch_name}` (already applied in the watch's pull request): it bumps `go_versions`"
            f"{rewritten}. It changes no prose and no claim.", ""]
    if watch.remaining:
        out += [f"2. By hand, {_count(len(watch.remaining), 'place')} still fail with the patch applied: restate "
                "each claim with a version scope (`(go1.25+)` in a comment, `go=\"1.25+\"` in prose) and say in the "
                "text what changed (`goverify check --fix --dry-run` shows the scoped comment claims the compiler "
                "supports):", ""]
        out += [f"   - `{watch.here}{m.location}`: {m.summary}" for m in map(report.describe, watch.remaining)]
    else:
        out.append("2. Nothing to restate: with the patch applied, everything the pages say holds.")
    out += ["", "3. Then `goverify check` passes on the new matrix.", ""]
    if failing:
        out += ["## What the compiler says, by the release that first breaks it", ""]
        fixed = [f for f in failing if f not in watch.remaining]
        for release in new:
            found = watch.broken.get(release, [])
            if found:
                out += [f"### Go {release}", "", *_fenced(_messages(found, fixed, watch.here), "text"), ""]
        if watch.already:
            out += ["### Already failing before these releases", "",
                    *_fenced(_messages(watch.already, fixed, watch.here), "text"), ""]
    if watch.edits:
        out += ["## Output blocks the patch rewrites", "",
                *_fenced("".join(edit.diff(watch.prefix) for edit in watch.edits), "diff"), ""]
    return "\n".join(out)


def _messages(found: list[Finding], fixed: list[Finding], here: str = "") -> str:
    """Each finding as report.py words it (with the compiler's reasons); for one the patch mends, that instead of
    the command that would."""
    texts = []
    for finding in found:
        message = report.describe(finding)
        message = replace(message, location=here + message.location)
        if finding in fixed:
            texts.append(replace(message, fix=None).render() + "\n    the patch rewrites this line (diff below)")
        else:
            texts.append(message.render())
    return "\n".join(texts)


def run(config_file: Path, offered: list[Version] | None, report_file: Path, patch_file: Path, *,
        out: TextIO = sys.stdout, log: TextIO = sys.stderr) -> int:
    """`goverify watch`: write the report and the patch, say where they are, return the exit status."""
    if not config_file.is_file():
        raise GoverifyError(f"{config_file}: no such file")
    watch = find(config_file, offered, progress=log.isatty(), log=log)
    report_file.write_text(report_text(watch, str(patch_file)), encoding="utf-8")
    if not watch.bumps:
        patch_file.unlink(missing_ok=True)  # a patch left by an earlier run would propose what is done
        print(f"goverify: no new Go release (go_versions: {', '.join(watch.before)}); report: {report_file}", file=out)
        return watch.status
    patch_file.write_text(patch_text(watch, config_file.resolve().parent), encoding="utf-8")
    failing = len(watch.failing)
    what = (f"{_count(failing, 'place')} no longer hold{'s' if failing == 1 else ''}, {len(watch.remaining)} to "
            "restate by hand after the patch") if failing else "everything holds"
    print(f"goverify: {_new_releases(watch.bumps)}: {what}", file=out)
    print(f"goverify: report: {report_file}; patch: {patch_file} (git apply {patch_file})", file=out)
    return watch.status
