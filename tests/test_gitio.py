"""One git edge (issue 13; R5.6, R6.1, R8): zhanqun.gitio is the only module that starts git, and its hermetic
environment keeps a user's or system's git config, a pre-commit hook's GIT_DIR and a repository's replace
refs from changing anything zhanqun reports."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.gitrepo import ITEM, NEWS, commit, github_reviews, merge

SRC = Path(__file__).resolve().parent.parent / "src" / "zhanqun"
HOSTILE = """\
[alias]
    audit = !echo hijacked
[core]
    quotepath = true
    pager = false
    abbrev = 7
[color]
    ui = always
[log]
    showSignature = true
    decorate = full
    showRoot = false
[diff]
    external = /bin/false
    renames = copies
    noprefix = true
[grep]
    patternType = perl
    lineNumber = true
[notes]
    displayRef = refs/notes/other
[safe]
    directory = /nonexistent
"""


def _reports(zq, root: Path, reviews: Path) -> dict[str, str]:
    """What a user reads from each command that reads git (exit code and output)."""
    runs = {
        "check": ("check", "--root", root, "--format", "json"),
        "signoff check": ("signoff", "check", "--root", root, "--base", "main", "--head", "pr", "--author",
                          "wang-li-fgw", "--reviews", reviews, "--format", "json"),
        "audit": ("audit", "--root", root, "--format", "json", "--no-cache"),
        "affected": ("affected", "--root", root, "--base", "main~1", "--head", "pr", "--format", "json"),
        "stats": ("stats", "--root", root, "--from", "2026-11-01", "--to", "2026-11-30", "--format", "json"),
    }
    return {name: f"{(done := zq(*args)).code}\n{done.out}\n{done.err}" for name, args in runs.items()}


def test_a_hostile_git_config_replace_refs_and_a_hooks_git_dir_change_nothing_zhanqun_reports(
        cluster, zq, tmp_path, monkeypatch):
    """R8, issue 13: alias, pager, core.quotepath, log.showSignature, colour, diff.external, a refs/replace
    graft and GIT_DIR/GIT_INDEX_FILE of another repository, in the user's config and the parent environment."""
    root, repo = cluster
    sha = commit(repo, NEWS, ITEM.format(importance="一般"), "推进会动态")
    reviews = github_reviews(tmp_path / "r.json", ("chen-hao-fgw", "APPROVED", sha), ("yang-xiumei-fgw", "APPROVED", sha))
    merged = merge(repo, "pr", "合并 #7")
    assert zq("signoff", "record", "--root", root, "--commit", merged, "--pr", "7", "--author", "wang-li-fgw",
              "--reviews", reviews).code == 0
    repo.git.checkout("-B", "pr")
    pr_sha = commit(repo, "content/fgw/gzdt/2026-11-21-新的动态.md", ITEM.format(importance="routine"), "新稿")
    reviews = github_reviews(tmp_path / "r2.json", ("chen-hao-fgw", "APPROVED", pr_sha))
    clean = _reports(zq, root, reviews)
    assert all(not report.startswith("3") for report in clean.values()), clean  # no internal error
    assert '"satisfied": true' in clean["signoff check"] and "fgw.shilixian.gov.cn" in clean["affected"]

    # the hostile side: a graft that makes main's tip a root commit, the user's config, a hook's variables
    subprocess.run(["git", "-C", str(root), "replace", "--graft", merged], check=True)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(HOSTILE, encoding="utf-8")
    decoy = tmp_path / "decoy"
    subprocess.run(["git", "init", "-q", str(decoy)], check=True)
    for key, value in {"HOME": str(home), "XDG_CONFIG_HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
                       "GIT_DIR": str(decoy / ".git"), "GIT_INDEX_FILE": str(decoy / ".git" / "index"),
                       "GIT_WORK_TREE": str(decoy), "GIT_REPLACE_REF_BASE": "refs/replace/"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("GIT_CONFIG_NOSYSTEM", raising=False)
    # the setup is hostile: plain git in this environment is misled (so the comparison below can fail)
    plain = subprocess.run(["git", "-C", str(root), "--git-dir", str(root / ".git"), "log", "-1", "--format=%P",
                            merged], capture_output=True, text=True, check=True).stdout
    assert plain.strip().startswith("\x1b") or plain.strip() == "" or "gpg" in plain, plain

    assert _reports(zq, root, reviews) == clean


def test_the_environment_is_hermetic_and_names_the_repository_safe(tmp_path, monkeypatch):
    from zhanqun import gitio

    monkeypatch.setenv("GIT_DIR", "/elsewhere/.git")
    monkeypatch.setenv("GIT_SSH_COMMAND", "ssh -i key")
    env = gitio.environment(tmp_path)
    assert "GIT_DIR" not in env and env["GIT_SSH_COMMAND"] == "ssh -i key"
    assert env["GIT_CONFIG_GLOBAL"] == os.devnull and env["GIT_CONFIG_NOSYSTEM"] == "1"
    assert env["LC_ALL"] == "C" and env["GIT_NO_REPLACE_OBJECTS"] == "1" and env["GIT_TERMINAL_PROMPT"] == "0"
    config = [(env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"]) for i in range(int(env["GIT_CONFIG_COUNT"]))]
    assert ("safe.directory", str(tmp_path.absolute())) in config and ("core.quotepath", "false") in config


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_a_repository_owned_by_another_user_still_reads(cluster, zq, tmp_path):
    """CI containers check out as another uid and set safe.directory globally, which gitio does not read:
    gitio names the repository safe itself (command scope, which git honours)."""
    root, repo = cluster
    commit(repo, NEWS, ITEM.format(importance="routine"), "动态")
    other = tmp_path / "other"
    shutil.copytree(root, other, symlinks=True)
    for path in [other, *other.rglob("*")]:
        os.lchown(path, 12345, 12345)
    plain = subprocess.run(["git", "-C", str(other), "rev-parse", "HEAD"], capture_output=True, text=True,
                           env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}, check=False)
    assert plain.returncode != 0 and "dubious ownership" in plain.stderr  # git alone refuses it
    result = zq("affected", "--root", other, "--base", "main", "--head", "pr", "--format", "json")
    assert result.code == 0 and "fgw.shilixian.gov.cn" in result.out, result.text


def test_a_failing_git_command_is_a_chinese_error_with_a_registered_code(tmp_path, zq):
    from zhanqun import gitio
    from zhanqun.rules import lookup

    with pytest.raises(gitio.GitError) as raised:
        gitio.run(tmp_path, "log", "-1")
    assert raised.value.code == "G001" and "失败" in str(raised.value) and "提示" in str(raised.value)
    assert lookup("G001").name == "git-failed" and lookup("G002").name == "git-missing"
    assert gitio.ok(tmp_path, "rev-parse", "HEAD") is None


def test_cat_file_reads_many_blobs_and_says_none_for_a_missing_one(cluster):
    from zhanqun import gitio

    root, _ = cluster
    with gitio.CatFile(root) as reader:
        first = reader.read("main:content/cluster.yaml")
        assert first is not None and first == (Path(root) / "content" / "cluster.yaml").read_bytes()
        assert reader.read("main:content/nope.yaml") is None
        assert reader.read("main:content/cluster.yaml") == first


def _starts_git(tree: ast.AST) -> list[int]:
    """Lines of ``import git``/``from git`` and of subprocess/os calls whose arguments mention "git"."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Import) and any(a.name == "git" or a.name.startswith("git.") for a in node.names)) or (isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "git" and not node.level):
            found.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = ast.unparse(node.func)
            if func.startswith(("subprocess.", "os.exec", "os.spawn", "os.system", "os.popen")) or func in (
                    "Popen", "run", "check_output", "call"):
                words = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
                if any(w == "git" or w.startswith("git ") for w in words):
                    found.append(node.lineno)
    return found


def test_no_module_but_gitio_starts_git():
    """issue 13: every git process goes through zhanqun.gitio (and its one environment)."""
    offenders = {path.relative_to(SRC).as_posix(): lines for path in sorted(SRC.rglob("*.py"))
                 if path.name != "gitio.py" and (lines := _starts_git(ast.parse(path.read_text(encoding="utf-8"))))}
    assert offenders == {}
    # the scan itself finds what it is meant to find
    assert sorted(_starts_git(ast.parse('import subprocess\nsubprocess.run(["git", "log"])\nimport git\n'))) == [2, 3]


def test_a_remote_reached_through_the_users_git_config_is_reached(cluster, zq, tmp_path, monkeypatch):
    """Fetching and pushing the notes read the user's git config (credential helpers, url.insteadOf, CA
    bundles live there); reading the history still does not (review of issue 13)."""
    from zhanqun import gitio

    root, repo = cluster
    remote = tmp_path / "county.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    user_config = tmp_path / "gitconfig"
    user_config.write_text(f'[url "{remote.as_uri()}"]\n    insteadOf = county:\n[log]\n    showSignature = true\n',
                           encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(user_config))
    gitio.run(Path(root), "push", "county:", "HEAD:refs/heads/main")  # found only through insteadOf
    assert gitio.run(Path(root), "ls-remote", "county:").split()[0] == repo.head.commit.hexsha.encode()
    env = gitio.environment(Path(root))  # any other command: the user's config is not read
    assert env["GIT_CONFIG_GLOBAL"] == os.devnull and env["GIT_CONFIG_NOSYSTEM"] == "1"
    assert gitio.ok(Path(root), "config", "--get", f"url.{remote.as_uri()}.insteadof") is None
    assert gitio.ok(Path(root), "config", "--get", "log.showsignature") == b"false\n"  # the command scope's


def test_a_git_writing_much_to_stderr_while_streaming_does_not_hang(cluster):
    """stream() reads git's standard error only at the end: through a pipe, 64 KB of warnings would block git
    and zhanqun with it. Real git, real warnings: a ref name that is both a branch and a tag, given many times."""
    import threading

    from zhanqun import gitio

    root, repo = cluster
    repo.git.branch("twice")
    repo.git.tag("twice")
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.extend(gitio.stream(
        Path(root), "log", "--no-walk", "--format=%x1e%H", *["twice"] * 3000, separator=b"\x1e")), daemon=True)
    reader.start()
    reader.join(60)
    assert not reader.is_alive(), "git blocked on its standard error"
    assert b"".join(got).strip(b"\x1e\n").decode() == repo.head.commit.hexsha


def test_cat_file_says_so_when_git_ends_instead_of_reading_missing(cluster):
    """An object git could not give because git itself ended is an error (G001), not "no such file"."""
    from zhanqun import gitio

    root, repo = cluster
    with gitio.CatFile(Path(root)) as cat:
        assert cat.read(f"{repo.head.commit.hexsha}:content/cluster.yaml")
        cat._process.kill()
        cat._process.wait()
        with pytest.raises(gitio.GitError) as failed:
            cat.read(f"{repo.head.commit.hexsha}:content/cluster.yaml")
    assert failed.value.code == gitio.GIT_FAILED
