"""``zhanqun stats`` figures, each asserted exactly on the scripted county of test_stats_events (R8.3): per
unit, column and person and per quarter, publications, revisions, withdrawals, attachments, the cycle windows
met, replies received / answered / late and their average in working days."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.test_stats_events import history_repo  # noqa: F401 - the scripted county
from zhanqun.stats import compliance, engine

EPOCH = "1795219200"  # 2026-11-21


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def _rows(period) -> dict[str, tuple]:
    return {r.key: (r.published, r.revised, r.withdrawn, r.attachments) for r in [*period.rows, period.total]}


def _cycles(period) -> dict[str, tuple | None]:
    return {r.key: (r.compliance["on_time"], r.compliance["late"], r.compliance["missed"], r.compliance["windows"])
            if r.compliance else None for r in [*period.rows, period.total]}


def test_by_unit_per_quarter(history_repo):  # noqa: F811
    root, shas = history_repo
    stats = engine.run(root, "quarter", "2026-01-01", "2026-06-30", "unit")
    assert stats.commit == shas["c-deleted"]
    assert [p.period.label for p in stats.periods] == ["2026年第一季度", "2026年第二季度"]
    q1, q2 = stats.periods
    # the town renamed qingshan -> qingshui on 04-01: all its history is under qingshui; names from the config
    assert [(r.key, r.name) for r in q1.rows] == [("qingshui", "示例县青山镇人民政府"), ("xzf", "示例县人民政府")]
    # published: a, e, b (embargo ends 02-03), c, two replies; revised: a; withdrawn: a (撤稿), e (deleted)
    assert _rows(q1) == {"qingshui": (6, 1, 2, 1), "xzf": (0, 0, 0, 0), "": (6, 1, 2, 1)}
    assert _rows(q2) == {"qingshui": (0, 0, 1, 0), "xzf": (1, 0, 0, 0), "": (1, 0, 1, 0)}
    assert _rows(stats.whole) == {"qingshui": (6, 1, 3, 1), "xzf": (1, 0, 0, 0), "": (7, 1, 3, 1)}
    # monthly column: Jan and Feb on time, March late (02-03 + 1 month = 03-03 passed, updated 03-10), then
    # nothing in April-June: missed. The portal's 政务要闻 (2 weeks) never keeps up.
    assert _cycles(q1) == {"qingshui": (2, 1, 0, 3), "xzf": (0, 0, 3, 3), "": (2, 1, 3, 6)}
    assert _cycles(q2) == {"qingshui": (0, 0, 3, 3), "xzf": (0, 0, 3, 3), "": (0, 0, 6, 6)}
    assert q1.rows[0].compliance["share"] == 0.6667
    # replies: 03-02 answered 03-04 (2 working days, on time), 03-09 answered 03-30 (15, over the 7 allowed)
    town = q1.rows[0].replies
    assert (town["received"], town["answered"], town["on_time"], town["late"], town["overdue"],
            town["average_workdays"]) == (2, 2, 1, 1, 0, 8.5)
    assert q2.rows[0].replies["received"] == 0 and q1.rows[1].replies is None  # the portal has no reply column


def test_by_column(history_repo):  # noqa: F811
    root, _ = history_repo
    stats = engine.run(root, "quarter", "2026-01-01", "2026-06-30", "column")
    q1 = stats.periods[0]
    assert [(r.key, r.name, r.unit) for r in q1.rows] == [
        ("qingshui/gzdt", "青山镇·工作动态", "示例县青山镇人民政府"),
        ("qingshui/hdjl", "青山镇·互动交流", "示例县青山镇人民政府"),
        ("xzf/zwyw", "县政府·政务要闻", "示例县人民政府")]
    assert _rows(q1) == {"qingshui/gzdt": (4, 1, 2, 1), "qingshui/hdjl": (2, 0, 0, 0), "xzf/zwyw": (0, 0, 0, 0),
                         "": (6, 1, 2, 1)}
    assert _cycles(q1)["qingshui/hdjl"] is None  # a reply column has no update cycle
    assert q1.rows[0].replies is None and q1.rows[1].replies["late"] == 1


def test_by_person_one_person_across_two_units(history_repo):  # noqa: F811
    """王莉 published a in the town (record author Wang-Li) and d on the portal after moving there (wang-li):
    one person, named and placed by the config at the range's end."""
    root, _ = history_repo
    stats = engine.run(root, "quarter", "2026-01-01", "2026-06-30", "person")
    whole = stats.whole
    # the git author name "test" is in no unit.yaml: shown marked (issue 12 (c))
    assert [(r.key, r.name, r.unit) for r in whole.rows] == [
        ("test", "test（未在 unit.yaml 登记）", ""), ("liu-xzf", "刘晓燕", "示例县人民政府"), ("wang-li", "王莉", "示例县人民政府"),
        ("pan-qs", "潘小军", "示例县青山镇人民政府")]
    assert _rows(whole) == {"test": (5, 1, 3, 1), "wang-li": (2, 0, 0, 0), "liu-xzf": (0, 0, 0, 0),
                            "pan-qs": (0, 0, 0, 0), "": (7, 1, 3, 1)}
    assert whole.rows[2].compliance is None and whole.total.compliance is None
    # reviewers (stats/reviews.py): 潘小军 first-approved a (2 h after the pull request was opened) and, as Pan-QS,
    # second-approved d without a time; 刘晓燕 first-approved d 27 h after it was opened
    reviews = {r.key: r.reviews for r in whole.rows if r.reviews}
    assert {k: (v["approvals"], v["by_role"], v["untimed"], v["average_hours"]) for k, v in reviews.items()} == {
        "pan-qs": (2, {"初审": 1, "复审": 1}, 1, 2.0), "liu-xzf": (1, {"初审": 1}, 0, 27.0)}
    q1, q2 = stats.periods
    assert {r.key: r.reviews["approvals"] for r in q1.rows if r.reviews} == {"pan-qs": 1}
    assert {r.key: r.reviews["approvals"] for r in q2.rows if r.reviews} == {"pan-qs": 1, "liu-xzf": 1}
    assert any("只计次数" in n for n in stats.notes)


def test_two_people_of_one_name_are_told_apart_by_login():
    rows = [engine.Row("li-jing-a", "李静"), engine.Row("li-jing-b", "李静"), engine.Row("wang", "王莉")]
    engine._tell_apart(rows)
    assert [r.name for r in rows] == ["李静（li-jing-a）", "李静（li-jing-b）", "王莉"]


def test_months_and_a_range_cut_short_by_today(history_repo):  # noqa: F811
    """--period month labels; the range ends today (SOURCE_DATE_EPOCH 2026-11-21), not in the future."""
    root, _ = history_repo
    stats = engine.run(root, "month", "2026-10-01", "2026-12-31", "unit")
    assert [(p.period.label, str(p.period.first), str(p.period.last)) for p in stats.periods] == [
        ("2026年10月", "2026-10-01", "2026-10-31"), ("2026年11月", "2026-11-01", "2026-11-21")]
    assert stats.last.isoformat() == "2026-11-21"


def test_one_unit_only(history_repo):  # noqa: F811
    root, _ = history_repo
    stats = engine.run(root, "year", "2026-01-01", "2026-06-30", "unit", unit="xzf")
    assert [p.period.label for p in stats.periods] == ["2026年"]
    assert _rows(stats.whole) == {"xzf": (1, 0, 0, 0), "": (1, 0, 0, 0)}


def test_json_and_csv_carry_the_same_figures_and_say_moments_are_merge_times(history_repo):  # noqa: F811
    from zhanqun.stats import render

    root, shas = history_repo
    stats = engine.run(root, "quarter", "2026-01-01", "2026-06-30", "unit")
    data = json.loads(render.as_json(stats.to_json()))
    assert data["basis"] == "按合入主分支的时间统计（不是头信息里写的日期）"
    assert data["commit"] == shas["c-deleted"]
    assert data["periods"][0]["rows"][0]["published"] == 6
    raw = render.as_csv(stats)
    assert raw.startswith("\ufeff统计期,")  # Excel reads UTF-8 only with the BOM
    table = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    town_q1 = next(r for r in table if r["统计期"] == "2026年第一季度" and r["标识"] == "qingshui")
    assert (town_q1["发布"], town_q1["修改"], town_q1["撤稿"], town_q1["附件"], town_q1["按时"], town_q1["考核窗口"],
            town_q1["超期答复"], town_q1["平均答复用时（工作日）"]) == ("6", "1", "2", "1", "2", "3", "1", "8.5")
    assert {r["统计口径"] for r in table} == {"按合入主分支的时间统计（不是头信息里写的日期）"}
    assert [r["统计期"] for r in table].count("全部") == 3  # two units and the total
    text = render.as_text(stats)
    assert "按合入主分支的时间统计（不是头信息里写的日期）" in text
    assert "示例县青山镇人民政府：发布 6，修改 1，撤稿 2，附件 1；更新周期 按时 2/3（67%；超期后补发 1，超期未更新 0）" in text


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1", "＝1",
                                  "  =1", 'a",=1'])
def test_csv_cells_never_start_a_formula(name):
    from zhanqun.stats import render

    row = engine.Row("x", name)
    period = engine.PeriodStats(engine.periods.whole(*[__import__("datetime").date(2026, 1, 1)] * 2), [row], row)
    stats = engine.Stats("县", "0" * 40, "unit", "month", period.period.first, period.period.last, [period], period)
    cells = [cell for line in csv.reader(io.StringIO(render.as_csv(stats)[1:])) for cell in line]
    assert all(cell.lstrip(" \u3000")[:1] not in tuple("=+-@\t\r＝＋－＠") for cell in cells if cell)
    assert any(cell.endswith(name) for cell in cells)  # the name itself is kept, after its '



# -- the windows, pure --------------------------------------------------------------------------------------
def _d(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_weekly_windows_are_iso_weeks_clipped_to_the_period():
    assert compliance.windows("weekly", _d("2026-11-04"), _d("2026-11-17")) == [
        (_d("2026-11-04"), _d("2026-11-08")), (_d("2026-11-09"), _d("2026-11-15")),
        (_d("2026-11-16"), _d("2026-11-17"))]
    assert compliance.windows("half_year", _d("2026-03-01"), _d("2026-12-31")) == [
        (_d("2026-03-01"), _d("2026-06-30")), (_d("2026-07-01"), _d("2026-12-31"))]


def test_on_the_due_day_a_column_is_not_yet_stale_the_day_after_it_is():
    """Weekly (7 days): published Mon 11-02, due 11-09. Updated on 11-09: on time; on 11-10: late; never: missed."""
    from zhanqun.inspect.freshness import Limit

    week = [(_d("2026-11-09"), _d("2026-11-15"))]
    judge = lambda days: compliance.judge(Limit("days", 7), [_d(d) for d in days], week, None)[0].outcome  # noqa: E731
    assert judge(["2026-11-02", "2026-11-09"]) == "on_time"
    assert judge(["2026-11-02", "2026-11-10"]) == "late"
    assert judge(["2026-11-02"]) == "missed"
    assert judge(["2026-11-08"]) == "on_time"


def test_the_config_kept_for_a_commit_gives_the_figures_a_fresh_read_gives(history_repo, monkeypatch):  # noqa: F811
    """R8.3 speed: the config and reply items at the range's end are kept per commit (stats.config-<commit>.json,
    plain JSON); the next run reads that file instead of exporting and validating the config, with the same figures.
    A kept file of another code version, or one that cannot be read, is ignored and written again."""
    root, shas = history_repo
    folder = root / ".git" / "zhanqun"
    for old in folder.glob("stats.config-*.json"):
        old.unlink()
    fresh = engine.run(root, "quarter", "2026-01-01", "2026-06-30", "column").to_json()
    kept = folder / f"stats.config-{shas['c-deleted']}.json"
    assert kept.is_file()
    cluster, calendar = engine.config_at(root, engine.events.dt.datetime(2026, 6, 30, 23, 59, 59))
    assert cluster.root == folder / f"stats.config-{shas['c-deleted']}" and not cluster.root.exists()
    assert [i.rel for i in cluster.items] == ["content/qingshui/hdjl/r1.md", "content/qingshui/hdjl/r2.md"]
    assert calendar.is_workday(engine.events.dt.date(2026, 2, 28))  # 调休上班 (a Saturday), from the library
    import subprocess

    calls = []
    real_popen = subprocess.Popen

    def popen(args, *a, **k):
        calls.append(args[3] if args[:1] == ["git"] else args[0])
        return real_popen(args, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", popen)
    assert engine.run(root, "quarter", "2026-01-01", "2026-06-30", "column").to_json() == fresh
    monkeypatch.setattr(subprocess, "Popen", real_popen)
    assert "archive" not in calls and "ls-tree" not in calls, calls  # nothing exported, nothing listed
    good = kept.read_bytes()
    key = good[good.index(b'"key":'):good.index(b'","config"') + 1]
    for broken in (good.replace(b'"key":"1:', b'"key":"0:'), b'{"key": 1', b"[]",
                   b'{' + key + b',"config":[],"units":{"\\u0000":"dict","v":[]},"items":[],"calendar":[]}'):
        kept.write_bytes(broken)
        assert engine.run(root, "quarter", "2026-01-01", "2026-06-30", "column").to_json() == fresh
        assert kept.read_bytes() != broken


@pytest.mark.parametrize("value", [float("nan"), float("inf"), object(), {1, 2}, b"bytes",
                                   __import__("enum").Enum("Kind", "a").a,
                                   __import__("collections").namedtuple("Pair", "a b")(1, 2)])
def test_a_value_the_kept_config_cannot_hold_exactly_is_not_kept(value):
    """The kept config holds exactly what it was given or nothing (then the config is read again next run)."""
    classes = engine._kept_classes()
    with pytest.raises(engine._Unkept):
        engine._pack({"meta": [value]}, classes)


def test_the_kept_config_codec_gives_back_the_same_values_and_types():
    import datetime as dt

    import orjson

    from zhanqun import config

    classes = engine._kept_classes()
    column = config.Column("gzdt", "工作动态", "article", "dynamic", "monthly", "gzdt", "", ("a",), owners=("x",))
    value = {"when": dt.datetime(2026, 3, 2, 9, 30), "day": dt.date(2026, 3, 2), "pair": (1, "二"),
             "set": frozenset({dt.date(2026, 1, 1)}), 2026: [None, True, 1.5, column]}
    back = engine._unpack(orjson.loads(orjson.dumps(engine._pack(value, classes))), classes)
    assert back == value and type(back["pair"]) is tuple and type(back[2026][3]) is config.Column
