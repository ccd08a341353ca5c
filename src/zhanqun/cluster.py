"""Loading a whole cluster: config, units, columns and items, with every finding on the way (R1, R2, R4.1)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import hashlib
import os
import re
import stat
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from zhanqun import cache as cache_mod, content, pin, source
from zhanqun.cache import CachedHtml, ParseCache, code_digest
from zhanqun.checks import files, suppressions
from zhanqun.config import CHINA, ClusterConfig, Unit
from zhanqun.errors import UsageError
from zhanqun.findings import Finding, Severity, define
from zhanqun.schemas import NO_SUCH_DATE, SchemaSet

if TYPE_CHECKING:
    from zhanqun.checks.gates import Gates

NO_UNIT_CONFIG = define(
    "C001", "missing-unit-config", Severity.ERROR, "单位目录缺少 unit.yaml。",
    why="每个单位目录由 unit.yaml 说明单位名称、子域名、人员和栏目；没有它，站群不知道这些内容归谁、发到哪里。",
    example="content/shj/gzdt/a.md（content/shj/ 下没有 unit.yaml）",
    fix="向电子政务办申请开通单位，由管理员添加 unit.yaml；或把文件移到正确的单位目录。",
    requirement="R1.1",
)
UNDECLARED_COLUMN = define(
    "C002", "undeclared-column", Severity.ERROR, "栏目目录没有在 unit.yaml 的 columns 中声明。",
    why="每个栏目都要登记在责任表里（名称、类型、更新周期、责任单位），未登记的栏目不能发布。",
    example="content/fgw/xwfb/a.md（content/fgw/unit.yaml 的 columns 里没有 id: xwfb）",
    fix="把文件移到已声明的栏目目录，或请管理员在 unit.yaml 中登记该栏目。",
    requirement="R1.5",
)
DUPLICATE_HOST = define(
    "C004", "duplicate-host", Severity.ERROR, "两个单位使用了同一个子域名标签或 id。",
    why="一个子域名只能对应一个网站。",
    example="label: fgw      # 写在 content/jyj/unit.yaml 中，而 content/fgw/unit.yaml 也是 label: fgw",
    fix="为其中一个单位换一个标签（并写 label_reason）。",
    requirement="R1.2",
)
STRAY_FILE = define(
    "C006", "stray-file", Severity.ERROR, "条目不在任何栏目目录中。",
    why="条目必须放在 content/<单位>/<栏目>/ 下，才能确定它属于哪个栏目、按什么类型检查。",
    example="content/fgw/通知.md",
    fix="把文件移到对应栏目的目录中。",
    requirement="R1.5",
)
BAD_PORTAL = define(
    "C008", "bad-portal", Severity.ERROR, "cluster.yaml 的 portal 没有指向一个门户单位。",
    why="门户（www）必须由一个 kind: portal 的单位拥有。",
    example="portal: fgw      # content/fgw/unit.yaml 的 kind 是 department，不是 portal",
    fix="让 portal 指向门户单位的目录名，并把该单位的 kind 设为 portal、label 设为 www。",
    requirement="R1.1",
)
UNKNOWN_UNIT = define(
    "C009", "unknown-unit", Severity.ERROR, "引用了不存在的单位。",
    why="共同维护的栏目（owners）必须是站群里真实存在的单位。",
    example="columns:\n  - id: xczx\n    name: 乡村振兴\n    type: news\n    owners: [fgw, xxx]",
    fix="改为已有单位的目录名。",
    requirement="R1.5",
)
NO_CLUSTER_CONFIG = define(
    "C010", "missing-cluster-config", Severity.ERROR, "缺少 content/cluster.yaml。",
    why="站群配置说明域名、门户单位、网站标识码和审核链，是构建的起点。",
    example="content/cluster.yaml（不存在：content/ 目录下没有 cluster.yaml）",
    fix="从 docs/content-format.md 复制示例并填写。",
    requirement="R1.4",
)
DUPLICATE_COLUMN = define(
    "C007", "duplicate-column", Severity.ERROR, "同一单位中栏目 id 重复。",
    why="栏目 id 就是目录名，重复会让两个栏目混在一起。",
    example="columns:\n  - id: gzdt\n    name: 工作动态\n    type: news\n  - id: gzdt\n    name: 镇村动态\n    type: news",
    fix="给其中一个栏目换一个 id。",
    requirement="R1.5",
)
UNSAFE_FILE_NAME = define(
    "C020", "unsafe-file-name", Severity.ERROR, "文件名或目录名中有网址不能直接使用的字符。",
    why="栏目中的每个文件都按原名发布成网址。空格、#、?、%、引号、<>、反斜杠、冒号和控制字符在网址里有特殊含义，"
        "这样命名的附件或页面链接打开是 404；中文文件名可以正常使用。",
    example="content/fgw/tzgg/attachments/申报表#2.xlsx（# 之后的部分被浏览器当作页内位置）",
    fix="给文件改名，只用中文、字母、数字、- 和 _（如 申报表-2.xlsx），并同时修改正文和头信息中的链接。",
    requirement="R2, R3.9",
)

RESERVED_NAME = define(
    "C013", "reserved-item-name", Severity.ERROR, "条目文件名 index 或 index_数字 是保留名。",
    why="栏目的列表页就是 栏目/index.html、栏目/index_2.html ……，同名的条目会悄悄顶替列表页，栏目里的其他信息就看不到了。",
    example="content/fgw/tzgg/index.md",
    fix="换一个文件名，例如 2026-11-30-tongzhi.md。",
    requirement="R1.5, R3.1",
)

COMMITTED_CACHE = define(
    "C014", "committed-cache", Severity.ERROR, "解析缓存 .zhanqun-cache/ 不能提交进仓库。",
    why="缓存按文件内容保存检查结果和网页 HTML；提交进仓库的缓存可以写着“没有问题”和任意 HTML，让违规内容绕过检查直接发布。"
        "zhanqun 不读取这样的缓存。",
    example=".zhanqun-cache/parse.sqlite3（用 git add -f 提交进了仓库）",
    fix="git rm -r --cached .zhanqun-cache 后提交。",
    requirement="R4, R4.11",
)

NO_LOGO = define(
    "C025", "missing-identity-image", Severity.ERROR,
    "identity 的 logo 或 party_gov_mark.image 指向的图片不存在。",
    why="网站页头显示 logo 指定的国徽或标志图片，页脚显示党政机关网站标识的图片；图片不在主题的 static 目录中，"
        "每个页面都会有一张打不开的图。",
    example="identity:\n  logo: images/guohui.png      # themes/zhanqun/static/images/guohui.png 不存在",
    fix="把图片放进站群仓库的 themes/zhanqun/static/（如 themes/zhanqun/static/images/guohui.png），"
        "logo 或 party_gov_mark.image 写相对于该目录的路径；不需要时删除这一项。",
    requirement="R1.4, R3.4, R3.8",
)

RESERVED_FOLDER = define(
    "C026", "reserved-folder", Severity.ERROR, "栏目 id 或频道单位的 id 与网站自带的目录同名。",
    why="每个网站都有构建生成的目录：theme（样式和脚本）、pagefind（站内搜索索引）、sousuo（搜索页）、wzdt（网站地图）、"
        "gywm（关于本网）、lxwm（联系我们），门户还有 zhuanti（专题专栏）和 lanmu（栏目责任表）。同名的栏目或频道"
        "会和它们写进同一个目录：页面互相顶替、构建中断，或者栏目的页面被搜索索引悄悄删掉。",
    example="columns:\n  - id: pagefind\n    name: 搜索\n    type: news",
    fix="给栏目（或频道单位）换一个 id，并把内容目录改成同一个名字。",
    requirement="R1.5, R3.7",
)
# The folders the build writes in every site (the theme's static files, the search bundle zhanqun.build.search.BUNDLE,
# the pages of plugins/site.py) and, on the portal, those of its own pages: no column and no channel may be one.
RESERVED_FOLDERS = ("theme", "pagefind", "sousuo", "wzdt", "gywm", "lxwm")
PORTAL_FOLDERS = ("zhuanti", "lanmu")

ITEM_SUFFIX = ".md"
_RESERVED_STEM = re.compile(r"index(_\d+)?", re.IGNORECASE)
# Characters a URL path cannot carry as they are (RFC 3986 delimiters, "unsafe" characters), plus any space
# (also U+3000) and control or invisible formatting character. Chinese and other letters are fine.
_UNSAFE_NAME = re.compile(r"[\s#?%\"'<>\\:|^`{}\[\]\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def unsafe_names(rel: str) -> list[Finding]:
    """C020 for each name below the column folder of ``content/<unit>/<column>/…`` that a URL cannot carry
    (a folder's path ends with "/")."""
    is_dir = rel.endswith("/")
    parts = rel.rstrip("/").split("/")
    findings = []
    for depth in range(3, len(parts)):
        bad = sorted(set(_UNSAFE_NAME.findall(parts[depth])))
        if bad:
            where = "/".join(parts[: depth + 1]) + ("/" if depth < len(parts) - 1 or is_dir else "")
            shown = "、".join("空格" if c == " " else "全角空格" if c == "\u3000" else
                             c if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}" for c in bad)
            findings.append(Finding(where, 0, 0, UNSAFE_FILE_NAME, f"名称“{parts[depth]}”含有网址不能直接使用的字符：{shown}。",
                                    f"改名为只含中文、字母、数字、- 和 _ 的名称（如 {_safe_name(parts[depth])}），"
                                    "并同时修改正文和头信息中指向它的链接。"))
    return findings


def _safe_name(name: str) -> str:
    safe = re.sub(r"-+(?=\.[^.]*$)", "", re.sub(r"-{2,}", "-", _UNSAFE_NAME.sub("-", name)))
    return safe.strip("-") or "file"
_ASSET_DIRS = {"attachments", "images", "files", "img"}
ANNUAL_REPORT_FOLDER = "annual-report"  # a reserved folder, not a column (zhanqun.stats.annual.FOLDER)


class ItemFile(NamedTuple):
    """An item file found by the structure walk (:func:`load_structure`), before any byte of it is read."""

    path: Path
    rel: str  # content/<unit>/<column>/…/<slug>.md
    unit_id: str
    column_id: str
    content_type: str


@dataclasses.dataclass
class Site:
    """One static site: the portal (with its channel units) or a subdomain unit."""

    host: str
    owner: str  # unit id
    unit_ids: list[str]
    is_portal: bool

    def prefix(self, unit_id: str) -> str:
        return "" if unit_id == self.owner else f"{unit_id}/"


@dataclasses.dataclass
class Cluster:
    root: Path
    config: ClusterConfig
    units: dict[str, Unit]
    items: list[content.Item]
    schemas: SchemaSet
    today: dt.date
    unit_docs: dict[str, source.YamlDoc] = dataclasses.field(default_factory=dict)
    # Items with error findings: never built, but still known to cross-reference checks so that one broken
    # policy does not also make every interpretation of it an error.
    invalid: list[content.Item] = dataclasses.field(default_factory=list)
    item_files: list[ItemFile] = dataclasses.field(default_factory=list)
    attachment_files: list[tuple[Path, str]] = dataclasses.field(default_factory=list)  # what the gates scan
    # Inline suppressions of every item, by path (R4): applied to per-file and cross-file findings alike.
    suppressions: dict[str, suppressions.FileSuppressions] = dataclasses.field(default_factory=dict)

    @property
    def portal(self) -> Unit:
        return self.units[self.config.portal]

    @property
    def portal_host(self) -> str:
        return f"www.{self.config.domain}"

    def host_of(self, unit_id: str) -> str:
        unit = self.units[unit_id]
        if unit.kind == "portal" or unit.hosting == "channel":
            return self.portal_host
        return f"{unit.label}.{self.config.domain}"

    def sites(self) -> list[Site]:
        portal = self.config.portal
        channels = [u.id for u in self.units.values() if u.hosting == "channel" and u.id != portal]
        sites = [Site(self.portal_host, portal, [portal, *channels], True)]
        for unit in self.units.values():
            if unit.id != portal and unit.hosting == "subdomain":
                sites.append(Site(self.host_of(unit.id), unit.id, [unit.id], False))
        return sites

    def site(self, host: str) -> Site:
        for site in self.sites():
            if site.host == host or site.host.split(".")[0] == host:
                return site
        import difflib

        hosts = [s.host for s in self.sites()]
        close = difflib.get_close_matches(host, hosts, n=1)
        hint = f"是不是想写 {close[0]}？" if close else "可用的站点：" + "、".join(hosts)
        raise UsageError(f"没有这个站点：{host}", hint=hint)

    def unit_prefix(self, unit_id: str) -> str:
        """Path prefix of a unit inside its site: '' for a site's owner, '<unit>/' for a channel."""
        unit = self.units[unit_id]
        return f"{unit_id}/" if unit.hosting == "channel" and unit.kind != "portal" else ""

    def path_of(self, item: content.Item) -> str:
        return f"{self.unit_prefix(item.unit_id)}{item.folder}/{item.slug}.html"

    def url_of(self, item: content.Item) -> str:
        return f"https://{self.host_of(item.unit_id)}/{self.path_of(item)}"

    def identity_of(self, unit_id: str) -> dict[str, Any]:
        identity = dict(self.config.identity)
        unit = self.units[unit_id]
        if unit.hosting == "subdomain" and unit.kind != "portal":
            identity.update(unit.identity)
        return identity

    def published(self, item: content.Item) -> bool:
        """Embargoed items (publish_at in the future, China time, to the minute) are not built (R3.10); nor is a
        message not yet answered (a reply without ``answered``, or answered after now: R9)."""
        return content.out_at(item, self.now)

    @property
    def now(self) -> dt.datetime:
        """The build's reference time in China time, without zone (as editors write publish_at)."""
        cached = getattr(self, "_zq_now", None)
        if cached is None:
            cached = self._zq_now = reference_time()
        return cached

    def policies_by_index(self) -> dict[str, content.Item]:
        return {i.meta["index_no"]: i for i in self.items if i.type == "policy" and "index_no" in i.meta}


def reference_time() -> dt.datetime:
    """The build's notion of now, in China time (naive): SOURCE_DATE_EPOCH when set, so a rebuild of a commit
    gives the same bytes; a CI runner's own time zone (often UTC) does not matter."""
    epoch = (os.environ.get("SOURCE_DATE_EPOCH") or "").strip()
    if not epoch:
        return dt.datetime.now(CHINA).replace(tzinfo=None)
    try:  # a malformed value is an error, not silently "now" (reproducible-builds.org: exit non-zero)
        moment = dt.datetime.fromtimestamp(int(epoch), CHINA) if epoch.isascii() and epoch.isdigit() else None
    except (ValueError, OverflowError, OSError):
        moment = None
    if moment is None or not 1970 <= moment.year <= 2999:
        from zhanqun.errors import UsageError

        raise UsageError(f"环境变量 SOURCE_DATE_EPOCH 的值不对：{epoch[:40]}",
                         hint="写 1970-01-01 以来的秒数（如 git log -1 --format=%ct 的输出），或删除这个变量。")
    return moment.replace(tzinfo=None)


def reference_date() -> dt.date:
    """The build's notion of today (China time)."""
    return reference_time().date()


def load(root: Path, *, use_cache: bool = True, jobs: int = 1, suppress: bool = True,
         render: bool = True, cache_dir: Path | None = None,
         now: dt.datetime | None = None) -> tuple[Cluster | None, list[Finding]]:
    """Load and check the cluster under ``root``. Returns ``(None, findings)`` if its config is unusable.

    ``suppress=False`` reports findings that inline suppressions would hide (for audits); ``render=False``
    leaves the items' HTML empty (a check does not need it). ``cache_dir`` is the parse cache's folder
    (default ``root/.zhanqun-cache``: an older tree exported aside reuses its repository's cache); ``now`` is
    the reference time (China time, naive) instead of :func:`reference_time` (``zhanqun inspect --at``).
    """
    blobs = cache_mod.unchanged_blobs(root) if use_cache else dict  # git answers while the tree is walked
    try:
        cluster, findings = load_structure(root)
    except BaseException:
        blobs()  # no git process left behind (serve runs load again and again)
        raise
    if cluster is None:
        blobs()
        return None, findings
    if now is not None:
        cluster._zq_now, cluster.today = now, now.date()
    from zhanqun.checks import crossfile, gates as gates_mod

    if cache_mod.committed(root):
        use_cache = False
        findings.append(Finding(cache_mod.CACHE_DIR + "/", 0, 0, COMMITTED_CACHE,
                                "解析缓存 .zhanqun-cache/ 被提交进了仓库（或是链接），本次不读取它。",
                                "git rm -r --cached .zhanqun-cache 并提交；它只是本机的缓存。"))
    gates, found = gates_mod.for_cluster(root, cluster.config)  # (the package's data alone when rules/ has errors)
    findings += found
    cache = ParseCache((cache_dir or root / cache_mod.CACHE_DIR) / "parse.sqlite3" if use_cache else None)
    try:
        salt = f"{code_digest()}:{cluster.schemas.digest}:{gates.digest}"
        known: dict[str, str] = blobs()  # reaped in every case; used only with a usable cache
        cluster._zq_blobs = known  # type: ignore[attr-defined]  # the build's fingerprints read no file git vouches for
        labels: list[Finding] = []

        def meanwhile() -> None:  # while pool workers parse, the labels (pypinyin takes half a second to load)
            labels.extend(_label_findings(cluster, cache, salt))

        parsed, found = parse_files(cluster.item_files, cluster.schemas, gates, cache, salt, jobs, render,
                                    known if cache.path is not None else {}, meanwhile)  # stages 1 and 2: scan, parse
        findings += found
        assembled = assemble_items(parsed, suppress)  # stage 3: check, first the files one by one
        cluster.items, cluster.invalid = assembled.items, assembled.invalid
        cluster.suppressions.update(assembled.suppressions)
        findings += assembled.findings
        findings += crossfile.scan_attachments(cluster.attachment_files, gates, cache, salt, jobs)
        findings += labels
    finally:
        cache.close()

    from zhanqun.checks import references

    everything = cluster.items + cluster.invalid
    leaders = crossfile.leader_check(everything, gates.data)
    cross = list(references.check(cluster)) + list(crossfile.check_items(cluster, everything, gates, leaders))
    findings += _apply_suppressions(cluster, cross, suppress)
    for file_suppressions in cluster.suppressions.values():
        findings += file_suppressions.unused()
    return cluster, findings


def _label_findings(cluster: Cluster, cache: ParseCache, salt: str) -> list[Finding]:
    """C003/C005 per unit, cached by the bytes of unit.yaml (the pinyin tables take half a second to load)."""
    keys = {u: f"labels:{hashlib.sha256(cluster.unit_docs[u].text.encode('utf-8')).hexdigest()}:{salt}"
            for u in cluster.units}
    known = cache.get_many(keys.values())
    findings: list[Finding] = []
    fresh = []
    for unit_id, key in keys.items():
        rel = f"content/{unit_id}/unit.yaml"
        if key in known:
            findings += [Finding(rel, *row) for row in known[key]["findings"]]
            continue
        from zhanqun.checks import labels

        found = list(labels.check_unit(cluster.units[unit_id], rel, cluster.unit_docs[unit_id].locate))
        fresh.append((key, {"findings": [[f.line, f.column, f.code, f.message, f.hint, f.key] for f in found]}))
        findings += found
    cache.put_many(fresh)
    return findings


def _apply_suppressions(cluster: Cluster, findings: list[Finding], enabled: bool) -> list[Finding]:
    kept = []
    for finding in findings:
        file_suppressions = cluster.suppressions.get(finding.path)
        kept += file_suppressions.apply([finding], enabled) if file_suppressions else [finding]
    return kept


def load_structure(root: Path, item_types: set[str] | None = None, about: Collection[str] | None = None,
                   ) -> tuple[Cluster | None, list[Finding]]:
    """Config, units and the list of item files, without reading any item (cheap: for pre-commit).

    ``item_types`` limits the listed items to columns of those content types (pre-commit needs only leaders).
    ``about``: only findings about these files (repository paths as findings show them) and the folders holding
    them are wanted (pre-commit); the checks whose findings can be about none of them are skipped: the annual
    report's fill-in files, the version pin of cluster.yaml, build.plugins and the override templates (issue 16,
    R4.9).
    """
    def wanted(check: Callable[[str], bool]) -> bool:  # a finding of the check could be about one of ``about``
        return about is None or any(map(check, about))

    def unit_level(rel: str) -> bool:  # content/<unit>/unit.yaml, content/<unit>/annual-report(/…)
        parts = rel.split("/")
        return len(parts) >= 3 and parts[0] == "content" and (
            parts[2] == ANNUAL_REPORT_FOLDER or (len(parts) == 3 and parts[2] == "unit.yaml"))

    findings: list[Finding] = []
    content_dir = root / "content"
    if content_dir.is_symlink():  # everything below would be read through it
        return None, [files.link_finding("content", content_dir)]
    if not content_dir.is_dir():
        raise UsageError(f"{root} 下没有 content/ 目录，这不是站群仓库。", hint="用 --root 指向站群仓库的根目录。")
    schemas = SchemaSet.for_root(root)  # the package's, with the cluster's schemas/ on top (R11.1)

    cluster_rel = "content/cluster.yaml"
    if (content_dir / "cluster.yaml").is_symlink():
        return None, [files.link_finding(cluster_rel, content_dir / "cluster.yaml")]
    if not _is_file(content_dir / "cluster.yaml"):
        return None, [Finding(cluster_rel, 0, 0, NO_CLUSTER_CONFIG, "缺少站群配置 content/cluster.yaml。",
                              "从 docs/content-format.md 复制示例并填写。")]
    config_data, found, config_doc = _load_config_doc(content_dir / "cluster.yaml", cluster_rel, "cluster", schemas)
    findings += found
    if wanted(lambda rel: rel == cluster_rel):  # (all its findings are about cluster.yaml; it imports packaging)
        findings += pin.check(config_doc.data if config_doc is not None else None,
                              config_doc.locate if config_doc is not None else None, cluster_rel)
    findings += _check_live_from(config_data, config_doc, cluster_rel)

    units: dict[str, Unit] = {}
    unit_docs: dict[str, source.YamlDoc] = {}
    item_files: list[ItemFile] = []
    attachment_files: list[tuple[Path, str]] = []
    # (a link is never a unit or a unit.yaml: files.scan_tree reports it as C011, and nothing reads through it)
    # (nor is a folder whose name is not UTF-8: F008, files.scan_tree; no path with such bytes goes further)
    for unit_dir in sorted(p for p in content_dir.iterdir()
                           if _is_dir(p) and not p.name.startswith(".") and not files.undecodable(p.name)):
        unit_rel = f"content/{unit_dir.name}"
        if not _is_file(unit_dir / "unit.yaml"):
            findings.append(Finding(f"{unit_rel}/", 0, 0, NO_UNIT_CONFIG,
                                    f"单位目录 {unit_rel}/ 缺少 unit.yaml。", "请电子政务办添加 unit.yaml，或把文件移到正确的单位目录。"))
            continue
        data, found, doc = _load_config_doc(unit_dir / "unit.yaml", f"{unit_rel}/unit.yaml", "unit", schemas)
        findings += found
        if data is None or doc is None:  # (doc is set whenever data is)
            continue
        unit = Unit.from_data(unit_dir.name, data)
        units[unit.id] = unit
        unit_docs[unit.id] = doc
        findings += _check_unit_columns(unit, data, f"{unit_rel}/unit.yaml", doc)
        item_files += _collect_items(unit, unit_dir, unit_rel, findings, item_types,
                                     attachment_files if item_types is None else None)
    findings += files.scan_tree(root, {unit_id: set(unit.columns) for unit_id, unit in units.items()}, about)
    from zhanqun import workdays

    findings += workdays.check_file(root, schemas)  # content/calendar.yaml, when the cluster has one (R9)
    if config_data is None:
        return None, findings
    config = ClusterConfig.from_data(config_data)
    # the cluster's own code, read and never run: build.plugins (B004, B005: at their line of cluster.yaml or in
    # the plugin's file) and override templates (B006, B007); zhanqun.build is imported only for them
    if wanted(lambda rel: rel == cluster_rel or rel.startswith("plugins/")):
        from zhanqun.build import code

        findings += code.plugin_findings(root, config.build_plugins, config_doc.locate if config_doc is not None else None)
    if wanted(lambda rel: rel.startswith("themes/")):
        from zhanqun.build import code

        findings += code.template_findings(root, lenient_names=any(not p.startswith(code.PACKAGE_PLUGINS)
                                                                    for p in config.build_plugins))
    findings += _check_images(root, config.identity, config_doc, cluster_rel)
    for unit_id in sorted(units):
        findings += _check_images(root, units[unit_id].identity, unit_docs.get(unit_id), f"content/{unit_id}/unit.yaml")
    cluster = Cluster(root, config, units, [], schemas, reference_date(), unit_docs)
    findings += _check_cluster_units(cluster)
    if config.portal not in units:
        return None, findings
    if wanted(unit_level):  # (its findings' paths: stats.annual)
        from zhanqun.stats import annual

        findings += annual.check_tree(cluster)  # content/<portal>/annual-report/<YEAR>.yaml (R8.4)
    cluster.item_files = item_files
    cluster.attachment_files = sorted(attachment_files, key=lambda f: f[1])
    return cluster, findings


def _check_live_from(data: dict[str, Any] | None, doc: source.YamlDoc | None, rel: str) -> list[Finding]:
    """inspect.live_from has the date's shape (the schema) but must also be a day that exists (R7.1)."""
    value = ((data or {}).get("inspect") or {}).get("live_from")
    if not isinstance(value, str):
        return []
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        line, col = doc.locate(("inspect", "live_from")) if doc is not None else (0, 0)
        return [Finding(rel, line, col, NO_SUCH_DATE, f"inspect.live_from 的日期不存在：{value}。",
                        "写上线那一天的真实日期，如 2026-12-31。")]
    return []


def _check_images(root: Path, identity: dict[str, Any], doc: source.YamlDoc | None, rel: str) -> list[Finding]:
    """identity.logo and identity.party_gov_mark.image (the schema says their shape) of cluster.yaml or a unit.yaml
    name regular files of the theme's static folder: the cluster's own ``themes/zhanqun/static/`` or the
    package's (R1.4, R3.4, R3.8, issue 14)."""
    from zhanqun import defaults

    mark = identity.get("party_gov_mark")
    wanted: list[tuple[tuple[str, ...], Any]] = [(("identity", "logo"), identity.get("logo"))]
    if isinstance(mark, dict):
        wanted.append((("identity", "party_gov_mark", "image"), mark.get("image")))
    folders = (root / "themes" / defaults.THEME / "static", defaults.theme_dir() / "static")
    findings = []
    for where, name in wanted:
        if not isinstance(name, str) or not name or any(_is_file(folder / name) for folder in folders):
            continue
        line, col = doc.locate(where) if doc is not None else (0, 0)
        key = ".".join(where)
        findings.append(Finding(rel, line, col, NO_LOGO, f"{key} 指向的图片不存在：themes/{defaults.THEME}/static/{name}。",
                                f"把图片放到 themes/{defaults.THEME}/static/{name}，或改正 {where[-1]} 的路径；"
                                f"不需要时删除这一项。"))
    return findings


def _load_config_doc(path: Path, rel: str, schema: str, schemas: SchemaSet,
                     ) -> tuple[dict[str, Any] | None, list[Finding], source.YamlDoc | None]:
    doc, findings = source.load_yaml_file(path, rel)
    if doc is None:
        return None, findings, None
    found = schemas.validate(schema, doc.data, doc.locate, rel)
    findings += found
    if any(f.severity is Severity.ERROR for f in found):
        return None, findings, doc
    return doc.data, findings, doc


def _check_unit_columns(unit: Unit, data: dict[str, Any], rel: str, doc: source.YamlDoc) -> list[Finding]:
    findings = []
    seen: set[str] = set()
    for index, column in enumerate(data.get("columns", [])):
        if column["id"] in seen:
            line, col = doc.locate(("columns", index, "id"))
            findings.append(Finding(rel, line, col, DUPLICATE_COLUMN, f"栏目 id“{column['id']}”重复。", "给其中一个栏目换一个 id。"))
        seen.add(column["id"])
        if column["id"] in RESERVED_FOLDERS or (unit.kind == "portal" and column["id"] in PORTAL_FOLDERS):
            line, col = doc.locate(("columns", index, "id"))
            findings.append(Finding(rel, line, col, RESERVED_FOLDER, f"栏目 id“{column['id']}”是网站自带的目录名。",
                                    "给栏目换一个 id，并把内容目录改成同一个名字。"))
    return findings


def _check_cluster_units(cluster: Cluster) -> list[Finding]:
    findings: list[Finding] = []
    config_rel = "content/cluster.yaml"
    portal = cluster.units.get(cluster.config.portal)
    if portal is None or portal.kind != "portal":
        problem = "不存在或缺少 unit.yaml" if portal is None else f"的 kind 是 {portal.kind}，应为 portal"
        findings.append(Finding(config_rel, 0, 0, BAD_PORTAL, f"portal: {cluster.config.portal} 所指的单位{problem}。",
                                "让 portal 指向门户单位的目录名，并把该单位的 kind 设为 portal。"))
    hosts: dict[str, str] = {}
    for unit in cluster.units.values():
        rel = f"content/{unit.id}/unit.yaml"
        doc = cluster.unit_docs[unit.id]
        if unit.kind == "portal" and unit.id != cluster.config.portal:
            line, col = doc.locate(("kind",))
            findings.append(Finding(rel, line, col, BAD_PORTAL, f"单位 {unit.id} 是 portal，但 cluster.yaml 的 portal 是 {cluster.config.portal}。",
                                    "一个站群只有一个门户单位。"))
        key = unit.label if unit.hosting == "subdomain" or unit.kind == "portal" else f"www/{unit.id}"
        if key in hosts:
            line, col = doc.locate(("label",))
            findings.append(Finding(rel, line, col, DUPLICATE_HOST, f"标签“{unit.label}”已被单位 {hosts[key]} 使用。",
                                    "换一个标签并写 label_reason。"))
        hosts.setdefault(key, unit.id)
        if cluster.unit_prefix(unit.id) and portal is not None and (
                unit.id in RESERVED_FOLDERS + PORTAL_FOLDERS or unit.id in portal.columns):
            findings.append(Finding(rel, 0, 0, RESERVED_FOLDER,
                                    f"频道单位 {unit.id} 的目录名和门户自带的目录或栏目 {unit.id} 相同。",
                                    "给频道单位换一个 id（单位目录名），或请管理员改门户的栏目 id。"))
        for index, column in enumerate(unit.columns.values()):
            for owner in column.owners:
                if owner not in cluster.units:
                    line, col = doc.locate(("columns", index, "owners"))
                    findings.append(Finding(rel, line, col, UNKNOWN_UNIT, f"栏目 {column.id} 的 owners 中的“{owner}”不是站群里的单位。",
                                            "改为已有单位的目录名。"))
    return findings


def reserved_name(rel: str) -> Finding | None:
    """C013 when an item's file name would replace a column's list page (index.md, index_2.md)."""
    if not _RESERVED_STEM.fullmatch(rel.rsplit("/", 1)[-1][:-len(ITEM_SUFFIX)]):
        return None
    return Finding(rel, 0, 0, RESERVED_NAME, f"{rel} 的文件名是栏目列表页的保留名。", "换一个文件名，例如 日期-拼音.md。")


def item_entry(cluster: Cluster, rel: str) -> ItemFile | None:
    """The item-file entry of one path (``content/<unit>/<column>/…/x.md``), or None if it is not an item."""
    parts = rel.split("/")
    if len(parts) < 4 or parts[0] != "content" or not rel.endswith(ITEM_SUFFIX) or parts[1] not in cluster.units:
        return None
    column = cluster.units[parts[1]].columns.get(parts[2])
    if column is None or any(p.startswith(".") for p in parts[3:]):
        return None
    return ItemFile(cluster.root / rel, rel, parts[1], column.id, column.type)


def _collect_items(unit: Unit, unit_dir: Path, unit_rel: str, findings: list[Finding],
                   item_types: set[str] | None = None, attachments: list[tuple[Path, str]] | None = None,
                   ) -> list[ItemFile]:
    """Item files of a unit's declared columns; structure findings; attachment-like files into ``attachments``.

    One os.walk with plain strings: at 10,000 items, pathlib's rglob and sorting cost a second per check.
    """
    from zhanqun.checks.attachments import SCANNED_SUFFIXES

    items = []
    content_root = unit_dir.parent.parent.as_posix() + "/"
    for entry in sorted(os.scandir(unit_dir), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name == "unit.yaml" or files.undecodable(entry.name):
            continue  # (a name that is not UTF-8 is F008: files.scan_tree)
        rel = f"{unit_rel}/{entry.name}"
        if entry.is_symlink():
            continue  # C011 (files.scan_tree); never followed
        if entry.is_file():
            if entry.name.endswith(ITEM_SUFFIX):
                findings.append(Finding(rel, 0, 0, STRAY_FILE, f"{rel} 不在栏目目录中。", "把文件移到对应栏目的目录中。"))
            elif attachments is not None and os.path.splitext(entry.name)[1].lower() in SCANNED_SUFFIXES:
                attachments.append((Path(entry.path), rel))
            continue
        if not entry.is_dir():
            continue
        column = unit.columns.get(entry.name)
        if column is None and entry.name == ANNUAL_REPORT_FOLDER:
            continue  # the annual report's fill-in files (R8.4): stats.annual.check_tree judges them
        if column is None and entry.name not in _ASSET_DIRS:
            declared = "、".join(unit.columns) or "（无）"
            findings.append(Finding(f"{rel}/", 0, 0, UNDECLARED_COLUMN, f"栏目目录 {entry.name}/ 没有在 {unit_rel}/unit.yaml 中声明。",
                                    f"已声明的栏目：{declared}。把文件移到其中之一，或请管理员登记该栏目。"))
        want_items = column is not None and (item_types is None or column.type in item_types)
        if not want_items and attachments is None:
            continue
        found = []
        named: set[str] = set()
        for path in _regular_files(entry.path):
            name = path.rsplit("/", 1)[1]
            item_rel = path.removeprefix(content_root)
            if column is not None and _UNSAFE_NAME.search(item_rel):  # published at its own path: C020
                fresh = [f for f in unsafe_names(item_rel) if f.path not in named]
                named.update(f.path for f in fresh)
                findings += fresh
            if name.endswith(ITEM_SUFFIX):
                if want_items:
                    found.append((path, path.removeprefix(content_root)))
            elif attachments is not None and os.path.splitext(name)[1].lower() in SCANNED_SUFFIXES:
                attachments.append((Path(path), path.removeprefix(content_root)))
        for path, item_rel in sorted(found, key=lambda f: f[1].split("/")):
            assert column is not None  # want_items
            if (reserved := reserved_name(item_rel)) is not None:
                findings.append(reserved)
                continue
            items.append(ItemFile(Path(path), item_rel, unit.id, column.id, column.type))
    return items


def _regular_files(top: str) -> Iterable[str]:
    """Paths of the regular files below ``top``, hidden names skipped; never into a link, never a link, FIFO or
    device (files.scan_tree reports those as C011). DirEntry carries the type: no stat per file."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or files.undecodable(entry.name):
                continue  # (a name that is not UTF-8: F008, files.scan_tree)
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif entry.is_file(follow_symlinks=False):
                yield entry.path


# ---------------------------------------------------------------------------------------------------------------
# The item loader in three stages (issue 13; docs/architecture.md "The loader"):
#   scan  (I/O only)  scan_files: stat, read the bytes once, hash them -> ScannedFile
#   parse (pure)      parse_item: bytes + content type + ParseContext -> content.Parsed, cached by parse_key
#   check (pure)      assemble_items, then the cross-file checks of load(): labels, links, leaders, suppressions
# ---------------------------------------------------------------------------------------------------------------


class ScannedFile(NamedTuple):
    """Stage 1 (scan): an item file and the sha256 of its bytes. ``data`` holds the bytes read for the hash; it is
    None only when git vouches that the file is unchanged and the cache knows its blob's sha (issue 11): then the
    file is read at most once, by :func:`read_missing`, and only if no parse of those bytes is cached."""

    file: ItemFile
    sha: str
    data: bytes | None


class Scan(NamedTuple):
    """What :func:`scan_files` found: the files in order, F005 findings, and git blob id -> sha pairs to remember
    (stored only after the bytes read were checked against the blob id)."""

    files: list[ScannedFile]
    findings: list[Finding]
    learned: list[tuple[str, str]]


class ParseContext(NamedTuple):
    """Everything a parse depends on besides the bytes, the path and the content type. The schema salt of the cache
    key (:func:`parse_key`) covers it; pool workers receive it through the pool's initializer."""

    schemas: SchemaSet
    gates: Gates | None
    render: bool


class ParseJob(NamedTuple):
    """One parse to run: its cache key and its input."""

    key: str
    data: bytes
    rel: str
    content_type: str


class ParsedItem(NamedTuple):
    """Stage 2 (parse): an item file, the sha256 of its bytes and what those bytes yield on their own."""

    file: ItemFile
    sha: str
    parsed: content.Parsed


def scan_files(item_files: Iterable[ItemFile], cache: ParseCache, blobs: dict[str, str] | None = None) -> Scan:
    """Stage 1, I/O only: each regular item file is stat'ed, read once and hashed. A link or special file is skipped
    (C011 says so, nothing reads through it), a huge one is F005. ``blobs`` (repository path -> git blob id of files
    git knows to be unchanged, :func:`cache.unchanged_blobs`) lets a file whose blob was read before skip the read
    and the hash: the cache maps the blob id to the sha."""
    item_files = list(item_files)
    blobs = blobs or {}
    known_shas = cache.shas_of({blobs[f.rel] for f in item_files if f.rel in blobs}) if blobs else {}
    scanned: list[ScannedFile] = []
    findings: list[Finding] = []
    learned: list[tuple[str, str]] = []
    for file in item_files:
        sha = known_shas.get(blobs.get(file.rel, ""))
        if sha is not None:
            scanned.append(ScannedFile(file, sha, None))
            continue
        data, problem = _read_item(file)
        if data is None:
            findings += problem
            continue
        sha = hashlib.sha256(data).hexdigest()
        if file.rel in blobs and cache_mod.blob_id(data) == blobs[file.rel]:
            learned.append((blobs[file.rel], sha))
        scanned.append(ScannedFile(file, sha, data))
    return Scan(scanned, findings, learned)


def _read_item(file: ItemFile) -> tuple[bytes | None, list[Finding]]:
    """The bytes of one item file, or None (with F005 for a huge one; nothing for a link or special file)."""
    size = _regular_size(file.path)
    if size is None:
        return None, []
    big = source.too_large(size, file.rel)
    if big:
        return None, [big]
    try:
        return files.read_regular(file.path), []
    except FileNotFoundError:  # removed since the walk: nothing to load
        return None, []
    except OSError as error:  # replaced by a link or a special file since the stat: C011, never read through
        if error.errno in (errno.ELOOP, errno.EINVAL):
            return None, []
        raise


def read_missing(scanned: list[ScannedFile], needed: set[int]) -> tuple[list[ScannedFile], list[Finding]]:
    """Stage 1 for the files git vouched for (``data`` None) whose parse is not cached (their indexes in ``needed``):
    read them now, once. A file that changed kind or size since git answered is treated as :func:`scan_files` would
    (skipped, or F005); its sha is the one of the bytes read."""
    result: list[ScannedFile] = []
    findings: list[Finding] = []
    for index, entry in enumerate(scanned):
        if entry.data is not None or index not in needed:
            result.append(entry)
            continue
        data, problem = _read_item(entry.file)
        findings += problem
        if data is not None:
            result.append(entry._replace(data=data, sha=hashlib.sha256(data).hexdigest()))
    return result, findings


def parse_item(data: bytes, rel: str, content_type: str, context: ParseContext) -> content.Parsed:
    """Stage 2, pure: what one item's bytes yield (findings without a path, meta, HTML when rendering)."""
    return content.parse(data, rel, content_type, context.schemas, context.gates, render=context.render)


def parse_key(sha: str, content_type: str, render: bool, salt: str) -> str:
    """The parse cache key of some bytes. Rendering is part of it: a check-only parse has no HTML for the build."""
    return f"{sha}:{content_type}:{'html' if render else 'nohtml'}:{salt}"



def parse_files(item_files: Iterable[ItemFile], schemas: SchemaSet, gates: Gates | None, cache: ParseCache, salt: str,
                jobs: int, render: bool = True, blobs: dict[str, str] | None = None,
                meanwhile: Callable[[], None] | None = None) -> tuple[list[ParsedItem], list[Finding]]:
    """Stages 1 and 2: scan and parse item files, a :class:`ParsedItem` for each, from the cache when the bytes are
    unchanged; F005 findings for huge files. ``salt`` covers the code, the schemas and the rule data (``gates``).
    ``meanwhile`` is called once, while pool workers parse if there are any (see :func:`parse_many`)."""
    return parse_scanned(scan_files(item_files, cache, blobs), ParseContext(schemas, gates, render), cache, salt, jobs,
                         meanwhile)


def parse_scanned(scan: Scan, context: ParseContext, cache: ParseCache, salt: str, jobs: int,
                  meanwhile: Callable[[], None] | None = None) -> tuple[list[ParsedItem], list[Finding]]:
    """Stage 2: a :class:`ParsedItem` for each scanned file, from the cache by :func:`parse_key`, else parsed from the
    scanned bytes (never read again). Only a file git vouched for and whose parse is not cached is read here, once
    (:func:`read_missing`)."""
    render = context.render
    keys = [parse_key(s.sha, s.file.content_type, render, salt) for s in scan.files]
    known = cache.get_many(keys)
    if not render:  # a rendered parse serves a check too
        rendered = {parse_key(s.sha, s.file.content_type, True, salt): key
                    for s, key in zip(scan.files, keys) if key not in known}
        known.update({rendered[k]: v for k, v in cache.get_many(rendered).items()})
    scanned, findings = read_missing(scan.files, {i for i, key in enumerate(keys) if key not in known})
    if scanned != scan.files:  # read now: a file that changed since git answered has the sha of the bytes read
        keys = [parse_key(s.sha, s.file.content_type, render, salt) for s in scanned]
    todo = [ParseJob(key, s.data, s.file.rel, s.file.content_type)
            for s, key in zip(scanned, keys) if key not in known and s.data is not None]
    fresh = dict(parse_many(todo, context, jobs, meanwhile or _nothing))
    if cache.put_many(fresh.items()) and cache.path is not None:
        for key, value in fresh.items():  # a cold build holds no body in memory either: read when its page is written
            if isinstance(value.get("html"), str) and value["html"]:
                value["html"] = CachedHtml(cache.path, key)
    cache.put_shas(scan.learned)
    result = []
    for s, key in zip(scanned, keys):
        value = known.get(key) or fresh[key]
        if isinstance(value.get("html"), CachedHtml):
            value["html"].again = _Reparse(s.file, s.sha, context)
        result.append(ParsedItem(s.file, s.sha, content.Parsed.from_json(value)))
    return result, scan.findings + findings


class _Reparse:
    """A cached body made again from its file (:attr:`CachedHtml.again`): only from the bytes the item's metadata
    was parsed from (the same sha256), else None."""

    __slots__ = ("context", "file", "sha")

    def __init__(self, file: ItemFile, sha: str, context: ParseContext) -> None:
        self.file, self.sha, self.context = file, sha, context

    def __call__(self) -> str | None:
        try:
            data = files.read_regular(self.file.path)
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != self.sha:
            return None
        html = parse_item(data, self.file.rel, self.file.content_type, self.context._replace(render=True)).html
        return html if isinstance(html, str) else None


# The context of a pool worker and the jobs it picks from by index: set by the pool's initializer in the worker
# process, never by the parent.
_worker_context: ParseContext | None = None
_worker_jobs: list[ParseJob] = []


def _init_worker(context: ParseContext, todo: list[ParseJob] | None = None) -> None:
    global _worker_context, _worker_jobs
    _worker_context = context
    _worker_jobs = todo or []


def _parse_nth(index: int) -> tuple[str, dict[str, Any]]:
    """A pool worker's parse of job ``index`` of the list it was forked with: only the number goes through the pipe,
    not the file's bytes (issue 16)."""
    return _parse_job(_worker_jobs[index])


def _parse_job(job: ParseJob, context: ParseContext | None = None) -> tuple[str, dict[str, Any]]:
    context = context or _worker_context
    if context is None:  # a worker started without _init_worker: a programming error, not an editor's
        raise RuntimeError("parse worker without a context")
    return job.key, parse_item(job.data, job.rel, job.content_type, context).to_json()


def _nothing() -> None:
    pass


def parse_many(todo: list[ParseJob], context: ParseContext, jobs: int,
               meanwhile: Callable[[], None] = _nothing) -> list[tuple[str, dict[str, Any]]]:
    """Stage 2 for many files: in this process for a few, else in a fork pool whose workers get ``context`` from the
    initializer (the scanners are built once before the fork and shared copy-on-write). ``meanwhile`` is this
    process's own work, done while the workers parse (after the parses without a pool), once."""
    if todo and context.gates is not None:
        context.gates.ready()  # built once here, inherited by the workers (and a bad rules/ file is one message)
    if jobs <= 1 or len(todo) < 200:
        done = [_parse_job(job, context) for job in todo]
        meanwhile()
        return done
    import multiprocessing

    # (a fork pool: the initializer's arguments, ``todo`` with every file's bytes among them, are not pickled)
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_init_worker, initargs=(context, todo)) as pool:
        pending = pool.map_async(_parse_nth, range(len(todo)), chunksize=64)
        meanwhile()  # (this process would only wait: issue 16)
        return pending.get()


class Assembled(NamedTuple):
    """Stage 3's first step: the items, the malformed ones (kept for the cross-file checks), each file's findings with
    its inline suppressions applied, and the suppressions of the files that have any, by path."""

    items: list[content.Item]
    invalid: list[content.Item]
    findings: list[Finding]
    suppressions: dict[str, suppressions.FileSuppressions]


def assemble_items(parsed_files: Iterable[ParsedItem], suppress: bool) -> Assembled:
    """Stage 3, pure: items from the parses, in the order of the files; the cross-file checks of :func:`load` follow."""
    result = Assembled([], [], [], {})
    for file, sha, parsed in parsed_files:
        file_suppressions = suppressions.FileSuppressions(file.rel, parsed.suppressions)
        if parsed.suppressions:
            result.suppressions[file.rel] = file_suppressions
        file_findings = file_suppressions.apply(parsed.findings_for(file.rel), suppress)
        result.findings.extend(file_findings)
        if parsed.meta is None:
            continue
        item = content.Item(file.rel, file.unit_id, file.column_id, file.path.stem, file.content_type, parsed.meta,
                            parsed.html, sha, parsed.links, parsed.mentions)
        (result.invalid if malformed(file_findings) else result.items).append(item)
    return result


def _is_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _is_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _regular_size(path: Path) -> int | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def malformed(findings: Iterable[Finding]) -> bool:
    """Whether an item's own file or front matter is broken (F, Y, S errors). Such items are kept out of the
    cross-item rules; an item with a gate error (an ID number, a typo) is still an item, and still checked."""
    return any(f.severity is Severity.ERROR and f.code[0] in "FYS" for f in findings)
