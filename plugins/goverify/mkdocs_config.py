"""goverify's options as MkDocs validates a plugin's: each option of the schema (`config.Options`, what each one means)
checked by MkDocs' `Config` machinery with the schema's own check, so that `mkdocs build` and `goverify check` say the
same line about a bad value."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from .config import DEFAULTS, OptionError, Options, base_dirs, check_option, settings_from, unknown_option
from .engine import Settings


class _Checked(c.BaseConfigOption):
    """One option of the schema, checked as `goverify check` checks it."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.option = name
        self.default = DEFAULTS[name]

    def run_validation(self, value: object) -> object:
        try:
            return check_option(self.option, value, self.warnings, "mkdocs.yml")
        except OptionError as exc:
            raise ValidationError(str(exc)) from None


class GoVerifyConfig(Config):
    """The plugin's options: one `_Checked` per field of `config.Options`, in its order."""

    enabled = _Checked("enabled")
    go_versions = _Checked("go_versions")
    command = _Checked("command")
    timeout = _Checked("timeout")
    cache = _Checked("cache")
    cache_dir = _Checked("cache_dir")
    jobs = _Checked("jobs")
    results = _Checked("results")
    report = _Checked("report")
    reasons = _Checked("reasons")
    matrix_page = _Checked("matrix_page")

    def validate(self) -> tuple[list, list]:
        """MkDocs' checks, with an unknown option failed instead of warned about: a misspelt `go_versions` must not
        leave the build on another Go (the same line as `goverify check`'s)."""
        failed, warnings = super().validate()
        unknown = [(key, w) for key, w in warnings if key not in self._schema_keys]
        warnings = [(key, w) for key, w in warnings if key in self._schema_keys]
        failed += [(key, ValidationError(unknown_option(key))) for key, _ in unknown]
        return failed, warnings


def options_of(config: GoVerifyConfig) -> Options:
    """The validated options as the engine's doors take them."""
    return Options(**{f.name: config[f.name] for f in dataclasses.fields(Options)})


def settings_of(plugin: GoVerifyConfig, config: Any) -> Settings:
    """The engine's settings from the plugin's options and the site's configuration: paths relative to its
    mkdocs.yml, snippets from pymdownx.snippets' base_path."""
    root = Path(config.config_file_path or ".").resolve().parent
    snippets = base_dirs(config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", ["."]), root)
    return settings_from(options_of(plugin), root, snippets)
