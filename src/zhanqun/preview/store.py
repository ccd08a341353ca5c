"""Previews on the preview server (issue 15, R6.2): ``ROOT/pr-N/<preview host>/`` per site and the landing page,
each deployed atomically by :func:`zhanqun.deploy.release.deploy` (``releases/``, ``current``, ``history.json``).

``ROOT/pr-N/`` belongs to one pull request: an owner file (``.zhanqun-preview.json``) says which. A push
replaces the previews (a site the change no longer affects is removed), closing the pull request removes
``pr-N/`` whole. Nothing is removed that zhanqun did not write: a link anywhere on the way, a folder outside
ROOT, a file or folder that is not a preview's, and the command refuses (D012) without deleting anything."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from zhanqun.deploy import release
from zhanqun.deploy.rules import NOT_WRITABLE
from zhanqun.errors import UsageError, ZhanqunError
from zhanqun.preview import LANDING, check_pr
from zhanqun.preview.rules import PREVIEW_OPTION, PREVIEW_REFUSED

OWNER = ".zhanqun-preview.json"
KEEP = 2  # releases kept per preview site: the current one and the one before (a push's rebuild)
_SITE_FILES = {"history.json": stat.S_ISREG, ".lock": stat.S_ISREG, "current": stat.S_ISLNK, "releases": stat.S_ISDIR}
_SITE_TEMP = re.compile(r"\.(?:current|history)\.\d+")


@dataclass
class Deployed:
    home: Path
    hosts: list[str]  # the preview hosts now live (sites, then the landing host)
    removed: list[str]  # preview hosts of this pull request that were removed (no longer affected)


def home_of(root: Path, pr: int) -> Path:
    return root / f"pr-{pr}"


def deploy(output: Path, root: Path, pr: str | int) -> Deployed:
    """Deploy the preview built into ``output`` (sites and ``_landing/``) to ``ROOT/pr-N/``."""
    number = check_pr(pr)
    from zhanqun.preview.landing import preview_of

    made = preview_of(output)
    if made.pr != number:
        raise UsageError(f"{output} 是合并请求 #{made.pr} 的预览，不是 #{number}。", code=PREVIEW_OPTION)
    domain, hosts, built = made.domain, made.hosts, made.built
    landing = made.landing
    if not (output / LANDING).is_dir():
        raise UsageError(f"{output} 中没有预览的首页 {LANDING}/。", code=PREVIEW_OPTION,
                         hint="先运行 zhanqun preview landing --from 该目录（可加 --sheet 审核单.html）。")
    _check_root(root)
    home = home_of(root, number)
    if _lexists(home):
        _check_owned(root, home, number, domain)
    else:
        try:
            home.mkdir()
        except OSError as exc:
            raise ZhanqunError(f"无法写入预览部署目录 {root}：{exc.strerror}", code=NOT_WRITABLE,
                               hint="检查目录是否存在、运行部署的用户是否有写权限。") from None
    (home / OWNER).write_text(json.dumps({"pr": number, "domain": domain}) + "\n", encoding="utf-8")
    wanted = [(str(hosts[h]), output / h) for h in built] + [(landing, output / LANDING)]
    for name, source in wanted:
        if _lexists(home / name):
            _check_site(home / name)
        release.deploy(name, source, home, KEEP)
    removed = []
    keep = {name for name, _ in wanted}
    for entry in sorted(os.listdir(home)):
        if entry != OWNER and entry not in keep:  # _check_owned: a site folder of this pull request's preview
            shutil.rmtree(home / entry)
            removed.append(entry)
    return Deployed(home, [name for name, _ in wanted], removed)


def remove(root: Path, pr: str | int) -> Path | None:
    """Remove ``ROOT/pr-N/`` (None when there is none). It is first renamed aside in one step: nginx stops
    serving it at once, and a removal stopped half-way leaves no half preview online."""
    number = check_pr(pr)
    _check_root(root)
    home = home_of(root, number)
    if not _lexists(home):
        return None
    _check_owned(root, home, number, None)
    aside = root / f".removing-pr-{number}-{os.getpid()}"
    try:
        os.rename(home, aside)
        shutil.rmtree(aside)  # never follows a link (it removes the link)
    except OSError as exc:
        raise ZhanqunError(f"删除预览 {home} 时出错：{exc.strerror}（{exc.filename}）", code=NOT_WRITABLE,
                           hint="检查运行删除的用户对预览部署目录的写权限；已改名的目录可手工删除。") from None
    return home


def _lexists(path: Path) -> bool:
    return os.path.lexists(path)


def _refuse(message: str, where: Path) -> ZhanqunError:
    return ZhanqunError(f"{message}：{where}，已拒绝，什么也没有删除或改变。", code=PREVIEW_REFUSED,
                        hint="预览目录 pr-<编号>/ 中只应有 zhanqun preview deploy 写入的站点；查明来历后手工处理。")


def _check_root(root: Path) -> None:
    if not str(root).strip() or str(root) == "." or not root.is_absolute():
        raise UsageError(f"预览部署目录要写绝对路径，而不是“{root}”。", code=PREVIEW_OPTION,
                         hint="在预览 runner 的环境中设 ZHANQUN_PREVIEW_ROOT=/srv/preview，或 --to /srv/preview。")
    try:
        mode = os.lstat(root).st_mode
    except OSError:
        raise UsageError(f"预览部署目录 {root} 不存在。", code=PREVIEW_OPTION,
                         hint="在预览服务器上建好它（如 /srv/preview），并让部署用户可写。") from None
    if not stat.S_ISDIR(mode):
        raise _refuse("预览部署目录不是普通目录（是符号链接或文件）", root)


def _check_owned(root: Path, home: Path, pr: int, domain: str | None) -> None:
    """``home`` is a plain folder directly in ``root``, marked as pull request ``pr``'s, holding only preview sites."""
    if not stat.S_ISDIR(os.lstat(home).st_mode) or home.resolve().parent != root.resolve():
        raise _refuse("预览目录是符号链接或不在部署目录中", home)
    try:
        owner = json.loads((home / OWNER).read_text(encoding="utf-8")) if stat.S_ISREG(os.lstat(home / OWNER).st_mode) else None
    except (OSError, ValueError):
        owner = None
    if not isinstance(owner, dict) or owner.get("pr") != pr:
        raise _refuse(f"这个目录没有合并请求 #{pr} 的预览标记（{OWNER}）", home)
    known = re.compile(rf"pr-{pr}(?:-[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)?\.{re.escape(str(owner.get('domain')))}")
    if domain is not None and owner.get("domain") != domain:
        raise _refuse(f"这个目录是预览域名 {owner.get('domain')} 的，不是 {domain}", home)
    for entry in sorted(os.listdir(home)):
        if entry == OWNER:
            continue
        if not known.fullmatch(entry):
            raise _refuse("预览目录中有不是预览站点的东西", home / entry)
        _check_site(home / entry)


def _check_site(site: Path) -> None:
    """A preview site's folder as release.deploy writes it, and nothing else."""
    if not stat.S_ISDIR(os.lstat(site).st_mode):
        raise _refuse("预览站点不是普通目录（是符号链接或文件）", site)
    for entry in sorted(os.listdir(site)):
        mode = os.lstat(site / entry).st_mode
        kind = _SITE_FILES.get(entry)
        if kind is not None and kind(mode):
            continue
        if _SITE_TEMP.fullmatch(entry) and (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            continue
        raise _refuse("预览站点中有不是 zhanqun 部署写入的东西", site / entry)
    current = os.readlink(site / "current") if os.path.islink(site / "current") else ""
    if current and not re.fullmatch(r"releases/[0-9A-Za-z][0-9A-Za-z._-]*", current):
        raise _refuse("预览站点的 current 指向 releases/ 以外", site / "current")
