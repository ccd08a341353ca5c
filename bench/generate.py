"""Generate a synthetic zhanqun cluster repository for benchmarking.

    python bench/generate.py OUT_DIR --units N --items M [--seed S] [--embargoes K] [--git]

writes a complete cluster repository to OUT_DIR (content/, plus schemas/, themes/, plugins/ and
pelicanconf.py copied from this project) and the same Markdown bodies, with Pelican-style front matter,
under OUT_DIR/plain/ for the plain-Pelican baseline, and with Hugo front matter under OUT_DIR/hugo/
(content/<unit>/<column>/*.md, the settings and minimal layouts of bench/hugo/) for the Hugo baseline.
``--embargoes K`` adds K embargoed items (``publish_at`` ten minutes apart from EMBARGO_BASE + 5 min) for the
embargo row of bench/run.py; ``--git`` makes OUT_DIR a git repository with one commit (the bench edits are
commits, as merges are). Output is a pure function of the arguments and seed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
COPIED = ("schemas", "themes", "plugins", "pelicanconf.py")
DOMAIN = "jizhunxian.gov.cn"
COUNTY = "基准县"
FIRST_DAY = dt.date(2020, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)  # every date is before 2026-11-01
BODY_CHARS = (1200, 1600)  # ~1,500 characters of body text per item
PORTAL_ID = "xzf"
HUGO_FILES = Path(__file__).resolve().parent / "hugo"  # hugo.toml and layouts/, copied to OUT/hugo/
# The bench's reference time (SOURCE_DATE_EPOCH, China time): the morning after the last generated date.
# Embargoed item k is due at EMBARGO_BASE + 5 min + k * EMBARGO_STEP; bench/run.py moves the clock one step a round.
EMBARGO_BASE = dt.datetime(2026, 11, 1, 8, 0)
EMBARGO_STEP = dt.timedelta(minutes=10)
CHINA_OFFSET = dt.timedelta(hours=8)
GITIGNORE = "output/\n.zhanqun-cache/\nplain/\nhugo/\n"

# (short name, full name without the county prefix): labels are the pinyin initials of the short name.
DEPARTMENTS: list[tuple[str, str]] = [
    ("发改委", "发展和改革委员会"), ("教育局", "教育局"), ("科技局", "科学技术局"), ("工信局", "工业和信息化局"),
    ("公安局", "公安局"), ("民政局", "民政局"), ("司法局", "司法局"), ("财政局", "财政局"),
    ("人社局", "人力资源和社会保障局"), ("自然资源局", "自然资源局"), ("生态环境局", "生态环境局"),
    ("住建局", "住房和城乡建设局"), ("交通运输局", "交通运输局"), ("水利局", "水利局"), ("农业农村局", "农业农村局"),
    ("商务局", "商务局"), ("文旅局", "文化和旅游局"), ("卫健委", "卫生健康委员会"), ("退役军人事务局", "退役军人事务局"),
    ("应急管理局", "应急管理局"), ("审计局", "审计局"), ("市场监管局", "市场监督管理局"), ("统计局", "统计局"),
    ("医保局", "医疗保障局"), ("林业局", "林业局"), ("城管局", "城市管理局"), ("信访局", "信访局"),
    ("体育局", "体育局"), ("档案馆", "档案馆"), ("融媒体中心", "融媒体中心"), ("粮储局", "粮食和物资储备局"),
]

# (column id, name, type, column_type, category, cycle)
COLUMNS: list[tuple[str, str, str, str, str, str]] = [
    ("gzdt", "工作动态", "news", "工作动态", "工作动态", "weekly"),
    ("tzgg", "通知公告", "notice", "通知公告", "通知公告", "as_needed"),
    ("zcwj", "政策文件", "policy", "政策文件", "政策文件", "as_needed"),
]
LEADER_COLUMN = ("ldxx", "领导信息", "leader", "负责人信息", "负责人信息", "as_needed")  # only with --leaders
PORTAL_PUSH_COLUMN = ("bmdt", "部门动态", "news", "工作动态", "工作动态", "3_workdays")  # receives pushed news
TOPICS = [("xczx", "乡村振兴"), ("yhyshj", "优化营商环境")]
POLICY_TOPICS = ["国民经济管理", "城乡建设、环境保护", "农业、林业、水利", "财政、金融、审计", "劳动、人事、监察",
                 "科技、教育", "文化、广电、新闻出版", "卫生、体育", "民政、扶贫、救灾", "综合政务"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建林峰波宁浩凯文博志远晓雨欣"

SUBJECTS = """县委 县政府 各乡镇 街道办事处 县直各部门 各有关单位 项目单位 村（社区） 基层党组织 工作专班 领导小组
党员干部 执法人员 网格员 企业负责人 专家组 督查组 调研组 工作人员 驻村工作队 志愿者 市场主体 群众代表""".split()
VERBS = """推进 落实 加强 完善 开展 深化 健全 强化 优化 部署 组织 推动 提升 统筹 规范 保障 实施 探索 建立 巩固
督促 指导 研究 协调 聚焦 压实 创新 拓展 夯实 筑牢""".split()
OBJECTS = """高质量发展 乡村振兴 营商环境 民生实事 安全生产 生态环境保护 基础设施建设 重点项目 招商引资 产业升级
社会治理 公共服务 政务公开 信息化建设 防汛抗旱 森林防火 疫情防控 就业创业 教育医疗 养老服务 住房保障 文化旅游
农田水利 交通路网 城乡融合 数字政府 一网通办 放管服改革 信用体系 财政资金 专项债券 惠民政策 考核评价 问题整改
矛盾纠纷排查 风险隐患 应急预案 人才队伍 作风建设 廉政建设 制度机制 工作台账 服务质量 办事效率 群众满意度""".split()
ADVERBS = """切实 扎实 全面 持续 进一步 坚决 积极 认真 稳步 有序 着力 及时 大力 不断 深入 严格 主动 统筹""".split()
CONNECTORS = """同时 此外 与此同时 下一步 会议强调 会议指出 据了解 截至目前 近年来 今年以来 按照要求 为此""".split()
PHRASES = """取得明显成效 形成长效机制 确保各项任务落到实处 切实增强群众获得感 为全县经济社会发展提供有力保障
坚持问题导向 坚持以人民为中心 守住安全底线 打通服务群众最后一公里 营造良好氛围 实现预期目标 确保按期完成
做到应公开尽公开 推动工作提质增效 压紧压实各方责任 形成工作合力""".split()
NUMERALS = "一二三四五六七八九十"


@dataclasses.dataclass(frozen=True)
class UnitSpec:
    """One unit of the synthetic cluster."""

    id: str
    short_name: str
    name: str
    kind: str
    label: str
    label_reason: str
    org_code: str
    people: list[tuple[str, str, str]]  # (id, name, role)


def _initials(text: str) -> str | None:
    """Pinyin initials of ``text`` as zhanqun's label rule computes them; None without pypinyin."""
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:
        return None
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


def plan_units(count: int, rng: random.Random) -> list[UnitSpec]:
    """The portal plus ``count - 1`` departments with unique, rule-conforming labels."""
    def people(label: str) -> list[tuple[str, str, str]]:
        names = [rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))) for _ in range(4)]
        return [(f"{role}-{label}", name, role) for role, name in zip(("editor", "first", "second", "final"), names)]

    units = [UnitSpec(PORTAL_ID, "县政府", f"{COUNTY}人民政府", "portal", "www", "", "JZXZF", people("www"))]
    used = {"www"}
    for index in range(1, count):
        short, full = DEPARTMENTS[index - 1] if index - 1 < len(DEPARTMENTS) else (f"基准单位{index}", f"基准单位{index}")
        label, reason = _initials(short), ""
        if not label or label in used or not label.isalnum():
            label, reason = f"bm{index:03d}", "基准测试"
        used.add(label)
        units.append(UnitSpec(label, short, f"{COUNTY}{full}", "department", label, reason, f"JZX{label.upper()}",
                              people(label)))
    return units


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cluster_yaml() -> str:
    topics = "".join(f"  - id: {tid}\n    name: {tag}\n    tag: {tag}\n    description: 汇集全县{tag}相关工作动态与政策文件。\n"
                     for tid, tag in TOPICS)
    return f"""name: {COUNTY}人民政府
domain: {DOMAIN}
portal: {PORTAL_ID}
identity:
  id_code: "4199100001"
  icp: 基ICP备20260001号-1
  police_record: "41991002000001"
  police_record_prefix: 基公网安备
  sponsor: {COUNTY}人民政府
  organizer: {COUNTY}人民政府办公室
  contact:
    phone: "0000-12345678"
    email: zfb@{DOMAIN}
    address: {COUNTY}人民路 1 号
  ipv6: true
  party_gov_mark: ""
sources: [新华社, 人民日报, 基准日报]
signoff:
  routine: [first]
  general: [first, second]
  important: [first, second, final]
admins: [egov-admin1, egov-admin2]
topics:
{topics}"""


def unit_yaml(unit: UnitSpec, leaders: int = 0) -> str:
    portal = unit.kind == "portal"
    columns = COLUMNS + [PORTAL_PUSH_COLUMN] if portal else list(COLUMNS)
    if leaders:
        columns.append(LEADER_COLUMN)
    lines = [
        f"name: {unit.name}", f"short_name: {unit.short_name}", f"kind: {unit.kind}", "hosting: subdomain",
        f"hosting_reason: {_quote('' if portal else '基准测试：每个部门一个独立子站')}", f"label: {unit.label}",
        f"label_reason: {_quote(unit.label_reason)}", f"org_code: {unit.org_code}", "people:",
    ]
    for pid, name, role in unit.people:
        lines += [f"  - id: {pid}", f"    name: {name}", f"    roles: [{role}]"]
    lines.append("columns:")
    for cid, name, ctype, column_type, category, cycle in columns:
        lines += [f"  - id: {cid}", f"    name: {name}", f"    type: {ctype}", f"    column_type: {column_type}",
                  f"    cycle: {cycle}", f"    category: {category}", f"    description: 发布{unit.short_name}{name}。",
                  f"    keywords: [{name}, {unit.short_name}]"]
        if ctype == "policy":
            lines.append('    index_category: "02"')
    return "\n".join(lines) + "\n"


class TextMaker:
    """Varied, deterministic Chinese body text from a word list."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def clause(self) -> str:
        r = self.rng
        shape = r.randrange(10)
        if shape < 4:
            return f"{r.choice(SUBJECTS)}{r.choice(ADVERBS)}{r.choice(VERBS)}{r.choice(OBJECTS)}"
        if shape < 6:
            return f"{r.choice(VERBS)}{r.choice(OBJECTS)}和{r.choice(OBJECTS)}"
        if shape < 9:
            return f"{r.choice(ADVERBS)}{r.choice(VERBS)}{r.choice(OBJECTS)}工作，{r.choice(PHRASES)}"
        return f"全年累计完成{r.choice(OBJECTS)}项目{r.randint(3, 480)}个，涉及资金{r.randint(12, 9800)}万元"

    def sentence(self) -> str:
        r = self.rng
        lead = f"{r.choice(CONNECTORS)}，" if r.random() < 0.3 else ""
        return lead + "，".join(self.clause() for _ in range(r.randint(2, 4))) + "。"

    def paragraph(self) -> str:
        return "".join(self.sentence() for _ in range(self.rng.randint(2, 5)))

    def body(self) -> str:
        """Several paragraphs, some headings, a list and emphasis: about BODY_CHARS characters."""
        r = self.rng
        target = r.randint(*BODY_CHARS)
        blocks: list[str] = []
        size = section = 0
        while size < target:
            roll = r.random()
            if blocks and roll < 0.12 and section < len(NUMERALS):
                block = f"## {NUMERALS[section]}、{r.choice(VERBS)}{r.choice(OBJECTS)}"
                section += 1
            elif roll < 0.2:
                block = "\n".join(f"{n}. {self.sentence()}" for n in range(1, r.randint(3, 5)))
            elif roll < 0.28:
                block = f"**{r.choice(PHRASES)}。**{self.paragraph()}"
            else:
                block = self.paragraph()
            blocks.append(block)
            size += len(block)
        return "\n\n".join(blocks) + "\n"

    def title(self, unit: UnitSpec, ctype: str) -> str:
        r = self.rng
        if ctype == "news":
            return f"{unit.short_name}{r.choice(ADVERBS)}{r.choice(VERBS)}{r.choice(OBJECTS)}工作"
        if ctype == "notice":
            return f"关于做好{r.choice(OBJECTS)}{r.choice(('工作', '有关事项', '专项检查'))}的通知"
        return f"{COUNTY}{r.choice(OBJECTS)}{r.choice(('管理办法', '实施方案', '实施细则', '工作方案'))}"


@dataclasses.dataclass
class Item:
    """One generated item: where it goes and what it says."""

    unit: UnitSpec
    column: str
    column_name: str
    ctype: str
    stem: str
    when: dt.datetime
    has_time: bool
    title: str
    body: str
    meta: dict[str, str]  # extra zhanqun front matter lines, already YAML-formatted values
    tags: list[str]
    author: str


def _spread(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def plan_items(units: list[UnitSpec], total: int, rng: random.Random) -> Iterator[Item]:
    """``total`` items spread evenly over units and their three columns."""
    text = TextMaker(rng)
    span = (LAST_DAY - FIRST_DAY).days
    for unit, unit_total in zip(units, _spread(total, len(units))):
        serial: dict[int, int] = {}
        for (cid, cname, ctype, *_), count in zip(COLUMNS, _spread(unit_total, len(COLUMNS))):
            for seq in range(1, count + 1):
                day = FIRST_DAY + dt.timedelta(days=rng.randrange(span + 1))
                has_time = rng.random() < 0.5
                when = dt.datetime(day.year, day.month, day.day, rng.randint(8, 18) if has_time else 0,
                                   rng.randrange(60) if has_time else 0)
                author = rng.choice(unit.people)[1]
                tags = [rng.choice(TOPICS)[1]] if rng.random() < 0.1 else []
                meta: dict[str, str] = {}
                if ctype == "news":
                    meta = {"author": author, "source": unit.name}
                    if unit.kind != "portal" and rng.random() < 0.1:
                        meta["push_to_portal"] = f"[{PORTAL_PUSH_COLUMN[0]}]"
                    if unit.kind == "portal" and rng.random() < 0.02:
                        meta["homepage"] = "true"
                elif ctype == "notice":
                    meta = {"publisher": unit.name}
                elif ctype == "policy":
                    serial[day.year] = serial.get(day.year, 0) + 1
                    effective = min(day + dt.timedelta(days=rng.randint(0, 30)), LAST_DAY)
                    keywords = rng.sample(OBJECTS, 3)
                    meta = {
                        "doc_number": f"基{unit.short_name[:2]}〔{day.year}〕{serial[day.year]}号",
                        "publisher": unit.name,
                        "keywords": "[" + ", ".join(keywords) + "]",
                        "index_no": _quote(f"{unit.org_code}-02-{day.year}-{serial[day.year]:05d}"),
                        "topic": rng.choice(POLICY_TOPICS),
                        "effective": effective.isoformat(),
                        "status": "有效",
                    }
                yield Item(unit, cid, cname, ctype, f"{day.isoformat()}-{seq:05d}", when, has_time,
                           text.title(unit, ctype), text.body(), meta, tags, author)


def embargo_items(units: list[UnitSpec], count: int, rng: random.Random) -> Iterator[Item]:
    """``count`` news items of the first department (or the portal) embargoed until EMBARGO_BASE + 5 min + k steps,
    dated that day (J007: a date on the embargo's day is not a future date)."""
    unit = units[1] if len(units) > 1 else units[0]
    text = TextMaker(rng)
    cid, cname, ctype = COLUMNS[0][:3]
    for k in range(count):
        due = embargo_due(k)
        author = rng.choice(unit.people)[1]
        meta = {"author": author, "source": unit.name, "publish_at": due.strftime("%Y-%m-%d %H:%M")}
        yield Item(unit, cid, cname, ctype, f"{due.date().isoformat()}-e{k + 1:04d}", due, True,
                   text.title(unit, ctype), text.body(), meta, [], author)


def embargo_due(k: int) -> dt.datetime:
    """When embargoed item ``k`` (0-based) becomes due (China time)."""
    return EMBARGO_BASE + dt.timedelta(minutes=5) + k * EMBARGO_STEP


def epoch_of(moment: dt.datetime) -> int:
    """SOURCE_DATE_EPOCH for a China-time moment."""
    return int((moment - CHINA_OFFSET).replace(tzinfo=dt.UTC).timestamp())


def _date(item: Item) -> str:
    return item.when.strftime("%Y-%m-%d %H:%M" if item.has_time else "%Y-%m-%d")


def zhanqun_markdown(item: Item) -> str:
    lines = ["---", f"title: {item.title}", f"date: {_date(item)}", "importance: routine"]
    lines += [f"{key}: {value}" for key, value in item.meta.items()]
    if item.tags:
        lines.append("tags: [" + ", ".join(item.tags) + "]")
    return "\n".join(lines) + "\n---\n\n" + item.body


def pelican_markdown(item: Item) -> str:
    lines = [f"Title: {item.title}", f"Date: {_date(item)}", f"Category: {item.unit.short_name}{item.column_name}",
             f"Slug: {item.unit.id}-{item.column}-{item.stem}", f"Author: {item.author}"]
    if item.tags:
        lines.append("Tags: " + ", ".join(item.tags))
    return "\n".join(lines) + "\n\n" + item.body


def hugo_markdown(item: Item) -> str:
    """YAML front matter as Hugo reads it: title, date (with China's offset), slug, tags."""
    lines = ["---", f"title: {json.dumps(item.title, ensure_ascii=False)}",
             f"date: {item.when.strftime('%Y-%m-%dT%H:%M:00')}+08:00", f"slug: {json.dumps(item.stem)}"]
    if item.tags:
        lines.append("tags: " + json.dumps(item.tags, ensure_ascii=False))
    return "\n".join(lines) + "\n---\n\n" + item.body


def _hugo_index(title: str) -> str:
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n"


PLAIN_CONF = '''"""Plain Pelican settings for the benchmark baseline, as pelican-quickstart writes them."""

AUTHOR = "基准测试"
SITENAME = "基准县人民政府（Pelican 基线）"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"

# Feed generation is usually not desired when developing (pelican-quickstart's default)
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

DEFAULT_PAGINATION = 20  # zhanqun lists 20 items per page
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
'''


def copy_project_files(out: Path, project: Path) -> None:
    """Copy the shared theme, plugins, schemas and Pelican settings into the synthetic repository."""
    for name in COPIED:
        source, target = project / name, out / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target)


def leader_pages(unit: UnitSpec, count: int, rng: random.Random) -> Iterator[tuple[str, str]]:
    """(file stem, Markdown) of ``count`` leader pages: a head and deputies, for the wording gate (W003)."""
    head = "局长" if unit.kind != "portal" else "县长"
    for index in range(count):
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2))
        post = f"{unit.short_name}党组书记、{head}" if index == 0 else f"{unit.short_name}党组成员、副{head}"
        yield f"leader-{index + 1}", (
            f"---\ntitle: {name}\ndate: 2026-01-15\nname: {name}\npost: {post}\n"
            f"resume: {name}，大学学历，中共党员。现任{post}。\nduties: 负责{unit.short_name}全面工作。\n---\n\n"
            f"{name}同志，{post}。\n")


def copy_hugo_files(hugo: Path) -> None:
    """bench/hugo/'s settings and layouts into OUT/hugo/."""
    shutil.copy2(HUGO_FILES / "hugo.toml", hugo / "hugo.toml")
    shutil.copytree(HUGO_FILES / "layouts", hugo / "layouts")


def git_init(out: Path) -> None:
    """Make ``out`` a git repository (branch main) with everything zhanqun reads in one commit; the baselines'
    trees and the outputs are ignored."""
    (out / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    when = f"{epoch_of(EMBARGO_BASE)} +0800"
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "基准测试站群"]):
        subprocess.run(cmd, cwd=out, env=env, check=True, capture_output=True)


def generate(out: Path, units: int, items: int, seed: int = 1, project: Path = PROJECT, leaders: int = 0,
             embargoes: int = 0, git: bool = False) -> dict[str, int]:
    """Write the synthetic repository to ``out`` (replacing it). Returns counts for the report.

    ``leaders`` adds that many leader pages per unit (zhanqun only: the gates benchmark needs them).
    ``embargoes`` adds that many embargoed items (see :func:`embargo_items`); they are ordinary items in the
    plain and Hugo trees (they are published once due). ``git`` makes ``out`` a repository (:func:`git_init`).
    """
    if units < 1 or items < 0 or embargoes < 0:
        raise ValueError("need at least one unit and non-negative item and embargo counts")
    if out.exists() and any(out.iterdir()):
        if not (out / "plain" / "pelicanconf.py").is_file():
            raise ValueError(f"{out} is not empty and was not made by this script; refusing to replace it")
        shutil.rmtree(out)
    rng = random.Random(seed)
    content, plain, hugo = out / "content", out / "plain" / "content", out / "hugo" / "content"
    content.mkdir(parents=True)
    plain.mkdir(parents=True)
    hugo.mkdir(parents=True)
    copy_project_files(out, project)
    copy_hugo_files(out / "hugo")
    (hugo / "_index.md").write_text(_hugo_index(f"{COUNTY}人民政府"), encoding="utf-8")
    (out / "plain" / "pelicanconf.py").write_text(PLAIN_CONF, encoding="utf-8")
    (content / "cluster.yaml").write_text(cluster_yaml(), encoding="utf-8")
    specs = plan_units(units, rng)
    made_dirs: set[Path] = set()
    chars = written = 0
    for spec in specs:
        (content / spec.id).mkdir()
        (content / spec.id / "unit.yaml").write_text(unit_yaml(spec, leaders), encoding="utf-8")
        (hugo / spec.id).mkdir()
        (hugo / spec.id / "_index.md").write_text(_hugo_index(spec.name), encoding="utf-8")
        if leaders:
            (content / spec.id / LEADER_COLUMN[0]).mkdir()
            for stem, text in leader_pages(spec, leaders, rng):
                (content / spec.id / LEADER_COLUMN[0] / f"{stem}.md").write_text(text, encoding="utf-8")
    planned = plan_items(specs, items, rng)
    for item in itertools.chain(planned, embargo_items(specs, embargoes, random.Random(seed + 1))):
        folder = content / item.unit.id / item.column
        plain_folder = plain / item.unit.id / item.column
        hugo_folder = hugo / item.unit.id / item.column
        if folder not in made_dirs:
            folder.mkdir(parents=True)
            plain_folder.mkdir(parents=True)
            hugo_folder.mkdir(parents=True)
            (hugo_folder / "_index.md").write_text(_hugo_index(item.column_name), encoding="utf-8")
            made_dirs.add(folder)
        (folder / f"{item.stem}.md").write_text(zhanqun_markdown(item), encoding="utf-8")
        (plain_folder / f"{item.stem}.md").write_text(pelican_markdown(item), encoding="utf-8")
        (hugo_folder / f"{item.stem}.md").write_text(hugo_markdown(item), encoding="utf-8")
        chars += len(item.body)
        written += 1
    if git:
        git_init(out)
    return {"units": len(specs), "items": written, "body_chars": chars, "embargoes": embargoes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output directory (replaced)")
    parser.add_argument("--units", type=int, default=20, help="units including the portal (default 20)")
    parser.add_argument("--items", type=int, default=10_000, help="items in total (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--leaders", type=int, default=0, help="leader pages per unit (default 0)")
    parser.add_argument("--embargoes", type=int, default=0, help="embargoed items in the first department (default 0)")
    parser.add_argument("--git", action="store_true", help="make OUT_DIR a git repository with one commit")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        counts = generate(args.out, args.units, args.items, args.seed, leaders=args.leaders,
                          embargoes=args.embargoes, git=args.git)
    except ValueError as exc:
        parser.error(str(exc))
    took = time.perf_counter() - start
    print(f"generated {counts['units']} units, {counts['items']} items "
          f"(mean body {counts['body_chars'] // max(1, counts['items'])} characters) in {args.out} in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
