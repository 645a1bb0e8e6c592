"""Read goverify's settings out of a `mkdocs.yml` without MkDocs (for the CLI)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .engine import Settings


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads `!ENV` like MkDocs and ignores other tags (`!!python/name:...`)."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = loader.construct_sequence(node)
        names, default = items[:-1], items[-1]
    for name in names:
        if name in os.environ:
            return yaml.safe_load(os.environ[name])
    return default


def _ignore(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return None


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("!", _ignore)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore)


class ConfigError(ValueError):
    pass


def _plugin_options(plugins: Any) -> dict | None:
    if isinstance(plugins, dict):
        plugins = [{k: v} for k, v in plugins.items()]
    for entry in plugins or []:
        if entry == "goverify":
            return {}
        if isinstance(entry, dict) and "goverify" in entry:
            return entry["goverify"] or {}
    return None


def snippet_dirs(extensions: Any, root: Path) -> list[Path]:
    """pymdownx.snippets' base_path, relative to where MkDocs runs (the config's folder)."""
    if isinstance(extensions, dict):
        extensions = [{k: v} for k, v in extensions.items()]
    for entry in extensions or []:
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            return base_dirs((entry["pymdownx.snippets"] or {}).get("base_path", ["."]), root)
        if entry == "pymdownx.snippets":
            return [root]
    return [root]


def base_dirs(base: str | list[str], root: Path) -> list[Path]:
    """pymdownx.snippets' `base_path` (a string or a list) as folders under the config's folder."""
    return [root / b for b in ([base] if isinstance(base, str) else base)]


def load_settings(config_file: Path) -> tuple[Settings, Path]:
    """Settings and docs_dir from a mkdocs.yml."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{config_file}: cannot read: {exc}") from exc
    root = config_file.resolve().parent
    options = _plugin_options(data.get("plugins")) or {}
    settings = settings_from_options(options, root)
    settings.snippet_dirs = snippet_dirs(data.get("markdown_extensions"), root)
    return settings, root / str(data.get("docs_dir") or "docs")


def settings_from_options(options: dict, root: Path) -> Settings:
    settings = Settings(root=root)
    if options.get("go_versions"):
        settings.go_versions = [str(v) for v in options["go_versions"]]
    if options.get("command"):
        settings.command = str(options["command"])
    if options.get("timeout") is not None:
        settings.timeout = float(options["timeout"])
    if options.get("cache") is not None:
        settings.cache = bool(options["cache"])
    if options.get("cache_dir"):
        settings.cache_dir = root / str(options["cache_dir"])
    if options.get("reasons") is not None:
        settings.reasons = bool(options["reasons"])
    if options.get("jobs"):
        settings.jobs = int(options["jobs"])
    return settings
