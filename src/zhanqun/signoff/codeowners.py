"""CODEOWNERS from the config (R5.4): who is asked to review a change, per path.

GitHub reads ``.github/CODEOWNERS`` (gitignore-style patterns, the last match wins); Gitea reads
``.gitea/CODEOWNERS`` (Go regular expressions, every matching line adds owners). Each host reads only its own
file, so both are generated. A unit's folder is owned by its reviewers (初审, 复审, 终审) and leaders; unit.yaml
and the platform files by the platform admins. People's ``id`` in unit.yaml is their login on the git host.

CODEOWNERS only asks for reviews; which roles a change needs (and the portal leader for homepage items) is
decided by ``zhanqun signoff check``, a required status check (``zhanqun protect``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zhanqun.config import ClusterConfig, Unit

PATHS = {"github": ".github/CODEOWNERS", "gitea": ".gitea/CODEOWNERS"}
# Files a host would read before ours (Gitea: CODEOWNERS, docs/CODEOWNERS, then .gitea/CODEOWNERS; GitHub:
# .github/ first, so these are only Gitea's): their presence makes the generated file dead.
SHADOWING = ("CODEOWNERS", "docs/CODEOWNERS")
REVIEW_ROLES = ("first", "second", "final", "leader")
HEADER = ("# 由 zhanqun codeowners 根据 content/cluster.yaml 和各单位 unit.yaml 生成，请勿手工修改。\n"
          "# 修改审核人员请改 unit.yaml，然后运行 zhanqun codeowners；CI 用 zhanqun codeowners --check 检查是否一致。\n")


def owners_by_path(config: ClusterConfig, units: dict[str, Unit]) -> list[tuple[str, list[str]]]:
    """(path, logins) of the units' folders and their unit.yaml; a folder ends in ``/``. Everything outside the
    units' folders belongs to the platform admins (zhanqun.signoff.policy: all but documentation)."""
    admins = sorted(config.admins)
    rules: list[tuple[str, list[str]]] = []
    for unit_id in sorted(units):
        reviewers = sorted({p.id for p in units[unit_id].people if set(p.roles) & set(REVIEW_ROLES)})
        rules.append((f"content/{unit_id}/", reviewers or admins))
        rules.append((f"content/{unit_id}/unit.yaml", admins))
    return rules


def render(config: ClusterConfig, units: dict[str, Unit], kind: str) -> str:
    lines = [HEADER]
    if kind == "github":
        lines.append(f"* {_logins(config.admins)}")  # the platform; the lines below win for their paths
        lines += ["/docs/", "/*.md"]  # documentation needs nobody (zhanqun.signoff.policy): no owner
        lines += [f"/{path} {_logins(logins)}" for path, logins in owners_by_path(config, units)]
    else:
        # Gitea adds the owners of every matching line: a negative line gives the admins all but the units'
        # folders, and a unit.yaml asks the unit's reviewers and the admins.
        lines.append(f"!content/[^/]+/.* {_logins(config.admins)}")
        lines += [f"{_regex(path)}{'.*' if path.endswith('/') else ''} {_logins(logins)}"
                  for path, logins in owners_by_path(config, units)]
    return "\n".join(lines) + "\n"


def _logins(logins: Iterable[str]) -> str:
    """Each account once: the hosts treat ``Chen-Hao`` and ``chen-hao`` as one (the first spelling is kept)."""
    unique: dict[str, str] = {}
    for login in sorted(logins):
        unique.setdefault(login.lower(), login)
    return " ".join(f"@{login}" for login in unique.values())


def _regex(path: str) -> str:
    # Gitea's file format unescapes "\\" first, so a regex escape is written with two backslashes (its docs:
    # path/\\.with\\.dots)
    return re.sub(r"([.+*?()|\[\]{}^$\\])", r"\\\\\1", path)
