"""Scripted git histories for the sign-off and audit tests: a copy of the demo county as a real repository
(GitPython, hermetic environment, fixed dates) and reviews in the shapes the GitHub and Gitea APIs return."""

from __future__ import annotations

import json
from pathlib import Path

import git

NEWS = "content/fgw/gzdt/2026-11-21-xiangmu-tuijin.md"
ITEM = """---
title: 县发改委推进重点项目建设
date: 2026-11-21
author: 王莉
source: 示例县发展和改革委员会
importance: {importance}
---

11月21日，县发改委召开重点项目推进会。
"""
ENV = {"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid", "GIT_COMMITTER_NAME": "test",
       "GIT_COMMITTER_EMAIL": "test@example.invalid", "GIT_AUTHOR_DATE": "2026-11-21T09:00:00+08:00",
       "GIT_COMMITTER_DATE": "2026-11-21T09:00:00+08:00", "GIT_CONFIG_NOSYSTEM": "1"}


def at(when: str) -> dict[str, str]:
    """Environment for a commit made at ``when`` (ISO time, +08:00)."""
    return {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}


def commit(repo: git.Repo, path: str, text: str | None, message: str, when: str | None = None) -> str:
    """Write (or, with ``text`` None, delete) ``path`` and commit it; returns the new commit's sha."""
    target = Path(repo.working_dir) / path
    if text is None:
        target.unlink()
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    repo.git.add(A=True)
    repo.git.commit("-m", message, env=at(when) if when else None)
    return repo.head.commit.hexsha


def merge(repo: git.Repo, branch: str, message: str, when: str | None = None) -> str:
    repo.git.checkout("main")
    repo.git.merge("--no-ff", branch, "-m", message, env=at(when) if when else None)
    return repo.head.commit.hexsha


def github_reviews(path: Path, *reviews: tuple[str, str, str]) -> Path:
    path.write_text(json.dumps([{"id": i, "user": {"login": login}, "state": state, "commit_id": sha,
                                 "submitted_at": f"2026-11-21T10:0{i}:00Z", "body": ""}
                                for i, (login, state, sha) in enumerate(reviews)]), encoding="utf-8")
    return path


def gitea_reviews(path: Path, *reviews: tuple[str, str, str]) -> Path:
    states = {"APPROVED": "APPROVED", "CHANGES_REQUESTED": "REQUEST_CHANGES", "COMMENTED": "COMMENT"}
    path.write_text(json.dumps([{"id": i, "user": {"login": login, "full_name": login}, "state": states[state],
                                 "commit_id": sha, "submitted_at": f"2026-11-21T10:0{i}:00+08:00", "stale": False}
                                for i, (login, state, sha) in enumerate(reviews)]), encoding="utf-8")
    return path
