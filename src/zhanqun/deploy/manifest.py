"""The manifest of a built site (R6.3 防篡改): the sha256 of every file, the commit and the build time, written
into the site as ``zhanqun-manifest.json``; ``verify`` names every file changed, added or missing since."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from zhanqun import gitio, signing
from zhanqun.deploy.rules import NO_MANIFEST, NO_SITE
from zhanqun.errors import ZhanqunError
from zhanqun.source import load_json

NAME = "zhanqun-manifest.json"
SIGNATURE = NAME + ".sig"  # ssh-keygen -Y sign -n zhanqun-manifest of the manifest's bytes (R6.5)
VERSION = 1


def digest_tree(site: Path) -> dict[str, str]:
    """{relative path: sha256} of every file under ``site`` but the manifest. A symlink (to a file or a folder:
    a web server would follow it anywhere on the disk) or anything but a regular file is listed as such, so a
    site with one differs from its manifest; nothing is read through it."""
    files: dict[str, str] = {}
    for dirpath, dirnames, names in os.walk(site):
        dirnames.sort()
        for name in list(dirnames):
            path = Path(dirpath) / name
            if path.is_symlink():
                files[path.relative_to(site).as_posix()] = "symlink:" + os.readlink(path)
                dirnames.remove(name)
        for name in sorted(names):
            path = Path(dirpath) / name
            rel = path.relative_to(site).as_posix()
            if rel in (NAME, SIGNATURE):
                continue
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                files[rel] = "symlink:" + os.readlink(path)
                continue
            if not stat.S_ISREG(mode):
                files[rel] = "special"
                continue
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            files[rel] = digest.hexdigest()
    return files


def write(site: Path, host: str, commit: str, key_text: str | None = None) -> dict[str, Any]:
    """Write the manifest of the built site ``site`` (the build's reference time, so a rebuild is identical),
    and with CI's key its signature beside it (``zhanqun-manifest.json.sig``)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch and epoch.isdigit() else dt.datetime.now(dt.UTC)
    data = {"version": VERSION, "host": host, "commit": commit, "built_at": when.replace(microsecond=0).isoformat(),
            "files": digest_tree(site)}
    text = (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
    (site / NAME).write_bytes(text)
    (site / SIGNATURE).unlink(missing_ok=True)
    if key_text:
        (site / SIGNATURE).write_text(signing.sign(text, key_text, signing.MANIFEST), encoding="ascii")
    return data


BUILD_INPUTS = ("content", "schemas", "themes", "plugins", "rules", "pelicanconf.py")


def commit_of(root: Path) -> str:
    """The commit the working tree is at (with "-dirty" when what the build reads differs from it: a changed file,
    or a new one git does not track yet — an item an editor has not committed is on the site too), or "" outside
    git. The folders are everything a build reads (rules/ holds aliases and wording data)."""
    try:
        head = gitio.ok(root, "rev-parse", "HEAD")
        if head is None:
            return ""
        status = gitio.ok(root, "status", "--porcelain", "--untracked-files=normal", "--", *BUILD_INPUTS)
    except gitio.GitError:  # no git installed: a build outside git
        return ""
    return head.decode().strip() + ("-dirty" if status and status.strip() else "")


def read(site: Path) -> dict[str, Any]:
    path = site / NAME
    try:
        data = load_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ZhanqunError(f"{site} 中没有清单 {NAME}。", code=NO_MANIFEST,
                           hint="清单由 zhanqun build 写入；清单被删除本身就是篡改的迹象，请从发布目录重新部署。") from None
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise ZhanqunError(f"清单 {path} 无法读取：{exc}", code=NO_MANIFEST, hint="清单被改坏，请重新部署。") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise ZhanqunError(f"清单 {path} 格式不对。", code=NO_MANIFEST, hint="清单被改坏，请重新部署。")
    return data


@dataclasses.dataclass
class Tampering:
    changed: list[str]
    added: list[str]
    missing: list[str]
    signature: str = ""  # why the manifest's signature does not hold ("" when it does, or was not checked)
    stale: str = ""  # why the release is not what git says was deployed ("" when it is, or was not checked)

    @property
    def clean(self) -> bool:
        return not (self.changed or self.added or self.missing or self.signature or self.stale)


def verify(site: Path, signers: list[signing.Signer] | None = None) -> tuple[dict[str, Any], Tampering]:
    """Compare the files under ``site`` (a folder or the ``current`` link of a deploy) with its manifest, and
    with ``signers`` (an allowed_signers file's) the manifest's signature (R6.5).

    A deployed release is also checked against its own name: ``releases/<commit>-<digest>`` carries a digest
    of the manifest's file list, so a page swapped together with its line in the manifest is still caught.
    A ``current`` must be a link into its own ``releases/``: one pointing anywhere else is refused."""
    site = Path(site)
    _check_current(site)
    if not site.exists():
        raise ZhanqunError(f"{site} 不存在。", code=NO_SITE, hint="给出站点目录，如 /srv/www/www.example.gov.cn/current。")
    site = site.resolve()
    if not site.is_dir():
        raise ZhanqunError(f"{site} 不是目录。", code=NO_SITE, hint="给出站点目录，如 /srv/www/www.example.gov.cn/current。")
    data = read(site)
    expected: dict[str, str] = data["files"]
    actual = digest_tree(site)
    changed = sorted(p for p in expected.keys() & actual.keys() if expected[p] != actual[p])
    found = Tampering(changed, sorted(actual.keys() - expected.keys()), sorted(expected.keys() - actual.keys()))
    if signers is not None:
        found.signature = _signature_problem(site, data, signers)
    if site.parent.name == "releases":
        from zhanqun.deploy.release import release_id

        if release_id(data) != site.name:
            found.changed.insert(0, NAME)  # the manifest itself no longer matches the release it came with
    return data, found


def _check_current(site: Path) -> None:
    """``current`` (or any link given) must point at ``releases/<id>`` beside it, nowhere else."""
    if site.name != "current" and not site.is_symlink():
        return
    releases = (site.parent / "releases").resolve()
    target = site.resolve() if site.is_symlink() else None
    if target is None or target.parent != releases or not target.is_dir():
        where = os.readlink(site) if site.is_symlink() else "不是链接"
        raise ZhanqunError(f"{site} 不是指向 {site.parent / 'releases'}/ 中某个发布版本的链接（{where}）。", code="D002",
                           hint="网站目录被人改过：用 zhanqun deploy 或 zhanqun rollback 重新切换，并排查来源。")


def _signature_problem(site: Path, data: dict[str, Any], signers: list[signing.Signer]) -> str:
    try:
        armored = (site / SIGNATURE).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return f"清单没有签名（{SIGNATURE}）"
    key = signing.signed_by((site / NAME).read_bytes(), armored, signing.MANIFEST)
    if key is None:
        return "清单的签名无效（清单在签名后被改动过）"
    try:
        when = dt.datetime.fromisoformat(str(data.get("built_at")))
    except ValueError:
        when = None
    if not signing.allowed(key, signers, signing.MANIFEST, when):
        return f"清单的签名密钥 {key[:28]}… 不在允许的签名者中"
    return ""


def stale_against(root: Path, deployed_ref: str, data: dict[str, Any]) -> str:
    """Why the served build is not the one git says went live (``deployed_ref``, refs/zhanqun/deployed, which
    the web server cannot rewrite): its commit is not in the deployed history, or a later deployed commit
    changed this host (an older signed release switched back in). "" when it is the newest."""
    from zhanqun.audit import history
    from zhanqun.deploy import affected
    from zhanqun.errors import UsageError
    from zhanqun.signoff.run import schemas_of

    deployed = history.resolve(root, deployed_ref)
    if deployed is None:
        raise UsageError(f"{root} 中没有 {deployed_ref}。",
                         hint=f"先 git fetch origin {deployed_ref}:{deployed_ref}（--root 是站群仓库的克隆）。")
    commit = str(data.get("commit") or "")
    if history.resolve(root, commit) is None or len(commit) != 40:
        return f"清单的提交 {commit or '（无）'} 不是本仓库中的提交（未经发布流程的构建）"
    ancestor = gitio.ok(root, "merge-base", "--is-ancestor", commit, deployed) is not None
    if not ancestor:
        return f"清单的提交 {commit[:10]} 不在 {deployed_ref}（{deployed[:10]}）的历史中"
    if commit != deployed and str(data.get("host")) in affected.affected(root, commit, deployed, schemas_of(root)):
        return (f"这是提交 {commit[:10]} 的旧版本：{deployed_ref} 已发布到 {deployed[:10]}，其间该站点有改动"
                "（旧版本被切换回来了？）")
    return ""
