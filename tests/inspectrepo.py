"""A small cluster as a real git repository with scripted commit dates, for the inspection tests (issue 11).

The first commit holds only the configuration (items it added would count as the county's initial import);
every item comes in a later commit at a time the test chooses (GIT_COMMITTER_DATE).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import git

from tests.conftest import PROJECT

PORTAL = """name: 示例县人民政府
short_name: 县政府
kind: portal
hosting: subdomain
hosting_reason: ""
label: www
label_reason: ""
org_code: SLXZF
people:
  - {id: liu-xzf, name: 刘晓燕, roles: [editor, first, second, final]}
columns:
"""
TOWN = """name: 示例县青山镇人民政府
short_name: 青山镇
kind: town
hosting: subdomain
hosting_reason: 乡镇门户，经县政府同意单独建站
label: qingshan
label_reason: ""
org_code: SLXQSZ
identity: {id_code: "4199000009"}
people:
  - {id: pan-qs, name: 潘小军, roles: [editor, first, second, final]}
columns:
"""
COLUMN = """  - id: {id}
    name: {name}
    type: {type}
    column_type: {column_type}
    cycle: {cycle}
    category: {column_type}
    description: 发布{name}。
    keywords: [{name}]
"""
NEWS = """---
title: {title}
date: {date}
author: 潘小军
source: {source}
{extra}---

{body}
"""
ENV = {"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid", "GIT_COMMITTER_NAME": "test",
       "GIT_COMMITTER_EMAIL": "test@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}


def column(id: str, name: str, type: str = "news", column_type: str = "工作动态", cycle: str = "as_needed") -> str:
    return COLUMN.format(id=id, name=name, type=type, column_type=column_type, cycle=cycle)


DEFAULT_TOWN = [column("gzdt", "工作动态")]
DEFAULT_PORTAL = [column("zwyw", "政务要闻")]


def news(title: str, date: str, extra: str = "", body: str = "镇里召开工作会议，部署下一阶段工作。",
         source: str = "示例县青山镇人民政府") -> str:
    return NEWS.format(title=title, date=date, extra=extra, body=body, source=source)


class Repo:
    """The cluster repository; ``commit(when, files)`` writes (or with None deletes) files and commits at ``when``."""

    def __init__(self, root: Path, town: list[str] | None = None, portal: list[str] | None = None,
                 when: str = "2026-01-05T09:00:00+08:00") -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(PROJECT / "schemas", root / "schemas")
        (root / "content" / "xzf").mkdir(parents=True)
        (root / "content" / "qingshan").mkdir(parents=True)
        # the demo's config without its inspect: block (the demo's go-live day would exempt every test item)
        config = (PROJECT / "content" / "cluster.yaml").read_text(encoding="utf-8").split("\ninspect:")[0]
        (root / "content" / "cluster.yaml").write_text(config.rstrip("\n") + "\n", encoding="utf-8")
        units = root / "content"
        (units / "xzf" / "unit.yaml").write_text(PORTAL + "".join(portal or DEFAULT_PORTAL), encoding="utf-8")
        (units / "qingshan" / "unit.yaml").write_text(TOWN + "".join(town or DEFAULT_TOWN), encoding="utf-8")
        self.repo = git.Repo.init(root, initial_branch="main")
        self._git("add", "-A")
        self._git("commit", "-q", "-m", "站群配置", when=when)

    def _git(self, *args: str, when: str | None = None) -> str:
        env = {**os.environ, **ENV, "GIT_CONFIG_GLOBAL": os.devnull}
        if when:
            env.update({"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
        return self.repo.git.execute(["git", *args], env=env)

    def write(self, files: dict[str, str | None]) -> None:
        for rel, text in files.items():
            path = self.root / rel
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")

    def commit(self, when: str, files: dict[str, str | None], message: str = "更新") -> str:
        """Commit at ``when`` (``2026-11-10`` means 09:00 China time that day, or a full ISO time)."""
        self.write(files)
        self._git("add", "-A")
        stamp = when if "T" in when else f"{when}T09:00:00+08:00"
        self._git("commit", "-q", "-m", message, when=stamp)
        return self.repo.head.commit.hexsha

    def move(self, when: str, old: str, new: str) -> str:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self._git("mv", old, new)
        stamp = when if "T" in when else f"{when}T09:00:00+08:00"
        self._git("commit", "-q", "-m", "改名", when=stamp)
        return self.repo.head.commit.hexsha
