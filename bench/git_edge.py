"""Benchmark the git edge (issue 13, "One git edge"): GitPython against zhanqun.gitio, side by side.

    python bench/git_edge.py [--commits 3000] [--rounds 5]

Builds (with ``git fast-import``) a repository of ``--commits`` commits on main, each changing one news item of
the demo county's content, and a pull request branch of 12 commits with a merge of main in it. Then times,
alternating the two ways, each in a fresh Python process (what CI pays, imports included), the median of
``--rounds``:

1. the sign-off check's git work: the base's config (``config_at``) and the pull request's change
   (``change_between``: merge base, changed files with front matter, commits, merge check) — with the
   GitPython implementation of ``zhanqun.signoff.gitdata`` as of commit ``a3fccde`` (read from git, so the
   comparison stays runnable) against today's module on ``zhanqun.gitio``;
2. the audit's history read: every first-parent commit with its changed files — GitPython's object walk
   (``iter_commits`` and one ``diff`` per commit, what the audit would do with it) against
   ``zhanqun.audit.history.first_parent_history`` (one streamed ``git log --raw`` through gitio).

Both ways must give the same answer (compared before timing). Prints the medians and the ratios and writes
bench/work/git-edge-results.json. Needs GitPython (the test extra). Run it with the project's virtualenv Python.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
WORK = HERE / "work"
OLD_GITDATA = "a3fccde"  # the last commit whose signoff/gitdata.py read git through GitPython

_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C",
        "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}


def git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True, check=True,
                          env=_ENV).stdout


def build(repo: Path, commits: int) -> None:
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    shutil.copytree(PROJECT / "content", repo / "content")
    git(repo, "add", "content")
    git(repo, "commit", "-q", "-m", "demo county")
    units = sorted(p.parent.name for p in (repo / "content").glob("*/unit.yaml"))
    stream = []
    for n in range(commits):
        unit = units[n % len(units)]
        text = (f"---\ntitle: 第 {n} 条新闻\ndate: 2026-01-01\nimportance: routine\n---\n\n正文 {n}。\n").encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"committer bench <bench@example.invalid> {1767225600 + n * 600} +0800\n".encode())
        message = f"新闻 {n}".encode()
        stream.append(b"data %d\n%s\n" % (len(message), message))
        if n == 0:
            stream.append(b"from refs/heads/main^0\n")
        stream.append(f"M 100644 inline content/{unit}/news/bench-{n % 400}.md\n".encode())
        stream.append(b"data %d\n%s\n" % (len(text), text))
    git(repo, "fast-import", "--quiet", data=b"".join(stream))
    git(repo, "checkout", "-q", "-f", "main")
    git(repo, "checkout", "-q", "-b", "pr", "main~40")
    for n in range(12):
        path = repo / "content" / units[0] / "news" / f"pr-{n}.md"
        path.write_text(f"---\ntitle: 合并请求 {n}\ndate: 2026-02-01\nimportance: important\n---\n\n正文。\n",
                        encoding="utf-8")
        git(repo, "add", str(path))
        git(repo, "commit", "-q", "-m", f"稿件 {n}")
        if n == 6:
            git(repo, "merge", "-q", "--no-edit", "main")
    git(repo, "checkout", "-q", "main")


SIGNOFF = """
import sys, time, importlib.util
t = time.perf_counter()
from pathlib import Path
root = Path(sys.argv[1])
if sys.argv[2] == "gitpython":
    spec = importlib.util.spec_from_file_location("old_gitdata", sys.argv[3])
    gitdata = importlib.util.module_from_spec(spec); spec.loader.exec_module(gitdata)
else:
    from zhanqun.signoff import gitdata
repo = gitdata.open_repo(root)
base, head = gitdata.commit_of(repo, "main"), gitdata.commit_of(repo, "pr")
config, units = gitdata.config_at(base)
change = gitdata.change_between(repo, base, head, "bench", [])
print(time.perf_counter() - t)
print(len(units), sorted((f.path, f.status, f.mode, sorted((f.after or {}).items())) for f in change.files),
      sorted(change.commits), sorted(change.fresh or ()))
"""

AUDIT = """
import sys, time
t = time.perf_counter()
from pathlib import Path
root = Path(sys.argv[1])
if sys.argv[2] == "gitpython":
    import git
    repo = git.Repo(root)
    out = []
    for c in repo.iter_commits("main", first_parent=True):
        base = c.parents[0] if c.parents else git.NULL_TREE
        diffs = c.parents[0].diff(c, R=False) if c.parents else c.diff(git.NULL_TREE, R=True)
        out.append((c.hexsha, sorted((d.change_type, d.b_path or d.a_path) for d in diffs)))
    out.reverse()
else:
    from zhanqun.audit import history
    out = [(c.sha, sorted((f.status, f.path) for f in c.files)) for c in history.first_parent_history(root, "main")]
print(time.perf_counter() - t)
print(len(out), out[1], out[-1])
"""


def run(script: str, *args: str) -> tuple[float, str]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    seconds, answer = done.stdout.split("\n", 1)
    return float(seconds), answer


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    repo = WORK / "git-edge-repo"
    build(repo, options.commits)
    old = WORK / "gitdata_gitpython.py"
    old.write_bytes(git(PROJECT, "show", f"{OLD_GITDATA}:src/zhanqun/signoff/gitdata.py"))
    results: dict[str, dict[str, float]] = {}
    for name, script, extra in (("signoff check", SIGNOFF, (str(old),)), ("audit history", AUDIT, ())):
        answers = {way: run(script, str(repo), way, *extra)[1] for way in ("gitpython", "gitio")}
        if answers["gitpython"] != answers["gitio"]:
            print(f"{name}: the two ways disagree\n  gitpython: {answers['gitpython'][:400]}\n"
                  f"  gitio:     {answers['gitio'][:400]}")
            return 1
        times: dict[str, list[float]] = {"gitpython": [], "gitio": []}
        for _ in range(options.rounds):
            for way, values in times.items():  # alternating, so load on the machine hits both alike
                values.append(run(script, str(repo), way, *extra)[0])
        medians = {way: statistics.median(values) for way, values in times.items()}
        results[name] = {**medians, "ratio": medians["gitpython"] / medians["gitio"]}
        print(f"{name:14}  GitPython {medians['gitpython'] * 1000:8.1f} ms   gitio {medians['gitio'] * 1000:8.1f} ms"
              f"   GitPython / gitio = {results[name]['ratio']:.2f}")
    (WORK / "git-edge-results.json").write_text(json.dumps({"commits": options.commits, "rounds": options.rounds,
                                                             "results": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    t0 = time.perf_counter()
    code = main()
    print(f"({time.perf_counter() - t0:.0f} s)")
    sys.exit(code)
