"""The 政府网站工作年度报表 (R8.4; 国办函〔2018〕12号, 003 §15): one report per site with its own 网站标识码.

The rows are data (``data/annual_report.yaml``: the official labels in the official order). Each row is
``computed`` (from git and content: 信息发布, 专栏专题, 解读材料, 留言办理, the identity rows), ``visits`` (from the
web server's access logs) or ``filled`` by the e-gov office in ``content/<portal>/annual-report/<YEAR>.yaml``
(schema ``schemas/annual-report.schema.json``). A row nobody filled is shown as 未填报 and named in a T023
warning; the report is never refused for it.

Publications are counted at their publication moments (the merge to main, or the embargo's end), from
:mod:`zhanqun.stats.events`, never by the dates typed in front matter; replies with
:func:`zhanqun.inspect.replies.judge`/``stats``, as the inspection and the public replies page count them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhanqun.findings import Finding, Severity, define

if TYPE_CHECKING:
    from zhanqun.cluster import Cluster
    from zhanqun.source import YamlDoc

Locate = Callable[[tuple[Any, ...]], tuple[int, int]]  # a key path of the fill-in file -> (line, column)

FOLDER = "annual-report"
DATA = Path(__file__).with_name("data") / "annual_report.yaml"
BY_MERGE = "按合入主分支的时间统计（不是头信息里写的日期）"
NOT_FILLED = "未填报"
_YEAR_FILE = re.compile(r"(\d{4})\.yaml")
_UNIT_SUFFIX = re.compile(r"（单位：[^）]*）$")

STRAY_FILE = define(
    "T020", "annual-report-stray-file", Severity.ERROR, "annual-report/ 目录中有不是 <年份>.yaml 的文件。",
    why="门户单位的 annual-report/ 目录只放电子政务办填报的年度报表数据，每年一个文件（如 2025.yaml）；"
        "别的文件不会被读取，也不会发布，放在这里多半是放错了位置。其他单位的目录里不能有 annual-report/。",
    example="content/xzf/annual-report/2025年报表.xlsx；content/fgw/annual-report/2025.yaml",
    fix="文件改名为 <年份>.yaml（如 2025.yaml）或移走；各网站的数据都写在门户单位的同一个文件里（sites: 下按单位分）。",
    requirement="R8.4",
)
COMPUTED_FILLED = define(
    "T021", "annual-report-computed-row-filled", Severity.ERROR, "年度报表中由 zhanqun 计算的栏目不能填报。",
    why="信息发布、专栏专题、解读材料、留言办理和网站身份信息都从 git 历史和内容算出，任何人都能复算；"
        "手填的数字无法核对，还会与自查、统计对不上。",
    example="sites:\n  xzf:\n    信息发布总数: 1200",
    fix="删除这一行；数字不对时，检查对应栏目的信息是否都已合入主分支（zhanqun annual-report 会说明每个数字的算法）。",
    requirement="R8.4",
)
UNKNOWN_SITE = define(
    "T022", "annual-report-unknown-site", Severity.ERROR, "年度报表填报文件中的网站不是有自己网站标识码的网站。",
    why="年度报表每个有网站标识码的网站一份：门户，以及 unit.yaml 中写了 identity.id_code 的子站。"
        "其他单位（频道、没有自己标识码的子站）的数据计入门户的报表。",
    example="sites:\n  czj: {}      # 财政局是门户的频道，没有自己的网站标识码",
    fix="把键改为门户单位或有 identity.id_code 的单位的 id；频道单位的数据并入门户那一项。",
    requirement="R8.4",
)
ROWS_MISSING = define(
    "T023", "annual-report-rows-missing", Severity.WARNING, "年度报表有栏目没有填报，报表中显示为“未填报”。",
    why="国办函〔2018〕12号要求报表各栏目如实填写、1 月 31 日前在网站首页公开；办事服务、安全防护等数字 zhanqun "
        "算不出来，要由电子政务办填报。",
    example="content/xzf/annual-report/2025.yaml 中没有 注册用户数、安全检测评估次数",
    fix="在 content/<门户单位>/annual-report/<年份>.yaml 中补上这些栏目（docs/handbook.md §9.3），再生成报表。",
    requirement="R8.4",
)
NO_COLUMN = define(
    "T024", "annual-report-no-column", Severity.ERROR, "没有可以发布年度报表的门户栏目。",
    why="--publish 把报表写成门户某个栏目中的一条信息（连同 CSV），栏目由 cluster.yaml 的 stats.annual_report_column 指定。",
    example="cluster.yaml 没有 stats: {annual_report_column: ndbb}，或门户 unit.yaml 没有 id 为 ndbb 的栏目",
    fix="在门户 unit.yaml 中设一个“年度报表”栏目（type: notice 或 news），并在 cluster.yaml 写 stats: {annual_report_column: 栏目id}。",
    requirement="R8.4",
)
EXISTS = define(
    "T025", "annual-report-exists", Severity.ERROR, "这一年的年度报表已经发布过，没有覆盖。",
    why="已发布的报表是公开的记录；重新生成会改变它，需要明确确认。",
    example="content/xzf/ndbb/2025-niandu-baobiao-xzf.md 已存在",
    fix="确需更正时加 --force 重新生成，并在合并请求中说明更正的原因。",
    requirement="R8.4",
)
UNSAFE_TARGET = define(
    "T031", "annual-report-publish-unsafe-target", Severity.ERROR,
    "年度报表要写入的位置是符号链接或特殊文件，或无法写入；什么也没有写。",
    why="--publish 把报表和 CSV 写进工作区中门户的栏目文件夹，随后要经审核链合入。栏目文件夹、要写的文件或仓库内从根目录到它的"
        "任何一级文件夹是符号链接（指向仓库外或仓库内）时，写入会落到没人审核的地方，或改掉链接指向的文件；所以一律拒绝。"
        "文件先完整写到同一文件夹的临时文件，全部写好后才改名就位，失败时不留下写了一半的文件。",
    example="content/xzf/ndbb/2025-niandu-baobiao-xzf.csv 是符号链接（指向 /home/zwb/.bashrc）",
    fix="把链接换成普通的文件夹或文件（git 中的链接由平台管理员处理，zhanqun check 报告为 C011）；磁盘满或没有写权限时先解决，再运行。",
    requirement="R8.4",
)
FUTURE_YEAR = define(
    "T026", "annual-report-future-year", Severity.ERROR, "年度报表的年份还没有到。",
    why="年度报表统计一整年的数据，只能在这一年开始以后生成。",
    example="2026 年 11 月运行 zhanqun annual-report 2027",
    fix="写已经过去的年份，如 zhanqun annual-report 2025。",
    requirement="R8.4",
)
YEAR_NOT_OVER = define(
    "T027", "annual-report-year-not-over", Severity.WARNING, "这一年还没有结束，报表的数字只统计到今天。",
    why="年度报表在次年 1 月 31 日前发布，统计上一年全年；年内生成的只是进度。",
    example="2026 年 11 月运行 zhanqun annual-report 2026",
    fix="次年 1 月再生成并发布；年内可以先看进度。",
    requirement="R8.4",
)
RESERVED_COLUMN = define(
    "T028", "annual-report-reserved-column", Severity.ERROR, "栏目 id 不能是 annual-report。",
    why="annual-report/ 是门户单位存放年度报表填报文件的保留目录，不是栏目。",
    example="columns:\n  - id: annual-report\n    name: 年度报表\n    type: notice",
    fix="给栏目换一个 id，如 ndbb。",
    requirement="R8.4",
)
NO_OWN_REPORT = define(
    "T029", "annual-report-no-own-report", Severity.ERROR, "这个网站没有自己的网站标识码，没有单独的年度报表。",
    why="年度报表按网站标识码一个网站一份；没有自己标识码的子站和频道计入门户的报表。",
    example="zhanqun annual-report 2025 czj（财政局是门户的频道）",
    fix="不写网站名生成全部报表，或写门户、有 identity.id_code 的子站的主机名。",
    requirement="R8.4",
)


# -- the official rows -----------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Row:
    """One line of the official table."""

    id: str
    label: str  # the row's own words, exactly as the form prints them
    group: tuple[str, ...]  # the headings at its left, outer to inner
    kind: str  # text | count | number | yesno | date | choice
    source: str  # computed | visits | filled
    override: bool = False  # a computed row that may also be filled (the filled value wins)
    part: str = "table"  # or "footer": the signature lines under the table
    alias: str = ""
    options: tuple[str, ...] = ()
    needs: str = ""  # a yes/no row: when it is filled 否, this row has nothing to fill

    @property
    def path(self) -> str:
        """The row as one line of text: its headings and its label."""
        return "·".join((*self.group, self.label))

    @property
    def fillable(self) -> bool:
        return self.source == "filled" or self.override

    def names(self) -> list[str]:
        """What a row may be called in the fill-in file: its id, alias, label, label without 单位 or 其中."""
        short = _UNIT_SUFFIX.sub("", self.label).removeprefix("其中：")
        return list(dict.fromkeys(n for n in (self.id, self.alias, self.label, short) if n))


@functools.cache
def layout() -> dict[str, Any]:
    from ruamel.yaml import YAML

    data: dict[str, Any] = YAML(typ="safe", pure=True).load(DATA.read_text(encoding="utf-8"))
    return data


@functools.cache
def rows() -> tuple[Row, ...]:
    return tuple(Row(r["id"], r["label"], tuple(r.get("group", ())), r["kind"], r["source"], bool(r.get("override")),
                     r.get("part", "table"), r.get("alias", ""), tuple(r.get("options", ())), r.get("needs", ""))
                 for r in layout()["rows"])


@functools.cache
def row_names() -> dict[str, str]:
    """Every name of a row (id, alias, label, short label) -> row id; a name two rows share is left out."""
    seen: dict[str, set[str]] = {}
    for row in rows():
        for name in row.names():
            seen.setdefault(name, set()).add(row.id)
    return {name: next(iter(ids)) for name, ids in seen.items() if len(ids) == 1}


def row(row_id: str) -> Row:
    return next(r for r in rows() if r.id == row_id)


def title(site_name: str, year: int) -> str:
    """The title of a published report: J017 (inspect) recognises exactly this title."""
    return f"{site_name}{year}年政府网站工作年度报表"


# -- the schema of the fill-in file (schemas/annual-report.schema.json is this, written out) ------------------

_KINDS: dict[str, dict[str, Any]] = {
    "count": {"type": ["integer", "null"], "minimum": 0, "maximum": 10**12},
    "number": {"type": ["number", "null"], "minimum": 0, "maximum": 10**12},
    "yesno": {"enum": ["是", "否", True, False, None]},
    "text": {"type": ["string", "null"], "minLength": 1, "maxLength": 200},
    "date": {"type": ["string", "null"], "pattern": "^\\d{4}-\\d{2}-\\d{2}$", "x-format": "date"},
}
_HINTS = {"count": "填非负整数，如 12；不知道时留空", "number": "填非负数，可以有小数，如 1.25",
          "yesno": "填 是 或 否", "text": "填文字", "date": "填日期，如 2026-01-20"}


def schema() -> dict[str, Any]:
    """The JSON Schema of ``content/<portal>/annual-report/<YEAR>.yaml``, from the rows."""
    values: dict[str, Any] = {}
    for r in rows():
        if not r.fillable:
            continue
        prop: dict[str, Any] = {"description": f"{r.path}：{_HINTS[r.kind] if r.kind != 'choice' else '填 ' + ' 或 '.join(r.options)}",
                "x-aliases": [n for n in r.names() if n != r.id and row_names().get(n) == r.id]}
        prop.update({"enum": [*r.options, None]} if r.kind == "choice" else _KINDS[r.kind])
        values[r.id] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "annual-report.schema.json",
        "title": "政府网站工作年度报表的填报数据（content/<门户单位>/annual-report/<年份>.yaml，R8.4）：zhanqun 算不出的栏目",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "all": {"description": "各网站相同的栏目（如 是否使用统一平台、填报日期），各网站自己写的优先",
                    "x-aliases": ["共同"], "$ref": "#/$defs/values"},
            "sites": {"description": "各网站的栏目：键是网站所属单位的 id（门户写门户单位的 id，如 xzf）",
                      "x-aliases": ["网站"], "type": "object",
                      "propertyNames": {"maxLength": 64, "pattern": "^[a-z0-9][a-z0-9_-]*$"},
                      "additionalProperties": {"$ref": "#/$defs/values"}},
        },
        "$defs": {"values": {"type": "object", "additionalProperties": False, "properties": values}},
    }


# -- the sites that report ---------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ReportSite:
    """A site with its own 网站标识码, and the units whose work its report counts."""

    unit_id: str  # the owner unit: the key of its values in the fill-in file
    host: str
    name: str
    unit_ids: tuple[str, ...]
    is_portal: bool


def report_sites(cluster: Cluster) -> list[ReportSite]:
    """The portal (with its channels and every subdomain site without an id_code of its own), then each
    subdomain site whose unit.yaml has ``identity.id_code``, in the order of ``Cluster.sites()``."""
    from zhanqun.build.view import SiteView

    sites = cluster.sites()
    own = [s for s in sites if not s.is_portal and cluster.units[s.owner].identity.get("id_code")]
    portal = next(s for s in sites if s.is_portal)
    portal_units = [*portal.unit_ids, *(u for s in sites if not s.is_portal and s not in own for u in s.unit_ids)]
    chosen = [(portal, tuple(portal_units))] + [(s, tuple(s.unit_ids)) for s in own]
    return [ReportSite(s.owner, s.host, SiteView(cluster, s).site_name, units, s.is_portal) for s, units in chosen]


def pick(cluster: Cluster, hosts: list[str]) -> list[ReportSite]:
    """The report sites named by ``hosts`` (host names or labels); all of them when none is named."""
    from zhanqun.errors import UsageError

    everything = report_sites(cluster)
    if not hosts:
        return everything
    chosen = []
    for host in hosts:
        site = cluster.site(host)  # an unknown host is a usage error with a did-you-mean
        match = next((r for r in everything if r.host == site.host), None)
        if match is None:
            raise UsageError(f"{site.host} 没有自己的网站标识码，它的数据计入门户（{cluster.portal_host}）的年度报表。",
                             hint="不写网站名生成全部报表，或写门户、有 identity.id_code 的子站。", code=NO_OWN_REPORT)
        if match not in chosen:
            chosen.append(match)
    return chosen


# -- the fill-in file ------------------------------------------------------------------------------------------

def fill_rel(portal: str, year: int) -> str:
    return f"content/{portal}/{FOLDER}/{year}.yaml"


def check_tree(cluster: Cluster) -> list[Finding]:
    """Findings of every ``annual-report/`` folder and file (``zhanqun check`` and ``cluster.load``)."""
    findings: list[Finding] = []
    portal = cluster.config.portal
    for unit in cluster.units.values():
        if FOLDER in unit.columns:
            line, col = cluster.unit_docs[unit.id].locate(("columns", list(unit.columns).index(FOLDER), "id"))
            findings.append(Finding(f"content/{unit.id}/unit.yaml", line, col, RESERVED_COLUMN,
                                    f"栏目 id“{FOLDER}”是年度报表填报文件的保留目录名。", "给栏目换一个 id，如 ndbb。"))
        folder = cluster.root / "content" / unit.id / FOLDER
        if not folder.is_dir() or folder.is_symlink():
            continue  # a link is C011 (files.scan_tree) and is never read
        rel = f"content/{unit.id}/{FOLDER}/"
        if unit.id != portal:
            findings.append(Finding(rel, 0, 0, STRAY_FILE, f"{rel} 不在门户单位中：年度报表填报文件只放在 "
                                    f"content/{portal}/{FOLDER}/。", f"把数据写进 content/{portal}/{FOLDER}/<年份>.yaml "
                                    f"的 sites: {unit.id}: 之下，删除这个目录。"))
            continue
        for entry in sorted(folder.iterdir()):
            entry_rel = rel + entry.name
            if entry.name.startswith(".") or entry.is_symlink():
                continue
            if entry.is_file() and _YEAR_FILE.fullmatch(entry.name):
                findings += read_fill(cluster, int(entry.name[:4]))[1]
            else:
                findings.append(Finding(entry_rel + ("/" if entry.is_dir() else ""), 0, 0, STRAY_FILE,
                                        f"{entry_rel} 不是年度报表填报文件（<年份>.yaml，如 2025.yaml）。",
                                        "改名为 <年份>.yaml 或移出这个目录。"))
    return findings


def read_fill(cluster: Cluster, year: int) -> tuple[dict[str, dict[str, Any]], list[Finding]]:
    """The filled values of ``year``: unit id of a report site -> row id -> value (``all`` merged under each
    site's own values), and the findings of the file. No file: no values and no findings."""
    from zhanqun import source
    from zhanqun.checks import files

    rel = fill_rel(cluster.config.portal, year)
    path = cluster.root / rel
    if not path.exists() and not path.is_symlink():
        return {}, []
    if path.is_symlink() or not path.is_file():
        return {}, [files.link_finding(rel, path)]
    doc, findings = source.load_yaml_file(path, rel)
    if doc is None:
        return {}, findings
    findings += review_gates(cluster, doc, rel)
    if "annual-report" not in cluster.schemas.raw:
        from zhanqun.errors import UsageError

        raise UsageError(f"有 {rel}，但 schemas/ 中没有 annual-report.schema.json。",
                         hint="从 zhanqun 仓库复制 schemas/annual-report.schema.json。")
    if not isinstance(doc.data, dict):
        return {}, findings + cluster.schemas.validate("annual-report", doc.data, doc.locate, rel)
    top, found = cluster.schemas.canonical_keys("annual-report", doc.data, doc.locate, rel)
    findings += found
    original = {canonical: key for key in doc.data for canonical in [_top_key(cluster, key)] if canonical}
    canonical: dict[str, Any] = {}
    where: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    if "all" in top:
        canonical["all"] = _values(top["all"], (original["all"],), rel, doc.locate, findings, where, ("all",))
    if "sites" in top:
        sites = top["sites"]
        if isinstance(sites, dict):
            canonical["sites"] = {key: _values(block, (original["sites"], key), rel, doc.locate, findings, where,
                                               ("sites", key)) for key, block in sites.items()}
        else:
            canonical["sites"] = sites

    def locate(path: tuple[Any, ...]) -> tuple[int, int]:
        return doc.locate(_back(path, where, original))

    found = [_as_written(f, where, original) for f in cluster.schemas.validate("annual-report", canonical, locate, rel)]
    findings += found
    if any(f.severity is Severity.ERROR for f in found):
        return {}, findings
    findings += _dates(canonical, locate, rel)
    findings += _site_keys(cluster, canonical.get("sites") or {}, locate, rel)
    return _merge(canonical), findings


def review_gates(cluster: Cluster, doc: YamlDoc, rel: str) -> list[Finding]:
    """The text gates of every item over the fill-in file, as ``zhanqun check`` runs them on any content file, with
    the same codes and masked messages: personal data (R4.2: P001 ID numbers, P002 mobiles, P003 bank cards, P004
    a name with a home address), secrets (R4.3), banned content (R4.4) and wording (R4.5). The filled texts
    (微博名称, 其他, 填报人, 联系电话 …) are published on the portal, and the file itself, comments included, is
    in the public repository's history. The numbers of count and
    number rows (注册用户数: 13800138000 is a count, not a phone) are blanked before the scan, keeping every
    offset; a number typed as the value of a text row (联系电话: 13800138000 without quotes) is scanned."""
    from zhanqun.checks import gates as gates_mod, ruledata
    from zhanqun.checks.textscan import Text

    gates = gates_mod.for_data(ruledata.load_checked(cluster.root)[0], allow=gates_mod.allowed_domains(cluster.config))
    text = Text(_numbers_blanked(doc), rel, doc.first_line)
    return [f for scanner in (gates.personal, gates.secrets, gates.banned, gates.wording) for f in scanner.scan(text)]


_NUMBER_TOKEN = re.compile(r"[-+]?[0-9][0-9_.eExXoOa-fA-F:+-]*")


def _numbers_blanked(doc: YamlDoc) -> str:
    """The file's text with the value of each count or number row, when YAML reads it as a number (not a quoted
    string), written as spaces."""
    doc.locate(())  # parses the round-trip tree once
    lines = doc.text.split("\n")
    names = row_names()
    stack = [doc._rt]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if isinstance(value, dict):
                stack.append(value)
                continue
            row_id = names.get(str(key))
            counted = row_id is not None and row(row_id).kind in ("count", "number")
            where = node.lc.value(key) if hasattr(node, "lc") else None
            if counted and isinstance(value, (int, float)) and not isinstance(value, bool) and where is not None:
                line, col = where
                if 0 <= line < len(lines) and (token := _NUMBER_TOKEN.match(lines[line], col)):
                    lines[line] = lines[line][:col] + " " * (token.end() - col) + lines[line][token.end():]
    return "\n".join(lines)


def _top_key(cluster: Cluster, key: Any) -> str | None:
    props = cluster.schemas.properties("annual-report")
    return key if key in props else cluster.schemas.aliases("annual-report").get(str(key))


def _values(block: Any, at: tuple[Any, ...], rel: str, locate: Locate, findings: list[Finding],
            where: dict[tuple[Any, ...], tuple[Any, ...]], canonical_at: tuple[Any, ...]) -> Any:
    """One block of row values with every row named by its id; computed rows and unknown names are findings."""
    if not isinstance(block, dict):
        where[canonical_at] = at
        return block  # the schema says what it should be
    from zhanqun.schemas import UNKNOWN_KEY
    from zhanqun.source import YAML_DUPLICATE_KEY

    out: dict[str, Any] = {}
    names = row_names()
    where[canonical_at] = at
    for key, value in block.items():
        row_id = names.get(str(key))
        line, col = locate((*at, key))
        if row_id is None:
            findings.append(Finding(rel, line, col, UNKNOWN_KEY, f"未知的栏目“{key}”，不会被使用。", _did_you_mean(str(key))))
            continue
        r = row(row_id)
        if not r.fillable:
            findings.append(Finding(rel, line, col, COMPUTED_FILLED, f"“{r.path}”由 zhanqun 计算（{explain(r)}），不能填报。",
                                    "删除这一行。"))
            continue
        if row_id in out:
            findings.append(Finding(rel, line, col, YAML_DUPLICATE_KEY, f"“{key}”与前面的键指的是同一栏目“{r.path}”。",
                                    "删除其中一行。"))
            continue
        out[row_id] = value
        where[(*canonical_at, row_id)] = (*at, key)
    return out


def _did_you_mean(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, [n for n in row_names() if not n.isascii()], n=1, cutoff=0.5)
    return f"是不是想写“{close[0]}”？" if close else "可填的栏目见 docs/handbook.md §9.3；不需要请删除这一行。"


def _back(path: tuple[Any, ...], where: dict[tuple[Any, ...], tuple[Any, ...]],
          original: dict[str, Any]) -> tuple[Any, ...]:
    """A path in the canonical data -> the same place in the file as written (its Chinese keys)."""
    for cut in range(len(path), 0, -1):
        if path[:cut] in where:
            return (*where[path[:cut]], *path[cut:])
    return (original.get(path[0], path[0]), *path[1:]) if path else path


def _as_written(finding: Finding, where: dict[tuple[Any, ...], tuple[Any, ...]], original: dict[str, Any]) -> Finding:
    """A schema finding names the place by the canonical keys (“sites.xzf.registered_users”): name it as the
    file writes it (“网站.xzf.注册用户数”)."""
    from zhanqun.schemas import _where

    message = finding.message
    for canonical in sorted(where, key=len, reverse=True):
        message = message.replace(_where(canonical), _where(_back(canonical, where, original)))
    for key, written in original.items():
        message = message.replace(_where((key,)), _where((written,)))
    return dataclasses.replace(finding, message=message)


def _dates(data: dict[str, Any], locate: Locate, rel: str) -> list[Finding]:
    from zhanqun.schemas import NO_SUCH_DATE

    findings = []
    blocks = [(("all",), data.get("all"))] + [(("sites", k), v) for k, v in (data.get("sites") or {}).items()]
    for at, block in blocks:
        value = (block or {}).get("filled_on")
        if isinstance(value, str):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                findings.append(Finding(rel, *locate((*at, "filled_on")), NO_SUCH_DATE, f"填报日期不存在：{value}。",
                                        "写真实的日期，如 2026-01-20。"))
    return findings


def _site_keys(cluster: Cluster, sites: dict[str, Any], locate: Locate, rel: str) -> list[Finding]:
    known = {s.unit_id: s for s in report_sites(cluster)}
    findings = []
    for key in sites:
        if key in known:
            continue
        names = "、".join(f"{k}（{s.name}）" for k, s in known.items())
        why = "是门户的频道或没有自己网站标识码的子站，数据写在门户那一项" if key in cluster.units else "不是站群里的单位"
        findings.append(Finding(rel, *locate(("sites", key)), UNKNOWN_SITE, f"“{key}”{why}。", f"可写的网站：{names}。"))
    return findings


def _merge(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    common = {k: v for k, v in (data.get("all") or {}).items() if v is not None}
    return {key: {**common, **{k: v for k, v in (block or {}).items() if v is not None}}
            for key, block in {"": {}, **(data.get("sites") or {})}.items()}


# -- what a figure means ------------------------------------------------------------------------------------------

def explain(r: Row) -> str:
    """How a computed row is computed, in one sentence (the report and T021 say it)."""
    info = layout()["information"]
    texts = {
        "site_name": "网站的名称（cluster.yaml name 或子站单位的 name）",
        "homepage": "网站的首页地址",
        "sponsor": "页脚的主办单位（identity.sponsor）",
        "site_type": "门户和乡镇（街道）网站为政府门户网站，部门网站为部门网站",
        "id_code": "identity.id_code", "icp": "identity.icp", "police_record": "identity.police_record",
        "unique_visitors": "访问日志中不同访客的数量", "page_views": "访问日志中的页面浏览次数",
        "info_total": "全年首次发布的信息条数（不含留言）",
        "info_overview": "栏目类型为" + "、".join(info["overview"]) + "的栏目中首次发布的信息",
        "info_news": "栏目类型为" + "、".join(info["news"]) + "的栏目中首次发布的信息",
        "info_disclosure": "栏目类型为" + "、".join(info["disclosure"]) + "的栏目中首次发布的信息",
        "topics_maintained": "年底时 cluster.yaml 的专题和专题专栏类栏目的个数",
        "topics_new": "其中这一年新设的个数",
        "interpretation_total": "解读材料、解读产品和媒体评论文章数量之和",
        "interpretation_materials": "政策解读（interpretation）栏目中首次发布的信息",
        "messages_received": "这一年收到的留言", "messages_answered": "其中年底前已答复的",
        "messages_days": "已答复留言的平均答复用时，按工作日计算（与自查、留言统计相同）",
        "messages_published": "其中年底时答复在网站上公开的",
    }
    return texts.get(r.id, "")


def iso_now() -> dt.datetime:
    from zhanqun.cluster import reference_time

    return reference_time()
