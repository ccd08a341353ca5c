"""The manifest of a built site (R6.3 防篡改): the sha256 of every file, the commit and the build time, written
into the site as ``zhanqun-manifest.json``; ``verify`` names every file changed, added or missing since."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import stat
import subprocess
from pathlib import Path

from zhanqun.deploy.rules import NO_MANIFEST, NO_SITE
from zhanqun.errors import ZhanqunError
from zhanqun.source import load_json

NAME = "zhanqun-manifest.json"
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
            if rel == NAME:
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


def write(site: Path, host: str, commit: str) -> dict:
    """Write the manifest of the built site ``site`` (the build's reference time, so a rebuild is identical)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit() else dt.datetime.now(dt.timezone.utc)
    data = {"version": VERSION, "host": host, "commit": commit, "built_at": when.replace(microsecond=0).isoformat(),
            "files": digest_tree(site)}
    (site / NAME).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return data


def commit_of(root: Path) -> str:
    """The commit the working tree is at (with "-dirty" when it has changes), or "" outside git."""
    env = {**os.environ, "LC_ALL": "C"}
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, env=env, check=False)
    if head.returncode != 0:
        return ""
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no", "--", "content",
                             "schemas", "themes", "plugins", "pelicanconf.py"], capture_output=True, env=env, check=False)
    return head.stdout.decode().strip() + ("-dirty" if status.stdout.strip() else "")


def read(site: Path) -> dict:
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

    @property
    def clean(self) -> bool:
        return not (self.changed or self.added or self.missing)


def verify(site: Path) -> tuple[dict, Tampering]:
    """Compare the files under ``site`` (a folder or the ``current`` link of a deploy) with its manifest.

    A deployed release is also checked against its own name: ``releases/<commit>-<digest>`` carries a digest
    of the manifest's file list, so a page swapped together with its line in the manifest is still caught."""
    site = Path(site)
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
    if site.parent.name == "releases":
        from zhanqun.deploy.release import release_id

        if release_id(data) != site.name:
            found.changed.insert(0, NAME)  # the manifest itself no longer matches the release it came with
    return data, found
