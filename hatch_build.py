"""Build hook: map this repository's defaults into the wheel (pyproject.toml, ``[…hooks.custom.defaults]``).

Only for a real wheel: an editable install reads them from the checkout (``zhanqun.defaults``)."""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class DefaultsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if version == "editable":
            return
        for source, target in self.config.get("defaults", {}).items():
            path = Path(self.root) / source
            if not path.exists():
                raise FileNotFoundError(f"zhanqun build hook: {source} is missing")
            build_data["force_include"][str(path)] = target
