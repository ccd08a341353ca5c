"""Which sites a change must rebuild (R6.1): ``zhanqun affected --base REV --head REV``.

- a unit's content → its host (a channel unit's: the portal);
- an item pushed to the portal or on the portal homepage (before or after), or tagged with one of the
  portal's topics → the portal too; an interpretation → the site of the policy it interprets;
- a unit.yaml → its host and the portal (the responsibility table lists every unit's columns);
- the theme, plugins, Pelican settings, schemas, cluster config (its ``zhanqun:`` pin too), zhanqun's code or
  packaging → every host; in a content-only cluster (R11.1) its own theme files, plugins and schema overrides,
  and a workflow whose ``pip install "zhanqun==…"`` changed (another zhanqun builds every page) → every host;
- documentation, other CI changes, tests and rule data (checks only) → none.

Both the base's and the head's config count: a unit moved from a channel to its own subdomain rebuilds both.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhanqun import gitio
from zhanqun.config import ClusterConfig, Unit
from zhanqun.signoff import gitdata, policy

if TYPE_CHECKING:
    from zhanqun.schemas import SchemaSet

EVERY_HOST = ("themes/", "plugins/", "schemas/", "src/", "pelicanconf.py", "pyproject.toml", "hatch_build.py",
              "content/cluster.yaml")
NO_HOST = (".github/", ".gitea/", "tests/", "bench/", "rules/", "scripts/", ".ci/", "docs/", ".pre-commit", "LICENSE",
           ".gitignore")
WORKFLOWS = (".github/workflows/", ".gitea/workflows/")
_ZHANQUN_PIN = re.compile(r"zhanqun\s*(===?|~=|>=|<=|!=)\s*([0-9][^\s\"',;]*)")


def host_of(unit: Unit, config: ClusterConfig) -> str:
    if unit.id == config.portal or unit.kind == "portal" or unit.hosting == "channel":
        return f"www.{config.domain}"
    return f"{unit.label}.{config.domain}"


def all_hosts(config: ClusterConfig, units: dict[str, Unit]) -> set[str]:
    return {host_of(u, config) for u in units.values()}


def affected(root: Path, base_rev: str, head_rev: str, schemas: SchemaSet | None = None) -> list[str]:
    repo = gitdata.open_repo(root)
    base, head = gitdata.commit_of(repo, base_rev), gitdata.commit_of(repo, head_rev)
    configs = [gitdata.config_at(head)]
    with contextlib.suppress(Exception):  # a base without a valid cluster (the first import): the head decides
        configs.append(gitdata.config_at(base))
    change = gitdata.change_between(repo, base, head, "", [], schemas=_AllTypes(schemas) if schemas else None,
                                    stale_check=False)
    hosts: set[str] = set()
    indexes: set[str] = set()
    for config, units in configs:
        portal = f"www.{config.domain}"
        topic_tags = {t.tag for t in config.topics}
        for changed in change.files:
            for path in filter(None, (changed.path, changed.old_path)):
                if path.startswith(EVERY_HOST) or (path.startswith(WORKFLOWS) and _pin_changed(repo, base, head, path)):
                    hosts |= all_hosts(config, units)
                    continue
                if path.startswith(NO_HOST) or policy.is_documentation(path):
                    continue
                unit_id = policy.unit_of(path)
                if unit_id is None:
                    hosts |= all_hosts(config, units)  # something unknown at the top: rebuild everything
                    continue
                if unit_id in units:
                    hosts.add(host_of(units[unit_id], config))
                if path.endswith("/unit.yaml"):
                    hosts.add(portal)
                for meta in (changed.before, changed.after):
                    if not meta:
                        continue
                    tags = meta.get("tags") or []
                    if meta.get("push_to_portal") or meta.get("homepage") or (
                            isinstance(tags, list) and topic_tags & set(map(str, tags))):
                        hosts.add(portal)
                    if meta.get("policy"):
                        indexes.add(str(meta["policy"]))  # an interpretation: its policy's page lists it
                    if meta.get("index_no"):
                        indexes.add(str(meta["index_no"]))  # a policy: its interpretations show its title
    if indexes:
        hosts |= _policy_hosts(repo, head, indexes, configs[0])
    # Only sites that exist at the head are built: one retired by the change (a new label) is removed by hand.
    return sorted(hosts & all_hosts(*configs[0]))


def _pin_changed(repo: gitdata.Repo, base: gitdata.Commit, head: gitdata.Commit, path: str) -> bool:
    """Whether the zhanqun version a workflow installs differs between base and head (R11.1)."""
    return pins(_blob(repo, base, path)) != pins(_blob(repo, head, path))


def pins(text: str) -> set[tuple[str, str]]:
    """The zhanqun version requirements a workflow's text installs (``pip install "zhanqun==0.2.0"``)."""
    return set(_ZHANQUN_PIN.findall(text))


def _blob(repo: gitdata.Repo, commit: gitdata.Commit, path: str) -> str:
    return repo.show(f"{commit.hexsha}:{path}") or ""  # "" when added or deleted by the change


class _AllTypes:
    """The schemas' key aliases of every content type at once (解读对象 is an interpretation's, 报送 every item's)."""

    def __init__(self, schemas: SchemaSet) -> None:
        self.schemas = schemas

    def aliases(self, name: str) -> dict[str, str]:
        table: dict[str, str] = {}
        for kind in sorted(self.schemas.raw):
            if kind not in ("cluster", "unit"):
                table.update(self.schemas.aliases(kind))
        return table

    def properties(self, name: str) -> dict[str, Any]:
        return dict(self.schemas.properties(name))


def _policy_hosts(repo: gitdata.Repo, head: gitdata.Commit, indexes: set[str],
                  config_units: tuple[ClusterConfig, dict[str, Unit]]) -> set[str]:
    """The sites of the items that mention these index numbers: the policy (its page lists its
    interpretations) and its interpretations (theirs show the policy's title and link)."""
    config, units = config_units
    found: set[str] = set()
    for index in sorted(indexes):  # exit code 1: nothing found
        for line in gitio.lines(repo.root, "grep", "-l", "-F", "-e", index, head.hexsha, "--", "content/", accept=(0, 1)):
            unit_id = policy.unit_of(line.split(":", 1)[-1])
            if unit_id in units:
                found.add(host_of(units[unit_id], config))
    return found
