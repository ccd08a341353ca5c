"""``zhanqun init DIR``: a new content-only cluster repository (R11.1, issue 13).

What it writes, for an e-gov office to fill in: ``content/cluster.yaml`` pinned to this zhanqun series, one
portal unit, the workflows of the package pinned to this version (``pip install "zhanqun==<version>"``),
``.pre-commit-config.yaml`` with the hook of this repository at ``v<version>``, CODEOWNERS from the config
(the same generator as ``zhanqun codeowners``), ``.gitignore`` and a Chinese README. Everything is written
aside and moved into place in one rename: a refused or failed init leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from zhanqun import __version__, defaults, pin
from zhanqun.errors import UsageError, ZhanqunError
from zhanqun.findings import Severity, define

__all__ = ["BAD_OPTION", "DEFAULT_HOOK_REPO", "NOT_EMPTY", "init_cluster"]

DEFAULT_HOOK_REPO = "https://github.com/zhanqun/zhanqun"
NOT_EMPTY = define(
    "C017", "init-target-not-empty", Severity.ERROR, "zhanqun init 的目标目录已存在且不是空的。",
    why="zhanqun init 写一个新的站群仓库；写进已有文件的目录会覆盖或混进别人的内容。",
    example="zhanqun init .（当前目录已有文件）",
    fix="给一个不存在的或空的目录，如 zhanqun init ../某县站群。",
    requirement="R11.1",
)
BAD_OPTION = define(
    "C018", "init-bad-option", Severity.ERROR, "zhanqun init 的 --name 或 --domain 写法不对。",
    why="名称和域名写进 cluster.yaml 和每个站点的地址；写错的值会让新仓库一开始就通不过检查。",
    example="zhanqun init ../站群 --domain MouXian.GOV.cn/",
    fix="名称写 2–40 个字（不含空格），域名写小写的 mouxian.gov.cn 形式。",
    requirement="R11.1",
)
_NAME = re.compile(r"^\S{2,40}$")
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
# the install lines of this repository's workflows, as a cluster repository writes them
_INSTALL_CHECKOUT = re.compile(r'pip install --quiet \.$', re.MULTILINE)
_INSTALL_TRUSTED = '.venv/bin/pip install --quiet "$RUNNER_TEMP/zhanqun-trusted"'


def init_cluster(target: Path, *, name: str = "某某县人民政府", domain: str = "example.gov.cn",
                 hook_repo: str = DEFAULT_HOOK_REPO, version: str = __version__) -> list[str]:
    """Write the repository into ``target`` (absent or empty); the relative paths written, sorted."""
    target = Path(os.path.abspath(target))
    _refuse(target, name, domain)
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".zhanqun-init-", dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it 0700: the repository is the office's, not one user's
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
        if target.is_dir():
            target.rmdir()  # empty (checked above): the rename needs it gone
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def _refuse(target: Path, name: str, domain: str) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ZhanqunError(f"{target} 已存在且不是空目录，zhanqun init 不会写进去。", code=NOT_EMPTY,
                           hint="给一个不存在的或空的目录，如 zhanqun init ../某县站群。")
    if not _NAME.match(name):
        raise UsageError(f"站群名称“{name}”不合适：应为 2–40 个字，不含空格。", code=BAD_OPTION,
                         hint="如 --name 某某县人民政府。")
    if not _DOMAIN.match(domain):
        raise UsageError(f"域名“{domain}”的格式不对。", code=BAD_OPTION, hint="写小写的域名，如 --domain mouxian.gov.cn。")


def files(name: str, domain: str, hook_repo: str, version: str) -> dict[str, str]:
    """{relative path: text} of the new repository (CODEOWNERS is generated from these afterwards)."""
    out = {
        "content/cluster.yaml": _CLUSTER.format(name=yaml_text(name), organizer=yaml_text(f"{name}办公室"),
                                                domain=domain, pin=pin.default_pin(version)),
        "content/portal/unit.yaml": _PORTAL.format(name=yaml_text(name)),
        ".pre-commit-config.yaml": _PRE_COMMIT.format(repo=hook_repo, version=version),
        ".gitignore": ".venv/\noutput/\n.zhanqun-cache/\n__pycache__/\n",
        "README.md": _README.format(name=name, domain=domain, version=version),
    }
    for path in sorted(defaults.path("workflows").glob("*.yml")):
        out[f".github/workflows/{path.name}"] = pinned_workflow(path.read_text(encoding="utf-8"), version)
    return out


def yaml_text(text: str) -> str:
    """``text`` as a YAML value that reads back as that very text: as it is when YAML reads it so (某某县人民政府),
    else double-quoted (``!!binary``, ``#1``, ``a: b``, ``true`` would be a tag, a comment, a mapping, a boolean)."""
    import json

    from zhanqun import source

    doc, findings = source.load_yaml(f"k: {text}\n", "")
    if doc is not None and not findings and doc.data == {"k": text}:
        return text
    return json.dumps(text, ensure_ascii=False)


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
zhanqun: "{pin}"
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
    email: webmaster@{domain}
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
    rev: v{version}
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

第一条命令安装 zhanqun 和 pre-commit，第二条安装提交前检查并把全部站点构建到 `output/`。

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
