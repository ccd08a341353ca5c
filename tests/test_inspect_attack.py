"""Hostile and careless input against ``zhanqun inspect`` and its check-time gates (issue 11, R7.1, R9, R4.10).

Each test is a class of evasion or breakage found by attacking the merged issue 11: a placeholder page that slipped
past J006, a date that crashed the inspection, a bad ``--at`` that ended in an internal error, and so on.
"""

from __future__ import annotations

import json

import pytest

from tests.inspectrepo import Repo, news

GZDT = "content/qingshan/gzdt"


@pytest.fixture
def town(tmp_path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-11-01", {f"{GZDT}/a.md": news("青山镇召开秋冬季农田水利建设推进会", "2026-11-01")})
    return repo


def _j006(zq, repo: Repo, body: str, title: str = "青山镇召开安全生产工作会议") -> list[str]:
    repo.write({f"{GZDT}/b.md": news(title, "2026-11-02", body=body)})
    result = zq("check", "--root", repo.root)
    assert "Traceback" not in result.text
    return [line for line in result.out.splitlines() if "b.md" in line and " J006 " in line]


# -- J006: placeholder bodies that slipped past the gate (R7.1) ---------------------------------------------------

@pytest.mark.parametrize("body", [
    "在 这 里 写 正 文",              # the scaffold prompt with spaces between the characters
    "在这里，写正文。",               # ... with punctuation
    "请 输 入 正 文 内 容",
    "<p></p>",                       # raw HTML and nothing in it
    "<div>待补充</div>",
    "<p><span>ＸＸＸ</span></p>",
    "待补充 会议",                    # a placeholder and one real word
    "测试 通知",
    "会议 暂无内容",
])
def test_placeholder_bodies_in_disguise_are_refused(town, zq, body):
    found = _j006(zq, town, body)
    assert found, body


@pytest.mark.parametrize("body", [
    "镇里召开安全生产工作会议，部署冬季防火工作。\n\n待补充\n",
    "镇里召开安全生产工作会议，部署冬季防火工作。\n\n**TODO**\n\n会议要求各村做好排查。",
    "## 会议内容\n\n<p>待完善</p>\n\n镇里召开安全生产工作会议。",
])
def test_an_unfinished_line_in_a_real_body_is_refused_with_its_line(town, zq, body):
    found = _j006(zq, town, body)
    assert found and "没有写完" in found[0]
    line = int(found[0].split(":")[1])
    assert line == 8 + next(n for n, text in enumerate(body.splitlines())
                            if any(w in text.lower() for w in ("待补充", "todo", "待完善")))


@pytest.mark.parametrize("body", [
    "本周暂无停电计划。",
    "会议时间待定，另行通知。",
    "镇里召开会议，研究内容待补充的几项工作，要求各村在月底前补齐材料。",
    "<p>镇里召开安全生产工作会议，部署冬季防火工作。</p>",
    "镇党委书记×××主持会议。",
    "策略",  # a one-character placeholder word inside a real word is not a placeholder
])
def test_real_bodies_that_use_the_words_are_not_placeholders(town, zq, body):
    assert _j006(zq, town, body) == []


@pytest.mark.parametrize("title", ["待补充", "暂无", "正文", "在 这 里 写 标 题"])
def test_placeholder_titles(town, zq, title):
    found = _j006(zq, town, "镇里召开安全生产工作会议，部署冬季防火工作。", title=title)
    assert found and "标题" in found[0]


# -- dates that crashed or slipped past the date checks (R2, R7.1) ------------------------------------------------

@pytest.mark.parametrize("date, code", [
    ("２０２７-01-05", "S004"),   # full-width digits: \d matched them, then every later reading crashed
    ("2026-1１-05", "S004"),
    ("٢٠٢٦-11-05", "S004"),      # Arabic-Indic digits
    ("9999-12-31", "S005"),      # every age and deadline overflowed (exit 3)
    ("0001-01-01", "S005"),
])
def test_dates_that_are_not_real_dates_are_refused_not_crashed_on(town, zq, date, code):
    town.commit("2026-11-02", {f"{GZDT}/b.md": news("青山镇召开安全生产工作会议", date)})
    check = zq("check", "--root", town.root)
    assert check.code == 1 and f"b.md:3:1: {code} " in check.out, check.text
    inspect = zq("inspect", "--root", town.root, "--at", "2026-11-20", "--format", "json")
    assert inspect.code in (0, 1), inspect.text  # not 3: the inspection runs (the item is not a valid page)
    assert "内部错误" not in inspect.text
    json.loads(inspect.out)


def test_a_future_date_behind_a_past_publish_at_is_refused(town, zq):
    town.commit("2026-11-02", {f"{GZDT}/b.md": news("青山镇召开安全生产工作会议", "2027-01-05",
                                                    extra="publish_at: 2026-11-02 09:00\n")})
    result = zq("inspect", "qingshan", "--root", town.root, "--at", "2026-11-20", "--format", "json")
    codes = [p["code"] for s in json.loads(result.out)["sites"] for p in s["problems"]]
    assert "J007" in codes and result.code == 1


# -- a broken unit.yaml hid the whole unit from the inspection (R7.3) ------------------------------------------------

@pytest.mark.parametrize("broken", [
    {"content/qingshan/unit.yaml": "name: [\n\tbad\n"},           # Y002 / Y001
    {"content/qingshan/unit.yaml": ""},                           # S001: required keys missing
    {"content/qingshan/unit.yaml": None, "content/qingshan/x": "x"},  # C001: a unit directory without unit.yaml
])
def test_a_unit_the_inspection_cannot_read_fails_it(town, zq, broken):
    town.commit("2026-11-02", broken)
    for args in ((), ("--at", "2026-11-20")):
        result = zq("inspect", "--root", town.root, *args, "--format", "json")
        data = json.loads(result.out)
        found = [p for p in data["problems"] if p["code"] == "J030"]
        assert result.code == 1 and found and found[0]["unit"] == "qingshan", result.text
        assert "没有参加自查" in found[0]["message"] and found[0]["path"].startswith("content/qingshan/")
    text = zq("inspect", "--root", town.root).out
    assert "content/qingshan/ 的配置有错误" in text


def test_an_undeclared_column_directory_fails_the_inspection(town, zq):
    town.commit("2026-11-02", {"content/qingshan/tzgg/b.md": news("青山镇关于冬季防火的通知", "2026-11-02")})
    result = zq("inspect", "--root", town.root, "--at", "2026-11-20", "--format", "json")
    found = [p for p in json.loads(result.out)["problems"] if p["code"] == "J030"]
    assert result.code == 1 and found and "青山镇" in found[0]["message"]


def test_a_sound_cluster_has_no_j030(town, zq):
    result = zq("inspect", "--root", town.root, "--at", "2026-11-05", "--format", "json")
    assert all(p["code"] != "J030" for p in json.loads(result.out)["problems"])


# -- content/calendar.yaml rewriting a year the library knows (R9) ---------------------------------------------------

def _calendar_check(zq, repo: Repo, text: str):
    repo.write({"content/calendar.yaml": text})
    result = zq("check", "--root", repo.root)
    assert "Traceback" not in result.text
    return result


def test_a_calendar_that_rewrites_a_library_year_is_flagged(town, zq):
    # one more day off for the 2026 National Day: every reply deadline over it gets a day longer
    result = _calendar_check(zq, town, "years:\n  - year: 2026\n    holidays:\n      - 2026-01-01 ~ 2026-01-03\n"
                                       "      - 2026-10-01 ~ 2026-10-09\n")
    lines = [line for line in result.out.splitlines() if " J042 " in line]
    assert lines and lines[0].startswith("content/calendar.yaml:2:")
    assert "2026 年的安排与日历库" in lines[0] and "2026-10-09" in lines[0]


def test_a_calendar_for_a_new_year_is_not_flagged_as_a_rewrite(town, zq):
    result = _calendar_check(zq, town, "years:\n  - year: 2027\n    holidays: [2027-01-01, 2027-10-01 ~ 2027-10-07]\n"
                                       "    workdays: [2027-09-26]\n")
    assert " J042 " not in result.out and result.code == 0, result.text


def test_a_year_of_holidays_is_refused(town, zq):
    result = _calendar_check(zq, town, "years:\n  - year: 2027\n    holidays:\n      - 2027-01-01 ~ 2027-01-31\n"
                                       "      - 2027-02-01 ~ 2027-02-28\n")
    assert result.code == 1 and "content/calendar.yaml:3:" in result.out and " J040 " in result.out
    inspect = zq("inspect", "--root", town.root)
    assert inspect.code != 0 and " J040 " in inspect.text and "内部错误" not in inspect.text


# -- replies: recorded when received, answered later (R9) -------------------------------------------------------------

HDJL = "content/qingshan/hdjl"
def _reply(received: str, answered: str | None = None, category: str = "咨询", extra: str = "") -> str:
    answer = f"answered: {answered}\n" if answered else ""
    body = "您好！东街路灯已于本周修复，感谢您的关注。" if answered else ""
    return (f"---\ntitle: 关于东街路灯损坏的咨询\nquestion: |\n  请问东街路灯什么时候修？\ncategory: {category}\n"
            f"received: {received}\n{answer}{extra}---\n\n{body}\n")


@pytest.fixture
def replies_town(tmp_path) -> Repo:
    from tests.inspectrepo import column

    repo = Repo(tmp_path / "repo", town=[column("gzdt", "工作动态"),
                                         column("hdjl", "互动交流", type="reply", column_type="互动交流")])
    repo.commit("2026-11-02", {f"{GZDT}/a.md": news("青山镇召开秋冬季农田水利建设推进会", "2026-11-02"),
                               f"{HDJL}/m.md": _reply("2026-11-02")})
    return repo


def _problems(zq, repo: Repo, at: str) -> list[dict]:
    result = zq("inspect", "qingshan", "--root", repo.root, "--at", at, "--format", "json")
    assert "内部错误" not in result.text, result.text
    return [p for s in json.loads(result.out)["sites"] for p in s["problems"]]


def test_a_message_recorded_then_answered_weeks_later_is_not_a_redated_page(replies_town, zq):
    # the documented workflow: the message is committed when received, the answer weeks later (late, but honest)
    replies_town.commit("2026-11-25", {f"{HDJL}/m.md": _reply("2026-11-02", "2026-11-25")})
    codes = {p["code"] for p in _problems(zq, replies_town, "2026-11-26") if p["path"] == f"{HDJL}/m.md"}
    assert "J009" not in codes and "J008" not in codes
    assert "J014" in codes  # answered late: a deduction, not a forged date


def test_a_received_date_moved_later_to_meet_the_deadline_is_caught(replies_town, zq):
    replies_town.commit("2026-11-25", {f"{HDJL}/m.md": _reply("2026-11-18", "2026-11-25")})
    found = [p for p in _problems(zq, replies_town, "2026-11-26") if p["path"] == f"{HDJL}/m.md"]
    assert [p["code"] for p in found] == ["J043"], found
    assert found[0]["level"] == "veto" and "2026-11-02 已记入仓库" in found[0]["message"]
    assert found[0]["line"] == 6


def test_an_honest_received_date_is_not_j043(replies_town, zq):
    replies_town.commit("2026-11-06", {f"{HDJL}/m.md": _reply("2026-11-02", "2026-11-06")})
    assert not [p for p in _problems(zq, replies_town, "2026-11-26") if p["path"] == f"{HDJL}/m.md"]


@pytest.mark.xfail(strict=True, reason="engine/timeline: a reply's publication is the first commit whose version "
                   "has `answered`; the inspection compares only the file's first commit and has no version history "
                   "of `answered`, `category` or `needs_verification` (see the attack report)")
@pytest.mark.parametrize("changed", [
    _reply("2026-11-02", "2026-11-10"),                               # answered on 11-20, written as 11-10
    _reply("2026-11-02", "2026-11-20", extra="needs_verification: true\n"),  # 15 days claimed after the fact
])
def test_an_answer_record_doctored_when_answering_is_caught(replies_town, zq, changed):
    replies_town.commit("2026-11-20", {f"{HDJL}/m.md": changed})
    codes = {p["code"] for p in _problems(zq, replies_town, "2026-11-26") if p["path"] == f"{HDJL}/m.md"}
    assert codes & {"J008", "J014", "J043", "J044"}, codes


@pytest.mark.parametrize("question", [
    "我叫王秀英，住在青山镇东街12号，请问低保怎么申请？",
    "本人李建华，家住青山镇建设路8号3单元，楼下夜间施工太吵。",
    "留言人赵国强，我家住东街12号，路灯坏了。",
])
def test_a_writer_introducing_themselves_with_their_address_is_refused(replies_town, zq, question):
    text = _reply("2026-11-02", "2026-11-04").replace("请问东街路灯什么时候修？", question)
    replies_town.write({f"{HDJL}/p.md": text})
    result = zq("check", "--root", replies_town.root)
    assert result.code == 1 and f"{HDJL}/p.md:4:" in result.out and " P004 " in result.out, result.text


# -- hostile text in every output (R4.10, R7.3) -----------------------------------------------------------------------

def test_control_characters_and_markup_from_names_and_titles_never_reach_a_reader_raw(town, zq, tmp_path):
    unit = (town.root / "content/qingshan/unit.yaml").read_text(encoding="utf-8")
    town.commit("2026-11-02", {
        "content/qingshan/unit.yaml": unit.replace("short_name: 青山镇", 'short_name: "青山<b>镇\\u202e\\x1b[31m"'),
        f"{GZDT}/b.md": news("<script>alert(1)</script>会议\u202egnp.exe\u202c纪要", "2026-11-02", body="待补充"),
        f"{GZDT}/c.md": news("联系13812345678的通知", "2027-01-05")})
    raw = ("\x1b", "\u202e", "\u202c", "\x9b", "13812345678")
    for fmt in ("text", "json", "html"):
        target = tmp_path / f"out.{fmt}"
        result = zq("inspect", "--root", town.root, "--at", "2026-11-20", "--format", fmt, "--output", target)
        assert result.code == 1, result.text
        written = target.read_text(encoding="utf-8")
        assert "J006" in written and "J007" in written
        for char in raw:
            assert char not in written and char not in result.text, (fmt, repr(char))
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<b>" not in page and "&lt;script&gt;" in page
    assert "138****5678" in page


# -- left for the lead (engine.py / timeline.py) ----------------------------------------------------------------------

def test_a_far_future_at_inspects_the_tip_or_says_why_not(town, zq):
    result = zq("inspect", "qingshan", "--root", town.root, "--at", "2100-01-02")
    assert "早于仓库的第一个提交" not in result.text, result.text


def test_deleting_and_re_adding_an_item_with_a_fresh_date_is_redating(town, zq):
    town.commit("2026-11-10", {f"{GZDT}/a.md": None})
    town.commit("2026-11-24", {f"{GZDT}/a.md": news("青山镇召开秋冬季农田水利建设推进会", "2026-11-24")})
    result = zq("inspect", "qingshan", "--root", town.root, "--at", "2026-11-26", "--format", "json")
    codes = {p["code"] for s in json.loads(result.out)["sites"] for p in s["problems"]}
    assert "J009" in codes, codes


# -- the environment and the tree (R7.3, R3) --------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["99999999999999", "abc", "1.7e9", "１７９５２１９２００"])
def test_a_malformed_source_date_epoch_is_a_clear_error(town, zq, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    for command in (("inspect", "--root", town.root), ("check", "--root", town.root)):
        result = zq(*command)
        assert result.code == 2 and "SOURCE_DATE_EPOCH" in result.text, result.text
        assert "内部错误" not in result.text


def test_an_empty_source_date_epoch_means_now(town, zq, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert zq("check", "--root", town.root).code == 0


def test_a_cluster_without_its_theme_builds_with_the_packages(town, zq):
    """R11.1 (issue 13): the theme ships in the package; a cluster repository needs no themes/ of its own."""
    assert not (town.root / "themes").exists()
    result = zq("build", "--root", town.root, "--jobs", "1")
    assert result.code == 0 and "内部错误" not in result.text, result.text
    site = next(p for p in (town.root / "output").iterdir() if not p.name.startswith("."))
    assert (site / "theme" / "css" / "site.css").is_file() and "<html" in (site / "index.html").read_text("utf-8")


def test_unreadable_git_log_output_is_a_message_not_a_crash():
    """timeline._parse_lean raised a name it never imported (NameError, exit 3) on output it could not read."""
    from zhanqun.errors import ZhanqunError
    from zhanqun.inspect import timeline

    with pytest.raises(ZhanqunError, match="无法解析 git log 的输出"):
        timeline._parse_lean(b"\x01not-a-commit\x00x")
