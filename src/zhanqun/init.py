"""``zhanqun init DIR``: a new content-only cluster repository (R11.1, issue 13).

What it writes, for an e-gov office to fill in: ``content/cluster.yaml`` pinned to this zhanqun series, one
portal unit, the workflows of the package pinned to this version (``pip install "zhanqun==<version>"``),
``.pre-commit-config.yaml`` with the hook of this repository at ``v<version>``, CODEOWNERS from the config
(the same generator as ``zhanqun codeowners``), ``.gitignore``, a Chinese README and, unless DIR already is one,
a git repository (``git init -b main``, so the README's ``pre-commit install`` works).

DIR is absent, empty, or an empty clone: ``.git`` of a repository with nothing committed but the files a git host
may create that init does not write (LICENSE, .gitattributes). Nothing is ever overwritten. Everything is written
aside first: for an absent DIR in a folder beside it, renamed into place in one step; for an existing DIR in a
folder inside it (the same file system, and the folder itself stays: a shell in it is not left in a deleted
directory), whose entries are then renamed in, and taken out again if one fails. A refused or failed init leaves
nothing behind.
"""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

from ruamel.yaml import YAML

from zhanqun import __version__, defaults, gitio, pin
from zhanqun.errors import UsageError, ZhanqunError
from zhanqun.findings import Severity, define

__all__ = ["BAD_OPTION", "BAD_TARGET", "DEFAULT_HOOK_REPO", "HOST_FILES", "NOT_EMPTY", "init_cluster"]

DEFAULT_HOOK_REPO = "https://github.com/zhanqun/zhanqun"
NOT_EMPTY = define(
    "C017", "init-target-not-empty", Severity.ERROR, "zhanqun init 的目标目录已存在且不是空的。",
    why="zhanqun init 写一个新的站群仓库；写进已有文件的目录会覆盖或混进别人的内容。空目录、刚克隆的空仓库"
        "（只有 .git，可以有托管平台生成的 LICENSE、.gitattributes）可以用；已有 README.md、.gitignore 或提交过"
        "其他文件的仓库不行（init 不覆盖任何文件）。",
    example="zhanqun init .（当前目录已有 notes.txt，或克隆的仓库已有托管平台生成的 README.md）",
    fix="给一个不存在的或空的目录，如 zhanqun init ../某县站群；在托管平台新建仓库时不要勾选“添加 README”"
        "“添加 .gitignore”，克隆后再运行 zhanqun init 克隆的目录。",
    requirement="R11.1",
)
BAD_OPTION = define(
    "C018", "init-bad-option", Severity.ERROR, "zhanqun init 的 --name、--domain 或 --hook-repo 写法不对。",
    why="名称和域名写进 cluster.yaml 和每个站点的地址，钩子仓库地址写进 .pre-commit-config.yaml；"
        "写错的值会让新仓库一开始就通不过检查。",
    example="zhanqun init ../站群 --domain MouXian.GOV.cn/\nzhanqun init ../站群 --name 2024",
    fix="名称写 2–40 个字（汉字、字母、数字和括号，不全是数字，不含空格和 # 等符号），域名写小写的 "
        "mouxian.gov.cn 形式，钩子仓库写 https://… 或 git@主机:路径 形式的地址，或已有的本地目录。",
    requirement="R11.1",
)
BAD_TARGET = define(
    "C019", "init-target-unusable", Severity.ERROR, "zhanqun init 的目标是符号链接，或无法在那里创建目录和文件。",
    why="站群仓库中不允许符号链接（C011），目标本身是链接时写入的文件会落在别处；没有写权限、上级是文件等情况下"
        "init 什么也不写，而不是留下一半的仓库。",
    example="ln -s 空目录 链接\nzhanqun init 链接",
    fix="给一个真实的目录（不是链接），如 zhanqun init \"$(readlink -f 链接)\"；确认对目标和它的上级目录有写权限。",
    requirement="R11.1",
)
_REASONS = {errno.EEXIST: "路径中有同名的文件", errno.ENOTDIR: "路径中有一级是文件而不是目录",
            errno.EACCES: "没有写权限", errno.EPERM: "没有写权限", errno.EROFS: "文件系统是只读的",
            errno.ENOSPC: "磁盘空间不足", errno.EXDEV: "不能跨文件系统移动",
            errno.ENOENT: "上级目录不存在，也不能在那里创建", errno.ENAMETOOLONG: "路径太长"}
# files a git host may create in a new repository that init does not write: an empty clone may have them
HOST_FILES = frozenset({"LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING", ".gitattributes"})
_NAME = re.compile(r"^[\w（）()·\-]{2,40}$")
_DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,63}$")  # labels do not begin or end with "-"; the last one is letters
_HOOK_URL = re.compile(r"^(?:https?|ssh|git|file)://[^\s/]+/?\S*$")
_HOOK_SCP = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+$")
# the install lines of this repository's workflows, as a cluster repository writes them
_INSTALL_CHECKOUT = re.compile(r'pip install --quiet \.$', re.MULTILINE)
_INSTALL_TRUSTED = '.venv/bin/pip install --quiet "$RUNNER_TEMP/zhanqun-trusted"'


def init_cluster(target: Path, *, name: str = "某某县人民政府", domain: str = "example.gov.cn",
                 hook_repo: str = DEFAULT_HOOK_REPO, version: str = __version__) -> list[str]:
    """Write the repository into ``target`` (absent, empty or an empty clone); the relative paths written, sorted."""
    target = Path(os.path.abspath(target))
    hook_repo = _options(name, domain, hook_repo)
    existing = _existing(target)
    try:
        return _write(target, existing, name, domain, hook_repo, version)
    except OSError as error:
        reason = _REASONS.get(error.errno or 0, f"系统拒绝（{errno.errorcode.get(error.errno or 0, error.errno)}）")
        raise ZhanqunError(f"无法在 {target} 写入站群仓库：{reason}。什么也没有写。", code=BAD_TARGET,
                           hint="确认对目标和它的上级目录有写权限，且上级不是文件。") from None


def _write(target: Path, existing: set[str] | None, name: str, domain: str, hook_repo: str,
           version: str) -> list[str]:
    if existing is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".zhanqun-init-", dir=target.parent if existing is None else target))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it 0700: the repository is the office's, not one user's
    moved: list[Path] = []
    try:
        for rel, text in files(name, domain, hook_repo, version).items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        from zhanqun.signoff import run

        for rel, text in run.codeowners_files(staging).items():  # the same generator as zhanqun codeowners
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_text(text, encoding="utf-8")
        written = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
        if existing is None or ".git" not in existing:
            gitio.run(staging, "init", "--quiet", "--initial-branch=main",
                      hint="zhanqun init 用 git init 建立仓库：请安装 git（2.38 或更新版本）。")
        if existing is None:
            os.rename(staging, target)
            return written
        for entry in sorted(os.listdir(staging)):
            if os.path.lexists(target / entry):  # appeared meanwhile: rename would replace it
                raise ZhanqunError(f"{target / entry} 在 zhanqun init 写入时出现了，init 不覆盖它，已撤回。",
                                   code=NOT_EMPTY, hint="确认没有别的程序同时写这个目录，再运行一次。")
            os.rename(staging / entry, target / entry)
            moved.append(target / entry)
        staging.rmdir()
    except BaseException:
        for path in moved:
            _remove(path)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _existing(target: Path) -> set[str] | None:
    """None when ``target`` is absent, else its entries (all of them allowed); C017/C019 otherwise."""
    if target.is_symlink():
        raise ZhanqunError(f"{target} 是符号链接，zhanqun init 不会写进链接指向的地方。", code=BAD_TARGET,
                           hint=f"给链接指向的真实目录：zhanqun init {os.path.realpath(target)}。")
    if not os.path.lexists(target):
        return None
    if not target.is_dir():
        raise ZhanqunError(f"{target} 已存在且不是目录，zhanqun init 不会写进去。", code=NOT_EMPTY,
                           hint="给一个不存在的或空的目录，如 zhanqun init ../某县站群。")
    try:
        names = set(os.listdir(target))
    except OSError as error:
        raise ZhanqunError(f"无法读取 {target}：{error.strerror or error}。", code=BAD_TARGET,
                           hint="确认对目标目录有读写权限。") from None
    if other := sorted(names - HOST_FILES - {".git"}):
        shown = "、".join(other[:5]) + ("等" if len(other) > 5 else "")
        raise ZhanqunError(f"{target} 已存在且不是空目录（有 {shown}），zhanqun init 不会写进去，也不覆盖任何文件。",
                           code=NOT_EMPTY, hint="给一个不存在的或空的目录，如 zhanqun init ../某县站群；在托管平台"
                           "新建仓库时不要勾选“添加 README”“添加 .gitignore”，克隆后再 zhanqun init 克隆的目录。")
    if ".git" in names:
        _empty_clone(target, names)
    return names


def _empty_clone(target: Path, names: set[str]) -> None:
    """``target/.git`` is the repository of ``target`` and tracks nothing but the host files present."""
    top = gitio.ok(target, "rev-parse", "--show-toplevel")
    if top is None or os.path.realpath(top.decode("utf-8", "surrogateescape").strip()) != os.path.realpath(target):
        raise ZhanqunError(f"{target} 中的 .git 不是这个目录的 git 仓库，zhanqun init 不会写进去。", code=NOT_EMPTY,
                           hint="给一个空目录，或刚从托管平台克隆的空仓库。")
    tracked = set(gitio.z_lines(target, "ls-files", "-z"))
    if gitio.ok(target, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") is not None:
        tracked |= set(gitio.z_lines(target, "ls-tree", "-r", "-z", "--name-only", "HEAD"))
    if other := sorted(tracked - (names & HOST_FILES)):
        shown = "、".join(other[:5]) + ("等" if len(other) > 5 else "")
        raise ZhanqunError(f"{target} 的 git 仓库中已有文件（{shown}），zhanqun init 只写进空仓库。", code=NOT_EMPTY,
                           hint="在托管平台新建一个空仓库（不添加 README 等文件），克隆后再运行 zhanqun init。")


def _options(name: str, domain: str, hook_repo: str) -> str:
    """Refuse a bad option (C018, naming it); the hook repository as written (a local path made absolute)."""
    if not _NAME.match(name) or not any(ch.isalpha() for ch in name):
        raise UsageError(f"--name 的站群名称“{_shown(name)}”不合适：应为 2–40 个字（汉字、字母、数字和括号），"
                         "不全是数字，不含空格和 # 等符号。", code=BAD_OPTION, hint="如 --name 某某县人民政府。")
    if not _DOMAIN.match(domain):
        raise UsageError(f"--domain 的域名“{_shown(domain)}”格式不对。", code=BAD_OPTION,
                         hint="写小写的域名，如 --domain mouxian.gov.cn。")
    hint = ("写 https://主机/路径、ssh://…、git@主机:路径 形式的 git 仓库地址，或已有的本地目录，"
            "如 --hook-repo https://git.example.gov.cn/mirror/zhanqun。")
    if not hook_repo or hook_repo != hook_repo.strip() or any(unicodedata.category(ch)[0] in "CZ" and ch != " "
                                                             for ch in hook_repo):
        raise UsageError(f"--hook-repo 的仓库地址“{_shown(hook_repo)}”不对：不能为空，不能有换行、制表符等控制字符。",
                         code=BAD_OPTION, hint=hint)
    if _HOOK_URL.match(hook_repo) or _HOOK_SCP.match(hook_repo):
        return hook_repo
    local = os.path.abspath(os.path.expanduser(hook_repo))
    if not os.path.isdir(local):
        raise UsageError(f"--hook-repo 的“{_shown(hook_repo)}”不是网址，也不是已有的本地目录。", code=BAD_OPTION,
                         hint=hint)
    return local  # pre-commit reads a relative path from the repository root, not from where init ran


def _shown(value: str) -> str:
    """An option's value as a message quotes it: control characters visible, not acted on by the terminal."""
    return "".join(ch if unicodedata.category(ch)[0] != "C" else repr(ch)[1:-1] for ch in value)[:80]


def _yaml(value: str) -> str:
    """``value`` as one double-quoted YAML scalar, escaped by the YAML library (never by string formatting)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.width = 1 << 20
    yaml.allow_unicode = True
    yaml.default_style = '"'  # type: ignore[assignment]  # typed None in ruamel, a style char at run time
    out = io.StringIO()
    yaml.dump([value], out)
    text = out.getvalue()
    assert text.startswith("- ") and text.count("\n") == 1, text
    return text[2:-1]


def files(name: str, domain: str, hook_repo: str, version: str) -> dict[str, str]:
    """{relative path: text} of the new repository (CODEOWNERS is generated from these afterwards). Every value
    from the command line reaches a YAML file as a scalar the YAML library quoted."""
    out = {
        "content/cluster.yaml": _CLUSTER.format(name=_yaml(name), domain=_yaml(domain), pin=_yaml(pin.default_pin(version)),
                                                organizer=_yaml(f"{name}办公室"), email=_yaml(f"webmaster@{domain}")),
        "content/portal/unit.yaml": _PORTAL.format(name=_yaml(name)),
        ".pre-commit-config.yaml": _PRE_COMMIT.format(repo=_yaml(hook_repo), rev=_yaml(f"v{version}")),
        ".gitignore": ".venv/\noutput/\n.zhanqun-cache/\n__pycache__/\n",
        "README.md": _README.format(name=name, domain=domain, version=version),
    }
    for path in sorted(defaults.path("workflows").glob("*.yml")):
        text = pinned_workflow(path.read_text(encoding="utf-8"), version)
        # the preview domain of preview.yml (issue 15): preview.<this cluster's domain>
        out[f".github/workflows/{path.name}"] = text.replace(f"ZHANQUN_PREVIEW_DOMAIN: {DEMO_PREVIEW_DOMAIN}",
                                                             f"ZHANQUN_PREVIEW_DOMAIN: preview.{domain}")
    return out


DEMO_PREVIEW_DOMAIN = "preview.shilixian.gov.cn"  # what this repository's preview.yml names


def pinned_workflow(text: str, version: str) -> str:
    """A workflow of this repository as a cluster repository runs it: zhanqun from the package index at
    ``version``, not from the checkout. The publishing job's trusted install reads the version from the last
    published commit's own workflow (a pushed head must not choose the code that signs for it, docs/ci.md)."""
    text = _INSTALL_CHECKOUT.sub(f'pip install --quiet "zhanqun=={version}"', text)
    trusted = ('pin=$(grep -o -m1 \'zhanqun==[0-9][^"]*\' "$RUNNER_TEMP/zhanqun-trusted/.github/workflows/publish.yml")\n'
               '          .venv/bin/pip install --quiet "$pin"')
    return text.replace(_INSTALL_TRUSTED, trusted)


_CLUSTER = """\
# 站群配置（docs/content-format.md）：由 zhanqun init 生成，请电子政务办逐项填写后提交。
name: {name}
# 本站群适用的 zhanqun 版本：升级时与 .github/workflows/ 中的 zhanqun==版本 一起修改（R11.1）
zhanqun: {pin}
domain: {domain}
portal: portal
identity:
  id_code: "0000000000"  # 网站标识码（10 位），请改为本门户的真实标识码
  icp: 某ICP备00000000号-1
  police_record: "00000000000000"
  police_record_prefix: 某公网安备
  sponsor: {name}
  organizer: {organizer}
  contact:
    phone: "0000-00000000"
    email: {email}
    address: 请填写办公地址
  ipv6: true
  party_gov_mark: ""
sources: [新华社, 人民日报]
signoff:
  routine: [first]
  general: [first, second]
  important: [first, second, final]
admins: [egov-admin]  # 电子政务办在 git 托管平台的登录名
"""

_PORTAL = """\
# 门户单位（docs/content-format.md）：人员的 id 是 git 托管平台的登录名，请改为真实的人员和登录名。
name: {name}
short_name: 县政府
kind: portal
hosting: subdomain
hosting_reason: ""
label: www
label_reason: ""
org_code: PORTAL
people:
  - id: portal-editor
    name: 录入员甲
    roles: [editor]
  - id: portal-first
    name: 初审员乙
    roles: [first]
  - id: portal-second
    name: 复审员丙
    roles: [second]
  - id: portal-final
    name: 终审员丁
    roles: [final]
  - id: portal-leader
    name: 领导戊
    roles: [leader]
columns:
  - id: zwyw
    name: 政务要闻
    type: news
    column_type: 工作动态
    cycle: daily
    category: 工作动态
    description: 发布县委、县政府重要会议、重大活动和全县重点工作进展。
    keywords: [政务要闻, 重要会议]
  - id: tzgg
    name: 通知公告
    type: notice
    column_type: 通知公告
    cycle: weekly
    category: 通知公告
    description: 发布县政府及县政府办公室的通知、通告和公告。
    keywords: [通知, 公告]
"""

_PRE_COMMIT = """\
# 提交前检查（R4）：zhanqun 的钩子，版本与 cluster.yaml 的 zhanqun 一致。运行一次 pre-commit install 即可。
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: zhanqun-check
"""

_README = """\
# {name}站群

本仓库只有内容和配置：网站的模式、主题和构建程序来自 zhanqun {version}（cluster.yaml 的 `zhanqun:`
和 `.github/workflows/` 中固定了版本）。门户：https://www.{domain}/

## 开始

```sh
python3 -m venv .venv && .venv/bin/pip install "zhanqun=={version}" "pre-commit>=3.6"
.venv/bin/pre-commit install && .venv/bin/zhanqun build
```

在本目录中运行（它已是 git 仓库，分支 main）：第一条命令安装 zhanqun 和 pre-commit，第二条安装提交前检查
并把全部站点构建到 `output/`。

## 接下来

1. 电子政务办填写 `content/cluster.yaml`（网站标识码、备案号、联系方式、管理员登录名）和
   `content/portal/unit.yaml`（人员和登录名、栏目），每个部门、乡镇一个 `content/<单位>/unit.yaml`。
2. 改完人员后运行 `.venv/bin/zhanqun codeowners`，提交生成的 CODEOWNERS。
3. `.venv/bin/zhanqun check` 检查全部内容；`.venv/bin/zhanqun new portal tzgg 标题` 写一条新信息；
   `.venv/bin/zhanqun serve www` 本地预览门户。
4. 可以覆盖的部分（主题模板和样式、模式的附加约束、规则数据、Pelican 插件）见 zhanqun 的
   docs/cluster-repo.md。

## 升级 zhanqun

把 `content/cluster.yaml` 的 `zhanqun:`、`.github/workflows/*.yml` 中的 `zhanqun==` 和
`.pre-commit-config.yaml` 的 `rev:` 一起改为新版本，按新版本的说明调整后提交；合并后所有站点重新构建。
"""
