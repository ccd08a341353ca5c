"""Incremental builds (issue 16, R3.1, R3.10, R6.3): a one-item edit rebuilds exactly the sites whose bytes change.

The proof: for each kind of one-item edit, the demo county (in a real git repository) is built, edited and built
again into the same output; then built from nothing into a second folder. The sites the incremental build rebuilt
must be exactly those whose fresh output differs from the output before the edit, and the incremental output must
be byte for byte the fresh one (no stale site). Manifests are compared without their commit line.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import copy_repo
from tests.gitrepo import ENV
from zhanqun.build import build_cluster

EPOCH = 1795219200  # conftest's clock: 2026-11-21 08:00 China time
WWW, FGW, JYJ, WJW, CG = (f"{h}.shilixian.gov.cn" for h in ("www", "fgw", "jyj", "wjw", "chengguan"))


def git(root: Path, *args: str) -> None:
    env = {**os.environ, **ENV, "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.search(old, text, flags=re.MULTILINE), (path, old)
    path.write_text(re.sub(old, new, text, count=count, flags=re.MULTILINE), encoding="utf-8")


def tree(site: Path) -> dict[str, str]:
    """sha256 of every file of a built site; the manifest without its commit (a dirty tree's build says -dirty) and
    build time (a site that is not rebuilt keeps the manifest of the build that made it)."""
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name == "zhanqun-manifest.json":
                manifest = json.loads(data)
                manifest.pop("commit", None)
                manifest.pop("built_at", None)  # the build's reference time (SOURCE_DATE_EPOCH)
                data = json.dumps(manifest, sort_keys=True).encode()
            found[path.relative_to(site).as_posix()] = hashlib.sha256(data).hexdigest()
    return found


# Items the edits need that the demo does not have: a cross-site interpretation (fgw reads the portal's policy),
# embargoed items (one pushed to the portal, due at 08:30; one of jyj due at 09:30), a reply pushed to the portal.
EXTRA = {
    "content/fgw/zcjd/2026-11-01-shifancun-jiedu-fgw.md":
        '---\ntitle: 县发改委解读示范村建设政策\ndate: 2026-11-01\npolicy: "SLXZF-02-2025-00002"\n---\n'
        "县发改委就示范村建设中的项目安排作出解读。\n",
    "content/fgw/gzdt/2026-11-21-dingshi.md":
        '---\ntitle: 八点半发布的消息\ndate: 2026-11-21\npublish_at: "2026-11-21 08:30"\npush_to_portal: [bmdt]\n'
        "author: 刘晓\nsource: 示例县发展和改革委员会\n---\n县发改委召开专题会议，部署近期重点工作。\n",
    "content/jyj/gzdt/2026-11-21-jiudian.md":
        '---\ntitle: 九点半发布的消息\ndate: 2026-11-21\npublish_at: "2026-11-21 09:30"\nauthor: 李明\nsource: 示例县教育局\n---\n县教育局部署近期工作。\n',
    "content/fgw/hdjl/2026-11-05-tuisong-liuyan.md":
        "---\ntitle: 咨询项目申报时间\nquestion: |\n  请问今年的项目申报什么时候开始？\ncategory: 咨询\nreceived: 2026-11-05\n"
        "answered: 2026-11-06\npush_to_portal: [hdjl]\n---\n您好！今年的项目申报将于12月初开始，届时在本站通知公告栏目发布。\n",
}


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path]:
    """The demo county with EXTRA, committed, built once: (repository, output)."""
    root = copy_repo(tmp_path_factory.mktemp("incr") / "repo")
    for rel, text in EXTRA.items():
        write(root / rel, text)
    write(root / ".gitignore", ".zhanqun-cache/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "示例县站群")
    out = root.parent / "out"
    build_cluster(root, out, jobs=2)
    return root, out


def _pushed_without_summary(root: Path) -> Path:
    return root / "content/chengguan/gzdt/2026-10-30-laojiu-xiaoqu-yijian.md"


def _plain_item(root: Path, unit: str, untagged: bool = False) -> Path:
    """The newest item of the unit's 工作动态 that is not pushed to the portal and has no embargo (nor tags: then no
    topic page of the portal lists it)."""
    for path in sorted((root / "content" / unit / "gzdt").glob("*.md"), reverse=True):
        text = path.read_text(encoding="utf-8")
        if "push_to_portal" not in text and "publish_at" not in text and not (untagged and "tags:" in text):
            return path
    raise AssertionError(unit)




def _add_field(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("---\n")
    front, _, body = rest.partition("\n---\n")
    path.write_text(f"{head}---\n{front}\n{line}\n---\n{body}", encoding="utf-8")


def body(root: Path, mp: pytest.MonkeyPatch) -> None:
    path = _plain_item(root, "jyj")
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明：活动将持续至月底。\n", encoding="utf-8")


def body_pushed(root: Path, mp: pytest.MonkeyPatch) -> None:  # its summary in the portal's feeds comes from the body
    path = _pushed_without_summary(root)
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n---\n")
    path.write_text(head + sep + "开头补充一句：意见征集延长一周。" + rest, encoding="utf-8")


def title(root: Path, mp: pytest.MonkeyPatch) -> None:
    edit(_plain_item(root, "jyj"), r"^title: .*$", "title: 县教育局召开新学期工作部署会（更正）")


def title_untagged(root: Path, mp: pytest.MonkeyPatch) -> None:
    edit(_plain_item(root, "wjw", untagged=True), r"^title: .*$", "title: 县卫健委召开工作部署会（更正）")


def title_pushed(root: Path, mp: pytest.MonkeyPatch) -> None:
    edit(root / "content/fgw/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.md", r"^title: .*$", "title: 县发改委召开重点项目调度会")


def date(root: Path, mp: pytest.MonkeyPatch) -> None:
    edit(_plain_item(root, "wjw"), r"^date: .*$", 'date: "2026-11-20 09:00"')


def homepage(root: Path, mp: pytest.MonkeyPatch) -> None:
    _add_field(root / "content/fgw/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.md", "homepage: true")


def push(root: Path, mp: pytest.MonkeyPatch) -> None:
    _add_field(_plain_item(root, "jyj"), "push_to_portal: [bmdt]")


def tags(root: Path, mp: pytest.MonkeyPatch) -> None:
    _add_field(_plain_item(root, "wjw"), "tags: [乡村振兴]")


def withdrawn(root: Path, mp: pytest.MonkeyPatch) -> None:
    _add_field(root / "content/fgw/gzdt/2026-10-15-zhongdian-xiangmu-diaodu.md",
               "withdrawn: {date: 2026-11-20, reason: 数据有误，待核实后重新发布}")


def embargo_passes(root: Path, mp: pytest.MonkeyPatch) -> None:
    mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 45 * 60))  # 08:45: fgw's 08:30 item is out, jyj's 09:30 one is not


def interpretation_link(root: Path, mp: pytest.MonkeyPatch) -> None:
    edit(root / "content/fgw/zcjd/2026-11-01-shifancun-jiedu-fgw.md", r'^policy: .*$', 'policy: "SLXZF-02-2025-00001"')


def policy_title(root: Path, mp: pytest.MonkeyPatch) -> None:  # fgw's interpretation page names the portal's policy
    edit(root / "content/xzf/zcwj/2025-08-06-xiangcun-zhenxing-shifancun.md", r"^title: (.*)$", r"title: \1（修订）")


def reply_answer(root: Path, mp: pytest.MonkeyPatch) -> None:  # the portal's statistics count the pushed reply
    edit(root / "content/fgw/hdjl/2026-11-05-tuisong-liuyan.md", r"^answered: .*$", "answered: 2026-11-12")


def reply_body(root: Path, mp: pytest.MonkeyPatch) -> None:  # a reply of fgw that is not pushed
    edit(root / "content/fgw/hdjl/2026-10-09-zhongdian-xiangmu-jindu.md", "欢迎继续关注和监督", "欢迎继续关注")


# kind -> (the edit, the sites whose output it changes): the expected sets keep the edits meaningful; the proof
# is the comparison with the fresh build below
EDITS: dict[str, tuple[Callable[[Path, pytest.MonkeyPatch], None], set[str]]] = {
    "body": (body, {JYJ}),
    "body_pushed": (body_pushed, {CG, WWW}),
    "title": (title, {JYJ, WWW}),  # the item is tagged 乡村振兴: the portal's topic page lists it
    "title_untagged": (title_untagged, {WJW}),
    "title_pushed": (title_pushed, {FGW, WWW}),
    "date": (date, {WJW}),
    "homepage": (homepage, {WWW}),
    "push": (push, {WWW}),
    "tags": (tags, {WJW, WWW}),
    "withdrawn": (withdrawn, {FGW, WWW}),
    "embargo_passes": (embargo_passes, {FGW, WWW}),
    "interpretation_link": (interpretation_link, {FGW, WWW}),
    "policy_title": (policy_title, {FGW, WWW}),
    "reply_answer": (reply_answer, {FGW, WWW}),
    "reply_body": (reply_body, {FGW}),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_a_one_item_edit_rebuilds_exactly_the_sites_whose_output_changes(base, tmp_path, monkeypatch, kind):
    """Issue 16: per-site dependency sets. The edited item's own site may be rebuilt with nothing changing (its
    files are its own: any edit of them rebuilds it, e.g. a homepage flag only the portal shows); every other site
    is rebuilt exactly when its bytes change."""
    base_root, base_out = base
    root, out, fresh = tmp_path / "repo", tmp_path / "out", tmp_path / "fresh"
    shutil.copytree(base_root, root, symlinks=True)
    shutil.copytree(base_out, out, symlinks=True)
    change, expected = EDITS[kind]
    change(root, monkeypatch)
    report = build_cluster(root, out, jobs=2)
    build_cluster(root, fresh, jobs=2)
    hosts = sorted(p.name for p in base_out.iterdir() if not p.name.startswith("."))
    before = {h: tree(base_out / h) for h in hosts}
    now = {h: tree(fresh / h) for h in hosts}
    differ = {h for h in hosts if before[h] != now[h]}
    assert differ == expected, kind
    assert all(tree(out / h) == now[h] for h in hosts), "an incremental build left a stale site"
    edited = {h for h in (FGW, JYJ, WJW, CG) if h not in differ and _owns_edit(kind, h)}
    assert differ <= set(report.built) <= differ | edited, (kind, sorted(report.built))
    assert set(report.unchanged) == set(hosts) - set(report.built)


def _owns_edit(kind: str, host: str) -> bool:
    """The site whose own file the edit changed (the embargo edits no file)."""
    owner = {"body": JYJ, "body_pushed": CG, "title": JYJ, "title_untagged": WJW, "title_pushed": FGW, "date": WJW, "homepage": FGW,
             "push": JYJ, "tags": WJW, "withdrawn": FGW, "interpretation_link": FGW, "policy_title": WWW,
             "reply_answer": FGW, "reply_body": FGW}
    return owner.get(kind) == host


# -- the no-change build (issue 16): a whole-build stamp, from git's index ------------------------------------------

@pytest.fixture
def stamped(base, tmp_path, zq) -> tuple[Path, Path]:
    """A private copy of the built demo repository, built once more: its output now holds a stamp."""
    base_root, base_out = base
    root, out = tmp_path / "repo", tmp_path / "out"
    shutil.copytree(base_root, root, symlinks=True)
    shutil.copytree(base_out, out, symlinks=True)
    result = zq("build", "--root", root, "--output", out, "--jobs", "1")
    assert result.code == 0 and "已构建" not in result.err, result.text
    assert list((out / ".zhanqun").glob("build-*.json"))
    return root, out


def _build(zq, root: Path, out: Path):
    return zq("build", "--root", root, "--output", out, "--jobs", "1")


def test_a_build_with_nothing_changed_loads_no_item_and_no_pelican(stamped):
    """The stamp answers: every site 内容未变, the warnings counted as before; the loader and Pelican are never
    imported (run as a user runs it, in a fresh process)."""
    root, out = stamped
    code = ("import sys\nfrom zhanqun.cli import main\nprint('exit', main(sys.argv[1:]))\n"
            "print(sorted(m for m in ('pelican', 'zhanqun.cluster', 'zhanqun.content', 'markdown') if m in sys.modules))\n")
    import sys

    done = subprocess.run([sys.executable, "-c", code, "build", "--root", str(root), "--output", str(out)],
                          capture_output=True, text=True, cwd=root)
    assert "exit 0" in done.stdout and "[]" in done.stdout, done.stdout + done.stderr
    assert done.stderr.count("内容未变，跳过") == 6 and "已构建" not in done.stderr, done.stderr


@pytest.mark.parametrize("library", ["Markdown", "pelican", "ruamel.yaml"])
def test_another_version_of_a_library_that_renders_rebuilds_every_site(stamped, tmp_path, library):
    """pip install -U on the build machine (another Python-Markdown, Pelican, YAML loader): what the old version
    parsed and rendered is not kept — every site is rebuilt and its parses made again; the next build with the same
    version has nothing to do. A distribution found earlier on sys.path is the one Python imports, as here."""
    import sys

    root, out = stamped
    upgraded = tmp_path / "upgraded"
    info = upgraded / f"{library.replace('-', '_')}-99.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {library}\nVersion: 99.0\n", encoding="utf-8")
    code = ("import sys\nfrom zhanqun.cli import main\nprint('exit', main(sys.argv[1:]))\n"
            "from zhanqun import cache\nprint('versions', cache.library_versions().replace(chr(10), ';'))\n")

    def build(*path: Path) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        if path:
            env["PYTHONPATH"] = os.pathsep.join(map(str, path))
        return subprocess.run([sys.executable, "-c", code, "build", "--root", str(root), "--output", str(out),
                               "--jobs", "1"], capture_output=True, text=True, cwd=root, env=env)

    done = build(upgraded)
    name = library.lower().replace(".", "-")
    assert "exit 0" in done.stdout and f"{name} 99.0;" in done.stdout, done.stdout + done.stderr
    assert done.stderr.count("已构建") == 6 and "内容未变" not in done.stderr, done.stderr
    again = build(upgraded)
    assert again.stderr.count("内容未变，跳过") == 6, again.stderr
    back = build()
    assert f"{name} 99.0;" not in back.stdout and back.stderr.count("已构建") == 6, back.stdout + back.stderr


@pytest.mark.parametrize("how", ["tracked", "same_size_same_mtime", "weak_stat_config", "assume_unchanged",
                                 "untracked", "ignored"])
def test_any_change_git_can_see_or_not_takes_the_careful_path(stamped, zq, how):
    """An edited tracked file (also one of the same size with its old mtime put back: git's ctime and racy checks,
    whatever the repository's config says; and one marked assume-unchanged), an item git does not track and one
    .gitignore hides (the loader reads both): the site is rebuilt."""
    root, out = stamped
    item = _plain_item(root, "jyj", untagged=False)
    text = item.read_text(encoding="utf-8")
    if how == "tracked":
        item.write_text(text + "\n补充说明。\n", encoding="utf-8")
    elif how == "assume_unchanged":  # git never compares such an entry: its index blob id is not trusted
        git(root, "update-index", "--assume-unchanged", item.relative_to(root).as_posix())
        item.write_text(text + "\n补充说明。\n", encoding="utf-8")
    elif how in ("same_size_same_mtime", "weak_stat_config"):
        if how == "weak_stat_config":  # the repository's own config may not weaken the stat check
            git(root, "config", "core.checkStat", "minimal")
            git(root, "config", "core.trustctime", "false")
        before = item.stat()
        item.write_text(text.replace("。", "，", 1), encoding="utf-8")
        assert item.stat().st_size == before.st_size
        os.utime(item, ns=(before.st_atime_ns, before.st_mtime_ns))
    else:
        new = item.with_name("2026-11-20-xin.md")
        new.write_text(text.replace(re.search(r"^title: .*$", text, re.M).group(0), "title: 一条新消息"), encoding="utf-8")
        if how == "ignored":
            (root / ".gitignore").write_text(".zhanqun-cache/\n2026-11-20-xin.md\n", encoding="utf-8")
    result = _build(zq, root, out)
    assert result.code == 0 and f"{JYJ}：已构建" in result.err, result.text
    assert _build(zq, root, out).err.count("内容未变") == 6  # and stamped again


def test_a_passing_embargo_ends_the_stamp(stamped, zq, monkeypatch):
    """R3.10: the stamp holds until the earliest embargo still to pass (fgw's 08:30 item), not a minute longer."""
    root, out = stamped
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 29 * 60))
    assert _build(zq, root, out).err.count("内容未变") == 6
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 30 * 60))
    result = _build(zq, root, out)
    assert f"{FGW}：已构建" in result.err and f"{WWW}：已构建" in result.err and f"{JYJ}：内容未变" in result.err, result.text
    assert (out / FGW / "gzdt" / "2026-11-21-dingshi.html").is_file()


def test_a_failing_build_fails_again_and_a_deleted_site_is_rebuilt(stamped, zq):
    """A stamp is written only after a build that succeeded: an empty undeclared column folder (git cannot see it)
    or a link is refused every time; a site folder removed from the output is built again."""
    root, out = stamped
    (root / "content" / "fgw" / "weizhi").mkdir()
    for _ in range(2):
        result = _build(zq, root, out)
        assert result.code == 1 and "C002" in result.text and "weizhi" in result.text, result.text
    (root / "content" / "fgw" / "weizhi").rmdir()
    (root / "content" / "fgw" / "gzdt" / "lianjie.md").symlink_to(_plain_item(root, "fgw"))
    for _ in range(2):
        result = _build(zq, root, out)
        assert result.code == 1 and "C011" in result.text, result.text
    (root / "content" / "fgw" / "gzdt" / "lianjie.md").unlink()
    assert _build(zq, root, out).err.count("内容未变") == 6
    shutil.rmtree(out / WJW)
    result = _build(zq, root, out)
    assert f"{WJW}：已构建" in result.err and result.err.count("内容未变") == 5, result.text


def test_outside_git_there_is_no_stamp(stamped, zq):
    root, out = stamped
    shutil.rmtree(root / ".git")
    for stale in (out / ".zhanqun").glob("build-*.json"):
        stale.unlink()
    result = _build(zq, root, out)
    assert result.code == 0 and result.err.count("内容未变") == 6
    assert not list((out / ".zhanqun").glob("build-*.json"))


def _own_homepage(root: Path, shown: str) -> None:
    """The cluster's own copy of the homepage template, showing ``shown`` first (a template of its own can read
    anything: every site then depends on every unit)."""
    own = root / "themes" / "zhanqun" / "templates" / "index.html"
    text = own.read_text(encoding="utf-8")
    own.write_text(text.replace("{% block content %}", "{% block content %}" + shown, 1), encoding="utf-8")


def test_a_cluster_template_of_its_own_makes_every_item_a_dependency(base, tmp_path):
    """A cluster's own template can show anything (here every site's homepage lists the 乡村振兴 items of all
    units): the sites then depend on every item of the other units, and the check of what was handed out does not
    apply. A title edit rebuilds the sites whose homepage shows it; nothing is stale."""
    base_root, _ = base
    root, out, fresh = tmp_path / "repo", tmp_path / "out", tmp_path / "fresh"
    shutil.copytree(base_root, root, symlinks=True)
    _own_homepage(root, '<ul class="xczx">{% for i in zq.topic_items("乡村振兴") %}<li>{{ i.title }}</li>{% endfor %}</ul>')
    build_cluster(root, out, jobs=2)
    assert "乡村学校" in (out / FGW / "index.html").read_text(encoding="utf-8")
    title(root, pytest.MonkeyPatch())
    report = build_cluster(root, out, jobs=2)
    build_cluster(root, fresh, jobs=2)
    hosts = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert all(tree(out / h) == tree(fresh / h) for h in hosts), "an incremental build left a stale site"
    assert set(report.built) == set(hosts)
    assert "（更正）" in (out / FGW / "index.html").read_text(encoding="utf-8")


# -- under attack (issue 16, aincr): what a cold build would not write is not left in the output ----------------------

def _fresh_equal(root: Path, out: Path, fresh: Path) -> None:
    build_cluster(root, fresh, jobs=2)
    hosts = sorted(p.name for p in fresh.iterdir() if not p.name.startswith("."))
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == hosts, "a site left behind"
    assert all(tree(out / h) == tree(fresh / h) for h in hosts), "an incremental build left a stale site"


@pytest.mark.parametrize("how", ["channel", "label", "unit_removed"])
def test_a_site_the_cluster_no_longer_has_leaves_the_output(base, tmp_path, how):
    """R3.1, issue 16: a unit that becomes a channel of the portal (the fuzzer's case), a unit whose label changes
    (its host with it) and a removed unit: their old site folder is not in a build from nothing, so the incremental
    build removes it (with its fingerprint and search record) after publishing the sites that linked to it."""
    base_root, base_out = base
    root, out, fresh = tmp_path / "repo", tmp_path / "out", tmp_path / "fresh"
    shutil.copytree(base_root, root, symlinks=True)
    shutil.copytree(base_out, out, symlinks=True)
    unit = root / "content" / "dongcheng" / "unit.yaml"
    if how == "channel":
        edit(unit, r"^hosting: subdomain$", "hosting: channel")
        edit(unit, r"^hosting_reason: .*$", 'hosting_reason: ""')
    elif how == "label":
        edit(unit, r"^label: .*$", "label: dongchengjd")
        edit(unit, r"^label_reason: .*$", "label_reason: 与城关镇区分")
    else:
        shutil.rmtree(unit.parent)
        edit(root / "content/xzf/hdjl/2026-10-19-xiaoqu-yejian-shigong.md", r"^answer_unit: dongcheng\n", "")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", how)
    old = "dongcheng.shilixian.gov.cn"
    report = build_cluster(root, out, jobs=2)
    assert report.removed == [old] and "已从输出目录删除" in report.text()
    assert not (out / old).exists() and not (out / ".zhanqun" / f"{old}.fingerprint").exists()
    assert not (out / ".zhanqun" / f"{old}.search").exists()
    _fresh_equal(root, out, fresh)
    again = build_cluster(root, out, jobs=2)
    assert not again.built and not again.removed


def test_a_build_of_some_hosts_removes_no_other_site(base, tmp_path):
    """``--host`` builds only the sites named: the others in the output are not the cluster's loss."""
    base_root, base_out = base
    root, out = tmp_path / "repo", tmp_path / "out"
    shutil.copytree(base_root, root, symlinks=True)
    shutil.copytree(base_out, out, symlinks=True)
    edit(root / "content" / "dongcheng" / "unit.yaml", r"^label: .*$", "label: dongchengjd")
    edit(root / "content" / "dongcheng" / "unit.yaml", r"^label_reason: .*$", "label_reason: 与城关镇区分")
    report = build_cluster(root, out, [FGW], jobs=2)
    assert not report.removed and (out / "dongcheng.shilixian.gov.cn").is_dir()


@pytest.mark.parametrize("where", ["meta", "bodies", "blob"])
def test_a_damaged_parse_cache_costs_only_time(base, tmp_path, where):
    """Issue 16 (aincr, found by the fuzzer): .zhanqun-cache/parse.sqlite3 damaged between builds — one byte of a
    parse's metadata, or of the sha256 remembered for a git blob (internal errors before: the text no longer
    decodes), a byte of every body kept apart (B010 on every build before, while a build from nothing is fine): a
    damaged entry is a miss, a body is parsed again from its file, and the sites are what a build from nothing
    writes."""
    base_root, base_out = base
    root, out, fresh = tmp_path / "repo", tmp_path / "out", tmp_path / "fresh"
    shutil.copytree(base_root, root, symlinks=True)
    shutil.copytree(base_out, out, symlinks=True)
    git(root, "update-index", "-q", "--refresh")  # the copy's stat data: git vouches for its files again
    cache = root / ".zhanqun-cache" / "parse.sqlite3"
    data = bytearray(cache.read_bytes())
    item = sorted((root / "content" / "jyj" / "gzdt").glob("*.md"))[0].relative_to(root).as_posix()  # not edited
    blob = subprocess.run(["git", "rev-parse", f"HEAD:{item}"], cwd=root, capture_output=True, check=True).stdout.strip()
    mark = {"meta": b'"title":"', "bodies": b"<p>", "blob": blob}[where]
    at = data.index(mark)
    while at >= 0:
        data[at + len(mark) + 1] ^= 0xFF  # inside a UTF-8 character or the sha's hex digits: no longer decodes
        at = data.find(mark, at + 1) if where != "meta" else -1
    cache.write_bytes(bytes(data))
    body(root, pytest.MonkeyPatch())  # jyj is rebuilt: every body of its site is read
    report = build_cluster(root, out, jobs=2)
    assert JYJ in report.built
    (root / ".zhanqun-cache").rename(tmp_path / "damaged-cache")
    _fresh_equal(root, out, fresh)


@pytest.mark.parametrize(("later", "back", "rebuilt"), [(45, 29, {FGW, WWW}), (120, 60, {JYJ})])
def test_a_clock_put_back_does_not_keep_an_embargo_passed(stamped, zq, monkeypatch, tmp_path, later, back, rebuilt):
    """R3.10 (aincr, found by reading the stamp): built at 08:45, fgw's 08:30 item is out and the stamp holds for
    ever (no embargo ahead); the clock put back to 08:29 (a corrected clock, a CI run of an older pipeline) must
    hold the item again, as a build from nothing at 08:29 does, not answer 内容未变. Likewise jyj's 09:30 item
    between 10:00 and 09:00."""
    root, out = stamped
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + later * 60))
    assert _build(zq, root, out).code == 0
    assert _build(zq, root, out).err.count("内容未变") == 6  # stamped at the later time
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + back * 60))
    result = _build(zq, root, out)
    assert result.code == 0 and {h for h in (WWW, FGW, JYJ, WJW, CG) if f"{h}：已构建" in result.err} == rebuilt, result.text
    fresh = tmp_path / "fresh"
    build_cluster(root, fresh, jobs=2)
    hosts = sorted(p.name for p in fresh.iterdir() if not p.name.startswith("."))
    assert all(tree(out / h) == tree(fresh / h) for h in hosts), "a stamp kept an embargoed item published"
    assert _build(zq, root, out).err.count("内容未变") == 6  # and stamped again at the earlier time


def _own_homepage_template(root: Path) -> None:
    """A cluster template of its own: every site's homepage lists the 乡村振兴 items of all units."""
    _own_homepage(root, '<ul class="xczx">{% for i in zq.topic_items("乡村振兴") %}<li>{{ i.title }}</li>{% endfor %}</ul>')


@pytest.mark.parametrize(("tagged", "at"), [(False, 45), (True, 105)])
def test_with_templates_of_its_own_another_units_embargo_passing_rebuilds_the_sites(base, tmp_path, monkeypatch,
                                                                                    tagged, at):
    """R3.10 (aincr, found by the fuzzer): with a cluster template of its own every other unit's item counts, and
    so does whether it is out yet (every site is rebuilt when an embargo passes). fgw's item pushed to the portal
    passes its 08:30 embargo: the portal lists it (it stayed stale before: its fingerprint did not change); jyj's
    09:30 item, tagged 乡村振兴, passes: every homepage lists it."""
    base_root, _ = base
    root, out, fresh = tmp_path / "repo", tmp_path / "out", tmp_path / "fresh"
    shutil.copytree(base_root, root, symlinks=True)
    _own_homepage_template(root)
    if tagged:
        _add_field(root / "content/jyj/gzdt/2026-11-21-jiudian.md", "tags: [乡村振兴]")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "own template")
    build_cluster(root, out, jobs=2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + at * 60))
    report = build_cluster(root, out, jobs=2)
    build_cluster(root, fresh, jobs=2)
    hosts = sorted(p.name for p in fresh.iterdir() if not p.name.startswith("."))
    assert all(tree(out / h) == tree(fresh / h) for h in hosts), "an incremental build left a stale site"
    assert set(report.built) == set(hosts), sorted(report.built)
    if tagged:
        assert "九点半发布的消息" in (out / FGW / "index.html").read_text(encoding="utf-8")
    else:
        assert "八点半发布的消息" in (out / WWW / "bmdt" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("summary", [False, True])
def test_with_templates_of_its_own_a_body_edit_past_the_summary_rebuilds_the_sites(base, tmp_path, summary):
    """A cluster template of its own can show another unit's body in full (here every homepage shows the 乡村振兴
    items' bodies): a sentence added at the end of one — beyond the 120 characters of a feed summary, which was all
    the fingerprint had of it; or anywhere in an item with a 摘要, whose body it did not have at all — is on every
    homepage, as a build from nothing writes it (aincr, found by reading the fingerprint after the embargo case)."""
    base_root, _ = base
    root, out, fresh = tmp_path / "repo", tmp_path / "out", tmp_path / "fresh"
    shutil.copytree(base_root, root, symlinks=True)
    _own_homepage(root, '<div class="xczx">{% for i in zq.topic_items("乡村振兴") %}{{ i.html }}{% endfor %}</div>')
    if summary:
        _add_field(_plain_item(root, "jyj"), "summary: 县教育局部署近期工作。")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "own template")
    build_cluster(root, out, jobs=2)
    body(root, pytest.MonkeyPatch())  # jyj's newest plain item, tagged 乡村振兴: a sentence at its end
    report = build_cluster(root, out, jobs=2)
    build_cluster(root, fresh, jobs=2)
    hosts = sorted(p.name for p in fresh.iterdir() if not p.name.startswith("."))
    assert "活动将持续至月底" in (fresh / FGW / "index.html").read_text(encoding="utf-8")
    assert all(tree(out / h) == tree(fresh / h) for h in hosts), "an incremental build left a stale site"
    assert set(report.built) == set(hosts)
