"""The review sheet (审核单) of one pull request (issue 15, R10.5, R10.6): what a leader reads on a phone before
approving on the git host.

It gathers, from git alone (``zhanqun.gitio`` through ``signoff.gitdata``):

1. what changed, item by item, rendered as the sites render it (``zhanqun.content.parse`` → ``zhanqun.markup``:
   Markdown, then the nh3 allowlist), before and after, with the changed blocks and sentences marked
   (:func:`compare_bodies`, difflib over the rendered text blocks); the files that are not items, said in words;
2. where each item will appear on the head's configuration: its site, column page and future address, whether
   it is a homepage headline (as ``build.view.SiteView.headlines`` decides), which portal columns it is pushed
   to, its embargo (``publish_at``) or withdrawal;
3. the chain the sign-off check requires (``signoff.run.check``: the base's configuration, never the head's),
   each role's people by name from the base's unit.yaml, who approved and what is missing, the emergency;
4. the findings ``zhanqun check`` reports for the changed files, run on the head's tree exported aside.

:mod:`zhanqun.signoff.sheet_html` writes the page; :meth:`Sheet.as_dict` is the JSON. Nothing here runs code
of the pull request: the head's files are read, parsed and checked, never imported or built.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import html
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

from zhanqun import content, gitio, markup, source
from zhanqun.cluster import Cluster
from zhanqun.config import ClusterConfig, Unit
from zhanqun.content import IMPORTANCE_LABELS, TYPE_LABELS
from zhanqun.errors import UsageError
from zhanqun.findings import Finding, masked
from zhanqun.schemas import SchemaSet
from zhanqun.signoff import gitdata, policy, run
from zhanqun.signoff.sheet_rules import BAD_LINK, BAD_REVISION, NOT_A_CLUSTER

STATUS_LABELS = {"A": "新增", "M": "修改", "D": "删除", "R": "改名"}
STATE_LABELS = {"APPROVED": "已批准", "CHANGES_REQUESTED": "要求修改", "COMMENTED": "发表意见", "DISMISSED": "批准已撤销"}
# What the head's tree is checked with: what ``zhanqun check`` reads (the cluster's own code is read, never run).
_CHECKED = ("content", "schemas", "rules", "themes", "plugins")
_IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"}
_PLATFORM_WORDS = (("schemas/", "内容模式（信息的字段和格式）"), ("rules/", "审核规则数据（敏感词、禁用词等）"),
                   ("themes/", "网站模板和样式"), ("plugins/", "构建插件（程序）"), (".github/", "CI 工作流"),
                   (".gitea/", "CI 工作流"), ("src/", "zhanqun 程序"), ("tests/", "测试"), ("docs/", "文档"))


# -- the data -------------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Field:
    """One front-matter field of an item, as the page labels it, before and after the change."""

    key: str
    label: str
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclasses.dataclass
class Block:
    """One rendered block of a body compared: ``same``, ``ins`` (only after), ``del`` (only before) or ``changed``
    (a paragraph whose sentences differ: ``inserted``/``deleted`` name them). ``before``/``after`` are safe HTML."""

    kind: str
    before: str
    after: str
    inserted: list[str] = dataclasses.field(default_factory=list)
    deleted: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Placement:
    """Where an item appears on its site after the merge (from the head's configuration)."""

    site: str  # the site's name
    host: str
    column: str  # the column's name
    column_url: str
    url: str  # the item's future address
    preview: str = ""  # its page on the pull request's preview, when --preview-url is given
    headline: list[str] = dataclasses.field(default_factory=list)  # Chinese sentences
    pushed: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (portal column name, its URL)
    embargo: str = ""
    withdrawn: str = ""


@dataclasses.dataclass
class ItemChange:
    status: str  # A M D R
    path: str
    old_path: str | None
    unit: str
    unit_name: str
    column: str
    column_name: str
    type_label: str
    title: str
    old_title: str
    importance: str
    fields: list[Field]
    blocks: list[Block]
    placement: Placement | None  # None for a deletion
    old_url: str = ""  # the address it had (a deletion or a rename)
    problems: list[str] = dataclasses.field(default_factory=list)  # what could not be read (broken front matter)


@dataclasses.dataclass
class OtherChange:
    status: str
    path: str
    old_path: str | None
    what: str  # in words


@dataclasses.dataclass
class Person:
    name: str
    login: str


@dataclasses.dataclass
class ChainRole:
    role: str
    label: str
    people: list[Person]
    approved_by: Person | None


@dataclasses.dataclass
class ChainUnit:
    key: str
    name: str
    importance: str  # Chinese, "" when the requirement has none (portal leader, platform)
    roles: list[ChainRole]


@dataclasses.dataclass
class ReviewLine:
    person: Person
    state: str  # Chinese
    current: bool  # whether it counts (an approval given after the last content change)


@dataclasses.dataclass
class Sheet:
    cluster: str
    base: str
    head: str
    pr: str
    pr_url: str
    author: Person
    items: list[ItemChange]
    others: list[OtherChange]
    chain: list[ChainUnit]
    satisfied: bool
    emergency: bool
    emergency_reason: str
    reasons: list[str]
    reviews: list[ReviewLine]
    findings: list[Finding]
    generated: str
    notes: list[str] = dataclasses.field(default_factory=list)  # what the sheet could not tell, in Chinese

    def as_dict(self) -> dict[str, Any]:
        def person(p: Person | None) -> dict[str, str] | None:
            return None if p is None else {"name": p.name, "login": p.login}

        return {
            "cluster": self.cluster, "base": self.base, "head": self.head, "pr": self.pr, "pr_url": self.pr_url,
            "author": person(self.author), "generated": self.generated, "notes": self.notes,
            "items": [{
                "status": i.status, "status_label": STATUS_LABELS[i.status], "path": i.path, "old_path": i.old_path,
                "unit": i.unit, "unit_name": i.unit_name, "column": i.column, "column_name": i.column_name,
                "type": i.type_label, "title": i.title, "old_title": i.old_title, "importance": i.importance,
                "fields": [{"key": f.key, "label": f.label, "before": f.before, "after": f.after, "changed": f.changed}
                           for f in i.fields],
                "body": [{"kind": b.kind, "inserted": b.inserted, "deleted": b.deleted} for b in i.blocks],
                "placement": None if i.placement is None else dataclasses.asdict(i.placement),
                "old_url": i.old_url, "problems": i.problems,
            } for i in self.items],
            "others": [dataclasses.asdict(o) for o in self.others],
            "chain": [{"unit": c.key, "name": c.name, "importance": c.importance, "roles": [{
                "role": r.role, "label": r.label, "people": [person(p) for p in r.people],
                "approved_by": person(r.approved_by)} for r in c.roles]} for c in self.chain],
            "missing": [f"{c.name} {r.label}" for c in self.chain for r in c.roles if r.approved_by is None],
            "satisfied": self.satisfied, "emergency": self.emergency, "emergency_reason": self.emergency_reason,
            "reasons": self.reasons,
            "reviews": [{"name": r.person.name, "login": r.person.login, "state": r.state, "current": r.current}
                        for r in self.reviews],
            "findings": [{"path": f.path, "line": f.line or None, "code": f.code, "severity": f.severity.value,
                          "message": f.message, "hint": f.shown_hint} for f in self.findings],
        }


# -- building it ----------------------------------------------------------------------------------------------
def build(root: Path, base: str | None, head: str | None, given: run.Inputs, emergency: str = "", pr: str = "",
          pr_url: str = "", preview_url: str = "", now: dt.datetime | None = None) -> Sheet:
    """The review sheet of the change ``base``..``head`` (or the pull request's, from the API) with ``given``'s
    author and reviews."""
    for option, value in (("--pr-url", pr_url), ("--preview-url", preview_url)):
        if value:
            check_link(option, value)
    if given.pull is not None:  # read from the API: its number, and its page unless --pr-url says otherwise
        pr = pr or str(given.pull.number)
        if not pr_url and _is_link(given.pull.html_url):
            pr_url = given.pull.html_url
    try:
        repo = gitdata.open_repo(root)
    except UsageError:
        raise UsageError(f"{root} 不是 git 仓库，无法生成审核单。", code=NOT_A_CLUSTER,
                         hint="在站群仓库的根目录运行，或用 --root 指定。") from None
    base_rev, head_rev = base or given.base, head or given.head
    if not base_rev or not head_rev:
        raise UsageError("缺少 --base 或 --head。", code=BAD_REVISION,
                         hint="给出基准提交（如 origin/main）和最新提交，或用 --pr 与 --api 从托管平台读取。")
    base_commit, head_commit = _commit(repo, base_rev, "--base"), _commit(repo, head_rev, "--head")
    if gitio.ok(root, "merge-base", base_commit.hexsha, head_commit.hexsha) is None:
        raise UsageError(f"基准提交 {base_rev} 与最新提交 {head_rev} 没有共同的历史。", code=BAD_REVISION,
                         hint="确认 --base 是合并目标分支（如 origin/main），--head 是合并请求的提交。")
    base_config, base_units = _config(base_commit, "--base", base_rev)
    notes = []
    try:
        head_config, head_units = _config(head_commit, "--head", head_rev)
    except UsageError:  # the pull request broke the config: the sheet still tells, the findings say what
        head_config, head_units = base_config, base_units
        notes.append("合并请求的最新提交中 content/cluster.yaml 无法使用（见“四、检查发现的问题”）："
                     "网址和栏目按合并目标（基准提交）的配置显示。")
    verdict = run.check(root, base_commit.hexsha, head_commit.hexsha, given, emergency)
    schemas = run.schemas_of(root)
    change = gitdata.change_between(repo, base_commit, head_commit, given.author, given.reviews, emergency, None,
                                    stale_check=True)
    names = _Names(base_units, head_units)
    today_cluster = Cluster(root, head_config, head_units, [], schemas, (now or dt.datetime.now()).date())
    base_cluster = Cluster(root, base_config, base_units, [], schemas, today_cluster.today)

    from zhanqun import cluster as cluster_mod
    from zhanqun.inspect import timeline

    # a finding about a deleted path says what its deletion breaks (C010: no cluster.yaml)
    changed_paths = {p for f in change.files for p in (f.path, f.old_path) if p}
    with timeline.exported(root, head_commit.hexsha, _CHECKED) as tree:
        loaded, found = cluster_mod.load(tree, jobs=1, render=False, cache_dir=root / ".zhanqun-cache")
        head_schemas = SchemaSet.for_root(tree)
    findings = sorted({f for f in found if any(_under(f.path, p) for p in changed_paths)})
    moment = now or (loaded.now if loaded is not None else cluster_mod.reference_time())

    items, others = [], []
    texts = _texts(root, base_commit.hexsha, head_commit.hexsha, change.files)
    for changed in change.files:
        before_path = changed.old_path or changed.path
        before_entry = _item_of(base_units, before_path) if changed.status != "A" else None
        after_entry = _item_of(head_units, changed.path) if changed.status != "D" else None
        if before_entry is None and after_entry is None:
            others.append(OtherChange(changed.status, changed.path, changed.old_path,
                                      _what(changed.path, head_units or base_units)))
            continue
        before = texts.get(("base", before_path)) if before_entry else None
        after = texts.get(("head", changed.path)) if after_entry else None
        items.append(_item_change(changed, before_entry, after_entry, before, after, head_schemas,
                                  base_cluster, today_cluster, loaded, preview_url, moment))
    return Sheet(
        cluster=head_config.name, base=base_commit.hexsha, head=head_commit.hexsha, pr=pr, pr_url=pr_url,
        author=names.person(given.author), items=items, others=others,
        chain=_chain(verdict, base_config, base_units, names), satisfied=verdict.satisfied,
        emergency=verdict.emergency, emergency_reason=policy.visible_reason(emergency) if emergency else "",
        reasons=[names.in_text(r) for r in verdict.reasons], reviews=_reviews(change, names),
        findings=findings, generated=moment.strftime("%Y-%m-%d %H:%M"), notes=notes)


def _is_link(value: str) -> bool:
    """An address a leader may follow from the sheet: http(s) with a host, nothing that breaks out of an attribute."""
    parsed = urllib.parse.urlsplit(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and not re.search(r"[\s\"'<>\\`]", value)


def check_link(option: str, value: str) -> str:
    if not _is_link(value):
        raise UsageError(f"{option} 的“{value[:80]}”不是 http(s) 网址。", code=BAD_LINK,
                         hint="写完整的网址，如 https://pr-7.preview.shilixian.gov.cn/{host}/。")
    return value


def preview_link(template: str, host: str, path: str) -> str:
    """An item's page on the pull request's preview: ``{host}`` (the site's public host, www.shilixian.gov.cn) and
    ``{label}`` (its first label, www or fgw) in ``template`` are filled in, then the item's path is added; a
    template without either is the preview's root and the site is a folder in it (``…/www.shilixian.gov.cn/``)."""
    if "{host}" in template or "{label}" in template:
        prefix = template.replace("{host}", host).replace("{label}", host.split(".")[0])
    else:
        prefix = template.rstrip("/") + "/" + host + "/"
    return prefix.rstrip("/") + "/" + path.lstrip("/")


def _commit(repo: gitdata.Repo, rev: str, option: str) -> gitdata.Commit:
    try:
        return gitdata.commit_of(repo, rev)
    except UsageError:
        raise UsageError(f"找不到 {option} 给出的提交 {rev}。", code=BAD_REVISION,
                         hint="用分支名、标签或提交哈希；CI 中检出时设 fetch-depth: 0，并先 fetch 基准分支。") from None


def _config(commit: gitdata.Commit, option: str, rev: str) -> tuple[ClusterConfig, dict[str, Unit]]:
    try:
        return gitdata.config_at(commit)
    except (UsageError, KeyError, TypeError, ValueError, AttributeError):
        raise UsageError(f"{option} 的提交 {rev}（{commit.hexsha[:10]}）中没有可用的 content/cluster.yaml，不是站群。",
                         code=NOT_A_CLUSTER, hint="在站群仓库中运行，并确认两个提交中都有有效的 content/cluster.yaml。") from None


def _under(path: str, wanted: str) -> bool:
    return path == wanted or path.startswith(wanted.rstrip("/") + "/")


def _texts(root: Path, base: str, head: str, files: tuple[policy.ChangedFile, ...]) -> dict[tuple[str, str], bytes]:
    """The bytes of every changed Markdown file at the base (its old path) and at the head: one cat-file."""
    from zhanqun.audit import history

    specs: list[tuple[str, str, str]] = []
    for f in files:
        if f.status != "A" and (f.old_path or f.path).endswith(".md"):
            specs.append(("base", f.old_path or f.path, f"{base}:{f.old_path or f.path}"))
        if f.status != "D" and f.path.endswith(".md"):
            specs.append(("head", f.path, f"{head}:{f.path}"))
    blobs = history.cat_files(root, [spec for _, _, spec in specs])
    return {(side, path): blob for (side, path, _), blob in zip(specs, blobs) if blob is not None}


@dataclasses.dataclass(frozen=True)
class _Entry:
    unit: Unit
    column_id: str
    type: str


def _item_of(units: dict[str, Unit], rel: str) -> _Entry | None:
    """The unit and column of ``rel`` when it is an item (``content/<unit>/<column>/…/*.md`` of a declared column)."""
    parts = rel.split("/")
    if len(parts) < 4 or parts[0] != "content" or not rel.endswith(".md") or parts[1] not in units:
        return None
    unit = units[parts[1]]
    column = unit.columns.get(parts[2])
    return None if column is None or "attachments" in parts[3:-1] else _Entry(unit, column.id, column.type)


def _what(rel: str, units: dict[str, Unit]) -> str:
    """What a file that is not an item is, in words a leader understands."""
    parts = rel.split("/")
    suffix = PurePosixPath(rel).suffix.lower()
    if rel == "content/cluster.yaml":
        return "站群配置（网站、审核链、平台管理员；需平台管理员审核）"
    if rel == "content/calendar.yaml":
        return "节假日与调休配置（留言答复期限按它计算）"
    if len(parts) == 3 and parts[0] == "content" and parts[2] == "unit.yaml":
        unit = units.get(parts[1])
        return f"单位配置：{unit.name if unit else parts[1]}（人员、角色和栏目；需平台管理员审核）"
    if len(parts) >= 3 and parts[0] == "content":
        unit = units.get(parts[1])
        where = unit.name if unit else parts[1]
        column = unit.columns.get(parts[2]) if unit and len(parts) > 3 else None
        if column is not None:
            where += f"「{column.name}」栏目"
        kind = "图片" if suffix in _IMAGES else "附件" if suffix != ".md" else "不在已声明栏目中的文件"
        return f"{where}的{kind}（{PurePosixPath(rel).name}）"
    for prefix, words in _PLATFORM_WORDS:
        if rel.startswith(prefix):
            return f"平台文件：{words}" + ("" if prefix == "docs/" else "（需平台管理员审核）")
    return "平台文件（需平台管理员审核）"


def _item_change(changed: policy.ChangedFile, before_entry: _Entry | None, after_entry: _Entry | None,
                 before: bytes | None, after: bytes | None, schemas: SchemaSet, base_cluster: Cluster,
                 head_cluster: Cluster, loaded: Cluster | None, preview_url: str, moment: dt.datetime) -> ItemChange:
    entry = after_entry or before_entry
    assert entry is not None
    problems: list[str] = []
    old = _parse(before, changed.old_path or changed.path, before_entry.type, schemas, problems) if before_entry else None
    new = _parse(after, changed.path, after_entry.type, schemas, problems) if after_entry else None
    old_meta, new_meta = (old or ({}, ""))[0], (new or ({}, ""))[0]
    props = schemas.properties(entry.type)
    keys = [k for k in props if k in old_meta or k in new_meta]
    keys += [k for k in (*old_meta, *new_meta) if k not in keys]
    portal = head_cluster.units.get(head_cluster.config.portal)
    fields = [Field(k, _label(k, props.get(k, {})),
                    masked(_value(k, old_meta[k], props, portal)) if k in old_meta and before_entry else None,
                    masked(_value(k, new_meta[k], props, portal)) if k in new_meta and after_entry else None)
              for k in keys]
    blocks = compare_bodies(old[1] if old else "", new[1] if new else "")
    slug = PurePosixPath(changed.path).stem
    placement = None
    if after_entry is not None:
        placement = _placement(head_cluster, loaded, changed.path, after_entry, new_meta, preview_url, moment)
    old_url = ""
    if before_entry is not None and changed.status in ("D", "R"):
        old_path = changed.old_path or changed.path
        old_url = base_cluster.url_of(_item(old_path, before_entry, old_meta))
    unit_name = entry.unit.name
    column = entry.unit.columns[entry.column_id]
    title = masked(str(new_meta.get("title") or new_meta.get("name") or (slug if new is not None else "")))
    old_title = masked(str(old_meta.get("title") or old_meta.get("name") or ""))
    importance = str((new_meta or old_meta).get("importance", "routine"))
    return ItemChange(changed.status, changed.path, changed.old_path, entry.unit.id, unit_name, column.id, column.name,
                      TYPE_LABELS.get(entry.type, entry.type), title or old_title, old_title,
                      IMPORTANCE_LABELS.get(importance, importance), fields, blocks, placement, old_url, problems)


def _parse(data: bytes | None, rel: str, content_type: str, schemas: SchemaSet,
           problems: list[str]) -> tuple[dict[str, Any], str] | None:
    """(canonical front matter, rendered body) of one version of an item, as the site's build reads it."""
    if data is None:
        problems.append(f"{rel} 读不出来。")
        return None
    parsed = content.parse(data, rel, content_type, schemas, None, render=True)
    if parsed.meta is None:
        problems.append(f"{rel} 的头信息无法解析（见下面“检查发现的问题”）；正文按原文显示。")
        text = data.decode("utf-8", "replace")
        split = source.split_front_matter(text, rel)
        body = split[1] if isinstance(split, tuple) else text
        return {}, _safe_body(markup.render(body))
    return parsed.meta, _safe_body(parsed.html if isinstance(parsed.html, str) else parsed.html.read())


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT = re.compile(r"\balt=\"([^\"]*)\"")


_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def _safe_body(rendered: str) -> str:
    """A rendered body for the sheet: images (which would load from elsewhere) as their description in words;
    headings three levels down (the sheet's own h2 part, h3 item, h4 version come first; h6 at most)."""
    def word(match: re.Match[str]) -> str:
        alt = _ALT.search(match.group(0))
        # nh3 wrote the attribute escaped: unescape, then escape once more for the text
        return f"<span class=\"img\">〔图片：{html.escape(html.unescape(alt.group(1)) if alt else '无说明')}〕</span>"

    rendered = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 3, 6)}", rendered)
    return _IMG.sub(word, rendered)


def _label(key: str, prop: dict[str, Any]) -> str:
    aliases = prop.get("x-aliases") or []
    return str(aliases[0]) if aliases else str(prop.get("description") or key).split("：")[0].split("（")[0]


def _value(key: str, value: Any, props: dict[str, dict[str, Any]], portal: Unit | None) -> str:
    if key == "importance":
        return IMPORTANCE_LABELS.get(str(value), str(value))
    if key == "push_to_portal" and isinstance(value, list) and portal is not None:
        return "、".join(portal.columns[c].name if c in portal.columns else str(c) for c in value)
    return _text(value, props.get(key, {}).get("properties", {}))


def _text(value: Any, props: dict[str, Any] | None = None) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "（空）"
    if isinstance(value, list):
        return "；".join(_text(v) for v in value) if any(isinstance(v, dict) for v in value) else "、".join(
            _text(v) for v in value)
    if isinstance(value, dict):
        props = props or {}
        return "，".join(f"{_label(str(k), props.get(k, {})) if k in props else k}：{_text(v)}" for k, v in value.items())
    return str(value)


def _item(rel: str, entry: _Entry, meta: dict[str, Any]) -> content.Item:
    return content.Item(rel, entry.unit.id, entry.column_id, PurePosixPath(rel).stem, entry.type, meta, "", "")


def _placement(cluster: Cluster, loaded: Cluster | None, rel: str, entry: _Entry, meta: dict[str, Any],
               preview_url: str, moment: dt.datetime) -> Placement:
    item = _item(rel, entry, meta)
    host = cluster.host_of(entry.unit.id)
    site = next(s for s in cluster.sites() if s.host == host)
    site_name = cluster.config.name if site.is_portal else cluster.units[site.owner].name
    column = entry.unit.columns[entry.column_id]
    column_url = f"https://{host}/{cluster.unit_prefix(entry.unit.id)}{column.id}/"
    placement = Placement(site_name, host, column.name, column_url, cluster.url_of(item))
    if preview_url:
        placement.preview = preview_link(preview_url, host, cluster.path_of(item))
    portal = cluster.portal
    withdrawn = meta.get("withdrawn")
    if withdrawn:
        placement.withdrawn = ("撤稿：页面只留撤稿说明，不再出现在栏目列表、首页和搜索中"
                               + (f"（{_text(withdrawn, {'date': {'x-aliases': ['撤稿日期']}, 'reason': {'x-aliases': ['理由']}})}）"
                                  if isinstance(withdrawn, dict) else "") + "。")
    when = meta.get("publish_at")
    if when:
        try:
            future = content.to_datetime(str(when)) > moment
        except ValueError:
            future = False
        placement.embargo = (f"定时发布：{when}（北京时间）之前不出现在网站上。" if future
                             else f"定时发布时间 {when} 已过：合并发布后即出现在网站上。")
    headlines = _headlines(loaded, rel)
    if meta.get("homepage"):
        state = headlines.get(cluster.portal_host)
        placement.headline.append(f"门户首页头条（{portal.name}首页“头条”区，按日期取最新 5 条）"
                                  + ("：合并后在前 5 条之内。" if state else "：合并后不在最新 5 条之内，只在栏目中。"
                                     if state is not None else "。"))
    if meta.get("importance") == "important" and not site.is_portal and site.owner == entry.unit.id:
        state = headlines.get(host)
        placement.headline.append(f"{site_name}网站首页头条（重要信息）"
                                  + ("：合并后在前 5 条之内。" if state else "：合并后不在最新 5 条之内。"
                                     if state is not None else "。"))
    for column_id in meta.get("push_to_portal") or []:
        target = portal.columns.get(str(column_id))
        name = target.name if target else str(column_id)
        placement.pushed.append((f"{portal.name}「{name}」", f"https://{cluster.portal_host}/{column_id}/"))
    return placement


def _headlines(loaded: Cluster | None, rel: str) -> dict[str, bool]:
    """{host: whether ``rel`` is among that site's homepage headlines} on the head's cluster, as the build decides
    (``SiteView.headlines``); empty when the head's cluster could not be loaded or the item has errors."""
    if loaded is None or not any(i.rel == rel for i in loaded.items):
        return {}
    from zhanqun.build.view import SiteView

    return {site.host: any(i.rel == rel for i in SiteView(loaded, site).headlines) for site in loaded.sites()}


# -- comparing bodies -----------------------------------------------------------------------------------------
_VOID = frozenset({"br", "hr", "img", "col", "wbr"})
_PROSE = frozenset({"p", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})
_SENTENCE = re.compile(r"(?<=[。！？；!?;])(?![”’」』）)\"'])")


@dataclasses.dataclass
class _Rendered:
    tag: str
    parts: list[str]
    words: list[str]

    @property
    def html(self) -> str:
        return "".join(self.parts)

    @property
    def text(self) -> str:
        return " ".join("".join(self.words).split())


class _Splitter(HTMLParser):
    """The top-level blocks of sanitised HTML (nh3's output), each re-serialised: start tags as nh3 wrote them,
    text escaped again."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Rendered] = []
        self.depth = 0
        self.current: _Rendered | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0 or self.current is None:
            self.current = _Rendered(tag, [], [])
            self.blocks.append(self.current)
            self.depth = 0
        # as nh3 wrote it (attributes quoted and escaped); a number in an address (tel:) masked like the text
        self.current.parts.append(masked(self.get_starttag_text() or f"<{tag}>"))
        if tag in _VOID:
            if self.depth == 0:
                self.current = None
        else:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.current is None or tag in _VOID:
            return
        self.current.parts.append(f"</{tag}>")
        self.depth -= 1
        if self.depth <= 0:
            self.depth, self.current = 0, None

    def handle_data(self, data: str) -> None:
        data = masked(data)  # as every output shows an 11+ digit number (R4.2): the sheet is read on a phone
        if self.current is None:
            if not data.strip():
                return
            self.current = _Rendered("p", ["<p>"], [])
            self.blocks.append(self.current)
            self.current.parts.append(html.escape(data, quote=False))
            self.current.words.append(data)
            self.current.parts.append("</p>")
            self.current = None
            return
        self.current.parts.append(html.escape(data, quote=False))
        self.current.words.append(data)


def blocks_of(rendered: str) -> list[_Rendered]:
    splitter = _Splitter()
    splitter.feed(rendered)
    splitter.close()
    return splitter.blocks


def sentences(text: str) -> list[str]:
    return [s for s in (part.strip() for part in _SENTENCE.split(text)) if s]


def compare_bodies(before: str, after: str) -> list[Block]:
    """The rendered bodies compared block by block (difflib over each block's text); inside a paragraph or list
    item that changed, sentence by sentence, and inside a list that changed, item by item: what only the new
    version has is ``<ins>``, what only the old one had ``<del>``. A new or deleted item has every block ``same``
    (there is nothing to mark it against)."""
    old, new = blocks_of(before), blocks_of(after)
    if not old or not new:
        return [Block("same", b.html if not new else "", b.html if new else "") for b in (new or old)]
    return _compare(old, new, _PROSE)


def _compare(old: list[_Rendered], new: list[_Rendered], prose: frozenset[str]) -> list[Block]:
    matcher = difflib.SequenceMatcher(None, [b.text for b in old], [b.text for b in new], autojunk=False)
    out: list[Block] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [Block("same", old[i].html, new[j].html) for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        gone, came = old[i1:i2], new[j1:j2]
        for k in range(max(len(gone), len(came))):
            a = gone[k] if k < len(gone) else None
            b = came[k] if k < len(came) else None
            if a is not None and b is not None and a.tag == b.tag:
                if a.tag in _LISTS:
                    out.append(_list_diff(a, b))
                    continue
                if a.tag in prose and difflib.SequenceMatcher(None, a.text, b.text, autojunk=False).ratio() >= 0.4:
                    out.append(_sentence_diff(a, b))
                    continue
            if a is not None:
                out.append(Block("del", _wrapped(a, "del"), "", deleted=[a.text]))
            if b is not None:
                out.append(Block("ins", "", _wrapped(b, "ins"), inserted=[b.text]))
    return out


def _inner(block: _Rendered) -> str:
    return "".join(block.parts[1:-1])


def _wrapped(block: _Rendered, mark: str) -> str:
    """A whole block only one version has: a list item marked inside (a list holds only items), else the block
    inside the mark."""
    if block.tag == "li":
        return f"{block.parts[0]}<{mark}>{_inner(block)}</{mark}></li>"
    return f"<{mark} class=\"block\">{block.html}</{mark}>"


def _list_diff(a: _Rendered, b: _Rendered) -> Block:
    """A list changed in place: its items compared (sentence by sentence inside a changed item)."""
    items = _compare(blocks_of(_inner(a)), blocks_of(_inner(b)), frozenset({"li"}))
    return Block("changed", a.parts[0] + "".join(i.before for i in items) + a.parts[-1],
                 b.parts[0] + "".join(i.after for i in items) + b.parts[-1],
                 [s for i in items for s in i.inserted], [s for i in items for s in i.deleted])


def _sentence_diff(a: _Rendered, b: _Rendered) -> Block:
    """A paragraph changed in place: its text, sentence by sentence, the changed sentences marked (the inline
    formatting of this one paragraph is not kept: the marks matter more here)."""
    old, new = sentences(a.text), sentences(b.text)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    before, after, inserted, deleted = [], [], [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            before += [html.escape(s, quote=False) for s in old[i1:i2]]
            after += [html.escape(s, quote=False) for s in new[j1:j2]]
            continue
        for s in old[i1:i2]:
            before.append(f"<del>{html.escape(s, quote=False)}</del>")
            deleted.append(s)
        for s in new[j1:j2]:
            after.append(f"<ins>{html.escape(s, quote=False)}</ins>")
            inserted.append(s)
    return Block("changed", f"<{a.tag}>{''.join(before)}</{a.tag}>", f"<{b.tag}>{''.join(after)}</{b.tag}>",
                 inserted, deleted)


# -- the chain by name ----------------------------------------------------------------------------------------
class _Names:
    """Logins to the names unit.yaml gives them (the base's, then the head's for people added by the change)."""

    def __init__(self, *unit_sets: dict[str, Unit]) -> None:
        self.names: dict[str, Person] = {}
        for units in unit_sets:
            for unit in units.values():
                for p in unit.people:
                    self.names.setdefault(policy.login_key(p.id), Person(p.name, p.id))

    def person(self, login: str) -> Person:
        return self.names.get(policy.login_key(login)) or Person(login, login)

    def in_text(self, text: str) -> str:
        """A reason of the sign-off check with each login it names followed by the person's name."""
        def name(match: re.Match[str]) -> str:
            found = self.names.get(policy.login_key(match.group(0)))
            return f"{found.name}（{match.group(0)}）" if found and found.name != found.login else match.group(0)

        # (a login already after its name, "陈浩（chen-hao-fgw）", is left as it is)
        return re.sub(r"(?<![A-Za-z0-9_.（-])[A-Za-z0-9][A-Za-z0-9_.-]*(?![A-Za-z0-9_.-])", name, text)


def _chain(verdict: policy.Verdict, config: ClusterConfig, units: dict[str, Unit], names: _Names) -> list[ChainUnit]:
    out = []
    for req in verdict.requirements:
        roles = []
        for role in req.roles:
            if role == policy.ADMIN:
                holders = [names.person(login) for login in config.admins]
            else:
                unit = units.get(config.portal if req.key == policy.PORTAL_UNIT else req.key)
                holders = [Person(p.name, p.id) for p in (unit.people if unit else []) if role in p.roles]
            filled = req.filled.get(role)
            roles.append(ChainRole(role, policy.role_label(role), holders, names.person(filled) if filled else None))
        out.append(ChainUnit(req.key, req.name, IMPORTANCE_LABELS.get(req.importance or "", ""), roles))
    return out


def _reviews(change: policy.Change, names: _Names) -> list[ReviewLine]:
    """Each reviewer's latest review that approves, asks for changes or withdraws (what the chain counts)."""
    current = change.fresh
    lines = []
    for review in sorted(policy.latest_reviews(change.reviews).values(), key=lambda r: r.order):
        counts = review.state != "APPROVED" or current is None or review.commit in current
        lines.append(ReviewLine(names.person(review.login), STATE_LABELS.get(review.state, review.state), counts))
    return lines
