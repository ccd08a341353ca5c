"""Benchmark ``zhanqun audit`` against ``git log --name-status`` over a long synthetic history (issue 4).

    python bench/audit.py [--commits 20000] [--rounds 5] [--seed 1] [--workdir DIR] [--quick]

Target: ``zhanqun audit`` over a history of 20,000 commits takes at most 3× the time of
``git log --name-status`` over the same history.

1. Generates a cluster repository with exactly N commits on main (default 20,000), in one ``git fast-import``
   stream. The root commit is a copy of the demo cluster (content/, schemas/, themes/, plugins/,
   pelicanconf.py of this project). Then come pull requests, each one commit on a side branch followed by a
   ``--no-ff`` merge on main (first parent = the previous main), and about 1 % direct pushes. The pull
   requests add, edit, rename, move, withdraw and delete Markdown items under content/<unit>/<column>/ with
   front matter like the demo's, with importance routine, general or important. They also make occasional
   staff changes in unit.yaml and theme edits, and a few add ``<!-- zhanqun: ignore[…] 理由 -->``
   suppressions. Dates increase and everything is seeded, so the same arguments give the same repository.
2. Writes a sign-off note under refs/notes/zhanqun for almost every merge, in a second fast-import stream
   (the record names its own commit, whose sha is known only after the first). Each note is written by
   ``zhanqun.signoff.gitdata.record`` itself: the verdict comes from ``zhanqun.signoff.policy`` on the
   change, with reviews by people who hold the roles in the unit.yaml of the base commit. A planted
   few are missing, unsatisfied, open emergencies, completed emergencies (two lines) or forged. The expected
   violation counts are known and compared with what the audit finds.
3. Times, side by side and alternating, over R rounds (medians reported): ``git log --name-status main``
   (the baseline the target names) and ``zhanqun audit --root REPO --format json`` (the installed CLI, a
   fresh process each round). Both write to /dev/null. For information it also times
   ``git log --first-parent --name-status`` and the two ``git log`` commands the audit itself runs. It
   prints the ratio audit / baseline and whether it is ≤ 3×.

Run it with the project's virtualenv Python. Results go to bench/work/audit-results-c<N>.json. The exit code is
0 if the target is met and the audit found exactly the planted violations, 1 if not, 2 if a command failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate
import run as build_bench

from zhanqun.audit.history import NOTES_REF
from zhanqun.config import ClusterConfig, Unit
from zhanqun.signoff import gitdata, policy

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
WORK = BENCH / "work"
COPIED = ("content", "schemas", "themes", "plugins", "pelicanconf.py")
RATIO_LIMIT = 3.0
MIN_WALL_FOR_LOAD = 1.0  # below this, /proc/stat's 10 ms ticks make the share of other processes meaningless
TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2021, 1, 4, 9, 0, tzinfo=TZ)
DOMAIN = "shilixian.gov.cn"
PORTAL = "xzf"

# Shares of the history. Pull requests make up the rest (each adds two commits: the change and its merge).
DIRECT_PUSH = 0.01  # of the steps on main: a plain commit on main, half of them content (V001), half docs
OPS = [  # what a pull request does, with weights
    ("add", 66), ("add2", 4), ("modify", 19), ("rename", 3), ("delete", 3), ("unit", 1.5), ("platform", 0.5),
]
SUPPRESSION = 0.004  # of added or edited items: the change adds a suppression comment
NOTE_PLAN = [  # what happens to the sign-off record of a merge, with weights (per mille)
    ("ok", 990), ("none", 3), ("unsatisfied", 2), ("emergency-open", 1), ("emergency-completed", 2),
    ("self-approval", 1), ("forged-role", 1),
]
DROPPED = 2  # merges recorded and then force-pushed off main (V007); not counted in the N commits
CONCURRENT = 0.25  # of adding pull requests: branched from main one to three merges back

COLUMN_WEIGHTS = {"news": 6.0, "notice": 3.0, "policy": 1.0, "interpretation": 0.5}
IMPORTANCE = (("routine", 70), ("general", 22), ("important", 8))
SURNAMES = [("wang", "王"), ("li", "李"), ("zhang", "张"), ("liu", "刘"), ("chen", "陈"), ("yang", "杨"),
            ("huang", "黄"), ("zhao", "赵"), ("wu", "吴"), ("zhou", "周"), ("xu", "徐"), ("sun", "孙"),
            ("ma", "马"), ("zhu", "朱"), ("hu", "胡"), ("guo", "郭"), ("he", "何"), ("lin", "林"), ("luo", "罗")]
GIVEN = [("wei", "伟"), ("fang", "芳"), ("min", "敏"), ("jing", "静"), ("qiang", "强"), ("lei", "磊"),
         ("jun", "军"), ("yan", "艳"), ("jie", "杰"), ("tao", "涛"), ("ming", "明"), ("chao", "超"),
         ("xia", "霞"), ("ping", "平"), ("gang", "刚"), ("hua", "华"), ("ling", "玲"), ("bin", "彬"),
         ("peng", "鹏"), ("hui", "辉"), ("ning", "宁"), ("kai", "凯"), ("bo", "博"), ("yu", "雨")]
ADMINS = {"egov-zhou": "周政务", "egov-chen": "陈政务"}
REASONS = ["引用的是1949年以前的史料原文", "该表述为上级文件原文，保留原貌", "地名中的用字，非错别字",
           "该号码是镇政府值班电话，已公开多年", "企业名称中的用词，按营业执照照录", "历史照片说明，照录原文"]
SUPPRESSED_CODES = ["W002", "W001", "P002", "L001"]
EMERGENCIES = ["暴雨红色预警，须立即发布避险转移通知", "山洪灾害预警，须立即发布", "突发公共卫生事件，须立即发布防控提示",
               "森林火险红色预警，须立即发布", "地质灾害预警，须立即通知受威胁群众撤离"]
SLUG_WORDS = ["gongzuo", "tongzhi", "huiyi", "xiangmu", "jiancha", "fuwu", "zhengce", "jiedu", "anquan", "minsheng",
              "xiangcun", "zhenxing", "yingshang", "huanjing", "jiaoyu", "yiliao", "jiuye", "yanglao", "fangxun",
              "zhili", "diaoyan", "bushu", "tuijin", "luoshi", "shishi", "fangan", "banfa", "gonggao", "gongshi"]


# -- the history ---------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Item:
    path: str
    unit: str
    column: str
    ctype: str
    meta: dict  # front matter, in order (values are Python data, written as YAML below)
    body: str

    def text(self) -> str:
        lines = ["---"] + [f"{key}: {_yaml_value(value)}" for key, value in self.meta.items()] + ["---", ""]
        return "\n".join(lines) + "\n" + self.body

    def policy_meta(self) -> dict:
        """What the sign-off policy reads from the front matter."""
        return {k: v for k, v in self.meta.items() if k in ("importance", "homepage", "push_to_portal", "withdrawn")}


def _yaml_value(value) -> str:
    if value is True:
        return "true"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    text = str(value)
    if re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", text) or re.match(r"^[A-Z]+-\d", text):
        return generate._quote(text)
    return text


@dataclasses.dataclass
class UnitState:
    id: str
    text: str  # unit.yaml as it is now
    data: dict
    unit: Unit
    columns: list[tuple[str, str, str]]  # (id, name, type) of the columns new items go to
    policy_serial: int = 0
    policies: list[str] = dataclasses.field(default_factory=list)  # index numbers, for interpretations

    def people(self) -> list[dict]:
        return self.data["people"]

    def holders(self, role: str) -> list[str]:
        return [p["id"] for p in self.people() if role in p["roles"]]

    def name_of(self, login: str) -> str:
        return next((p["name"] for p in self.people() if p["id"] == login), login)


@dataclasses.dataclass
class Planned:
    """A sign-off record to write once the merge's sha is known (the record names its own commit)."""

    mark: int
    pr: str
    when: str
    lines: list[tuple[policy.Change, policy.Verdict]]
    forge: str = ""  # "", "self-approval" or "forged-role"


@dataclasses.dataclass
class Expected:
    commits: int = 0  # on main
    merges: int = 0
    direct_content: int = 0
    direct_other: int = 0
    needing_signoff: int = 0  # first-parent commits whose change needs a sign-off (audit entries)
    violations: dict[str, int] = dataclasses.field(default_factory=dict)
    ops: dict[str, int] = dataclasses.field(default_factory=dict)
    notes: int = 0
    config_changes: int = 0

    def add(self, code: str, count: int = 1) -> None:
        if count:
            self.violations[code] = self.violations.get(code, 0) + count


class Stream:
    """A git fast-import stream written straight into the process's stdin."""

    def __init__(self, out) -> None:
        self.out = out
        self.next_mark = 1

    def mark(self) -> int:
        self.next_mark += 1
        return self.next_mark - 1

    def blob(self, data: bytes) -> int:
        mark = self.mark()
        self.out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n")
        return mark

    def commit(self, ref: str, who: tuple[str, str], when: int, message: str, parents: list[int],
               ops: list[tuple], committer: tuple[str, str] | None = None) -> int:
        mark = self.mark()
        msg = message.encode("utf-8")
        committer = committer or who
        head = [f"commit {ref}", f"mark :{mark}", f"author {who[0]} <{who[1]}> {when} +0800",
                f"committer {committer[0]} <{committer[1]}> {when} +0800"]
        self.out.write(("\n".join(head) + "\n").encode("utf-8") + b"data %d\n" % len(msg) + msg + b"\n")
        if parents:
            self.out.write(b"from :%d\n" % parents[0])
        for parent in parents[1:]:
            self.out.write(b"merge :%d\n" % parent)
        for op in ops:
            if op[0] == "M":
                self.out.write(f"M 100644 :{op[2]} {op[1]}\n".encode())
            elif op[0] == "D":
                self.out.write(f"D {op[1]}\n".encode())
            else:  # R old new
                self.out.write(f"R {op[1]} {op[2]}\n".encode())
        self.out.write(b"\n")
        return mark


class History:
    """The state of main while the history is written: items, unit configs, people, and what to expect."""

    def __init__(self, stream: Stream, seed: int) -> None:
        self.s = stream
        self.rng = random.Random(seed)
        self.text = generate.TextMaker(random.Random(seed + 1))
        self.clock = int(START.timestamp())
        self.expected = Expected()
        self.items: dict[str, Item] = {}
        self.item_paths: list[str] = []  # generated items alive on main, for edits (swap-remove)
        self.item_index: dict[str, int] = {}
        self.suppressed: set[str] = set()  # items whose body carries a suppression comment
        self.serial = 0
        self.pr = 0
        self.planned: list[Planned] = []
        self.main_marks: list[int] = []
        self.used_ids: set[str] = set()
        self.theme_css = ""
        self.theme_path = ""
        self.docs = "# 运维记录\n\n"  # docs/maintenance.md, edited by direct pushes that need no sign-off

    # -- set-up ----------------------------------------------------------------------------------------------

    def root(self, project: Path) -> None:
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe", pure=False)
        files = sorted(p for name in COPIED for p in ([project / name] if (project / name).is_file()
                                                         else (project / name).rglob("*"))
                       if p.is_file() and "__pycache__" not in p.parts)
        ops = []
        for path in files:
            rel = path.relative_to(project).as_posix()
            ops.append(("M", rel, self.s.blob(path.read_bytes())))
        cluster = yaml.load((project / "content" / "cluster.yaml").read_text(encoding="utf-8"))
        self.config = ClusterConfig.from_data(cluster)
        self.config.admins = list(ADMINS)  # the demo's admins are egov-zhou and egov-chen
        self.units: dict[str, UnitState] = {}
        for unit_yaml in sorted((project / "content").glob("*/unit.yaml")):
            uid = unit_yaml.parent.name
            text = unit_yaml.read_text(encoding="utf-8")
            data = yaml.load(text)
            columns = [(c["id"], c["name"], c["type"]) for c in data["columns"] if c["type"] in COLUMN_WEIGHTS]
            self.units[uid] = UnitState(uid, text, data, Unit.from_data(uid, data), columns)
            self.used_ids.update(p["id"] for p in data["people"])
        self.unit_ids = sorted(self.units)
        self.unit_weights = [2.0 if u == PORTAL else 1.0 if self.units[u].data.get("hosting") == "subdomain" else 0.6
                             for u in self.unit_ids]
        css = sorted((project / "themes").rglob("*.css"))
        self.theme_path = css[0].relative_to(project).as_posix() if css else "themes/zhanqun/static/css/site.css"
        self.theme_css = css[0].read_text(encoding="utf-8") if css else ""
        first = self.s.commit("refs/heads/main", ("egov-zhou", f"egov-zhou@{DOMAIN}"), self.clock,
                              "导入示例县站群", [], ops)
        self.main_marks.append(first)
        self.expected.commits = 1
        self.expected.needing_signoff = 1  # the root: an "initial" entry

    # -- helpers ---------------------------------------------------------------------------------------------

    def tick(self, low: int, high: int) -> int:
        self.clock += self.rng.randint(low, high)
        return self.clock

    def local(self, when: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(when, TZ)

    def email(self, login: str) -> str:
        return f"{login}@{DOMAIN}"

    def _track(self, item: Item) -> None:
        self.items[item.path] = item
        self.item_index[item.path] = len(self.item_paths)
        self.item_paths.append(item.path)

    def _untrack(self, path: str) -> Item:
        item = self.items.pop(path)
        index = self.item_index.pop(path)
        last = self.item_paths.pop()
        if last != path:
            self.item_paths[index] = last
            self.item_index[last] = index
        self.suppressed.discard(path)
        return item

    def _slug(self) -> str:
        self.serial += 1
        return "-".join(self.rng.sample(SLUG_WORDS, 2)) + f"-{self.serial}"

    def _importance(self) -> str:
        return self.rng.choices([i for i, _ in IMPORTANCE], [w for _, w in IMPORTANCE])[0]

    def new_item(self, uid: str, when: int, column: tuple[str, str, str] | None = None) -> Item:
        unit = self.units[uid]
        rng = self.rng
        cid, _name, ctype = column or rng.choices(unit.columns, [COLUMN_WEIGHTS[c[2]] for c in unit.columns])[0]
        day = self.local(when)
        short, name = unit.data["short_name"], unit.data["name"]
        words = generate.OBJECTS
        if ctype == "news":
            title = f"{short}{rng.choice(generate.ADVERBS)}{rng.choice(generate.VERBS)}{rng.choice(words)}工作"
        elif ctype == "notice":
            title = f"关于做好{rng.choice(words)}{rng.choice(('工作', '有关事项', '专项检查'))}的通知"
        elif ctype == "policy":
            title = f"示例县{rng.choice(words)}{rng.choice(('管理办法', '实施方案', '实施细则', '工作方案'))}"
        else:
            title = f"《示例县{rng.choice(words)}实施方案》政策解读"
        meta: dict = {"title": title,
                      "date": day.strftime("%Y-%m-%d %H:%M") if rng.random() < 0.5 else day.strftime("%Y-%m-%d")}
        if ctype == "news":
            editors = unit.holders("editor") or [unit.people()[0]["id"]]
            meta.update(author=unit.name_of(rng.choice(editors)), source=name)
        elif ctype == "notice":
            meta["publisher"] = name
        elif ctype == "policy":
            unit.policy_serial += 1
            index_no = f"{unit.data['org_code']}-02-{day.year}-{unit.policy_serial:05d}"
            unit.policies.append(index_no)
            meta.update(doc_number=f"示{short[:2]}〔{day.year}〕{unit.policy_serial}号", publisher=name,
                        keywords=rng.sample(words, 3), index_no=index_no, topic=rng.choice(generate.POLICY_TOPICS),
                        effective=(day + dt.timedelta(days=rng.randint(0, 30))).strftime("%Y-%m-%d"), status="有效")
        else:
            if unit.policies:
                meta["policy"] = rng.choice(unit.policies)
            meta["publisher"] = name
        meta["importance"] = self._importance()
        if ctype == "news" and uid != PORTAL and rng.random() < 0.06:
            meta["push_to_portal"] = ["bmdt" if unit.data["kind"] == "department" else "xzdt"]
        if ctype == "news" and uid == PORTAL and rng.random() < 0.03:
            meta["homepage"] = True
        path = f"content/{uid}/{cid}/{day.strftime('%Y-%m-%d')}-{self._slug()}.md"
        return Item(path, uid, cid, ctype, meta, self.text.body())

    def maybe_suppress(self, item: Item) -> bool:
        if self.rng.random() >= SUPPRESSION or item.path in self.suppressed:
            return False
        blocks = item.body.rstrip("\n").split("\n\n")
        at = self.rng.randrange(len(blocks))
        comment = f"<!-- zhanqun: ignore[{self.rng.choice(SUPPRESSED_CODES)}] {self.rng.choice(REASONS)} -->"
        blocks[at] = comment + "\n" + blocks[at]
        item.body = "\n\n".join(blocks) + "\n"
        self.suppressed.add(item.path)
        return True

    def edit_body(self, item: Item) -> None:
        blocks = item.body.rstrip("\n").split("\n\n")
        at = self.rng.randrange(len(blocks))
        if "zhanqun:" in blocks[at] or self.rng.random() < 0.5:
            blocks.append(self.text.sentence())  # an added sentence at the end
        else:
            blocks[at] = self.text.paragraph()  # a rewritten paragraph
        item.body = "\n\n".join(blocks) + "\n"

    def random_item(self) -> Item | None:
        if not self.item_paths:
            return None
        return self.items[self.item_paths[self.rng.randrange(len(self.item_paths))]]

    # -- history steps ---------------------------------------------------------------------------------------

    def direct_push(self) -> None:
        """A plain commit on main: a typo fixed directly (needs a sign-off: V001) or a note in docs (doesn't)."""
        when = self.tick(600, 4 * 3600)
        item = self.random_item()
        if item is not None and self.rng.random() < 0.5:
            self.edit_body(item)
            ops = [("M", item.path, self.s.blob(item.text().encode("utf-8")))]
            login = (self.units[item.unit].holders("editor") or ["editor"])[0]
            who = (self.units[item.unit].name_of(login), self.email(login))
            message = f"修正错字：{item.meta['title']}"
            self.expected.direct_content += 1
            self.expected.needing_signoff += 1
            self.expected.add("V001")
        else:
            self.docs += f"- {self.local(when):%Y-%m-%d} 例行检查服务器与备份。\n"
            ops = [("M", "docs/maintenance.md", self.s.blob(self.docs.encode("utf-8")))]
            who = (ADMINS["egov-zhou"], self.email("egov-zhou"))
            message = "更新运维记录"
            self.expected.direct_other += 1
        mark = self.s.commit("refs/heads/main", who, when, message, [self.main_marks[-1]], ops)
        self.main_marks.append(mark)
        self.expected.commits += 1

    def pull_request(self) -> None:
        rng = self.rng
        op = rng.choices([o for o, _ in OPS], [w for _, w in OPS])[0]
        if op in ("modify", "rename", "delete") and len(self.item_paths) < 20:
            op = "add"
        self.pr += 1
        self.expected.ops[op] = self.expected.ops.get(op, 0) + 1
        when = self.tick(600, 4 * 3600)
        files: list[policy.ChangedFile] = []
        ops: list[tuple] = []
        base = self.main_marks[-1]
        suppressions = 0
        if op in ("add", "add2"):
            uid = rng.choices(self.unit_ids, self.unit_weights)[0]
            for _ in range(1 if op == "add" else 2):
                item = self.new_item(uid, when)
                suppressions += self.maybe_suppress(item)
                self._track(item)
                ops.append(("M", item.path, self.s.blob(item.text().encode("utf-8"))))
                files.append(policy.ChangedFile(item.path, "A", None, None, item.policy_meta()))
            if rng.random() < CONCURRENT and len(self.main_marks) > 4:
                base = self.main_marks[-1 - rng.randint(1, 3)]  # branched a little while ago
            author_login = rng.choice(self.units[uid].holders("editor"))
            subject = f"新增：{self.items[files[0].path].meta['title']}"
        elif op == "modify":
            item = self.random_item()
            before = item.policy_meta()
            self.edit_body(item)
            roll = rng.random()
            if roll < 0.05 and item.meta["importance"] != "important":
                item.meta["importance"] = {"routine": "general", "general": "important"}[item.meta["importance"]]
            elif roll < 0.06 and not item.meta.get("withdrawn"):
                meta = dict(item.meta)
                item.meta = {k: v for k, v in meta.items() if k != "importance"}
                item.meta.update(withdrawn=True, importance=meta["importance"])  # 撤稿
            suppressions += self.maybe_suppress(item)
            uid = item.unit
            ops.append(("M", item.path, self.s.blob(item.text().encode("utf-8"))))
            files.append(policy.ChangedFile(item.path, "M", None, before, item.policy_meta()))
            author_login = rng.choice(self.units[uid].holders("editor"))
            subject = f"修改：{item.meta['title']}"
        elif op == "rename":
            item = self._untrack(self.random_item().path)
            uid = item.unit
            same_type = [c for c in self.units[uid].columns if c[2] == item.ctype and c[0] != item.column]
            old = item.path
            if same_type and rng.random() < 0.5:
                item.column = rng.choice(same_type)[0]  # moved to another column of the same kind
            stem = old.rsplit("/", 1)[1][:10]
            item.path = f"content/{uid}/{item.column}/{stem}-{self._slug()}.md"
            self._track(item)
            if rng.random() < 0.3:  # moved and touched up in one go: git finds the rename by similarity
                self.edit_body(item)
                ops += [("D", old), ("M", item.path, self.s.blob(item.text().encode("utf-8")))]
            else:
                ops.append(("R", old, item.path))
            files.append(policy.ChangedFile(item.path, "R", old, item.policy_meta(), item.policy_meta()))
            author_login = rng.choice(self.units[uid].holders("editor"))
            subject = f"移动：{item.meta['title']}"
        elif op == "delete":
            item = self._untrack(self.random_item().path)
            uid = item.unit
            ops.append(("D", item.path))
            files.append(policy.ChangedFile(item.path, "D", None, item.policy_meta(), None))
            author_login = rng.choice(self.units[uid].holders("editor"))
            subject = f"删除：{item.meta['title']}"
        elif op == "unit":
            uid, path, text, subject = self.staff_change()
            ops.append(("M", path, self.s.blob(text.encode("utf-8"))))
            files.append(policy.ChangedFile(path, "M"))
            author_login = "egov-chen"
            self.expected.config_changes += 1
        else:  # platform: a theme tweak
            self.theme_css += f"\n/* {self.local(when):%Y-%m-%d} 调整页脚间距 */\n.site-footer {{ padding: {rng.randint(8, 24)}px 0; }}\n"
            ops.append(("M", self.theme_path, self.s.blob(self.theme_css.encode("utf-8"))))
            files.append(policy.ChangedFile(self.theme_path, "M"))
            uid, author_login, subject = PORTAL, "egov-chen", "调整页脚样式"
        author = (self.units[uid].name_of(author_login) if author_login not in ADMINS else ADMINS[author_login],
                  self.email(author_login))
        side = self.s.commit("refs/heads/pr", author, when, subject, [base], ops)
        merged_at = self.tick(300, 3 * 3600)
        change = policy.Change(author_login, tuple(files))
        plan = rng.choices([p for p, _ in NOTE_PLAN], [w for _, w in NOTE_PLAN])[0]
        if op in ("unit", "platform") and plan != "none":
            plan = "ok"  # forgeries and emergencies are planted on content changes only
        reviews, reason = self.reviews(change, plan)
        first = self.verdict(change, reviews, reason)
        merger = reviews[-1].login if reviews else "egov-zhou"
        merger_name = ADMINS.get(merger) or self._name_anywhere(merger)
        merge = self.s.commit("refs/heads/main", (merger_name, self.email(merger)), merged_at,
                              f"合并请求 #{self.pr}：{subject}", [self.main_marks[-1], side], ops,
                              committer=("Gitea", f"noreply@{DOMAIN}"))
        self.main_marks.append(merge)
        self.expected.commits += 2
        self.expected.merges += 1
        self.expected.needing_signoff += 1
        self.expected.add("V006", suppressions)
        when_utc = dt.datetime.fromtimestamp(merged_at, dt.UTC).isoformat()
        if plan == "none":
            self.expected.add("V001")
            return
        lines = [(change_with(change, reviews, reason), first)]
        if plan == "ok":
            assert first.satisfied and not first.emergency, (self.pr, first.reasons)
        elif plan == "unsatisfied":
            assert not first.satisfied
            self.expected.add("V004")
        elif plan == "emergency-open":
            assert first.emergency, first.reasons
            self.expected.add("V005")
        elif plan == "emergency-completed":
            assert first.emergency, first.reasons
            later, _ = self.reviews(change, "ok")
            later = tuple(policy.Review(r.login, r.state, r.commit, i + 1) for i, r in enumerate(later))
            completion = self.verdict(change, reviews + later, reason)
            assert completion.satisfied and not completion.emergency
            lines.append((change_with(change, reviews + later, reason), completion))
        elif plan == "self-approval":
            self.expected.add("V002")
            self.expected.add("V003")  # the editor holds no reviewing role either
        elif plan == "forged-role":
            self.expected.add("V003")
            self.expected.add("V008")  # the role it was moved from is left empty in a record that says satisfied
        self.planned.append(Planned(merge, str(self.pr), when_utc, lines, plan if plan in ("self-approval", "forged-role") else ""))
        self.expected.notes += 1

    def dropped_merge(self) -> None:
        """A recorded merge on a branch that is later deleted: main was force-pushed past it (V007)."""
        item = self.new_item(self.rng.choice(self.unit_ids), self.clock)
        when = self.clock + 60
        blob = self.s.blob(item.text().encode("utf-8"))
        login = self.units[item.unit].holders("editor")[0]
        who = (self.units[item.unit].name_of(login), self.email(login))
        side = self.s.commit("refs/heads/dropped-pr", who, when, f"新增：{item.meta['title']}",
                             [self.main_marks[-1]], [("M", item.path, blob)])
        self.pr += 1
        change = policy.Change(login, (policy.ChangedFile(item.path, "A", None, None, item.policy_meta()),))
        reviews, _ = self.reviews(change, "ok")
        merge = self.s.commit("refs/heads/dropped", ("Gitea", f"noreply@{DOMAIN}"), when + 60,
                              f"合并请求 #{self.pr}：新增 {item.meta['title']}", [self.main_marks[-1], side],
                              [("M", item.path, blob)])
        iso = dt.datetime.fromtimestamp(when + 60, dt.UTC).isoformat()
        self.planned.append(Planned(merge, str(self.pr), iso, [(change_with(change, reviews, ""),
                                                                self.verdict(change, reviews, ""))]))
        self.expected.notes += 1
        self.expected.add("V007")

    def staff_change(self) -> tuple[str, str, str, str]:
        """A unit.yaml edit: someone replaced in a role, a deputy reviewer added or removed, or a column's
        description reworded. Records after it are judged against the new people."""
        rng = self.rng
        uid = rng.choices(self.unit_ids, self.unit_weights)[0]
        unit = self.units[uid]
        people = unit.people()
        roll = rng.random()
        deputies = [p for p in people if len(unit.holders(p["roles"][0])) > 1]
        if roll < 0.5:
            role = rng.choice(["editor", "first", "second", "final"] + (["leader"] if uid == PORTAL else []))
            index = next(i for i, p in enumerate(people) if role in p["roles"])
            newcomer = self.person(uid, [role])
            old = people[index]["name"]
            people[index] = newcomer
            subject = f"{unit.data['short_name']}人员调整：{newcomer['name']}接替{old}任{policy.role_label(role)}"
        elif roll < 0.75 or not deputies:
            role = rng.choice(["first", "second"])
            newcomer = self.person(uid, [role])
            position = max(i for i, p in enumerate(people) if role in p["roles"]) + 1
            people.insert(position, newcomer)
            subject = f"{unit.data['short_name']}增加{policy.role_label(role)}：{newcomer['name']}"
        elif roll < 0.9:
            gone = rng.choice(deputies)
            people.remove(gone)
            subject = f"{unit.data['short_name']}人员调整：{gone['name']}不再担任{policy.role_label(gone['roles'][0])}"
        else:
            column = rng.choice(unit.data["columns"])
            column["description"] = f"发布{unit.data['short_name']}{column['name']}（{self.local(self.clock):%Y年%m月}调整）。"
            unit.text = re.sub(rf"(  - id: {column['id']}\n(?:    .*\n)*?    description: ).*\n",
                               lambda m: m.group(1) + column["description"] + "\n", unit.text, count=1)
            subject = f"{unit.data['short_name']}调整栏目说明：{column['name']}"
        block = "people:\n" + "".join(f"  - id: {p['id']}\n    name: {p['name']}\n    roles: [{', '.join(p['roles'])}]\n"
                                      for p in people)
        unit.text = re.sub(r"^people:\n(?:[ -].*\n)*", lambda _: block, unit.text, count=1, flags=re.MULTILINE)
        unit.unit = Unit.from_data(uid, unit.data)
        return uid, f"content/{uid}/unit.yaml", unit.text, subject

    def person(self, uid: str, roles: list[str]) -> dict:
        """A newcomer with an unused login (pinyin of the name, the unit; a number if the name is taken)."""
        while True:
            (sp, sh), (gp, gh) = self.rng.choice(SURNAMES), self.rng.choice(GIVEN)
            login = f"{sp}-{gp}-{uid}"
            if login not in self.used_ids:
                self.used_ids.add(login)
                return {"id": login, "name": sh + gh, "roles": roles}
            login = f"{sp}-{gp}{self.rng.randint(2, 99)}-{uid}"
            if login not in self.used_ids:
                self.used_ids.add(login)
                return {"id": login, "name": sh + gh, "roles": roles}

    def _name_anywhere(self, login: str) -> str:
        for unit in self.units.values():
            for p in unit.people():
                if p["id"] == login:
                    return p["name"]
        return login

    def unit_objects(self) -> dict[str, Unit]:
        return {uid: state.unit for uid, state in self.units.items()}

    def reviews(self, change: policy.Change, plan: str) -> tuple[tuple[policy.Review, ...], str]:
        """Approvals by people holding each required role at the base (the config now); for the plan's
        deviations: one role short (unsatisfied) or only the portal leader with a reason (emergency)."""
        if plan in ("emergency-open", "emergency-completed"):
            leader = self.units[PORTAL].holders("leader")[0]
            return (policy.Review(leader, "APPROVED", "", 0),), self.rng.choice(EMERGENCIES)
        units = self.unit_objects()
        chosen: list[str] = []
        for req in policy.required(change, self.config, units):
            for role in req.roles:
                if req.key == policy.PLATFORM:
                    holders = [a for a in self.config.admins if a != change.author]
                else:
                    unit = PORTAL if req.key == policy.PORTAL_UNIT else req.key
                    holders = self.units[unit].holders(role)
                holders = [h for h in holders if h not in chosen and h != change.author]
                chosen.append(self.rng.choice(holders))
        if plan == "unsatisfied":
            chosen = chosen[:-1]
        return tuple(policy.Review(login, "APPROVED", "", i) for i, login in enumerate(chosen)), ""

    def verdict(self, change: policy.Change, reviews, reason: str) -> policy.Verdict:
        return policy.verdict(change_with(change, reviews, reason), self.config, self.unit_objects())


def change_with(change: policy.Change, reviews, reason: str) -> policy.Change:
    return dataclasses.replace(change, reviews=tuple(reviews), emergency_reason=reason)


class _NoteCatcher:
    """Stands in for a GitPython repository: ``gitdata.record`` calls ``repo.git.notes(…, "-m", text, sha)``."""

    def __init__(self) -> None:
        self.git = self
        self.text = ""

    def notes(self, *args: str) -> None:
        self.text = args[args.index("-m") + 1]


def note_text(planned: Planned, sha: str) -> str:
    """The note as ``zhanqun signoff record`` would leave it (append adds a blank line between records)."""
    records = []
    for change, result in planned.lines:
        catcher = _NoteCatcher()
        data = gitdata.record(catcher, types.SimpleNamespace(hexsha=sha), change, result, planned.pr, planned.when)
        text = catcher.text
        if planned.forge and not records:
            if planned.forge == "self-approval":  # the author added as a reviewer by hand
                key = data["required"][0]["unit"] if data["required"] else "xzf"
                data["approvers"][data["author"]] = [{"unit": key, "role": "first"}]
            else:  # a reviewer recorded in a role they did not hold
                login = min(data["approvers"])
                held = data["approvers"][login][0]
                held["role"] = "final" if held["role"] != "final" else "first"
            text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        records.append(text + "\n")
    return "\n".join(records)


def generate_repo(repo: Path, commits: int, seed: int, project: Path = PROJECT) -> dict:
    """Write the repository; returns what the audit should find."""
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "gc.auto", "0")
    marks = repo / ".git" / "bench-marks"
    start = time.perf_counter()
    proc = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet", "--date-format=raw",
                             f"--export-marks={marks}"], stdin=subprocess.PIPE)
    stream = Stream(proc.stdin)
    history = History(stream, seed)
    history.root(project)
    drop_at = {int(commits * (i + 1) / (DROPPED + 1)) for i in range(DROPPED)}
    while history.expected.commits < commits:
        remaining = commits - history.expected.commits
        if any(history.expected.commits >= d for d in drop_at):
            drop_at = {d for d in drop_at if history.expected.commits < d}
            history.dropped_merge()
        if remaining == 1 or history.rng.random() < DIRECT_PUSH:
            history.direct_push()
        else:
            history.pull_request()
    proc.stdin.close()
    if proc.wait() != 0:
        fail("git fast-import failed (history)")
    history_s = time.perf_counter() - start
    for ref in ("refs/heads/pr", "refs/heads/dropped", "refs/heads/dropped-pr"):
        subprocess.run(["git", "-C", str(repo), "update-ref", "-d", ref], check=False)

    # the notes: one fast-import commit on refs/notes/zhanqun mapping each merge to its record
    sha_of = {}
    for line in marks.read_text().splitlines():
        mark, sha = line.split()
        sha_of[int(mark[1:])] = sha
    start = time.perf_counter()
    proc = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet", "--date-format=raw"],
                            stdin=subprocess.PIPE)
    out = proc.stdin
    message = b"Notes added by 'git notes append'"
    out.write(f"commit {NOTES_REF}\ncommitter zhanqun-ci <ci@{DOMAIN}> {history.clock + 3600} +0800\n".encode()
              + b"data %d\n" % len(message) + message + b"\n")
    for planned in history.planned:
        sha = sha_of[planned.mark]
        data = note_text(planned, sha).encode("utf-8")
        out.write(f"N inline {sha}\n".encode() + b"data %d\n" % len(data) + data + b"\n")
    out.write(b"\n")
    out.close()
    if proc.wait() != 0:
        fail("git fast-import failed (notes)")
    notes_s = time.perf_counter() - start
    start = time.perf_counter()
    git(repo, "reset", "-q", "--hard", "main")  # a working tree, as in a clone
    git(repo, "gc", "-q")  # packed, with a commit-graph, as a maintained clone is
    gc_s = time.perf_counter() - start
    marks.unlink()
    exp = history.expected
    summary = {
        "commits": exp.commits, "merges": exp.merges, "direct_pushes_content": exp.direct_content,
        "direct_pushes_other": exp.direct_other, "needing_signoff": exp.needing_signoff, "notes": exp.notes,
        "config_changes": exp.config_changes, "pull_request_ops": exp.ops, "items_alive": len(history.item_paths),
        "suppressions_added": exp.violations.get("V006", 0), "dropped_merges": DROPPED,
        "expected_violations": dict(sorted(exp.violations.items())), "seed": seed, "generator": generator_version(),
        "first_day": history.local(int(START.timestamp())).strftime("%Y-%m-%d"),
        "last_day": history.local(history.clock).strftime("%Y-%m-%d"),
        "seconds": {"history": round(history_s, 1), "notes": round(notes_s, 1), "checkout_and_gc": round(gc_s, 1)},
    }
    (repo / ".git" / "bench-history.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return summary


def fail(message: str) -> None:
    """A command failed: say so and exit 2 (1 is a missed target)."""
    print(message, file=sys.stderr)
    sys.exit(2)


def generator_version() -> str:
    """Digest of this script and the demo cluster: a repository in --workdir is reused only if both match."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in COPIED:
        root = PROJECT / name
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(PROJECT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        fail(f"git {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


# -- the measurement -----------------------------------------------------------------------------------------

@dataclasses.dataclass
class Timed:
    wall: float
    cpu: float  # user + system of the process tree
    other: float | None  # CPU share used by other processes during the run


def timed(cmd: list[str], env: dict[str, str]) -> Timed:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy, own = build_bench._machine_busy_seconds(), build_bench._own_cpu_seconds()
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_after, own = build_bench._machine_busy_seconds(), build_bench._own_cpu_seconds() - own
    if done.returncode not in (0, 1):  # the audit exits 1 when it finds violations
        fail(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr.decode(errors='replace')[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    other = None
    if busy is not None and busy_after is not None and wall >= MIN_WALL_FOR_LOAD:
        other = max(0.0, (busy_after - busy - cpu - own) / (wall * (os.cpu_count() or 1)))
    return Timed(wall, cpu, other)


def commands(repo: Path, zhanqun: str) -> dict[str, list[str]]:
    g = ["git", "-C", str(repo)]
    return {
        "baseline": g + ["log", "--name-status", "main"],
        "first_parent": g + ["log", "--first-parent", "--name-status", "main"],
        "audit_log": g + ["log", "--first-parent", "--diff-merges=first-parent", "-M", "--name-status", "-z",
                          "--format=%H%x00%P%x00%ct%x00%an%x00%ae%x00%s", "main", "--"],
        "audit_pickaxe": g + ["log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--text", "-s",
                              "-Gzhanqun", "--format=%H", "main", "--"],
        "audit": [zhanqun, "audit", "--root", str(repo), "--format", "json", "--no-cache"],
        # a repeated audit: the suppression search of the last run is kept in .git/zhanqun/
        "audit_warm": [zhanqun, "audit", "--root", str(repo), "--format", "json"],
    }


LABELS = {
    "baseline": "git log --name-status main",
    "first_parent": "git log --first-parent --name-status main",
    "audit_log": "  the audit's history read (git log --first-parent --diff-merges=first-parent -M --name-status -z)",
    "audit_pickaxe": "  the audit's suppression search (git log --first-parent -G…)",
    "audit": "zhanqun audit --root REPO --format json --no-cache (cold: the target)",
    "audit_warm": "zhanqun audit --root REPO --format json (repeated: suppression search cached)",
}


def measure(repo: Path, rounds: int, env: dict[str, str]) -> dict[str, list[Timed]]:
    cmds = commands(repo, zhanqun_cli())
    order = list(cmds)
    for name in order:  # warm-up: page cache, byte-compiled modules
        timed(cmds[name], env)
    runs: dict[str, list[Timed]] = {name: [] for name in order}
    for round_ in range(rounds):
        sequence = order if round_ % 2 == 0 else order[::-1]  # alternate which side goes first
        print(f"round {round_ + 1}/{rounds}:", end="", flush=True)
        for name in sequence:
            result = timed(cmds[name], env)
            runs[name].append(result)
            print(f"  {name} {result.wall:.2f}s", end="", flush=True)
        print(flush=True)
    return runs


def zhanqun_cli() -> str:
    found = Path(sys.executable).with_name("zhanqun")
    if not found.exists():
        sys.exit("zhanqun not found next to this Python: run bench/audit.py with the project's virtualenv Python")
    return str(found)


def audit_env(work: Path) -> dict[str, str]:
    """The environment for every timed command. The machine sets PYTHONDONTWRITEBYTECODE=1, under which an
    editable install would compile zhanqun from source on every run. An installed zhanqun has its bytecode, so
    Python may write it here, to a cache outside the source tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["GIT_PAGER"] = "cat"
    return env


def inspect_audit(repo: Path, env: dict[str, str]) -> dict:
    """Run the audit once (untimed) and summarise its JSON."""
    done = subprocess.run([zhanqun_cli(), "audit", "--root", str(repo), "--format", "json", "--no-cache"],
                          capture_output=True, env=env, check=False)
    if done.returncode not in (0, 1):
        fail(f"zhanqun audit failed ({done.returncode}):\n{done.stderr.decode(errors='replace')[-2000:]}")
    for _ in range(2):  # the first fills the suppression cache, the second uses it: both must say the same
        again = subprocess.run([zhanqun_cli(), "audit", "--root", str(repo), "--format", "json"], capture_output=True,
                               env=env, check=False)
        if again.stdout != done.stdout:
            fail("zhanqun audit with its suppression cache gave a different report than without it")
    data = json.loads(done.stdout)
    statuses: dict[str, int] = {}
    for entry in data["commits"]:
        statuses[entry["status"]] = statuses.get(entry["status"], 0) + 1
    return {"entries": len(data["commits"]), "violations": len(data["findings"]), "counts": data["counts"],
            "statuses": dict(sorted(statuses.items())), "json_bytes": len(done.stdout), "exit": done.returncode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=20_000, help="commits on main (default 20000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; medians are reported (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the repository here (reused when it was generated with the same arguments); "
                             "default: a temporary directory, removed afterwards")
    parser.add_argument("--regenerate", action="store_true", help="generate again even if --workdir has it")
    parser.add_argument("--quick", action="store_true", help="smoke test: 2,000 commits, 3 rounds")
    args = parser.parse_args(argv)
    if args.quick:  # start-up dominates at this size: the ratio it prints means nothing
        args.commits, args.rounds = 2_000, min(args.rounds, 3)
    if args.commits < 10 or args.rounds < 1:
        parser.error("--commits must be at least 10 and --rounds at least 1")

    temp = None
    if args.workdir is None:
        temp = Path(tempfile.mkdtemp(prefix="zhanqun-audit-bench-"))
        base = temp
    else:
        base = args.workdir.resolve()
        base.mkdir(parents=True, exist_ok=True)
    repo = base / f"audit-c{args.commits}-s{args.seed}"
    try:
        return run(args, repo, base)
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def run(args: argparse.Namespace, repo: Path, base: Path) -> int:
    code_before = build_bench.code_version()
    stamp = repo / ".git" / "bench-history.json"
    shape = json.loads(stamp.read_text(encoding="utf-8")) if stamp.is_file() else {}
    if shape.get("generator") == generator_version() and not args.regenerate:
        print(f"reusing {repo} (generated earlier by the same generator with the same arguments)")
    else:
        print(f"generating {args.commits:,} commits into {repo} …", flush=True)
        shape = generate_repo(repo, args.commits, args.seed)
        print(f"  history {shape['seconds']['history']} s, notes {shape['seconds']['notes']} s, "
              f"checkout + gc {shape['seconds']['checkout_and_gc']} s")
    counted = int(git(repo, "rev-list", "--count", "main").strip())
    first_parent = int(git(repo, "rev-list", "--count", "--first-parent", "main").strip())
    notes = len(git(repo, "notes", "--ref", NOTES_REF, "list").splitlines())
    pack = sum(p.stat().st_size for p in (repo / ".git" / "objects" / "pack").glob("*.pack"))
    print(f"history: {counted:,} commits on main ({first_parent:,} along first parents: {shape['merges']:,} merges, "
          f"{shape['direct_pushes_content'] + shape['direct_pushes_other']} direct pushes, the root), "
          f"{notes:,} notes, {shape['items_alive']:,} generated items alive, pack {pack / 1e6:.0f} MB, "
          f"{shape['first_day']} … {shape['last_day']}")
    if counted != shape["commits"] or notes != shape["notes"]:
        print(f"WARNING: expected {shape['commits']} commits and {shape['notes']} notes")

    env = audit_env(base)
    found = inspect_audit(repo, env)  # also the first warm-up
    print(f"audit: {found['entries']:,} entries (expected {shape['needing_signoff']:,}), "
          f"{found['violations']} violations {found['counts']} (expected {shape['expected_violations']}), "
          f"JSON {found['json_bytes'] / 1e6:.1f} MB")
    sane = found["entries"] == shape["needing_signoff"] and found["counts"] == shape["expected_violations"]
    if not sane:
        print("WARNING: the audit's findings differ from what the generator planted")

    runs = measure(repo, args.rounds, env)
    med = {name: statistics.median(r.wall for r in results) for name, results in runs.items()}
    ratio = med["audit"] / med["baseline"]
    info = build_bench.machine()
    info["git"] = git(repo, "--version").strip().removeprefix("git version ")
    info["code"] = build_bench.code_version()
    if info["code"] != code_before:
        info["code"] = f"{code_before} -> {info['code']} (CHANGED DURING THE RUN: numbers may mix versions)"

    print()
    print(f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, {info['os']}; git {info['git']}, "
          f"Python {info['python']}, zhanqun {info['zhanqun']} (code digest {info['code']})")
    print(f"median of {args.rounds} rounds, alternating; output to /dev/null")
    header = f"{'command':<100}{'median s':>9}{'CPU s':>7}{'others':>8}  rounds"
    print(header)
    print("-" * len(header))
    for name, results in runs.items():
        others = [r.other for r in results if r.other is not None]
        print(f"{LABELS[name]:<100}{med[name]:>9.2f}{statistics.median(r.cpu for r in results):>7.2f}"
              f"{build_bench._percent(max(others) if others else None):>8}  "
              + " / ".join(f"{r.wall:.2f}" for r in results))
    passed = ratio <= RATIO_LIMIT
    print()
    per_round = [a.wall / b.wall for a, b in zip(runs["audit"], runs["baseline"])]
    print(f"audit / git log --name-status = {ratio:.2f}   target <= {RATIO_LIMIT:g}   {'PASS' if passed else 'FAIL'}"
          f"   (per round: {', '.join(f'{r:.2f}' for r in per_round)})")
    print(f"audit / git log --first-parent --name-status = {med['audit'] / med['first_parent']:.2f}   (information)")
    print(f"repeated audit / git log --name-status = {med['audit_warm'] / med['baseline']:.2f}   (information)")
    if any((r.other or 0) > build_bench.BUSY for results in runs.values() for r in results):
        print(f"WARNING: other processes used more than {build_bench.BUSY:.0%} of the CPUs in some run; "
              "the times are not reliable.")

    saved = {
        "machine": info, "commits": args.commits, "rounds": args.rounds, "history": shape, "audit": found,
        "sane": sane,
        "runs": {name: {"command": LABELS[name].strip(), "median_s": round(med[name], 3),
                        "rounds_s": [round(r.wall, 3) for r in results],
                        "cpu_s": [round(r.cpu, 3) for r in results],
                        "others": [None if r.other is None else round(r.other, 3) for r in results]}
                 for name, results in runs.items()},
        "ratio": round(ratio, 3), "ratio_warm": round(med["audit_warm"] / med["baseline"], 3),
        "ratio_per_round": [round(r, 3) for r in per_round], "limit": RATIO_LIMIT,
        "pass": passed,
    }
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / (f"audit-results-c{args.commits}.json")
    out.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"results saved to {out}")
    return 0 if passed and sane else 1


if __name__ == "__main__":
    sys.exit(main())
