"""``zhanqun stats`` on the command line (R8.3): every wrong use is a Chinese message with its T code and a
non-zero exit, never a traceback; the annual ranking with weights from cluster.yaml, published as a 通报 item
with its CSV beside it, refused over an existing one without --force."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from tests.inspectrepo import news
from tests.test_stats_events import history_repo  # noqa: F401 - the scripted county
from zhanqun import cluster as cluster_mod

EPOCH = "1795219200"  # 2026-11-21


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.mark.parametrize("args,code,words", [
    (["--from", "2026/01/01"], "T001", "--from 的日期无法识别：2026/01/01"),
    (["--from", "2026-02-30"], "T001", "--from 的日期无法识别"),
    (["--period", "week"], "T001", "统计周期只能是 month、quarter 或 year"),
    (["--from", "2026-06-01", "--to", "2026-05-01"], "T002", "--from 2026-06-01 晚于 --to 2026-05-01"),
    (["--from", "2025-01-01", "--to", "2025-12-31"], "T003", "早于仓库的第一个提交（2026-01-05 09:00）"),
    (["--unit", "qingshan"], "T004", "没有单位 qingshan"),
    (["--ranking", "2027"], "T007", "2027 年还没有开始"),
    (["--publish"], "T009", "--publish、--force 只能与 --ranking"),
    (["--to", "2026-05-01"], "T009", "给了 --to 却没有给 --from"),
    (["--ranking", "2026", "--from", "2026-01-01"], "T009", "--ranking 统计整年的全部单位"),
    (["--from", "2027-01-01"], "T009", "还没有到"),
])
def test_wrong_uses_say_what_and_how_to_fix_in_chinese(history_repo, zq, args, code, words):  # noqa: F811
    root, _ = history_repo
    result = zq("stats", "--root", root, *args)
    assert result.code == 2, result.text
    assert f"错误：{code}: " in result.err and words in result.err, result.err
    assert "提示：" in result.err and "Traceback" not in result.text


def test_an_unknown_unit_suggests_the_new_name(history_repo, zq):  # noqa: F811
    root, _ = history_repo
    assert "是不是 qingshui？" in zq("stats", "--root", root, "--unit", "qingshui2").err


def test_every_t_code_is_in_the_registry_with_its_docs(zq):
    from zhanqun.rules import RULES

    codes = sorted(c for c in RULES if c.startswith("T0") and int(c[1:]) < 20)
    assert codes == [f"T{n:03d}" for n in range(1, 12)]  # T011: --publish through a link (issue 12 attack)
    for code in codes:
        assert RULES[code].requirement == "R8.3" and RULES[code].fix and RULES[code].example
    assert "统计区间早于仓库的第一个提交" in zq("rule", "T003").out


def test_formats_and_output_file(history_repo, zq, tmp_path):  # noqa: F811
    root, _ = history_repo
    out = tmp_path / "统计.csv"
    result = zq("stats", "--root", root, "--period", "quarter", "--from", "2026-01-01", "--to", "2026-06-30",
                "--format", "csv", "--output", out)
    assert result.code == 0, result.text
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["统计期"], r["标识"], r["发布"]) for r in rows][:3] == [
        ("2026年第一季度", "qingshui", "6"), ("2026年第一季度", "xzf", "0"), ("2026年第一季度", "", "6")]
    text = zq("stats", "--root", root, "--from", "2026-03-01", "--to", "2026-03-31")
    assert text.code == 0 and "2026年3月（2026-03-01 至 2026-03-31）" in text.out
    assert "按合入主分支的时间统计（不是头信息里写的日期）" in text.out
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    blocked = zq("stats", "--root", root, "--output", tmp_path / "a-file" / "统计.csv")
    assert blocked.code == 2 and "T010: 无法写入" in blocked.err and "Traceback" not in blocked.text


# -- the annual ranking -------------------------------------------------------------------------------------
STATS_CONFIG = "stats:\n  ranking_column: zwyw\n  ranking_weights: {updates: 50, errors: 20, replies: 30}\n"


@pytest.fixture
def ranked(history_repo, tmp_path):  # noqa: F811
    """The county with ranking weights in cluster.yaml and, in June, a portal item without its source (an
    error of zhanqun check: S-family)."""
    from tests.inspectrepo import Repo

    root = tmp_path / "county"
    shutil.copytree(history_repo[0], root)
    repo = Repo.__new__(Repo)
    repo.root = root
    import git

    repo.repo = git.Repo(root)
    config = (root / "content" / "cluster.yaml").read_text(encoding="utf-8")
    item = news("戊", "2026-06-01", source="").replace("source: \n", "")
    repo.commit("2026-06-01", {"content/cluster.yaml": config + STATS_CONFIG, "content/xzf/zwyw/f.md": item})
    return root, repo


def test_ranking_scores_each_unit_by_the_documented_formulas(ranked, zq):
    root, _ = ranked
    result = zq("stats", "--root", root, "--ranking", "2026", "--format", "json")
    assert result.code == 0, result.text
    import json

    data = json.loads(result.out)
    assert data["weights"] == {"updates": 50, "errors": 20, "replies": 30} and data["complete"] is False
    town, portal = sorted(data["entries"], key=lambda e: e["unit"])
    # the town: 2 of 11 monthly windows on time; inspect: homepage (J001), gzdt stale (J002), late reply (J014)
    assert (town["scores"], town["check_errors"], town["inspect_problems"]) == (
        {"updates": 18.2, "errors": 85.0, "replies": 50.0}, 0, 3)
    assert town["total"] == round((50 * 18.2 + 20 * 85.0 + 30 * 50.0) / 100, 1) == 41.1
    # the portal: no window met; f.md lacks its source (one check error); no reply column: replies not counted
    assert portal["check_errors"] == 1 and portal["scores"]["replies"] is None
    errors = 100 - 5 * (1 + portal["inspect_problems"])
    assert portal["scores"] == {"updates": 0.0, "errors": float(errors), "replies": None}
    assert portal["total"] == round(20 * errors / 70, 1)
    assert [e["rank"] for e in data["entries"]] == [1, 2] and data["entries"][0]["unit"] == "qingshui"


def test_ranking_is_published_as_a_notice_with_its_csv_and_not_overwritten(ranked, zq):
    root, _ = ranked
    result = zq("stats", "--root", root, "--ranking", "2026", "--publish")
    assert result.code == 0, result.text
    item = root / "content/xzf/zwyw/2026-niandu-zonghe-ceping.md"
    data = root / "content/xzf/zwyw/attachments/2026-niandu-zonghe-ceping.csv"
    text = item.read_text(encoding="utf-8")
    assert "title: 关于2026年度全县政府网站综合测评结果的通报" in text
    assert "| 1 | 示例县青山镇人民政府 | 41.1 |" in text and "提交 " in text
    assert data.read_bytes().startswith(b"\xef\xbb\xbf")
    # the item is an ordinary item of the column: zhanqun check accepts it
    _cluster, findings = cluster_mod.load(root, render=False, use_cache=False)
    ours = [f for f in findings if "niandu-zonghe-ceping" in f.path and f.severity.name == "ERROR"]
    assert ours == [], ours
    again = zq("stats", "--root", root, "--ranking", "2026", "--publish")
    assert again.code == 2 and "T006" in again.err and "--force" in again.err
    item.write_text("旧的", encoding="utf-8")
    assert zq("stats", "--root", root, "--ranking", "2026", "--publish", "--force").code == 0
    assert "综合测评结果的通报" in item.read_text(encoding="utf-8")


def test_publishing_without_a_ranking_column_says_where_to_set_it(history_repo, zq, tmp_path):  # noqa: F811
    root = tmp_path / "county"
    shutil.copytree(history_repo[0], root)
    result = zq("stats", "--root", root, "--ranking", "2026", "--publish")
    assert result.code == 2 and "T005" in result.err and "stats: {ranking_column:" in result.err
    assert not list((root / "content" / "xzf").rglob("*ceping*"))


@pytest.mark.parametrize("block,words,severity", [
    ("stats:\n  ranking_weights: {updates: -1}\n", "ranking_weights", "ERROR"),
    ("stats:\n  ranking_column: 通知公告\n", "ranking_column", "ERROR"),
    ("stats:\n  ranking_weights: {speed: 10}\n", "speed", "WARNING"),  # unknown keys warn (--strict fails)
])
def test_a_wrong_stats_block_in_cluster_yaml_says_where(history_repo, tmp_path, block, words, severity):  # noqa: F811
    root = tmp_path / "county"
    shutil.copytree(history_repo[0], root)
    config = root / "content" / "cluster.yaml"
    config.write_text(config.read_text(encoding="utf-8") + block, encoding="utf-8")
    _, findings = cluster_mod.load_structure(root)
    errors = [f for f in findings if f.path == "content/cluster.yaml" and f.severity.name == severity]
    assert errors and words in errors[0].message + errors[0].hint and errors[0].line > 0, errors


def test_the_weights_default_to_40_30_30():
    from zhanqun.config import ClusterConfig, StatsConfig

    assert dict(StatsConfig().ranking_weights) == {"updates": 40, "errors": 30, "replies": 30}
    assert dict(StatsConfig.from_data({"ranking_weights": {"errors": 50}}).ranking_weights) == {
        "updates": 40, "errors": 50, "replies": 30}
    assert ClusterConfig.from_data({"name": "县", "domain": "x.gov.cn", "portal": "p", "identity": {}, "sources": [],
                                    "signoff": {}, "admins": []}).stats.ranking_column is None


def test_a_shallow_clone_is_t008_and_says_to_fetch_the_history(history_repo, zq, tmp_path):  # noqa: F811
    import os
    import subprocess

    root, _ = history_repo
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", root.as_uri(), str(shallow)], check=True,
                   capture_output=True, env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
    result = zq("stats", "--root", shallow, "--period", "month")
    assert result.code == 2, result.text
    assert "错误：T008: " in result.err and "git fetch --unshallow" in result.text, result.err
    assert "Traceback" not in result.text


def test_a_json_report_printed_before_a_refusal_stays_the_one_document(history_repo, zq, tmp_path):  # noqa: F811
    """--format json with --publish: the ranking is printed, then publishing is refused (T005). Standard output
    holds that one JSON document, not a second zhanqun.error after it (review of issue 13); the error is on
    standard error."""
    root = tmp_path / "county"
    shutil.copytree(history_repo[0], root)
    result = zq("stats", "--root", root, "--ranking", "2026", "--publish", "--format", "json")
    assert result.code == 2 and "T005" in result.err
    assert json.loads(result.out)["format"] == "zhanqun.ranking"
    alone = zq("stats", "--root", root, "--ranking", "x", "--format", "json")  # nothing printed before: the envelope
    assert alone.code == 2 and json.loads(alone.out)["format"] == "zhanqun.error"
